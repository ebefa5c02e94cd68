//! Lowering the generic syntax tree into the typed [`Model`]: declarations, fields, texts,
//! names, types and values.

use crate::manifest::{Front, Manifest, parse_front, valid_id};
use crate::model::*;
use passerelle_diag::{Bi, Code, Diag, FileId, Span, did_you_mean};
use passerelle_syntax::ast::{self as a, BinOp, ExprKind as AK};
use passerelle_syntax::{Field, ParsedFile};
use std::collections::HashMap;

/// Where a declaration sits.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    pub pack: PackId,
    pub instrument: Option<InstrumentId>,
    /// Index into the instrument's provisions.
    pub provision: Option<usize>,
}

/// A declaration waiting for its second pass.
enum Pending<'a> {
    Threshold(DefId, &'a Field, Ctx),
    Process(usize, &'a Field, Ctx),
    Fact(FactId, &'a Field),
    Group(GroupId, &'a Field),
    Def(DefId, &'a Field),
    Rule(RuleId, &'a Field, Ctx),
    Myth(MythId, &'a Field, Ctx),
    Contact(ContactId, &'a Field),
    Journey(JourneyId, &'a Field),
    Scenario(ScenarioId, &'a Field),
}

/// Field repetition rule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rep {
    Once,
    Many,
}

pub(crate) struct Lowerer<'a> {
    pub m: Model,
    pub diags: Vec<Diag>,
    pending: Vec<Pending<'a>>,
    /// Facts referenced by any expression.
    pub used_facts: Vec<bool>,
    /// Where each rule's `displaces` entries are written.
    pub displaces_spans: Vec<Vec<Span>>,
    /// Instrument owners, resolved once every contact is registered.
    pub(crate) pending_owners: Vec<(InstrumentId, String, Span)>,
    /// `displaces` names, resolved once every rule is registered.
    pub(crate) pending_displaces: Vec<(RuleId, Vec<String>)>,
    /// Where syntax errors are, so that declarations they broke do not also report
    /// missing fields.
    pub(crate) broken: Vec<Span>,
    /// The id of `m.rules[0]`: 0, but for a worker lowering a run of rules (it holds only
    /// those, see `Lowerer::lower_all`).
    pub(crate) rule_base: usize,
}

/// The names in scope for an expression: binders of quantifiers and per-item rules.
#[derive(Default, Clone)]
pub(crate) struct Scope {
    binders: Vec<(String, GroupId)>,
}

fn word_of(e: &a::Expr) -> Option<&str> {
    match &e.kind {
        AK::Name(n) => Some(n),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    pub fn new() -> Lowerer<'a> {
        Lowerer {
            m: Model::default(),
            diags: Vec::new(),
            pending: Vec::new(),
            used_facts: Vec::new(),
            displaces_spans: Vec::new(),
            pending_owners: Vec::new(),
            pending_displaces: Vec::new(),
            broken: Vec::new(),
            rule_base: 0,
        }
    }

    fn err(&mut self, code: Code, span: Span, msg: Bi, label: Bi) -> &mut Diag {
        self.diags.push(Diag::error(code, msg).at(span, label));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    // ------------------------------------------------------------------ packs and files

    pub fn add_pack(&mut self, man: Manifest, dir: String, manifest: Option<FileId>) -> PackId {
        let id = PackId(id32(self.m.packs.len()));
        self.m.packs.push(PackMeta {
            id: man.id,
            version: man.version,
            title: man.title,
            layer: man.layer,
            builds_on: man.builds_on.into_iter().map(|(i, _)| i).collect(),
            dir,
            manifest,
        });
        id
    }

    /// Registers a file's instrument (if its front matter declares one) and the names its
    /// blocks declare.
    pub fn register_file(&mut self, pack: PackId, pf: &'a ParsedFile, map_text: &str) {
        let mut instrument = None;
        if let Some(fm) = &pf.front_matter {
            if let Some(front) =
                parse_front(pf.file, fm.span.start as usize, &fm.text, &mut self.diags)
            {
                instrument = Some(self.add_instrument(pack, pf, front, fm.span));
            }
        } else if !pf.provisions.is_empty() {
            // Provision headings outside an instrument file are plain headings.
        }
        let _ = map_text;
        for block in &pf.blocks {
            let ctx = Ctx {
                pack,
                instrument,
                provision: block.provision,
            };
            for f in block.body.fields() {
                self.register_decl(f, ctx);
            }
        }
    }

    fn add_instrument(
        &mut self,
        pack: PackId,
        pf: &ParsedFile,
        front: Front,
        span: Span,
    ) -> InstrumentId {
        let id = InstrumentId(id32(self.m.instruments.len()));
        if let Some(&prev) = self.m.instrument_ids.get(&front.id) {
            let prev_span = self.m.instruments[prev.idx()].span;
            let id_text = front.id.clone();
            self.err(
                Code::DuplicateId,
                front.id_span,
                Bi::new(
                    format!("instrument `{id_text}` is declared twice"),
                    format!("l'instrument « {id_text} » est déclaré deux fois"),
                ),
                Bi::new("second declaration", "deuxième déclaration"),
            )
            .secondary
            .push(passerelle_diag::Label {
                span: prev_span,
                text: Bi::new("first declared here", "première déclaration ici"),
            });
        } else {
            self.m.instrument_ids.insert(front.id.clone(), id);
        }
        let mut provisions = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (pi, p) in pf.provisions.iter().enumerate() {
            // A heading that only groups sub-provisions (§ 5 above § 5(1)) needs no paraphrase.
            let is_parent = pf.provisions.get(pi + 1).is_some_and(|next| {
                next.level > p.level
                    && next
                        .section
                        .strip_prefix(p.section.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '(']))
            });
            if let Some(prev) = seen.insert(&p.section, p.section_span) {
                self.err(
                    Code::DuplicateId,
                    p.section_span,
                    Bi::new(
                        format!("provision § {} appears twice in this instrument", p.section),
                        format!(
                            "la disposition § {} figure deux fois dans cet instrument",
                            p.section
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
            for (lang, missing, marker) in [
                ("English", p.en.is_none(), "EN:"),
                ("French", p.fr.is_none(), "FR:"),
            ] {
                if missing && !(is_parent && p.en.is_none() && p.fr.is_none()) {
                    let fr_lang = if lang == "English" {
                        "anglaise"
                    } else {
                        "française"
                    };
                    self.err(
                        Code::MissingTranslation,
                        p.heading_span,
                        Bi::new(
                            format!("provision § {} has no {lang} paraphrase", p.section),
                            format!(
                                "la disposition § {} n'a pas de paraphrase {fr_lang}",
                                p.section
                            ),
                        ),
                        Bi::new("this provision", "cette disposition"),
                    )
                    .help = Some(Bi::new(
                        format!("add a paragraph starting with `{marker}` under the heading"),
                        format!("ajoutez un paragraphe commençant par « {marker} » sous le titre"),
                    ));
                }
            }
            provisions.push(ProvisionInfo {
                section: p.section.clone(),
                title: p.title.clone(),
                paraphrase: Bi {
                    en: p.en.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
                    fr: p.fr.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
                },
                span: p.heading_span,
            });
        }
        let layer = front
            .layer
            .clone()
            .unwrap_or_else(|| self.m.packs[pack.idx()].layer.clone());
        self.m.instruments.push(Instrument {
            id: front.id.clone(),
            kind: front.kind,
            title: front.title,
            owner: None,
            period: front.period,
            source: front.source,
            official: front.official,
            aliases: front.aliases,
            layer,
            pack,
            provisions,
            file: pf.file,
            span,
        });
        // Owner resolves after every contact is registered.
        if let Some((owner, ospan)) = front.owner {
            self.pending_owners.push((id, owner, ospan));
        }
        id
    }

    fn dup_check<T: Copy>(
        &mut self,
        map_kind: &str,
        name: &str,
        span: Span,
        prev: Option<(T, Span)>,
    ) {
        if let Some((_, prev_span)) = prev {
            let fr_kind = match map_kind {
                "name" => "nom",
                "rule" => "règle",
                "myth" => "mythe",
                "contact" => "contact",
                "journey" => "parcours",
                "scenario" => "scénario",
                "process" => "processus",
                other => other,
            };
            self.err(
                Code::DuplicateId,
                span,
                Bi::new(
                    format!("{map_kind} `{name}` is declared twice"),
                    format!("{fr_kind} « {name} » déclaré deux fois"),
                ),
                Bi::new("second declaration", "deuxième déclaration"),
            )
            .secondary
            .push(passerelle_diag::Label {
                span: prev_span,
                text: Bi::new("first declared here", "première déclaration ici"),
            });
        }
    }

    pub(crate) fn decl_name(&mut self, f: &Field, what: Bi) -> Option<a::Ident> {
        match f.name_arg() {
            Some(n) if f.args.len() == 1 => Some(n),
            _ => {
                self.err(
                    Code::BadValue,
                    f.key.span,
                    Bi::new(
                        format!("`{}` needs a name", f.key.name),
                        format!("« {} » doit avoir un nom", f.key.name),
                    ),
                    Bi::new(
                        format!("{} without a name", what.en),
                        format!("{} sans nom", what.fr),
                    ),
                );
                None
            }
        }
    }

    fn check_name_form(&mut self, n: &a::Ident, ids: bool) {
        let ok = if ids {
            !n.name.is_empty()
        } else {
            !n.name.contains('-')
        };
        if !ok {
            self.err(
                Code::BadValue,
                n.span,
                Bi::new(
                    format!("`{}`: names of facts and definitions cannot contain `-`", n.name),
                    format!("« {} » : les noms de faits et de définitions ne peuvent pas contenir « - »", n.name),
                ),
                Bi::new("use `_` instead", "utilisez « _ » à la place"),
            );
        }
    }

    fn register_decl(&mut self, f: &'a Field, ctx: Ctx) {
        let span = f.span;
        match f.key.name.as_str() {
            "fact" => {
                if let Some(n) = self.decl_name(f, Bi::new("a fact", "un fait")) {
                    self.check_name_form(&n, false);
                    let id = self.new_fact(&n, f, None, ctx.pack);
                    self.pending.push(Pending::Fact(id, f));
                }
            }
            "group" => {
                if let Some(n) = self.decl_name(f, Bi::new("a group", "un groupe")) {
                    self.check_name_form(&n, false);
                    let gid = GroupId(id32(self.m.groups.len()));
                    let prev = self.m.names.get(&n.name).map(|r| (*r, self.name_span(*r)));
                    self.dup_check("name", &n.name, n.span, prev);
                    if prev.is_none() {
                        self.m.names.insert(n.name.clone(), NameRef::Group(gid));
                    }
                    self.m.groups.push(Group {
                        name: n.name.clone(),
                        question: Bi::default(),
                        help: Bi::default(),
                        label_field: None,
                        fields: Vec::new(),
                        gate: None,
                        span,
                        pack: ctx.pack,
                    });
                    // Group fields.
                    if let Some(body) = &f.body {
                        let mut field_names: HashMap<String, Span> = HashMap::new();
                        for inner in body.fields().filter(|x| x.key.name == "fact") {
                            if let Some(fname) = self.decl_name(inner, Bi::new("a fact", "un fait"))
                            {
                                self.check_name_form(&fname, false);
                                if let Some(prev) =
                                    field_names.insert(fname.name.clone(), fname.span)
                                {
                                    self.dup_check(
                                        "name",
                                        &fname.name,
                                        fname.span,
                                        Some(((), prev)),
                                    );
                                    continue;
                                }
                                let fid = self.push_fact(&fname, inner, Some(gid), ctx.pack);
                                self.m.groups[gid.idx()].fields.push(fid);
                                self.pending.push(Pending::Fact(fid, inner));
                            }
                        }
                    }
                    self.pending.push(Pending::Group(gid, f));
                }
            }
            "define" => {
                if let Some(n) = self.decl_name(f, Bi::new("a definition", "une définition")) {
                    self.check_name_form(&n, false);
                    let id = DefId(id32(self.m.defs.len()));
                    let prev = self.m.names.get(&n.name).map(|r| (*r, self.name_span(*r)));
                    self.dup_check("name", &n.name, n.span, prev);
                    if prev.is_none() {
                        self.m.names.insert(n.name.clone(), NameRef::Def(id));
                    }
                    let ty = self.def_type(f);
                    self.m.defs.push(Def {
                        name: n.name.clone(),
                        ty,
                        label: Bi::default(),
                        cases: Vec::new(),
                        default: Expr::truth(span),
                        periods: Vec::new(),
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Def(id, f));
                }
            }
            "rule" | "exception" => {
                let what = if f.key.name == "rule" {
                    Bi::new("a rule", "une règle")
                } else {
                    Bi::new("an exception", "une exception")
                };
                if let Some(n) = self.decl_name(f, what) {
                    let id = RuleId(id32(self.m.rules.len()));
                    let prev = self
                        .m
                        .rule_ids
                        .get(&n.name)
                        .map(|r| (*r, self.m.rules[r.idx()].span));
                    self.dup_check("rule", &n.name, n.span, prev);
                    if prev.is_none() {
                        self.m.rule_ids.insert(n.name.clone(), id);
                    }
                    let kind = if f.key.name == "exception" {
                        if let Some(ty) = &f.ty {
                            self.err(
                                Code::BadValue,
                                ty.span,
                                Bi::new(
                                    "an exception has no modality",
                                    "une exception n'a pas de modalité",
                                ),
                                Bi::new("remove this", "retirez ceci"),
                            );
                        }
                        RuleKind::Exception
                    } else {
                        match f.ty.as_ref().map(|t| (t.name.as_str(), t.span)) {
                            Some((w, s)) => match Modal::parse(w) {
                                Some(m) => RuleKind::Obligation(m),
                                None => {
                                    let sugg =
                                        did_you_mean(w, ["must", "must_not", "may", "should"]);
                                    let d = self.err(
                                        Code::UnknownName,
                                        s,
                                        Bi::new(
                                            format!("unknown modality `{w}`"),
                                            format!("modalité inconnue « {w} »"),
                                        ),
                                        Bi::new("not a modality", "pas une modalité"),
                                    );
                                    d.help = Some(match sugg {
                                        Some(x) => Bi::new(
                                            format!("did you mean `{x}`?"),
                                            format!("vouliez-vous dire « {x} » ?"),
                                        ),
                                        None => Bi::new(
                                            "use must, must_not, may or should",
                                            "utilisez must, must_not, may ou should",
                                        ),
                                    });
                                    RuleKind::Obligation(Modal::Must)
                                }
                            },
                            None => {
                                self.err(
                                    Code::MissingField,
                                    n.span,
                                    Bi::new("a rule needs a modality", "une règle doit avoir une modalité"),
                                    Bi::new("write `: must`, `: must_not`, `: may` or `: should` after the name", "écrivez « : must », « : must_not », « : may » ou « : should » après le nom"),
                                );
                                RuleKind::Obligation(Modal::Must)
                            }
                        }
                    };
                    let layer = ctx
                        .instrument
                        .map(|i| self.m.instruments[i.idx()].layer.clone())
                        .unwrap_or_else(|| self.m.packs[ctx.pack.idx()].layer.clone());
                    self.m.rules.push(Rule {
                        id: n.name.clone(),
                        kind,
                        when: None,
                        text: Bi::default(),
                        intent: None,
                        citations: Vec::new(),
                        domain: None,
                        phase: None,
                        owner: None,
                        status: Status::Unverified(Bi::default()),
                        period: Period::default(),
                        per_item: None,
                        displaces: Vec::new(),
                        delegates: Vec::new(),
                        layer,
                        instrument: ctx.instrument,
                        span,
                        name_span: n.span,
                        displaces_span: None,
                        pack: ctx.pack,
                    });
                    self.displaces_spans.push(Vec::new());
                    self.pending.push(Pending::Rule(id, f, ctx));
                }
            }
            "myth" => {
                if let Some(n) = self.decl_name(f, Bi::new("a myth", "un mythe")) {
                    let id = MythId(id32(self.m.myths.len()));
                    let prev = self
                        .m
                        .myth_ids
                        .get(&n.name)
                        .map(|r| (*r, self.m.myths[r.idx()].span));
                    self.dup_check("myth", &n.name, n.span, prev);
                    if prev.is_none() {
                        self.m.myth_ids.insert(n.name.clone(), id);
                    }
                    self.m.myths.push(Myth {
                        id: n.name.clone(),
                        claim: Bi::default(),
                        verdict: MythVerdict::NotARule,
                        explanation: Bi::default(),
                        citations: Vec::new(),
                        relevant_when: None,
                        status: Status::Unverified(Bi::default()),
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Myth(id, f, ctx));
                }
            }
            "contact" => {
                if let Some(n) = self.decl_name(f, Bi::new("a contact", "un contact")) {
                    let id = ContactId(id32(self.m.contacts.len()));
                    let prev = self
                        .m
                        .contact_ids
                        .get(&n.name)
                        .map(|r| (*r, self.m.contacts[r.idx()].span));
                    self.dup_check("contact", &n.name, n.span, prev);
                    if prev.is_none() {
                        self.m.contact_ids.insert(n.name.clone(), id);
                    }
                    self.m.contacts.push(Contact {
                        id: n.name.clone(),
                        role: Role::Privacy,
                        name: Bi::default(),
                        ask: Bi::default(),
                        url: None,
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Contact(id, f));
                }
            }
            "journey" => {
                if let Some(n) = self.decl_name(f, Bi::new("a journey", "un parcours")) {
                    let id = JourneyId(id32(self.m.journeys.len()));
                    let prev = self
                        .m
                        .journeys
                        .iter()
                        .find(|j| j.id == n.name)
                        .map(|j| ((), j.span));
                    self.dup_check("journey", &n.name, n.span, prev);
                    self.m.journeys.push(Journey {
                        id: n.name.clone(),
                        title: Bi::default(),
                        description: Bi::default(),
                        preset: Answers::default(),
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Journey(id, f));
                }
            }
            "scenario" => {
                if let Some(n) = self.decl_name(f, Bi::new("a scenario", "un scénario")) {
                    let id = ScenarioId(id32(self.m.scenarios.len()));
                    let prev = self
                        .m
                        .scenarios
                        .iter()
                        .find(|s| s.id == n.name)
                        .map(|s| ((), s.span));
                    self.dup_check("scenario", &n.name, n.span, prev);
                    self.m.scenarios.push(Scenario {
                        id: n.name.clone(),
                        description: String::new(),
                        as_of: None,
                        given: Answers::default(),
                        expect_applies: Vec::new(),
                        expect_not_applies: Vec::new(),
                        expect_displaced: Vec::new(),
                        expect_undetermined: Vec::new(),
                        expect_to_confirm: Vec::new(),
                        expect_myths: Vec::new(),
                        expect_no_myths: Vec::new(),
                        expect_next: None,
                        expect_steps: Vec::new(),
                        expect_no_steps: Vec::new(),
                        expect_weeks: None,
                        expect_complete: None,
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Scenario(id, f));
                }
            }
            "threshold" => {
                if let Some(n) = self.decl_name(f, Bi::new("a threshold", "un seuil")) {
                    self.check_name_form(&n, false);
                    let id = DefId(id32(self.m.defs.len()));
                    let prev = self.m.names.get(&n.name).map(|r| (*r, self.name_span(*r)));
                    self.dup_check("name", &n.name, n.span, prev);
                    if prev.is_none() {
                        self.m.names.insert(n.name.clone(), NameRef::Def(id));
                    }
                    let ty = match f.ty.as_ref().map(|t| t.name.as_str()) {
                        Some("money") => Type::Money,
                        Some("integer") => Type::Int,
                        _ => {
                            let span = f.ty.as_ref().map(|t| t.span).unwrap_or(n.span);
                            self.err(
                                Code::TypeMismatch,
                                span,
                                Bi::new(
                                    "a threshold is `: money` or `: integer`",
                                    "un seuil est « : money » ou « : integer »",
                                ),
                                Bi::new("not money or integer", "ni money ni integer"),
                            );
                            Type::Error
                        }
                    };
                    self.m.defs.push(Def {
                        name: n.name.clone(),
                        ty,
                        label: Bi::default(),
                        cases: Vec::new(),
                        default: Expr {
                            kind: ExprKind::Unknown,
                            ty,
                            span,
                        },
                        periods: Vec::new(),
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Threshold(id, f, ctx));
                }
            }
            "process" => {
                if let Some(n) = self.decl_name(f, Bi::new("a process", "un processus")) {
                    let id = self.m.processes.len();
                    let prev = self
                        .m
                        .processes
                        .iter()
                        .find(|p| p.id == n.name)
                        .map(|p| ((), p.span));
                    self.dup_check("process", &n.name, n.span, prev);
                    self.m.processes.push(Process {
                        id: n.name.clone(),
                        title: Bi::default(),
                        description: None,
                        when: None,
                        phase: Phase::Before,
                        steps: Vec::new(),
                        span,
                        pack: ctx.pack,
                    });
                    self.pending.push(Pending::Process(id, f, ctx));
                }
            }
            other => {
                const KEYWORDS: [&str; 11] = [
                    "fact",
                    "group",
                    "define",
                    "threshold",
                    "rule",
                    "exception",
                    "myth",
                    "contact",
                    "journey",
                    "process",
                    "scenario",
                ];
                let sugg = did_you_mean(other, KEYWORDS);
                let d = self.err(
                    Code::UnknownKeyword,
                    f.key.span,
                    Bi::new(
                        format!("unknown declaration `{other}`"),
                        format!("déclaration inconnue « {other} »"),
                    ),
                    Bi::new("not a declaration", "pas une déclaration"),
                );
                d.help = Some(match sugg {
                    Some(s) => Bi::new(
                        format!("did you mean `{s}`?"),
                        format!("vouliez-vous dire « {s} » ?"),
                    ),
                    None => Bi::new(
                        format!("declarations are: {}", KEYWORDS.join(", ")),
                        format!("les déclarations sont : {}", KEYWORDS.join(", ")),
                    ),
                });
            }
        }
    }

    fn name_span(&self, r: NameRef) -> Span {
        match r {
            NameRef::Fact(f) => self.m.facts[f.idx()].span,
            NameRef::Group(g) => self.m.groups[g.idx()].span,
            NameRef::Def(d) => self.m.defs[d.idx()].span,
        }
    }

    fn new_fact(
        &mut self,
        n: &a::Ident,
        f: &Field,
        group: Option<GroupId>,
        pack: PackId,
    ) -> FactId {
        let prev = self.m.names.get(&n.name).map(|r| (*r, self.name_span(*r)));
        self.dup_check("name", &n.name, n.span, prev);
        let id = self.push_fact(n, f, group, pack);
        if prev.is_none() {
            self.m.names.insert(n.name.clone(), NameRef::Fact(id));
        }
        id
    }

    fn push_fact(
        &mut self,
        n: &a::Ident,
        f: &Field,
        group: Option<GroupId>,
        pack: PackId,
    ) -> FactId {
        let id = FactId(id32(self.m.facts.len()));
        let ty = match f.ty.as_ref() {
            Some(t) => match FactType::parse(&t.name) {
                Some(ty) => ty,
                None => {
                    let words = ["bool", "integer", "money", "date", "text", "enum", "set"];
                    let sugg = did_you_mean(&t.name, words);
                    let d = self.err(
                        Code::UnknownName,
                        t.span,
                        Bi::new(
                            format!("unknown type `{}`", t.name),
                            format!("type inconnu « {} »", t.name),
                        ),
                        Bi::new("not a type", "pas un type"),
                    );
                    d.help = Some(match sugg {
                        Some(s) => Bi::new(
                            format!("did you mean `{s}`?"),
                            format!("vouliez-vous dire « {s} » ?"),
                        ),
                        None => Bi::new(
                            format!("types are: {}", words.join(", ")),
                            format!("les types sont : {}", words.join(", ")),
                        ),
                    });
                    FactType::Bool
                }
            },
            None => {
                self.err(
                    Code::MissingField,
                    n.span,
                    Bi::new("a fact needs a type", "un fait doit avoir un type"),
                    Bi::new(
                        "write `: bool`, `: enum`… after the name",
                        "écrivez « : bool », « : enum »… après le nom",
                    ),
                );
                FactType::Bool
            }
        };
        self.m.facts.push(Fact {
            name: n.name.clone(),
            ty,
            question: Bi::default(),
            help: Bi::default(),
            options: Vec::new(),
            gate: None,
            otherwise: None,
            min: None,
            max: None,
            unit: None,
            group,
            for_documents: false,
            span: f.span,
            pack,
        });
        self.used_facts.push(false);
        id
    }

    fn def_type(&mut self, f: &Field) -> Type {
        match f.ty.as_ref() {
            Some(t) => match t.name.as_str() {
                "bool" => Type::Bool,
                "integer" => Type::Int,
                "money" => Type::Money,
                "date" => Type::Date,
                "text" => Type::Text,
                other => {
                    self.err(
                        Code::UnknownName,
                        t.span,
                        Bi::new(
                            format!("a definition cannot have type `{other}`"),
                            format!("une définition ne peut pas être de type « {other} »"),
                        ),
                        Bi::new(
                            "use bool, integer, money, date or text",
                            "utilisez bool, integer, money, date ou text",
                        ),
                    );
                    Type::Error
                }
            },
            None => {
                self.err(
                    Code::MissingField,
                    f.key.span,
                    Bi::new(
                        "a definition needs a type",
                        "une définition doit avoir un type",
                    ),
                    Bi::new(
                        "write `: bool`, `: money`… after the name",
                        "écrivez « : bool », « : money »… après le nom",
                    ),
                );
                Type::Error
            }
        }
    }
}

// The rest of the lowerer (second pass) lives in `lower2.rs` to keep files readable.
pub(crate) use crate::lower2::FieldMap;

/// Below this many rules, they are lowered on the calling thread only.
const PARALLEL_RULES: usize = 2_000;

impl<'a> Lowerer<'a> {
    /// A lowerer for the rules `rules` (ids `base..`) on another thread: a copy of the
    /// registered model, but for the rules (it holds only its own) and the rule ids.
    fn worker(&self, base: usize, rules: Vec<Rule>) -> Lowerer<'a> {
        let m = Model {
            packs: self.m.packs.clone(),
            instruments: self.m.instruments.clone(),
            contacts: self.m.contacts.clone(),
            facts: self.m.facts.clone(),
            groups: self.m.groups.clone(),
            defs: self.m.defs.clone(),
            names: self.m.names.clone(),
            instrument_ids: self.m.instrument_ids.clone(),
            contact_ids: self.m.contact_ids.clone(),
            rules,
            ..Model::default()
        };
        Lowerer {
            m,
            diags: Vec::new(),
            pending: Vec::new(),
            used_facts: vec![false; self.used_facts.len()],
            displaces_spans: vec![Vec::new(); self.displaces_spans.len()],
            pending_owners: Vec::new(),
            pending_displaces: Vec::new(),
            broken: self.broken.clone(),
            rule_base: base,
        }
    }

    /// Takes back what a worker lowered: its rules (they follow this lowerer's), their
    /// `displaces`, its diagnostics and the facts it saw used.
    fn merge(&mut self, mut w: Lowerer<'a>, rules: &[(RuleId, &'a Field, Ctx)]) {
        self.m.rules.append(&mut w.m.rules);
        for (id, _, _) in rules {
            let i = id.idx();
            if let (Some(a), Some(b)) = (
                self.displaces_spans.get_mut(i),
                w.displaces_spans.get_mut(i),
            ) {
                std::mem::swap(a, b);
            }
        }
        self.diags.append(&mut w.diags);
        for (a, b) in self.used_facts.iter_mut().zip(&w.used_facts) {
            *a |= *b;
        }
        self.pending_displaces.append(&mut w.pending_displaces);
    }

    /// Runs the second pass over every registered declaration. With more than one thread
    /// and many rules, the last rules (in order) are lowered on other threads, each over a
    /// copy of the registered model: lowering a rule reads only what registration and the
    /// shapes of facts and groups made, and writes only the rule, its diagnostics and the
    /// facts it uses, so the result is the same as on one thread.
    pub fn lower_all(&mut self, threads: usize) {
        self.resolve_instrument_owners();
        let pending = std::mem::take(&mut self.pending);
        // Contacts and facts first (their shapes are needed by the others), then the rest.
        for p in &pending {
            match p {
                Pending::Contact(id, f) => self.lower_contact(*id, f),
                Pending::Fact(id, f) => self.lower_fact_shape(*id, f),
                _ => {}
            }
        }
        for p in &pending {
            if let Pending::Group(id, f) = p {
                self.lower_group(*id, f);
            }
        }
        let rules: Vec<(RuleId, &'a Field, Ctx)> = pending
            .iter()
            .filter_map(|p| match p {
                Pending::Rule(id, f, ctx) => Some((*id, *f, *ctx)),
                _ => None,
            })
            .collect();
        // Workers take the last rules, each a run of consecutive ids up to the end (rules
        // are registered, hence numbered, in the order they are pending).
        let in_order = rules.iter().enumerate().all(|(i, r)| r.0.idx() == i)
            && rules.len() == self.m.rules.len();
        let workers = if threads > 1 && rules.len() >= PARALLEL_RULES && in_order {
            threads - 1
        } else {
            0
        };
        let share = rules.len().div_ceil(workers + 1).max(1);
        let theirs: Vec<&[(RuleId, &'a Field, Ctx)]> = if workers > 0 {
            rules[share.min(rules.len())..].chunks(share).collect()
        } else {
            Vec::new()
        };
        let mut handed = vec![false; self.m.rules.len()];
        for (id, _, _) in theirs.iter().flat_map(|c| c.iter()) {
            if let Some(h) = handed.get_mut(id.idx()) {
                *h = true;
            }
        }
        // Each worker's rules move to it (from the last run back), and come back in merge.
        let mut helpers: Vec<Lowerer<'a>> = Vec::with_capacity(theirs.len());
        for chunk in theirs.iter().rev() {
            let base = chunk.first().map_or(self.m.rules.len(), |r| r.0.idx());
            let own = self.m.rules.split_off(base.min(self.m.rules.len()));
            helpers.push(self.worker(base, own));
        }
        helpers.reverse();
        std::thread::scope(|scope| {
            let handles: Vec<_> = helpers
                .into_iter()
                .zip(&theirs)
                .map(|(mut w, chunk)| {
                    scope.spawn(move || {
                        for &(id, f, ctx) in chunk.iter() {
                            w.lower_rule(id, f, ctx);
                        }
                        w
                    })
                })
                .collect();
            self.lower_rest(&pending, &handed);
            for (h, chunk) in handles.into_iter().zip(&theirs) {
                match h.join() {
                    Ok(w) => self.merge(w, chunk),
                    Err(e) => std::panic::resume_unwind(e),
                }
            }
        });
        for p in &pending {
            match p {
                Pending::Journey(id, f) => self.lower_journey(*id, f),
                Pending::Scenario(id, f) => self.lower_scenario(*id, f),
                _ => {}
            }
        }
    }

    /// The declarations after facts' shapes and groups, but the rules `handed` to workers.
    fn lower_rest(&mut self, pending: &[Pending<'a>], handed: &[bool]) {
        for p in pending {
            match p {
                Pending::Fact(id, f) => self.lower_fact_gate(*id, f),
                Pending::Def(id, f) => self.lower_def(*id, f),
                Pending::Rule(id, _, _) if handed.get(id.idx()).copied().unwrap_or(false) => {}
                Pending::Rule(id, f, ctx) => self.lower_rule(*id, f, *ctx),
                Pending::Myth(id, f, ctx) => self.lower_myth(*id, f, *ctx),
                Pending::Threshold(id, f, ctx) => self.lower_threshold(*id, f, *ctx),
                Pending::Process(id, f, ctx) => self.lower_process(*id, f, *ctx),
                _ => {}
            }
        }
    }
}

/// Helpers shared with `lower2`.
impl Lowerer<'_> {
    pub(crate) fn field_map<'f>(
        &mut self,
        decl: &'f Field,
        allowed: &[(&str, bool)],
    ) -> FieldMap<'f> {
        let mut map = FieldMap::default();
        let Some(body) = &decl.body else {
            self.err(
                Code::Syntax,
                decl.span,
                Bi::new(
                    format!("`{}` needs a `{{ … }}` body", decl.key.name),
                    format!("« {} » doit avoir un corps « {{ … }} »", decl.key.name),
                ),
                Bi::new("no body", "aucun corps"),
            );
            return map;
        };
        map.decl_span = decl.span;
        for f in body.fields() {
            let key = f.key.name.as_str();
            match allowed.iter().find(|(k, _)| *k == key) {
                Some((_, many)) => {
                    let first = map.one(key);
                    if let (false, Some(first)) = (*many, first) {
                        let prev = first.key.span;
                        self.err(
                            Code::DuplicateField,
                            f.key.span,
                            Bi::new(
                                format!("`{key}` appears twice"),
                                format!("« {key} » figure deux fois"),
                            ),
                            Bi::new("again here", "de nouveau ici"),
                        )
                        .secondary
                        .push(passerelle_diag::Label {
                            span: prev,
                            text: Bi::new("first here", "d'abord ici"),
                        });
                    } else {
                        map.fields.push((key, f));
                    }
                }
                None => {
                    let sugg = did_you_mean(key, allowed.iter().map(|(k, _)| *k));
                    let list = allowed
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ");
                    let decl_key = decl.key.name.clone();
                    let d = self.err(
                        Code::UnknownField,
                        f.key.span,
                        Bi::new(
                            format!("`{key}` is not a field of `{decl_key}`"),
                            format!("« {key} » n'est pas un champ de « {decl_key} »"),
                        ),
                        Bi::new("unknown field", "champ inconnu"),
                    );
                    d.help = Some(match sugg {
                        Some(s) => Bi::new(
                            format!("did you mean `{s}`?"),
                            format!("vouliez-vous dire « {s} » ?"),
                        ),
                        None => Bi::new(
                            format!("fields are: {list}"),
                            format!("les champs sont : {list}"),
                        ),
                    });
                }
            }
        }
        let _ = Rep::Once;
        let _ = Rep::Many;
        map
    }

    /// Whether a syntax error lies inside this span.
    pub(crate) fn is_broken(&self, span: Span) -> bool {
        self.broken
            .iter()
            .any(|b| b.file == span.file && b.start >= span.start && b.start <= span.end)
    }

    pub(crate) fn missing(&mut self, decl: &Field, key: &str) {
        if self.is_broken(decl.span) {
            return;
        }
        let what = decl.key.name.clone();
        let span = decl.name_arg().map(|n| n.span).unwrap_or(decl.key.span);
        self.err(
            Code::MissingField,
            span,
            Bi::new(
                format!("`{what}` lacks `{key}`"),
                format!("il manque « {key} » à « {what} »"),
            ),
            Bi::new(format!("no `{key}` here"), format!("aucun « {key} » ici")),
        );
    }

    /// A bilingual text field `{ en "…" fr "…" }`.
    pub(crate) fn bi(&mut self, f: &Field) -> Bi {
        let Some(body) = &f.body else {
            let key = f.key.name.clone();
            let d = self.err(
                Code::MissingTranslation,
                f.span,
                Bi::new(
                    format!("`{key}` must be given in English and French"),
                    format!("« {key} » doit être donné en anglais et en français"),
                ),
                Bi::new(
                    "one text for both languages",
                    "un seul texte pour les deux langues",
                ),
            );
            d.help = Some(Bi::new(
                format!("write `{key} {{ en \"…\" fr \"…\" }}`"),
                format!("écrivez « {key} {{ en \"…\" fr \"…\" }} »"),
            ));
            return Bi::default();
        };
        let mut en = None;
        let mut fr = None;
        for x in body.fields() {
            let slot = match x.key.name.as_str() {
                "en" => &mut en,
                "fr" => &mut fr,
                other => {
                    let other = other.to_string();
                    self.err(
                        Code::UnknownField,
                        x.key.span,
                        Bi::new(
                            format!("`{other}` is not a language: use `en` and `fr`"),
                            format!("« {other} » n'est pas une langue : utilisez « en » et « fr »"),
                        ),
                        Bi::new("unknown language", "langue inconnue"),
                    );
                    continue;
                }
            };
            match x.arg().map(|e| &e.kind) {
                Some(AK::Str(s)) => *slot = Some(s.clone()),
                _ => {
                    self.err(
                        Code::BadValue,
                        x.span,
                        Bi::new("expected one string", "une chaîne attendue"),
                        Bi::new("not a string", "pas une chaîne"),
                    );
                    *slot = Some(String::from("?"));
                }
            }
        }
        let key = f.key.name.clone();
        for (lang, val, fr_lang) in [("en", &en, "anglais"), ("fr", &fr, "français")] {
            if val.as_ref().is_none_or(|s| s.trim().is_empty()) {
                let english = if lang == "en" { "English" } else { "French" };
                self.err(
                    Code::MissingTranslation,
                    f.span,
                    Bi::new(
                        format!("`{key}` has no {english} text"),
                        format!("« {key} » n'a pas de texte en {fr_lang}"),
                    ),
                    Bi::new(format!("`{lang}` missing"), format!("« {lang} » manquant")),
                )
                .help = Some(Bi::new(
                    format!("add `{lang} \"…\"` inside the braces"),
                    format!("ajoutez « {lang} \"…\" » entre les accolades"),
                ));
            }
        }
        Bi::new(en.unwrap_or_default(), fr.unwrap_or_default())
    }

    pub(crate) fn one_arg<'e>(&mut self, f: &'e Field) -> Option<&'e a::Expr> {
        match f.args.as_slice() {
            [one] => Some(one),
            _ => {
                let key = f.key.name.clone();
                self.err(
                    Code::BadValue,
                    f.span,
                    Bi::new(
                        format!("`{key}` takes exactly one value"),
                        format!("« {key} » prend exactement une valeur"),
                    ),
                    Bi::new("here", "ici"),
                );
                None
            }
        }
    }

    pub(crate) fn word_arg(&mut self, f: &Field, options: &[&str]) -> Option<String> {
        let e = self.one_arg(f)?;
        let w = match &e.kind {
            AK::Name(w) => w.clone(),
            AK::Bool(true) => "true".to_string(),
            _ => String::new(),
        };
        if options.contains(&w.as_str()) {
            return Some(w);
        }
        let sugg = did_you_mean(&w, options.iter().copied());
        let list = options.join(", ");
        let key = f.key.name.clone();
        let d = self.err(
            Code::BadValue,
            e.span,
            Bi::new(
                format!("`{key}` must be one of: {list}"),
                format!("« {key} » doit être l'une des valeurs : {list}"),
            ),
            Bi::new("not allowed here", "non permis ici"),
        );
        if let Some(s) = sugg {
            d.help = Some(Bi::new(
                format!("did you mean `{s}`?"),
                format!("vouliez-vous dire « {s} » ?"),
            ));
        }
        None
    }

    pub(crate) fn date_arg(&mut self, f: &Field) -> Option<jiff::civil::Date> {
        let e = self.one_arg(f)?;
        if let AK::Date(d) = e.kind {
            return Some(d);
        }
        if matches!(e.kind, AK::Error) {
            return None;
        }
        let key = f.key.name.clone();
        self.err(
            Code::BadValue,
            e.span,
            Bi::new(
                format!("`{key}` must be a date (YYYY-MM-DD)"),
                format!("« {key} » doit être une date (AAAA-MM-JJ)"),
            ),
            Bi::new("not a date", "pas une date"),
        );
        None
    }

    pub(crate) fn string_arg(&mut self, f: &Field) -> Option<String> {
        let e = self.one_arg(f)?;
        if let AK::Str(s) = &e.kind {
            return Some(s.clone());
        }
        if matches!(e.kind, AK::Error) {
            return None;
        }
        let key = f.key.name.clone();
        self.err(
            Code::BadValue,
            e.span,
            Bi::new(
                format!("`{key}` must be a string"),
                format!("« {key} » doit être une chaîne"),
            ),
            Bi::new("not a string", "pas une chaîne"),
        );
        None
    }

    pub(crate) fn valid_rule_id(&mut self, n: &a::Ident) {
        if !valid_id(&n.name.replace('_', "-").to_ascii_lowercase()) {
            self.err(
                Code::BadValue,
                n.span,
                Bi::new(
                    format!("invalid id `{}`", n.name),
                    format!("identifiant invalide « {} »", n.name),
                ),
                Bi::new(
                    "use letters, digits, `-` and `_`",
                    "utilisez des lettres, des chiffres, « - » et « _ »",
                ),
            );
        }
    }

    // ---------------------------------------------------------------- expressions

    pub(crate) fn mark_fact(&mut self, f: FactId) {
        if let Some(u) = self.used_facts.get_mut(f.idx()) {
            *u = true;
        }
    }

    fn mismatch(&mut self, span: Span, expected: &str, found: Type) {
        let found_s = self.type_name(found);
        self.err(
            Code::TypeMismatch,
            span,
            Bi::new(
                format!("expected {expected}, found {}", found_s.en),
                format!("{expected} attendu, mais {} trouvé", found_s.fr),
            ),
            Bi::new(
                format!("this is {}", found_s.en),
                format!("ceci est {}", found_s.fr),
            ),
        );
    }

    pub(crate) fn type_name(&self, t: Type) -> Bi {
        match t {
            Type::Bool => Bi::new("a yes/no value (bool)", "une valeur oui/non (bool)"),
            Type::Int => Bi::new("an integer", "un entier"),
            Type::Money => Bi::new("an amount of money", "un montant"),
            Type::Date => Bi::new("a date", "une date"),
            Type::Duration => Bi::new("a duration", "une durée"),
            Type::Text => Bi::new("text", "du texte"),
            Type::Enum(f) => {
                let n = &self.m.facts[f.idx()].name;
                Bi::new(
                    format!("an option of `{n}`"),
                    format!("une option de « {n} »"),
                )
            }
            Type::Set(f) => {
                let n = &self.m.facts[f.idx()].name;
                Bi::new(format!("the set `{n}`"), format!("l'ensemble « {n} »"))
            }
            Type::Group(g) => {
                let n = &self.m.groups[g.idx()].name;
                Bi::new(format!("the group `{n}`"), format!("le groupe « {n} »"))
            }
            Type::Item(g) => {
                let n = &self.m.groups[g.idx()].name;
                Bi::new(
                    format!("an item of `{n}`"),
                    format!("un élément de « {n} »"),
                )
            }
            Type::List => Bi::new("a list", "une liste"),
            Type::Error => Bi::new("an error", "une erreur"),
        }
    }

    fn expect_ty(&mut self, e: &Expr, want: Type, want_name: &str) -> bool {
        if e.ty == want || e.ty == Type::Error {
            return true;
        }
        self.mismatch(e.span, want_name, e.ty);
        false
    }

    fn err_expr(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Lit(Value::Bool(false)),
            ty: Type::Error,
            span,
        }
    }

    /// Types a condition: must be bool.
    pub(crate) fn cond(&mut self, e: &a::Expr, sc: &mut Scope) -> Expr {
        let x = self.expr(e, sc);
        if x.ty != Type::Bool && x.ty != Type::Error {
            self.mismatch(x.span, "a condition (yes/no)", x.ty);
        }
        x
    }

    fn resolves(&self, n: &str, sc: &Scope) -> bool {
        self.m.names.contains_key(n) || sc.binders.iter().any(|(b, _)| b == n)
    }

    fn option_of(&self, ty: Type, e: &a::Expr) -> Option<u32> {
        let name = word_of(e)?;
        match ty {
            Type::Enum(f) | Type::Set(f) => self.m.facts[f.idx()].option_index(name),
            _ => None,
        }
    }

    pub(crate) fn not_an_option_pub(&mut self, fact: FactId, e: &a::Expr) {
        self.not_an_option(fact, e);
    }

    fn not_an_option(&mut self, fact: FactId, e: &a::Expr) {
        let fact_ref = &self.m.facts[fact.idx()];
        let fname = fact_ref.name.clone();
        let opts: Vec<String> = fact_ref.options.iter().map(|o| o.name.clone()).collect();
        let shown = word_of(e).unwrap_or("?").to_string();
        let sugg = did_you_mean(&shown, opts.iter().map(String::as_str)).map(str::to_string);
        let d = self.err(
            Code::UnknownName,
            e.span,
            Bi::new(
                format!("`{shown}` is not an option of `{fname}`"),
                format!("« {shown} » n'est pas une option de « {fname} »"),
            ),
            Bi::new("unknown option", "option inconnue"),
        );
        d.help = Some(match sugg {
            Some(s) => Bi::new(
                format!("did you mean `{s}`?"),
                format!("vouliez-vous dire « {s} » ?"),
            ),
            None => Bi::new(
                format!("options are: {}", opts.join(", ")),
                format!("les options sont : {}", opts.join(", ")),
            ),
        });
    }

    fn opt_lit(v: u32, fact: FactId, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Lit(Value::Opt(v)),
            ty: Type::Enum(fact),
            span,
        }
    }

    /// Types an expression.
    pub(crate) fn expr(&mut self, e: &a::Expr, sc: &mut Scope) -> Expr {
        let span = e.span;
        let lit = |v: Value, ty: Type| Expr {
            kind: ExprKind::Lit(v),
            ty,
            span,
        };
        match &e.kind {
            AK::Bool(b) => lit(Value::Bool(*b), Type::Bool),
            AK::Int(i) => lit(Value::Int(*i), Type::Int),
            AK::Money(c) => lit(Value::Money(*c), Type::Money),
            AK::Date(d) => lit(Value::Date(*d), Type::Date),
            AK::Duration(n, u) => lit(Value::Duration(*n, *u), Type::Duration),
            AK::Str(s) => lit(Value::Text(s.clone()), Type::Text),
            AK::AsOf => Expr {
                kind: ExprKind::AsOf,
                ty: Type::Date,
                span,
            },
            AK::Error => Self::err_expr(span),
            AK::Paren(inner) => self.expr(inner, sc),
            AK::Name(n) => self.name(n, span, sc),
            AK::Not(inner) => {
                let x = self.cond(inner, sc);
                Expr {
                    kind: ExprKind::Not(Box::new(x)),
                    ty: Type::Bool,
                    span,
                }
            }
            AK::Neg(inner) => {
                let x = self.expr(inner, sc);
                let ty = match x.ty {
                    Type::Int | Type::Money | Type::Error => x.ty,
                    other => {
                        self.mismatch(x.span, "a number or an amount", other);
                        Type::Error
                    }
                };
                Expr {
                    kind: ExprKind::Neg(Box::new(x)),
                    ty,
                    span,
                }
            }
            AK::Is(inner, known) => {
                let x = self.expr(inner, sc);
                Expr {
                    kind: ExprKind::Known(Box::new(x), *known),
                    ty: Type::Bool,
                    span,
                }
            }
            AK::If(c, t, f) => {
                let c = self.cond(c, sc);
                let t = self.expr(t, sc);
                let f = self.expr(f, sc);
                let ty = if t.ty == f.ty || f.ty == Type::Error {
                    t.ty
                } else if t.ty == Type::Error {
                    f.ty
                } else {
                    let tn = self.type_name(t.ty).en;
                    self.mismatch(f.span, &tn, f.ty);
                    Type::Error
                };
                Expr {
                    kind: ExprKind::If(Box::new(c), Box::new(t), Box::new(f)),
                    ty,
                    span,
                }
            }
            AK::Binary(op, l, r) => self.binary(*op, l, r, span, sc),
            AK::Quant(k, binder, group, pred) => {
                let Some(g) = self.group_ref(group) else {
                    return Self::err_expr(span);
                };
                let var = id32(sc.binders.len());
                sc.binders.push((binder.name.clone(), g));
                let p = if *k == a::QuantKind::Count && matches!(pred.kind, AK::Bool(true)) {
                    Expr::truth(pred.span)
                } else {
                    self.cond(pred, sc)
                };
                sc.binders.pop();
                let (kind, ty) = match k {
                    a::QuantKind::Any => (ExprKind::Any(var, g, Box::new(p)), Type::Bool),
                    a::QuantKind::All => (ExprKind::All(var, g, Box::new(p)), Type::Bool),
                    a::QuantKind::Count => (ExprKind::Count(var, g, Box::new(p)), Type::Int),
                };
                Expr { kind, ty, span }
            }
            AK::CountOf(inner) => {
                if let Some(AK::Name(n)) = Some(&inner.kind)
                    && let Some(NameRef::Group(g)) = self.m.names.get(n).copied()
                {
                    let var = id32(sc.binders.len());
                    return Expr {
                        kind: ExprKind::Count(var, g, Box::new(Expr::truth(span))),
                        ty: Type::Int,
                        span,
                    };
                }
                let x = self.expr(inner, sc);
                match x.ty {
                    Type::Set(_) | Type::Error => Expr {
                        kind: ExprKind::CountSet(Box::new(x)),
                        ty: Type::Int,
                        span,
                    },
                    other => {
                        self.mismatch(x.span, "a group or a set", other);
                        Self::err_expr(span)
                    }
                }
            }
            AK::Member(inner, field) => {
                let Some(AK::Name(b)) = Some(&inner.kind) else {
                    self.err(
                        Code::TypeMismatch,
                        inner.span,
                        Bi::new(
                            "`.field` applies to an item of a group",
                            "« .champ » s'applique à un élément d'un groupe",
                        ),
                        Bi::new("not an item", "pas un élément"),
                    );
                    return Self::err_expr(span);
                };
                let Some((var, g)) = sc
                    .binders
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, (n, _))| n == b)
                    .map(|(i, (_, g))| (id32(i), *g))
                else {
                    let b = b.clone();
                    self.err(
                        Code::UnknownName,
                        inner.span,
                        Bi::new(
                            format!("`{b}` is not an item in scope"),
                            format!("« {b} » n'est pas un élément accessible ici"),
                        ),
                        Bi::new("unknown item", "élément inconnu"),
                    )
                    .help = Some(Bi::new(
                        "bind items with `for x in group` or `any(x in group: …)`",
                        "liez les éléments avec « for x in groupe » ou « any(x in groupe: …) »",
                    ));
                    return Self::err_expr(span);
                };
                let group = &self.m.groups[g.idx()];
                let found = group
                    .fields
                    .iter()
                    .copied()
                    .find(|f| self.m.facts[f.idx()].name == field.name);
                match found {
                    Some(fid) => {
                        self.mark_fact(fid);
                        Expr {
                            kind: ExprKind::ItemField(var, fid),
                            ty: self.fact_type(fid),
                            span,
                        }
                    }
                    None => {
                        let names: Vec<String> = group
                            .fields
                            .iter()
                            .map(|f| self.m.facts[f.idx()].name.clone())
                            .collect();
                        let gname = group.name.clone();
                        let sugg = did_you_mean(&field.name, names.iter().map(String::as_str))
                            .map(str::to_string);
                        let d = self.err(
                            Code::UnknownName,
                            field.span,
                            Bi::new(
                                format!("group `{gname}` has no field `{}`", field.name),
                                format!(
                                    "le groupe « {gname} » n'a pas de champ « {} »",
                                    field.name
                                ),
                            ),
                            Bi::new("unknown field", "champ inconnu"),
                        );
                        d.help = Some(match sugg {
                            Some(s) => Bi::new(
                                format!("did you mean `{s}`?"),
                                format!("vouliez-vous dire « {s} » ?"),
                            ),
                            None => Bi::new(
                                format!("fields are: {}", names.join(", ")),
                                format!("les champs sont : {}", names.join(", ")),
                            ),
                        });
                        Self::err_expr(span)
                    }
                }
            }
            AK::Index(..) => {
                self.err(
                    Code::TypeMismatch,
                    span,
                    Bi::new(
                        "`[index]` is only used in scenario expectations",
                        "« [indice] » ne sert que dans les attentes des scénarios",
                    ),
                    Bi::new("not allowed here", "non permis ici"),
                );
                Self::err_expr(span)
            }
            AK::List(_) => {
                self.err(
                    Code::TypeMismatch,
                    span,
                    Bi::new(
                        "a list is only allowed after `in`",
                        "une liste n'est permise qu'après « in »",
                    ),
                    Bi::new("not allowed here", "non permis ici"),
                );
                Self::err_expr(span)
            }
            AK::Record(_) => {
                self.err(
                    Code::TypeMismatch,
                    span,
                    Bi::new(
                        "a record is only allowed in answers",
                        "un enregistrement n'est permis que dans les réponses",
                    ),
                    Bi::new("not allowed here", "non permis ici"),
                );
                Self::err_expr(span)
            }
        }
    }

    pub(crate) fn fact_type(&self, f: FactId) -> Type {
        match self.m.facts[f.idx()].ty {
            FactType::Bool => Type::Bool,
            FactType::Int => Type::Int,
            FactType::Money => Type::Money,
            FactType::Date => Type::Date,
            FactType::Text => Type::Text,
            FactType::Enum => Type::Enum(f),
            FactType::Set => Type::Set(f),
        }
    }

    fn group_ref(&mut self, e: &a::Expr) -> Option<GroupId> {
        if let AK::Name(n) = &e.kind
            && let Some(NameRef::Group(g)) = self.m.names.get(n).copied()
        {
            return Some(g);
        }
        let groups: Vec<String> = self.m.groups.iter().map(|g| g.name.clone()).collect();
        let shown = word_of(e).unwrap_or("?").to_string();
        let sugg = did_you_mean(&shown, groups.iter().map(String::as_str)).map(str::to_string);
        let d = self.err(
            Code::UnknownName,
            e.span,
            Bi::new(
                format!("`{shown}` is not a group"),
                format!("« {shown} » n'est pas un groupe"),
            ),
            Bi::new("expected a group", "groupe attendu"),
        );
        if let Some(s) = sugg {
            d.help = Some(Bi::new(
                format!("did you mean `{s}`?"),
                format!("vouliez-vous dire « {s} » ?"),
            ));
        }
        None
    }

    fn name(&mut self, n: &str, span: Span, sc: &Scope) -> Expr {
        if sc.binders.iter().any(|(b, _)| b == n) {
            self.err(
                Code::TypeMismatch,
                span,
                Bi::new(
                    format!("`{n}` is an item: use one of its fields, e.g. `{n}.name`"),
                    format!(
                        "« {n} » est un élément : utilisez l'un de ses champs, p. ex. « {n}.name »"
                    ),
                ),
                Bi::new("an item, not a value", "un élément, pas une valeur"),
            );
            return Self::err_expr(span);
        }
        match self.m.names.get(n).copied() {
            Some(NameRef::Fact(f)) => {
                self.mark_fact(f);
                Expr {
                    kind: ExprKind::Fact(f),
                    ty: self.fact_type(f),
                    span,
                }
            }
            Some(NameRef::Def(d)) => Expr {
                kind: ExprKind::Def(d),
                ty: self.m.defs[d.idx()].ty,
                span,
            },
            Some(NameRef::Group(_)) => {
                self.err(
                    Code::TypeMismatch,
                    span,
                    Bi::new(
                        format!("`{n}` is a group: use `any`, `all` or `count`"),
                        format!("« {n} » est un groupe : utilisez « any », « all » ou « count »"),
                    ),
                    Bi::new("a group, not a value", "un groupe, pas une valeur"),
                );
                Self::err_expr(span)
            }
            None => {
                let mut cands: Vec<&str> = self.m.names.keys().map(String::as_str).collect();
                cands.extend(sc.binders.iter().map(|(b, _)| b.as_str()));
                let sugg = did_you_mean(n, cands).map(str::to_string);
                let d = self.err(
                    Code::UnknownName,
                    span,
                    Bi::new(
                        format!("unknown name `{n}`"),
                        format!("nom inconnu « {n} »"),
                    ),
                    Bi::new("not declared", "non déclaré"),
                );
                d.help = Some(match sugg {
                    Some(s) => Bi::new(
                        format!("did you mean `{s}`?"),
                        format!("vouliez-vous dire « {s} » ?"),
                    ),
                    None if n.contains('-') => Bi::new(
                        "to subtract, put spaces around `-`",
                        "pour soustraire, mettez des espaces autour de « - »",
                    ),
                    None => Bi::new(
                        "declare it with `fact` or `define`, or check the spelling",
                        "déclarez-le avec « fact » ou « define », ou vérifiez l'orthographe",
                    ),
                });
                Self::err_expr(span)
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: &a::Expr, r: &a::Expr, span: Span, sc: &mut Scope) -> Expr {
        let bool_expr = |kind| Expr {
            kind,
            ty: Type::Bool,
            span,
        };
        match op {
            BinOp::And | BinOp::Or => {
                let x = self.cond(l, sc);
                let y = self.cond(r, sc);
                bool_expr(if op == BinOp::And {
                    ExprKind::And(Box::new(x), Box::new(y))
                } else {
                    ExprKind::Or(Box::new(x), Box::new(y))
                })
            }
            BinOp::Arrow => {
                self.err(
                    Code::Syntax,
                    span,
                    Bi::new(
                        "`=>` is only used in `case condition => value`",
                        "« => » ne sert que dans « case condition => valeur »",
                    ),
                    Bi::new("not allowed here", "non permis ici"),
                );
                Self::err_expr(span)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let cmp = match op {
                    BinOp::Eq => Cmp::Eq,
                    BinOp::Ne => Cmp::Ne,
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                let (x, y) = self.pair(l, r, sc);
                if x.ty == Type::Error || y.ty == Type::Error {
                    return Self::err_expr(span);
                }
                let ordered = matches!(x.ty, Type::Int | Type::Money | Type::Date);
                let equal_ok = matches!(x.ty, Type::Bool | Type::Text | Type::Enum(_)) || ordered;
                if x.ty != y.ty {
                    let xn = self.type_name(x.ty).en;
                    self.mismatch(y.span, &xn, y.ty);
                    return Self::err_expr(span);
                }
                if !(ordered || (equal_ok && matches!(cmp, Cmp::Eq | Cmp::Ne))) {
                    let what = if equal_ok {
                        "numbers, amounts or dates"
                    } else {
                        "comparable values"
                    };
                    self.mismatch(x.span, what, x.ty);
                    return Self::err_expr(span);
                }
                bool_expr(ExprKind::Cmp(cmp, Box::new(x), Box::new(y)))
            }
            BinOp::In => {
                if let AK::List(items) = &r.kind {
                    let x = self.expr(l, sc);
                    let Type::Enum(f) = x.ty else {
                        if x.ty != Type::Error {
                            self.mismatch(x.span, "a one-option fact (enum)", x.ty);
                        }
                        return Self::err_expr(span);
                    };
                    let mut mask = 0u64;
                    for it in items {
                        match self.option_of(x.ty, it) {
                            Some(i) => mask |= 1u64 << i,
                            None => self.not_an_option(f, it),
                        }
                    }
                    return bool_expr(ExprKind::InOptions(Box::new(x), mask));
                }
                // `option in set`.
                let y = self.expr(r, sc);
                let Type::Set(f) = y.ty else {
                    if y.ty != Type::Error {
                        self.mismatch(y.span, "a list `[…]` or a set", y.ty);
                    }
                    return Self::err_expr(span);
                };
                match self.option_of(y.ty, l) {
                    Some(i) => bool_expr(ExprKind::SetHas(Box::new(y), 1u64 << i)),
                    None => {
                        self.not_an_option(f, l);
                        Self::err_expr(span)
                    }
                }
            }
            BinOp::Contains => {
                let x = self.expr(l, sc);
                let Type::Set(f) = x.ty else {
                    if x.ty != Type::Error {
                        self.mismatch(x.span, "a set", x.ty);
                    }
                    return Self::err_expr(span);
                };
                match self.option_of(x.ty, r) {
                    Some(i) => bool_expr(ExprKind::SetHas(Box::new(x), 1u64 << i)),
                    None => {
                        self.not_an_option(f, r);
                        Self::err_expr(span)
                    }
                }
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => self.arith(op, l, r, span, sc),
        }
    }

    /// Types both sides of a comparison, resolving bare option names against the other side.
    fn pair(&mut self, l: &a::Expr, r: &a::Expr, sc: &mut Scope) -> (Expr, Expr) {
        if let AK::Name(n) = &r.kind {
            let x = self.expr(l, sc);
            if let Some(i) = self.option_of(x.ty, r) {
                let Type::Enum(f) = x.ty else {
                    return (x, Self::err_expr(r.span));
                };
                return (x, Self::opt_lit(i, f, r.span));
            }
            if let Type::Enum(f) = x.ty
                && !self.resolves(n, sc)
            {
                self.not_an_option(f, r);
                return (x, Self::err_expr(r.span));
            }
            let y = self.expr(r, sc);
            return (x, y);
        }
        if let AK::Name(n) = &l.kind
            && !self.resolves(n, sc)
        {
            let y = self.expr(r, sc);
            if let (Some(i), Type::Enum(f)) = (self.option_of(y.ty, l), y.ty) {
                return (Self::opt_lit(i, f, l.span), y);
            }
            if let Type::Enum(f) = y.ty {
                self.not_an_option(f, l);
                return (Self::err_expr(l.span), y);
            }
            let x = self.expr(l, sc);
            return (x, y);
        }
        let x = self.expr(l, sc);
        let y = self.expr(r, sc);
        (x, y)
    }

    fn arith(&mut self, op: BinOp, l: &a::Expr, r: &a::Expr, span: Span, sc: &mut Scope) -> Expr {
        let x = self.expr(l, sc);
        let y = self.expr(r, sc);
        if x.ty == Type::Error || y.ty == Type::Error {
            return Self::err_expr(span);
        }
        let ar = match op {
            BinOp::Add => Arith::Add,
            BinOp::Sub => Arith::Sub,
            BinOp::Mul => Arith::Mul,
            _ => Arith::Div,
        };
        // Dates move by durations.
        if x.ty == Type::Date && matches!(op, BinOp::Add | BinOp::Sub) {
            if let ExprKind::Lit(Value::Duration(n, u)) = y.kind {
                return Expr {
                    kind: ExprKind::Shift(Box::new(x), n, u, op == BinOp::Sub),
                    ty: Type::Date,
                    span,
                };
            }
            self.mismatch(y.span, "a duration such as `30 days`", y.ty);
            return Self::err_expr(span);
        }
        let ty = match (ar, x.ty, y.ty) {
            (Arith::Add | Arith::Sub, Type::Int, Type::Int) => Type::Int,
            (Arith::Add | Arith::Sub, Type::Money, Type::Money) => Type::Money,
            (Arith::Mul, Type::Int, Type::Int) => Type::Int,
            (Arith::Mul, Type::Money, Type::Int) | (Arith::Mul, Type::Int, Type::Money) => {
                Type::Money
            }
            (Arith::Div, Type::Int | Type::Money, Type::Int) => {
                match y.kind {
                    ExprKind::Lit(Value::Int(n)) if n != 0 => {}
                    _ => {
                        self.err(
                            Code::TypeMismatch,
                            y.span,
                            Bi::new(
                                "divide only by a non-zero number written in the rule",
                                "divisez seulement par un nombre non nul écrit dans la règle",
                            ),
                            Bi::new("not a non-zero number", "pas un nombre non nul"),
                        );
                        return Self::err_expr(span);
                    }
                }
                x.ty
            }
            (_, a_ty, b_ty) => {
                let what = match ar {
                    Arith::Add | Arith::Sub => "two integers or two amounts",
                    Arith::Mul => "integers, or an amount and an integer",
                    Arith::Div => "an integer or an amount divided by an integer",
                };
                let bad = if matches!(a_ty, Type::Int | Type::Money) {
                    (y.span, b_ty)
                } else {
                    (x.span, a_ty)
                };
                self.mismatch(bad.0, what, bad.1);
                return Self::err_expr(span);
            }
        };
        Expr {
            kind: ExprKind::Arith(ar, Box::new(x), Box::new(y)),
            ty,
            span,
        }
    }

    /// Checks `e` has type `want`.
    pub(crate) fn typed(&mut self, e: &a::Expr, want: Type, sc: &mut Scope) -> Expr {
        let x = self.expr(e, sc);
        let wn = self.type_name(want).en;
        self.expect_ty(&x, want, &wn);
        x
    }
}

impl Scope {
    pub(crate) fn with_binder(name: String, g: GroupId) -> Scope {
        Scope {
            binders: vec![(name, g)],
        }
    }
}
