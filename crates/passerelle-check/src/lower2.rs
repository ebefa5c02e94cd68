//! Second pass of the lowering: each declaration's fields.

use crate::lower::{Ctx, Lowerer, Scope};
use crate::model::*;
use passerelle_diag::{Bi, Code, Span, did_you_mean};
use passerelle_syntax::ast::{self as a, BinOp, ExprKind as AK};
use passerelle_syntax::{Body, Field};

/// The fields of a declaration, by key.
#[derive(Default)]
pub(crate) struct FieldMap<'f> {
    /// The accepted fields in source order, by key. A declaration has a handful of
    /// fields, so a flat list beats a hash map (and borrows its keys).
    pub fields: Vec<(&'f str, &'f Field)>,
    pub decl_span: Span,
}

impl<'f> FieldMap<'f> {
    pub fn one(&self, k: &str) -> Option<&'f Field> {
        self.fields
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, f)| *f)
    }

    pub fn many(&self, k: &str) -> Vec<&'f Field> {
        self.fields
            .iter()
            .filter(|(key, _)| *key == k)
            .map(|(_, f)| *f)
            .collect()
    }
}

const ONCE: bool = false;
const MANY: bool = true;

impl Lowerer<'_> {
    pub(crate) fn resolve_instrument_owners(&mut self) {
        for (inst, owner, span) in std::mem::take(&mut self.pending_owners) {
            let c = self.contact_ref(&owner, span);
            self.m.instruments[inst.idx()].owner = c;
        }
    }

    fn contact_ref(&mut self, name: &str, span: Span) -> Option<ContactId> {
        if let Some(c) = self.m.contact_ids.get(name) {
            return Some(*c);
        }
        let sugg =
            did_you_mean(name, self.m.contact_ids.keys().map(String::as_str)).map(str::to_string);
        let d = self.err_at(
            Code::UnknownName,
            span,
            Bi::new(
                format!("unknown contact `{name}`"),
                format!("contact inconnu « {name} »"),
            ),
            Bi::new(
                "no contact has this id",
                "aucun contact n'a cet identifiant",
            ),
        );
        d.help = Some(match sugg {
            Some(s) => Bi::new(
                format!("did you mean `{s}`?"),
                format!("vouliez-vous dire « {s} » ?"),
            ),
            None => Bi::new("declare it with `contact`", "déclarez-le avec « contact »"),
        });
        None
    }

    pub(crate) fn err_at(
        &mut self,
        code: Code,
        span: Span,
        msg: Bi,
        label: Bi,
    ) -> &mut passerelle_diag::Diag {
        self.diags
            .push(passerelle_diag::Diag::error(code, msg).at(span, label));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    pub(crate) fn lower_contact(&mut self, id: ContactId, f: &Field) {
        let fm = self.field_map(
            f,
            &[("role", ONCE), ("name", ONCE), ("ask", ONCE), ("url", ONCE)],
        );
        let words: Vec<&str> = Role::ALL.iter().map(|(w, _)| *w).collect();
        let role = match fm.one("role") {
            Some(r) => self
                .word_arg(r, &words)
                .and_then(|w| Role::ALL.iter().find(|(x, _)| *x == w).map(|(_, r)| *r)),
            None => {
                self.missing(f, "role");
                None
            }
        };
        let name = self.required_bi(f, &fm, "name");
        let ask = self.required_bi(f, &fm, "ask");
        let url = fm.one("url").and_then(|u| self.string_arg(u));
        let c = &mut self.m.contacts[id.idx()];
        c.role = role.unwrap_or(Role::Privacy);
        c.name = name;
        c.ask = ask;
        c.url = url;
    }

    fn required_bi(&mut self, decl: &Field, fm: &FieldMap, key: &str) -> Bi {
        match fm.one(key) {
            Some(x) => self.bi(x),
            None => {
                self.missing(decl, key);
                Bi::default()
            }
        }
    }

    const FACT_FIELDS: &'static [(&'static str, bool)] = &[
        ("question", ONCE),
        ("help", ONCE),
        ("option", MANY),
        ("ask_when", ONCE),
        ("otherwise", ONCE),
        ("min", ONCE),
        ("max", ONCE),
        ("unit", ONCE),
        ("for_documents", ONCE),
    ];

    pub(crate) fn lower_fact_shape(&mut self, id: FactId, f: &Field) {
        let fm = self.field_map(f, Self::FACT_FIELDS);
        let question = self.required_bi(f, &fm, "question");
        let help = self.required_bi(f, &fm, "help");
        let unit = fm.one("unit").map(|u| self.bi(u));
        let ty = self.m.facts[id.idx()].ty;
        let mut options: Vec<OptionDecl> = Vec::new();
        for o in fm.many("option") {
            let Some(n) = o.name_arg() else {
                self.err_at(
                    Code::BadValue,
                    o.span,
                    Bi::new("`option` needs a name", "« option » doit avoir un nom"),
                    Bi::new("no name", "aucun nom"),
                );
                continue;
            };
            if n.name.contains('-') {
                self.err_at(
                    Code::BadValue,
                    n.span,
                    Bi::new(
                        "option names cannot contain `-`",
                        "les noms d'option ne peuvent pas contenir « - »",
                    ),
                    Bi::new("use `_`", "utilisez « _ »"),
                );
            }
            if let Some(prev) = options.iter().find(|x| x.name == n.name) {
                let prev_span = prev.span;
                self.err_at(
                    Code::DuplicateId,
                    n.span,
                    Bi::new(
                        format!("option `{}` appears twice", n.name),
                        format!("l'option « {} » figure deux fois", n.name),
                    ),
                    Bi::new("again here", "de nouveau ici"),
                )
                .secondary
                .push(passerelle_diag::Label {
                    span: prev_span,
                    text: Bi::new("first here", "d'abord ici"),
                });
                continue;
            }
            let label = if o.body.is_some() {
                self.bi(o)
            } else {
                self.err_at(
                    Code::MissingTranslation,
                    o.span,
                    Bi::new(
                        format!("option `{}` has no label", n.name),
                        format!("l'option « {} » n'a pas de libellé", n.name),
                    ),
                    Bi::new("no label", "aucun libellé"),
                )
                .help = Some(Bi::new(
                    format!("write `option {} {{ en \"…\" fr \"…\" }}`", n.name),
                    format!("écrivez « option {} {{ en \"…\" fr \"…\" }} »", n.name),
                ));
                Bi::default()
            };
            options.push(OptionDecl {
                name: n.name.clone(),
                label,
                span: o.span,
            });
        }
        let has_options = matches!(ty, FactType::Enum | FactType::Set);
        if has_options && options.is_empty() {
            self.missing(f, "option");
        }
        if !has_options && let Some(o) = fm.many("option").first() {
            self.err_at(
                Code::UnknownField,
                o.key.span,
                Bi::new(
                    "only `enum` and `set` facts have options",
                    "seuls les faits « enum » et « set » ont des options",
                ),
                Bi::new("not allowed for this type", "non permis pour ce type"),
            );
        }
        if options.len() > 64 {
            self.err_at(
                Code::BadValue,
                f.span,
                Bi::new(
                    "a fact has at most 64 options",
                    "un fait a au plus 64 options",
                ),
                Bi::new("too many options", "trop d'options"),
            );
            options.truncate(64);
        }
        if !matches!(ty, FactType::Int | FactType::Money) {
            for k in ["min", "max"] {
                if let Some(x) = fm.one(k) {
                    self.err_at(
                        Code::UnknownField,
                        x.key.span,
                        Bi::new(
                            format!("`{k}` applies to integer and money facts"),
                            format!("« {k} » s'applique aux faits « integer » et « money »"),
                        ),
                        Bi::new("not allowed for this type", "non permis pour ce type"),
                    );
                }
            }
        }
        let for_documents = fm.one("for_documents").is_some();
        let fact = &mut self.m.facts[id.idx()];
        fact.for_documents = for_documents;
        fact.question = question;
        fact.help = help;
        fact.unit = unit;
        fact.options = options;
        let (min, max) = (fm.one("min"), fm.one("max"));
        let min = min
            .and_then(|x| self.one_arg(x).cloned())
            .and_then(|e| self.value_for(id, &e));
        let max = max
            .and_then(|x| self.one_arg(x).cloned())
            .and_then(|e| self.value_for(id, &e));
        let fact = &mut self.m.facts[id.idx()];
        fact.min = min;
        fact.max = max;
    }

    pub(crate) fn lower_fact_gate(&mut self, id: FactId, f: &Field) {
        let Some(body) = &f.body else { return };
        let gate = body.fields().find(|x| x.key.name == "ask_when");
        let otherwise = body.fields().find(|x| x.key.name == "otherwise");
        if let Some(g) = gate
            && let Some(e) = self.one_arg(g)
        {
            let mut sc = Scope::default();
            let x = self.cond(e, &mut sc);
            self.m.facts[id.idx()].gate = Some(x);
        }
        if let Some(o) = otherwise {
            if gate.is_none() {
                self.err_at(
                    Code::UnknownField,
                    o.key.span,
                    Bi::new(
                        "`otherwise` needs `ask_when`",
                        "« otherwise » exige « ask_when »",
                    ),
                    Bi::new(
                        "no gate to be false",
                        "aucune condition qui pourrait être fausse",
                    ),
                );
            }
            if let Some(e) = self.one_arg(o) {
                let e = e.clone();
                let v = self.value_for(id, &e);
                self.m.facts[id.idx()].otherwise = v;
            }
        }
    }

    pub(crate) fn lower_group(&mut self, id: GroupId, f: &Field) {
        let fm = self.field_map(
            f,
            &[
                ("question", ONCE),
                ("help", ONCE),
                ("label", ONCE),
                ("fact", MANY),
                ("ask_when", ONCE),
            ],
        );
        let question = self.required_bi(f, &fm, "question");
        let help = self.required_bi(f, &fm, "help");
        let mut label_field = None;
        if let Some(l) = fm.one("label")
            && let Some(n) = l.name_arg()
        {
            let found = self.m.groups[id.idx()]
                .fields
                .iter()
                .copied()
                .find(|x| self.m.facts[x.idx()].name == n.name);
            match found {
                Some(x) => {
                    label_field = Some(x);
                    self.mark_fact(x);
                }
                None => {
                    self.err_at(
                        Code::UnknownName,
                        n.span,
                        Bi::new(
                            format!("the group has no field `{}`", n.name),
                            format!("le groupe n'a pas de champ « {} »", n.name),
                        ),
                        Bi::new("unknown field", "champ inconnu"),
                    );
                }
            }
        }
        if self.m.groups[id.idx()].fields.is_empty() {
            self.missing(f, "fact");
        }
        let gate = fm
            .one("ask_when")
            .and_then(|g| self.one_arg(g).cloned())
            .map(|e| {
                let mut sc = Scope::default();
                self.cond(&e, &mut sc)
            });
        let g = &mut self.m.groups[id.idx()];
        g.question = question;
        g.help = help;
        g.label_field = label_field;
        g.gate = gate;
    }

    pub(crate) fn lower_def(&mut self, id: DefId, f: &Field) {
        let fm = self.field_map(
            f,
            &[
                ("label", ONCE),
                ("value", ONCE),
                ("default", ONCE),
                ("case", MANY),
            ],
        );
        let label = self.required_bi(f, &fm, "label");
        let ty = self.m.defs[id.idx()].ty;
        let mut sc = Scope::default();
        let value = fm.one("value");
        let default = fm.one("default");
        let cases = fm.many("case");
        let base = match (value, default) {
            (Some(v), None) => {
                if let Some(c) = cases.first() {
                    self.err_at(
                        Code::UnknownField,
                        c.key.span,
                        Bi::new(
                            "`case` goes with `default`, not `value`",
                            "« case » va avec « default », pas avec « value »",
                        ),
                        Bi::new(
                            "write `default` instead of `value`",
                            "écrivez « default » au lieu de « value »",
                        ),
                    );
                }
                self.one_arg(v)
                    .cloned()
                    .map(|e| self.typed_or_error(&e, ty, &mut sc))
            }
            (None, Some(d)) => self
                .one_arg(d)
                .cloned()
                .map(|e| self.typed_or_error(&e, ty, &mut sc)),
            (Some(v), Some(_)) => {
                self.err_at(
                    Code::DuplicateField,
                    v.key.span,
                    Bi::new(
                        "a definition has either `value` or `default`",
                        "une définition a soit « value », soit « default »",
                    ),
                    Bi::new("both given", "les deux sont donnés"),
                );
                None
            }
            (None, None) => {
                self.missing(f, "value");
                None
            }
        };
        let mut lowered = Vec::new();
        for c in cases {
            let Some(e) = self.one_arg(c).cloned() else {
                continue;
            };
            match &e.kind {
                AK::Binary(BinOp::Arrow, cond, val) => {
                    let cx = self.cond(cond, &mut sc);
                    let vx = self.typed_or_error(val, ty, &mut sc);
                    lowered.push((cx, vx));
                }
                _ => {
                    self.err_at(
                        Code::BadValue,
                        e.span,
                        Bi::new(
                            "write `case condition => value`",
                            "écrivez « case condition => valeur »",
                        ),
                        Bi::new("no `=>`", "aucun « => »"),
                    );
                }
            }
        }
        let d = &mut self.m.defs[id.idx()];
        d.label = label;
        d.cases = lowered;
        if let Some(b) = base {
            d.default = b;
        }
    }

    fn typed_or_error(&mut self, e: &a::Expr, ty: Type, sc: &mut Scope) -> Expr {
        if ty == Type::Error {
            return self.expr(e, sc);
        }
        self.typed(e, ty, sc)
    }

    /// `verified DATE` / `unverified "why"`.
    fn status(&mut self, decl: &Field, fm: &FieldMap) -> Status {
        match (fm.one("verified"), fm.one("unverified")) {
            (Some(v), None) => match self.date_arg(v) {
                Some(d) => Status::Verified(d),
                // The date is malformed (already reported): do not also warn "unverified".
                None => Status::Verified(jiff::civil::Date::constant(2000, 1, 1)),
            },
            (None, Some(u)) => {
                if u.body.is_some() {
                    Status::Unverified(self.bi(u))
                } else {
                    self.err_at(
                        Code::MissingTranslation,
                        u.span,
                        Bi::new(
                            "say why the rule is unverified, in English and French",
                            "indiquez pourquoi la règle n'est pas vérifiée, en anglais et en français",
                        ),
                        Bi::new("reason missing or in one language", "raison absente ou dans une seule langue"),
                    )
                    .help = Some(Bi::new(
                        "write `unverified { en \"…\" fr \"…\" }`: the reason is shown to people under “to confirm”",
                        "écrivez « unverified { en \"…\" fr \"…\" } » : la raison est présentée sous « à confirmer »",
                    ));
                    Status::Unverified(Bi::default())
                }
            }
            (Some(v), Some(_)) => {
                self.err_at(
                    Code::DuplicateField,
                    v.key.span,
                    Bi::new(
                        "a rule is either `verified` or `unverified`",
                        "une règle est soit « verified », soit « unverified »",
                    ),
                    Bi::new("both given", "les deux sont donnés"),
                );
                Status::Unverified(Bi::default())
            }
            (None, None) if self.is_broken(decl.span) => {
                Status::Verified(jiff::civil::Date::constant(2000, 1, 1))
            }
            (None, None) => {
                let what = decl.key.name.clone();
                let span = decl.name_arg().map(|n| n.span).unwrap_or(decl.key.span);
                self.err_at(
                    Code::MissingField,
                    span,
                    Bi::new(
                        format!("`{what}` says neither `verified YYYY-MM-DD` nor `unverified {{ en \"why\" fr \"pourquoi\" }}`"),
                        format!("« {what} » n'indique ni « verified AAAA-MM-JJ » ni « unverified {{ en \"why\" fr \"pourquoi\" }} »"),
                    ),
                    Bi::new("verification status missing", "statut de vérification manquant"),
                )
                .help = Some(Bi::new(
                    "say when you checked it against the source text, or why you could not",
                    "indiquez quand vous l'avez vérifiée dans le texte source, ou pourquoi vous n'avez pas pu",
                ));
                Status::Unverified(Bi::default())
            }
        }
    }

    /// Resolves `cites "instr section", …`.
    fn citations(&mut self, fm: &FieldMap, ctx: Ctx) -> Vec<Citation> {
        let mut out = Vec::new();
        for f in fm.many("cites") {
            for arg in &f.args {
                let AK::Str(s) = &arg.kind else {
                    self.err_at(
                        Code::BadValue,
                        arg.span,
                        Bi::new(
                            "a citation is a string such as \"privacy-act 5(2)\"",
                            "une citation est une chaîne comme \"privacy-act 5(2)\"",
                        ),
                        Bi::new("not a string", "pas une chaîne"),
                    );
                    continue;
                };
                if let Some(c) = self.citation(s, arg.span) {
                    out.push(c);
                }
            }
        }
        if out.is_empty() {
            // Implicit: the enclosing provision.
            if let (Some(inst), Some(p)) = (ctx.instrument, ctx.provision) {
                let instrument = &self.m.instruments[inst.idx()];
                if let Some(info) = instrument.provisions.get(p) {
                    out.push(Citation {
                        instrument: inst,
                        section: info.section.clone(),
                        canonical: info.section.clone(),
                        provision: p,
                        span: info.span,
                    });
                }
            }
        }
        out
    }

    pub(crate) fn citation(&mut self, s: &str, span: Span) -> Option<Citation> {
        let s = s.trim();
        let (inst, section) = match s.split_once(char::is_whitespace) {
            Some((i, sec)) => (i, sec.trim()),
            None => (s, ""),
        };
        let Some(&iid) = self.m.instrument_ids.get(inst) else {
            let sugg = did_you_mean(inst, self.m.instrument_ids.keys().map(String::as_str))
                .map(str::to_string);
            let d = self.err_at(
                Code::UnknownInstrument,
                span,
                Bi::new(
                    format!("no loaded file declares instrument `{inst}`"),
                    format!("aucun fichier chargé ne déclare l'instrument « {inst} »"),
                ),
                Bi::new("unknown instrument", "instrument inconnu"),
            );
            d.help = Some(match sugg {
                Some(x) => Bi::new(
                    format!("did you mean `{x}`?"),
                    format!("vouliez-vous dire « {x} » ?"),
                ),
                None => Bi::new(
                    "add a file for the instrument, with front matter declaring its `id`",
                    "ajoutez un fichier pour l'instrument, avec un en-tête qui déclare son « id »",
                ),
            });
            return None;
        };
        if section.is_empty() {
            self.err_at(
                Code::UnknownSection,
                span,
                Bi::new(
                    format!("the citation of `{inst}` has no section"),
                    format!("la citation de « {inst} » n'a pas de numéro"),
                ),
                Bi::new(
                    "write the section after the id",
                    "écrivez le numéro après l'identifiant",
                ),
            );
            return None;
        }
        let instrument = &self.m.instruments[iid.idx()];
        match instrument.resolve_section(section) {
            Some((canonical, provision)) => Some(Citation {
                instrument: iid,
                section: section.to_string(),
                canonical,
                provision,
                span,
            }),
            None => {
                let secs: Vec<String> = instrument
                    .provisions
                    .iter()
                    .map(|p| p.section.clone())
                    .collect();
                let sugg =
                    did_you_mean(section, secs.iter().map(String::as_str)).map(str::to_string);
                let d = self.err_at(
                    Code::UnknownSection,
                    span,
                    Bi::new(
                        format!("`{inst}` has no provision § {section}"),
                        format!("« {inst} » n'a pas de disposition § {section}"),
                    ),
                    Bi::new("unknown section", "numéro inconnu"),
                );
                d.help = Some(match sugg {
                    Some(x) => Bi::new(
                        format!(
                            "did you mean § {x}? A cited section must be a `§` heading of the instrument's file, or lie under one"
                        ),
                        format!(
                            "vouliez-vous dire § {x} ? Un numéro cité doit être un titre « § » du fichier de l'instrument, ou se trouver sous l'un d'eux"
                        ),
                    ),
                    None => Bi::new(
                        "add a `§` heading for it, with its paraphrase, to the instrument's file",
                        "ajoutez-lui un titre « § », avec sa paraphrase, dans le fichier de l'instrument",
                    ),
                });
                None
            }
        }
    }

    fn period(&mut self, fm: &FieldMap, base: Period) -> Period {
        let from = fm.one("effective_from").and_then(|f| self.date_arg(f));
        let to = fm.one("effective_to").and_then(|f| self.date_arg(f));
        if let (Some(f), Some(t), Some(field)) = (from, to, fm.one("effective_to"))
            && t < f
        {
            self.err_at(
                Code::BadPeriod,
                field.span,
                Bi::new(
                    format!("the period ends ({t}) before it starts ({f})"),
                    format!("la période se termine ({t}) avant de commencer ({f})"),
                ),
                Bi::new("ends before it starts", "se termine avant de commencer"),
            );
        }
        base.intersect(&Period { from, to })
    }

    pub(crate) fn lower_rule(&mut self, id: RuleId, f: &Field, ctx: Ctx) {
        let is_exception = self.m.rules[id.idx() - self.rule_base].kind == RuleKind::Exception;
        let allowed: &[(&str, bool)] = if is_exception {
            &[
                ("displaces", MANY),
                ("when", ONCE),
                ("because", ONCE),
                ("cites", MANY),
                ("verified", ONCE),
                ("unverified", ONCE),
                ("effective_from", ONCE),
                ("effective_to", ONCE),
                ("for", ONCE),
                ("owner", ONCE),
            ]
        } else {
            &[
                ("when", ONCE),
                ("text", ONCE),
                ("intent", ONCE),
                ("cites", MANY),
                ("domain", ONCE),
                ("phase", ONCE),
                ("owner", ONCE),
                ("verified", ONCE),
                ("unverified", ONCE),
                ("effective_from", ONCE),
                ("effective_to", ONCE),
                ("for", ONCE),
                ("displaces", MANY),
                ("delegates", ONCE),
            ]
        };
        let fm = self.field_map(f, allowed);
        if let Some(n) = f.name_arg() {
            self.valid_rule_id(&n);
        }
        // `for x in group`.
        let mut sc = Scope::default();
        let mut per_item = None;
        if let Some(fr) = fm.one("for") {
            match fr.arg().map(|e| &e.kind) {
                Some(AK::Binary(BinOp::In, b, g)) => match (&b.kind, &g.kind) {
                    (AK::Name(b), AK::Name(gname)) => match self.m.names.get(gname).copied() {
                        Some(NameRef::Group(gid)) => {
                            sc = Scope::with_binder(b.clone(), gid);
                            per_item = Some((b.clone(), gid));
                        }
                        _ => {
                            let gname = gname.clone();
                            self.err_at(
                                Code::UnknownName,
                                g.span,
                                Bi::new(
                                    format!("`{gname}` is not a group"),
                                    format!("« {gname} » n'est pas un groupe"),
                                ),
                                Bi::new("expected a group", "groupe attendu"),
                            );
                        }
                    },
                    _ => self.bad_for(fr.span),
                },
                _ => self.bad_for(fr.span),
            }
        }
        let when_arg = fm.one("when").and_then(|w| self.one_arg(w));
        let when = when_arg.map(|e| self.cond(e, &mut sc));
        let text = if is_exception {
            self.required_bi(f, &fm, "because")
        } else {
            self.required_bi(f, &fm, "text")
        };
        let intent = if is_exception {
            None
        } else {
            Some(self.required_bi(f, &fm, "intent"))
        };
        let domain = if is_exception {
            None
        } else {
            match fm.one("domain") {
                Some(d) => {
                    let words: Vec<&str> = Domain::ALL.iter().map(|(w, _)| *w).collect();
                    self.word_arg(d, &words).and_then(|w| Domain::parse(&w))
                }
                None => {
                    self.missing(f, "domain");
                    None
                }
            }
        };
        let phase = if is_exception {
            None
        } else {
            match fm.one("phase") {
                Some(p) => {
                    let words: Vec<&str> = Phase::ALL.iter().map(|(w, _)| *w).collect();
                    self.word_arg(p, &words).and_then(|w| Phase::parse(&w))
                }
                None => {
                    self.missing(f, "phase");
                    None
                }
            }
        };
        let owner = match fm.one("owner") {
            Some(o) => o.name_arg().and_then(|n| self.contact_ref(&n.name, n.span)),
            None => ctx
                .instrument
                .and_then(|i| self.m.instruments[i.idx()].owner),
        };
        if owner.is_none() && fm.one("owner").is_none() && !is_exception {
            let has_inst_owner = ctx
                .instrument
                .is_some_and(|i| self.m.instruments[i.idx()].owner.is_some());
            if !has_inst_owner {
                self.missing(f, "owner");
            }
        }
        let status = self.status(f, &fm);
        let citations = self.citations(&fm, ctx);
        if citations.is_empty() && fm.many("cites").is_empty() && !self.is_broken(f.span) {
            let span = f.name_arg().map(|n| n.span).unwrap_or(f.key.span);
            let what = f.key.name.clone();
            self.err_at(
                Code::NoCitation,
                span,
                Bi::new(
                    format!("this {what} cites no provision"),
                    format!(
                        "cette {} ne cite aucune disposition",
                        if is_exception { "exception" } else { "règle" }
                    ),
                ),
                Bi::new("no citation", "aucune citation"),
            )
            .help = Some(Bi::new(
                "add `cites \"instrument section\"`, or put the block under a `§` heading of an instrument file",
                "ajoutez « cites \"instrument numéro\" », ou placez le bloc sous un titre « § » d'un fichier d'instrument",
            ));
        }
        let base_period = ctx
            .instrument
            .map(|i| self.m.instruments[i.idx()].period)
            .unwrap_or_default();
        let period = self.period(&fm, base_period);
        let mut displaces_spans = Vec::new();
        let mut displaces_names = Vec::new();
        let mut displaces_span = None;
        for d in fm.many("displaces") {
            displaces_span = Some(d.span);
            for arg in &d.args {
                match &arg.kind {
                    AK::Name(n) => {
                        displaces_names.push(n.clone());
                        displaces_spans.push(arg.span);
                    }
                    _ => {
                        self.err_at(
                            Code::BadValue,
                            arg.span,
                            Bi::new(
                                "`displaces` takes rule ids",
                                "« displaces » prend des identifiants de règle",
                            ),
                            Bi::new("not an id", "pas un identifiant"),
                        );
                    }
                }
            }
        }
        if is_exception && displaces_names.is_empty() && fm.many("displaces").is_empty() {
            self.missing(f, "displaces");
        }
        let mut delegates = Vec::new();
        if let Some(dl) = fm.one("delegates") {
            for arg in &dl.args {
                match &arg.kind {
                    AK::Name(n) if n == "department" || n == "partner" => delegates.push(n.clone()),
                    _ => {
                        self.err_at(
                            Code::BadValue,
                            arg.span,
                            Bi::new(
                                "`delegates` takes `department` and/or `partner`",
                                "« delegates » prend « department » ou « partner »",
                            ),
                            Bi::new("not a layer kind", "pas une sorte de couche"),
                        );
                    }
                }
            }
        }
        self.displaces_spans[id.idx()] = displaces_spans;
        self.pending_displaces.push((id, displaces_names));
        let r = &mut self.m.rules[id.idx() - self.rule_base];
        r.when = when;
        r.text = text;
        r.intent = intent;
        r.domain = domain;
        r.phase = phase;
        r.owner = owner;
        r.status = status;
        r.citations = citations;
        r.period = period;
        r.per_item = per_item;
        r.delegates = delegates;
        r.displaces_span = displaces_span;
    }

    fn bad_for(&mut self, span: Span) {
        self.err_at(
            Code::BadValue,
            span,
            Bi::new(
                "write `for item in group`",
                "écrivez « for élément in groupe »",
            ),
            Bi::new("malformed `for`", "« for » mal formé"),
        );
    }

    pub(crate) fn lower_myth(&mut self, id: MythId, f: &Field, ctx: Ctx) {
        let fm = self.field_map(
            f,
            &[
                ("claim", ONCE),
                ("verdict", ONCE),
                ("explanation", ONCE),
                ("cites", MANY),
                ("relevant_when", ONCE),
                ("verified", ONCE),
                ("unverified", ONCE),
            ],
        );
        if let Some(n) = f.name_arg() {
            self.valid_rule_id(&n);
        }
        let claim = self.required_bi(f, &fm, "claim");
        let explanation = self.required_bi(f, &fm, "explanation");
        let verdict = match fm.one("verdict") {
            Some(v) => {
                let words: Vec<&str> = MythVerdict::ALL.iter().map(|(w, _)| *w).collect();
                self.word_arg(v, &words)
                    .and_then(|w| MythVerdict::parse(&w))
            }
            None => {
                self.missing(f, "verdict");
                None
            }
        };
        let mut sc = Scope::default();
        let relevant_arg = fm.one("relevant_when").and_then(|w| self.one_arg(w));
        let relevant = relevant_arg.map(|e| self.cond(e, &mut sc));
        let status = self.status(f, &fm);
        let citations = self.citations(&fm, ctx);
        if citations.is_empty() && fm.many("cites").is_empty() {
            let span = f.name_arg().map(|n| n.span).unwrap_or(f.key.span);
            self.err_at(
                Code::NoCitation,
                span,
                Bi::new(
                    "this myth cites no source",
                    "ce mythe ne cite aucune source",
                ),
                Bi::new("no citation", "aucune citation"),
            )
            .help = Some(Bi::new(
                "add `cites \"instrument section\"` for the provisions that settle it",
                "ajoutez « cites \"instrument numéro\" » pour les dispositions qui le tranchent",
            ));
        }
        let m = &mut self.m.myths[id.idx()];
        m.claim = claim;
        m.explanation = explanation;
        m.verdict = verdict.unwrap_or(MythVerdict::NotARule);
        m.relevant_when = relevant;
        m.status = status;
        m.citations = citations;
    }

    pub(crate) fn lower_journey(&mut self, id: JourneyId, f: &Field) {
        let fm = self.field_map(
            f,
            &[("title", ONCE), ("description", ONCE), ("preset", ONCE)],
        );
        let title = self.required_bi(f, &fm, "title");
        let description = self.required_bi(f, &fm, "description");
        let preset = match fm.one("preset").and_then(|p| p.body.as_ref()) {
            Some(b) => self.answers(b),
            None => Answers::empty(&self.m),
        };
        let j = &mut self.m.journeys[id.idx()];
        j.title = title;
        j.description = description;
        j.preset = preset;
    }

    pub(crate) fn lower_scenario(&mut self, id: ScenarioId, f: &Field) {
        let fm = self.field_map(
            f,
            &[
                ("description", ONCE),
                ("as_of", ONCE),
                ("given", ONCE),
                ("expect_applies", MANY),
                ("expect_not_applies", MANY),
                ("expect_displaced", MANY),
                ("expect_undetermined", MANY),
                ("expect_to_confirm", MANY),
                ("expect_myths", MANY),
                ("expect_no_myths", MANY),
                ("expect_next", ONCE),
                ("expect_steps", MANY),
                ("expect_no_steps", MANY),
                ("expect_weeks", ONCE),
                ("expect_complete", ONCE),
            ],
        );
        let description = fm
            .one("description")
            .and_then(|d| self.string_arg(d))
            .unwrap_or_default();
        let as_of = fm.one("as_of").and_then(|d| self.date_arg(d));
        let given = match fm.one("given").and_then(|p| p.body.as_ref()) {
            Some(b) => self.answers(b),
            None => Answers::empty(&self.m),
        };
        let refs = |this: &mut Self, key: &str| -> Vec<RuleRef> {
            let mut out = Vec::new();
            for fld in fm.many(key) {
                for arg in &fld.args {
                    if let Some(r) = this.rule_ref(arg) {
                        out.push(r);
                    }
                }
            }
            out
        };
        let expect_applies = refs(self, "expect_applies");
        let expect_not_applies = refs(self, "expect_not_applies");
        let expect_displaced = refs(self, "expect_displaced");
        let expect_undetermined = refs(self, "expect_undetermined");
        let expect_to_confirm = refs(self, "expect_to_confirm");
        let myths = |this: &mut Self, key: &str| -> Vec<(MythId, Span)> {
            let mut out = Vec::new();
            for fld in fm.many(key) {
                for arg in &fld.args {
                    match &arg.kind {
                        AK::Name(n) => match this.m.myth_ids.get(n) {
                            Some(m) => out.push((*m, arg.span)),
                            None => {
                                let sugg =
                                    did_you_mean(n, this.m.myth_ids.keys().map(String::as_str))
                                        .map(str::to_string);
                                let n = n.clone();
                                let d = this.err_at(
                                    Code::UnknownName,
                                    arg.span,
                                    Bi::new(
                                        format!("unknown myth `{n}`"),
                                        format!("mythe inconnu « {n} »"),
                                    ),
                                    Bi::new("no such myth", "aucun mythe de ce nom"),
                                );
                                if let Some(s) = sugg {
                                    d.help = Some(Bi::new(
                                        format!("did you mean `{s}`?"),
                                        format!("vouliez-vous dire « {s} » ?"),
                                    ));
                                }
                            }
                        },
                        _ => {
                            this.err_at(
                                Code::BadValue,
                                arg.span,
                                Bi::new("expected a myth id", "identifiant de mythe attendu"),
                                Bi::new("not an id", "pas un identifiant"),
                            );
                        }
                    }
                }
            }
            out
        };
        let expect_myths = myths(self, "expect_myths");
        let expect_no_myths = myths(self, "expect_no_myths");
        let expect_next = fm.one("expect_next").and_then(|n| {
            let e = self.one_arg(n)?;
            let AK::Name(name) = &e.kind else {
                self.err_at(
                    Code::BadValue,
                    e.span,
                    Bi::new(
                        "expected a fact name or `none`",
                        "nom de fait ou « none » attendu",
                    ),
                    Bi::new("not a name", "pas un nom"),
                );
                return None;
            };
            if name == "none" {
                return Some((None, e.span));
            }
            match self.m.names.get(name).copied() {
                Some(NameRef::Fact(f)) => Some((Some(NextRef::Fact(f)), e.span)),
                Some(NameRef::Group(g)) => Some((Some(NextRef::Group(g)), e.span)),
                _ => {
                    let sugg = did_you_mean(name, self.m.names.keys().map(String::as_str))
                        .map(str::to_string);
                    let name = name.clone();
                    let d = self.err_at(
                        Code::UnknownName,
                        e.span,
                        Bi::new(
                            format!("unknown fact `{name}`"),
                            format!("fait inconnu « {name} »"),
                        ),
                        Bi::new("not a question", "pas une question"),
                    );
                    if let Some(s) = sugg {
                        d.help = Some(Bi::new(
                            format!("did you mean `{s}`?"),
                            format!("vouliez-vous dire « {s} » ?"),
                        ));
                    }
                    None
                }
            }
        });
        let expect_complete =
            fm.one("expect_complete")
                .and_then(|c| match self.one_arg(c).map(|e| &e.kind) {
                    Some(AK::Bool(b)) => Some(*b),
                    _ => {
                        self.err_at(
                            Code::BadValue,
                            c.span,
                            Bi::new(
                                "`expect_complete` is `true` or `false`",
                                "« expect_complete » vaut « true » ou « false »",
                            ),
                            Bi::new("not a yes/no value", "pas une valeur oui/non"),
                        );
                        None
                    }
                });
        let steps = |this: &mut Self, key: &str| -> Vec<(usize, usize, Span)> {
            let mut out = Vec::new();
            for fld in fm.many(key) {
                for arg in &fld.args {
                    if let Some(r) = this.step_ref(arg) {
                        out.push(r);
                    }
                }
            }
            out
        };
        let expect_steps = steps(self, "expect_steps");
        let expect_no_steps = steps(self, "expect_no_steps");
        let expect_weeks =
            fm.one("expect_weeks")
                .and_then(|w| match self.one_arg(w).map(|e| (&e.kind, e.span)) {
                    Some((AK::Int(n), span)) if *n >= 0 => {
                        Some((u32::try_from(*n).unwrap_or(u32::MAX), span))
                    }
                    _ => {
                        self.err_at(
                            Code::BadValue,
                            w.span,
                            Bi::new(
                                "`expect_weeks` is a whole number",
                                "« expect_weeks » est un nombre entier",
                            ),
                            Bi::new("not a number", "pas un nombre"),
                        );
                        None
                    }
                });
        let nothing = expect_steps.is_empty()
            && expect_no_steps.is_empty()
            && expect_weeks.is_none()
            && expect_applies.is_empty()
            && expect_not_applies.is_empty()
            && expect_displaced.is_empty()
            && expect_undetermined.is_empty()
            && expect_to_confirm.is_empty()
            && expect_myths.is_empty()
            && expect_no_myths.is_empty()
            && expect_next.is_none()
            && expect_complete.is_none();
        if nothing {
            let span = f.name_arg().map(|n| n.span).unwrap_or(f.key.span);
            self.err_at(
                Code::EmptyScenario,
                span,
                Bi::new("this scenario expects nothing", "ce scénario n'attend rien"),
                Bi::new("no `expect_…` field", "aucun champ « expect_… »"),
            )
            .help = Some(Bi::new(
                "add `expect_applies`, `expect_myths`, `expect_next`… so the test can fail",
                "ajoutez « expect_applies », « expect_myths », « expect_next »… pour que le test puisse échouer",
            ));
        }
        let s = &mut self.m.scenarios[id.idx()];
        s.description = description;
        s.as_of = as_of;
        s.given = given;
        s.expect_applies = expect_applies;
        s.expect_not_applies = expect_not_applies;
        s.expect_displaced = expect_displaced;
        s.expect_undetermined = expect_undetermined;
        s.expect_to_confirm = expect_to_confirm;
        s.expect_myths = expect_myths;
        s.expect_no_myths = expect_no_myths;
        s.expect_next = expect_next;
        s.expect_steps = expect_steps;
        s.expect_no_steps = expect_no_steps;
        s.expect_weeks = expect_weeks;
        s.expect_complete = expect_complete;
    }

    pub(crate) fn lower_threshold(&mut self, id: DefId, f: &Field, ctx: Ctx) {
        let fm = self.field_map(f, &[("label", ONCE), ("period", MANY)]);
        let label = self.required_bi(f, &fm, "label");
        let ty = self.m.defs[id.idx()].ty;
        let mut periods: Vec<ThresholdPeriod> = Vec::new();
        let periods_fields = fm.many("period");
        if periods_fields.is_empty() {
            self.missing(f, "period");
        }
        for pf in periods_fields {
            let pm = self.field_map(
                pf,
                &[
                    ("from", ONCE),
                    ("to", ONCE),
                    ("value", ONCE),
                    ("cites", MANY),
                    ("verified", ONCE),
                    ("unverified", ONCE),
                ],
            );
            let from = match pm.one("from") {
                Some(x) => self.date_arg(x),
                None => {
                    self.missing(pf, "from");
                    None
                }
            };
            let to = pm.one("to").and_then(|x| self.date_arg(x));
            if let (Some(a), Some(b), Some(field)) = (from, to, pm.one("to"))
                && b < a
            {
                self.err_at(
                    Code::BadPeriod,
                    field.span,
                    Bi::new(
                        format!("the period ends ({b}) before it starts ({a})"),
                        format!("la période se termine ({b}) avant de commencer ({a})"),
                    ),
                    Bi::new("ends before it starts", "se termine avant de commencer"),
                );
            }
            let value = match pm.one("value").and_then(|x| self.one_arg(x).cloned()) {
                Some(e) => match (&e.kind, ty) {
                    (AK::Money(c), Type::Money) => Some(Value::Money(*c)),
                    (AK::Int(i), Type::Int) => Some(Value::Int(*i)),
                    (AK::Error, _) => None,
                    _ => {
                        let want = if ty == Type::Money {
                            (
                                "an amount such as `$133_800`",
                                "un montant comme « $133_800 »",
                            )
                        } else {
                            ("an integer", "un entier")
                        };
                        self.err_at(
                            Code::TypeMismatch,
                            e.span,
                            Bi::new(
                                format!("a period's value must be {}", want.0),
                                format!("la valeur d'une période doit être {}", want.1),
                            ),
                            Bi::new("wrong kind of value", "mauvaise sorte de valeur"),
                        );
                        None
                    }
                },
                None => {
                    if pm.one("value").is_none() {
                        self.missing(pf, "value");
                    }
                    None
                }
            };
            let status = self.status(pf, &pm);
            let citations = self.citations(&pm, ctx);
            if citations.is_empty() && pm.many("cites").is_empty() && !self.is_broken(pf.span) {
                self.err_at(
                    Code::NoCitation,
                    pf.key.span,
                    Bi::new(
                        "this value cites no source",
                        "cette valeur ne cite aucune source",
                    ),
                    Bi::new("no citation", "aucune citation"),
                )
                .help = Some(Bi::new(
                    "add `cites \"instrument section\"`",
                    "ajoutez « cites \"instrument numéro\" »",
                ));
            }
            if let (Some(from), Some(value)) = (from, value) {
                periods.push(ThresholdPeriod {
                    period: Period {
                        from: Some(from),
                        to,
                    },
                    value,
                    citations,
                    status,
                    span: pf.span,
                });
            }
        }
        periods.sort_by_key(|p| p.period.from);
        for w in periods.windows(2) {
            let overlap = w[0]
                .period
                .to
                .is_none_or(|t| w[1].period.from.is_some_and(|f| t >= f));
            if overlap {
                let (span, prev) = (w[1].span, w[0].span);
                self.err_at(
                    Code::BadPeriod,
                    span,
                    Bi::new(
                        "the periods of this threshold overlap",
                        "les périodes de ce seuil se chevauchent",
                    ),
                    Bi::new(
                        "overlaps the previous period",
                        "chevauche la période précédente",
                    ),
                )
                .secondary
                .push(passerelle_diag::Label {
                    span: prev,
                    text: Bi::new("previous period", "période précédente"),
                });
            }
        }
        // Verified periods become `case as_of within period => value`; outside them the
        // threshold is unknown.
        let sp = self.m.defs[id.idx()].span;
        let date = |d| Expr {
            kind: ExprKind::Lit(Value::Date(d)),
            ty: Type::Date,
            span: sp,
        };
        let as_of = || Expr {
            kind: ExprKind::AsOf,
            ty: Type::Date,
            span: sp,
        };
        let mut cases = Vec::new();
        for p in periods.iter().filter(|p| p.status.is_verified()) {
            let Some(from) = p.period.from else { continue };
            let mut cond = Expr {
                kind: ExprKind::Cmp(Cmp::Ge, Box::new(as_of()), Box::new(date(from))),
                ty: Type::Bool,
                span: sp,
            };
            if let Some(to) = p.period.to {
                let upper = Expr {
                    kind: ExprKind::Cmp(Cmp::Le, Box::new(as_of()), Box::new(date(to))),
                    ty: Type::Bool,
                    span: sp,
                };
                cond = Expr {
                    kind: ExprKind::And(Box::new(cond), Box::new(upper)),
                    ty: Type::Bool,
                    span: sp,
                };
            }
            cases.push((
                cond,
                Expr {
                    kind: ExprKind::Lit(p.value.clone()),
                    ty,
                    span: p.span,
                },
            ));
        }
        let d = &mut self.m.defs[id.idx()];
        d.label = label;
        d.cases = cases;
        d.periods = periods;
    }

    fn step_actor(&mut self, sf: &Field, sm: &FieldMap) -> Actor {
        let Some(n) = sm.one("role").and_then(|r| r.name_arg()) else {
            self.missing(sf, "role");
            return Actor::Role(Role::Privacy);
        };
        if let Some(c) = self.m.contact_ids.get(&n.name) {
            return Actor::Contact(*c);
        }
        if let Some((_, r)) = Role::ALL.iter().find(|(w, _)| *w == n.name) {
            return Actor::Role(*r);
        }
        let mut cands: Vec<&str> = self.m.contact_ids.keys().map(String::as_str).collect();
        cands.extend(Role::ALL.iter().map(|(w, _)| *w));
        let sugg = did_you_mean(&n.name, cands).map(str::to_string);
        let d = self.err_at(
            Code::UnknownName,
            n.span,
            Bi::new(
                format!("`{}` is neither a contact nor a role", n.name),
                format!("« {} » n'est ni un contact ni un rôle", n.name),
            ),
            Bi::new("unknown actor", "acteur inconnu"),
        );
        if let Some(s) = sugg {
            d.help = Some(Bi::new(
                format!("did you mean `{s}`?"),
                format!("vouliez-vous dire « {s} » ?"),
            ));
        }
        Actor::Role(Role::Privacy)
    }

    fn step_weeks(&mut self, sf: &Field, sm: &FieldMap) -> u32 {
        let Some(w) = sm.one("weeks") else {
            self.missing(sf, "weeks");
            return 0;
        };
        let Some(e) = self.one_arg(w) else {
            return 0;
        };
        match e.kind {
            AK::Int(n) if (0..=520).contains(&n) => u32::try_from(n).unwrap_or(0),
            AK::Error => 0,
            _ => {
                self.err_at(
                    Code::BadValue,
                    e.span,
                    Bi::new(
                        "`weeks` is a whole number of weeks from 0 to 520",
                        "« weeks » est un nombre entier de semaines de 0 à 520",
                    ),
                    Bi::new("not a number of weeks", "pas un nombre de semaines"),
                );
                0
            }
        }
    }

    fn step_after(&mut self, sm: &FieldMap, ids: &[(String, Span)], si: usize) -> Vec<usize> {
        let mut after = Vec::new();
        for af in sm.many("after") {
            for arg in &af.args {
                let AK::Name(n) = &arg.kind else {
                    self.err_at(
                        Code::BadValue,
                        arg.span,
                        Bi::new(
                            "`after` takes step ids",
                            "« after » prend des identifiants d'étape",
                        ),
                        Bi::new("not an id", "pas un identifiant"),
                    );
                    continue;
                };
                match ids.iter().position(|(i, _)| i == n) {
                    Some(j) if j != si => after.push(j),
                    Some(_) => {
                        self.err_at(
                            Code::StepCycle,
                            arg.span,
                            Bi::new(
                                "a step cannot come after itself",
                                "une étape ne peut pas suivre elle-même",
                            ),
                            Bi::new("itself", "elle-même"),
                        );
                    }
                    None => {
                        let sugg = did_you_mean(n, ids.iter().map(|(i, _)| i.as_str()))
                            .map(str::to_string);
                        let n = n.clone();
                        let d = self.err_at(
                            Code::UnknownName,
                            arg.span,
                            Bi::new(
                                format!("this process has no step `{n}`"),
                                format!("ce processus n'a pas d'étape « {n} »"),
                            ),
                            Bi::new("unknown step", "étape inconnue"),
                        );
                        if let Some(s) = sugg {
                            d.help = Some(Bi::new(
                                format!("did you mean `{s}`?"),
                                format!("vouliez-vous dire « {s} » ?"),
                            ));
                        }
                    }
                }
            }
        }
        after
    }

    pub(crate) fn lower_process(&mut self, id: usize, f: &Field, ctx: Ctx) {
        let fm = self.field_map(
            f,
            &[
                ("title", ONCE),
                ("description", ONCE),
                ("when", ONCE),
                ("phase", ONCE),
                ("step", MANY),
            ],
        );
        let title = self.required_bi(f, &fm, "title");
        let description = fm.one("description").map(|d| self.bi(d));
        let mut sc = Scope::default();
        let when_arg = fm.one("when").and_then(|w| self.one_arg(w));
        let when = when_arg.map(|e| self.cond(e, &mut sc));
        let phase = match fm.one("phase") {
            Some(p) => {
                let words: Vec<&str> = Phase::ALL.iter().map(|(w, _)| *w).collect();
                self.word_arg(p, &words)
                    .and_then(|w| Phase::parse(&w))
                    .unwrap_or(Phase::Before)
            }
            None => Phase::Before,
        };
        let step_fields = fm.many("step");
        if step_fields.is_empty() {
            self.missing(f, "step");
        }
        // Ids first, so `after` can name any step of the process.
        let mut ids: Vec<(String, Span)> = Vec::new();
        for sf in &step_fields {
            match self.decl_name(sf, Bi::new("a step", "une étape")) {
                Some(n) => {
                    if let Some((_, prev)) = ids.iter().find(|(i, _)| *i == n.name) {
                        let prev = *prev;
                        self.err_at(
                            Code::DuplicateId,
                            n.span,
                            Bi::new(
                                format!("step `{}` appears twice in this process", n.name),
                                format!(
                                    "l'étape « {} » figure deux fois dans ce processus",
                                    n.name
                                ),
                            ),
                            Bi::new("again here", "de nouveau ici"),
                        )
                        .secondary
                        .push(passerelle_diag::Label {
                            span: prev,
                            text: Bi::new("first here", "d'abord ici"),
                        });
                    }
                    ids.push((n.name.clone(), n.span));
                }
                None => ids.push((String::new(), sf.span)),
            }
        }
        let mut steps = Vec::new();
        for (si, sf) in step_fields.iter().enumerate() {
            let sm = self.field_map(
                sf,
                &[
                    ("title", ONCE),
                    ("when", ONCE),
                    ("role", ONCE),
                    ("produces", ONCE),
                    ("weeks", ONCE),
                    ("after", MANY),
                    ("cites", MANY),
                    ("verified", ONCE),
                    ("unverified", ONCE),
                ],
            );
            let stitle = self.required_bi(sf, &sm, "title");
            let produces = self.required_bi(sf, &sm, "produces");
            let swhen_arg = sm.one("when").and_then(|w| self.one_arg(w));
            let swhen = swhen_arg.map(|e| self.cond(e, &mut sc));
            let actor = self.step_actor(sf, &sm);
            let weeks = self.step_weeks(sf, &sm);
            let after = self.step_after(&sm, &ids, si);
            let status = self.status(sf, &sm);
            let citations = self.citations(&sm, ctx);
            if citations.is_empty() && sm.many("cites").is_empty() && !self.is_broken(sf.span) {
                let span = sf.name_arg().map(|n| n.span).unwrap_or(sf.key.span);
                self.err_at(
                    Code::NoCitation,
                    span,
                    Bi::new(
                        "this step cites no provision",
                        "cette étape ne cite aucune disposition",
                    ),
                    Bi::new("no citation", "aucune citation"),
                );
            }
            steps.push(Step {
                id: ids.get(si).map(|(i, _)| i.clone()).unwrap_or_default(),
                title: stitle,
                when: swhen,
                actor,
                produces,
                weeks,
                after,
                citations,
                status,
                span: sf.span,
            });
        }
        self.step_cycles(&steps);
        let p = &mut self.m.processes[id];
        p.title = title;
        p.description = description;
        p.when = when;
        p.phase = phase;
        p.steps = steps;
    }

    fn step_cycles(&mut self, steps: &[Step]) {
        let n = steps.len();
        let mut state = vec![0u8; n];
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if *next < steps[node].after.len() {
                    let t = steps[node].after[*next];
                    *next += 1;
                    match state.get(t).copied() {
                        Some(0) => {
                            state[t] = 1;
                            stack.push((t, 0));
                        }
                        Some(1) => {
                            let span = steps[node].span;
                            let (a, b) = (steps[node].id.clone(), steps[t].id.clone());
                            self.err_at(
                                Code::StepCycle,
                                span,
                                Bi::new(
                                    format!("steps `{a}` and `{b}` wait for each other"),
                                    format!(
                                        "les étapes « {a} » et « {b} » s'attendent l'une l'autre"
                                    ),
                                ),
                                Bi::new("closes a cycle of `after`", "ferme un cycle de « after »"),
                            );
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// `process.step` or `step` (unique across processes).
    fn step_ref(&mut self, e: &a::Expr) -> Option<(usize, usize, Span)> {
        let (proc_name, step_name) = match &e.kind {
            AK::Member(inner, step) => match &inner.kind {
                AK::Name(p) => (Some(p.clone()), step.name.clone()),
                _ => (None, String::new()),
            },
            AK::Name(s) => (None, s.clone()),
            _ => (None, String::new()),
        };
        let mut found = Vec::new();
        for (pi, p) in self.m.processes.iter().enumerate() {
            if proc_name.as_ref().is_some_and(|n| *n != p.id) {
                continue;
            }
            for (si, s) in p.steps.iter().enumerate() {
                if s.id == step_name {
                    found.push((pi, si));
                }
            }
        }
        match found.as_slice() {
            [one] => Some((one.0, one.1, e.span)),
            [] => {
                self.err_at(
                    Code::UnknownName,
                    e.span,
                    Bi::new(
                        format!("no process has a step `{step_name}`"),
                        format!("aucun processus n'a d'étape « {step_name} »"),
                    ),
                    Bi::new("unknown step", "étape inconnue"),
                );
                None
            }
            _ => {
                self.err_at(
                    Code::UnknownName,
                    e.span,
                    Bi::new(
                        format!("several processes have a step `{step_name}`: write `process.{step_name}`"),
                        format!("plusieurs processus ont une étape « {step_name} » : écrivez « processus.{step_name} »"),
                    ),
                    Bi::new("ambiguous step", "étape ambiguë"),
                );
                None
            }
        }
    }

    fn rule_ref(&mut self, e: &a::Expr) -> Option<RuleRef> {
        let (name, item, span) = match &e.kind {
            AK::Name(n) => (n.clone(), None, e.span),
            AK::Index(inner, idx) => match (&inner.kind, &idx.kind) {
                (AK::Name(n), AK::Int(i)) if *i >= 0 => {
                    (n.clone(), usize::try_from(*i).ok(), e.span)
                }
                _ => {
                    self.err_at(
                        Code::BadValue,
                        e.span,
                        Bi::new(
                            "write `rule-id` or `rule-id[0]`",
                            "écrivez « id-de-règle » ou « id-de-règle[0] »",
                        ),
                        Bi::new("malformed reference", "référence mal formée"),
                    );
                    return None;
                }
            },
            _ => {
                self.err_at(
                    Code::BadValue,
                    e.span,
                    Bi::new("expected a rule id", "identifiant de règle attendu"),
                    Bi::new("not an id", "pas un identifiant"),
                );
                return None;
            }
        };
        match self.m.rule_ids.get(&name) {
            Some(r) => Some(RuleRef {
                rule: *r,
                item,
                span,
            }),
            None => {
                let sugg = did_you_mean(&name, self.m.rule_ids.keys().map(String::as_str))
                    .map(str::to_string);
                let d = self.err_at(
                    Code::UnknownName,
                    span,
                    Bi::new(
                        format!("unknown rule `{name}`"),
                        format!("règle inconnue « {name} »"),
                    ),
                    Bi::new("no such rule", "aucune règle de ce nom"),
                );
                if let Some(s) = sugg {
                    d.help = Some(Bi::new(
                        format!("did you mean `{s}`?"),
                        format!("vouliez-vous dire « {s} » ?"),
                    ));
                }
                None
            }
        }
    }

    // ---------------------------------------------------------------- answers

    /// Lowers a `given`/`preset` body into answers.
    pub(crate) fn answers(&mut self, body: &Body) -> Answers {
        let mut ans = Answers::empty(&self.m);
        for f in body.fields() {
            let Some(e) = self.one_arg(f) else { continue };
            let e = e.clone();
            match self.m.names.get(&f.key.name).copied() {
                Some(NameRef::Fact(fid)) => {
                    if let Some(v) = self.value_for(fid, &e) {
                        ans.set(fid, Some(v));
                    }
                }
                Some(NameRef::Group(gid)) => {
                    let AK::List(items) = &e.kind else {
                        self.err_at(
                            Code::BadValue,
                            e.span,
                            Bi::new(
                                "a group's answer is a list of `{ … }` records",
                                "la réponse d'un groupe est une liste d'enregistrements « { … } »",
                            ),
                            Bi::new("not a list", "pas une liste"),
                        );
                        continue;
                    };
                    let fields = self.m.groups[gid.idx()].fields.clone();
                    let mut out = Vec::new();
                    for it in items {
                        let AK::Record(rb) = &it.kind else {
                            self.err_at(
                                Code::BadValue,
                                it.span,
                                Bi::new(
                                    "expected a `{ … }` record",
                                    "enregistrement « { … } » attendu",
                                ),
                                Bi::new("not a record", "pas un enregistrement"),
                            );
                            continue;
                        };
                        let mut item: ItemAnswers = vec![None; fields.len()];
                        for rf in rb.fields() {
                            let pos = fields
                                .iter()
                                .position(|x| self.m.facts[x.idx()].name == rf.key.name);
                            let Some(pos) = pos else {
                                let gname = self.m.groups[gid.idx()].name.clone();
                                self.err_at(
                                    Code::UnknownName,
                                    rf.key.span,
                                    Bi::new(
                                        format!("group `{gname}` has no field `{}`", rf.key.name),
                                        format!(
                                            "le groupe « {gname} » n'a pas de champ « {} »",
                                            rf.key.name
                                        ),
                                    ),
                                    Bi::new("unknown field", "champ inconnu"),
                                );
                                continue;
                            };
                            if let Some(v) = self
                                .one_arg(rf)
                                .cloned()
                                .and_then(|ve| self.value_for(fields[pos], &ve))
                            {
                                item[pos] = Some(v);
                            }
                        }
                        out.push(item);
                    }
                    if let Some(slot) = ans.groups.get_mut(gid.idx()) {
                        *slot = Some(out);
                    }
                }
                _ => {
                    let sugg = did_you_mean(&f.key.name, self.m.names.keys().map(String::as_str))
                        .map(str::to_string);
                    let name = f.key.name.clone();
                    let d = self.err_at(
                        Code::UnknownName,
                        f.key.span,
                        Bi::new(
                            format!("unknown fact `{name}`"),
                            format!("fait inconnu « {name} »"),
                        ),
                        Bi::new("not a question", "pas une question"),
                    );
                    if let Some(s) = sugg {
                        d.help = Some(Bi::new(
                            format!("did you mean `{s}`?"),
                            format!("vouliez-vous dire « {s} » ?"),
                        ));
                    }
                }
            }
        }
        ans
    }

    /// A literal answer for a fact.
    pub(crate) fn value_for(&mut self, fid: FactId, e: &a::Expr) -> Option<Value> {
        let fact = &self.m.facts[fid.idx()];
        let ty = fact.ty;
        let v = match (ty, &e.kind) {
            (FactType::Bool, AK::Bool(b)) => Some(Value::Bool(*b)),
            (FactType::Int, AK::Int(i)) => Some(Value::Int(*i)),
            (FactType::Int, AK::Neg(inner)) => match inner.kind {
                AK::Int(i) => Some(Value::Int(-i)),
                _ => None,
            },
            (FactType::Money, AK::Money(c)) => Some(Value::Money(*c)),
            (FactType::Date, AK::Date(d)) => Some(Value::Date(*d)),
            (FactType::Text, AK::Str(s)) => Some(Value::Text(s.clone())),
            (FactType::Enum, AK::Name(n)) => match fact.option_index(n) {
                Some(i) => Some(Value::Opt(i)),
                None => {
                    self.not_an_option_pub(fid, e);
                    return None;
                }
            },
            (FactType::Set, AK::List(items)) => {
                let mut mask = 0u64;
                for it in items {
                    match word_of(it).and_then(|n| self.m.facts[fid.idx()].option_index(n)) {
                        Some(i) => mask |= 1 << i,
                        None => {
                            self.not_an_option_pub(fid, it);
                            return None;
                        }
                    }
                }
                Some(Value::Set(mask))
            }
            _ => None,
        };
        if v.is_none() {
            let tn = match ty {
                FactType::Bool => Bi::new("`true` or `false`", "« true » ou « false »"),
                FactType::Int => Bi::new("an integer", "un entier"),
                FactType::Money => Bi::new("an amount such as `$50`", "un montant comme « $50 »"),
                FactType::Date => Bi::new("a date such as 2026-01-31", "une date comme 2026-01-31"),
                FactType::Text => Bi::new("a string", "une chaîne"),
                FactType::Enum => Bi::new("one of its options", "l'une de ses options"),
                FactType::Set => Bi::new(
                    "a list of its options, such as `[a, b]`",
                    "une liste de ses options, comme « [a, b] »",
                ),
            };
            let name = self.m.facts[fid.idx()].name.clone();
            self.err_at(
                Code::TypeMismatch,
                e.span,
                Bi::new(
                    format!("`{name}` expects {}", tn.en),
                    format!("« {name} » attend {}", tn.fr),
                ),
                Bi::new("wrong kind of answer", "mauvaise sorte de réponse"),
            );
        }
        v
    }
}

fn word_of(e: &a::Expr) -> Option<&str> {
    match &e.kind {
        AK::Name(n) => Some(n),
        _ => None,
    }
}
