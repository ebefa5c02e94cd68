//! Interface strings in English and French (Project Fluent files `i18n/en.ftl` and
//! `i18n/fr.ftl`, embedded), and the table of translated URL slugs.
//!
//! Messages without variables are formatted once, when the catalog is built, so a page
//! looks them up in a hash map. Messages with variables go through Fluent (French plural
//! rules) with Unicode isolation marks turned off. A missing message is shown as its id in
//! brackets, and the tests fail on it (`tests/i18n.rs`).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use passerelle_diag::Lang;
use std::borrow::Cow;
use std::collections::HashMap;

/// The English catalog.
pub const EN_FTL: &str = include_str!("../i18n/en.ftl");
/// The French catalog.
pub const FR_FTL: &str = include_str!("../i18n/fr.ftl");

struct One {
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, String>,
}

/// Both catalogs.
pub struct Catalog {
    en: One,
    fr: One,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("en", &self.en.plain.len())
            .field("fr", &self.fr.plain.len())
            .finish()
    }
}

/// Message ids of an FTL source, in order, with the variables each one uses.
pub fn message_ids(src: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let res = FluentResource::try_new(src.to_string())
        .map_err(|(_, errs)| format!("{} syntax error(s) in the catalog", errs.len()))?;
    let mut out = Vec::new();
    for entry in res.entries() {
        if let fluent_syntax::ast::Entry::Message(m) = entry {
            let mut vars = Vec::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            vars.sort();
            vars.dedup();
            out.push((m.id.name.to_string(), vars));
        }
    }
    Ok(out)
}

fn pattern_vars(p: &fluent_syntax::ast::Pattern<&str>, out: &mut Vec<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(e: &InlineExpression<&str>, out: &mut Vec<String>) {
        match e {
            InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
            InlineExpression::Placeable { expression } => expr(expression, out),
            InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    inline(a, out);
                }
            }
            _ => {}
        }
    }
    fn expr(e: &Expression<&str>, out: &mut Vec<String>) {
        match e {
            Expression::Inline(i) => inline(i, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    pattern_vars(&v.value, out);
                }
            }
        }
    }
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            expr(expression, out);
        }
    }
}

fn one(src: &str, lang: &str) -> Result<One, String> {
    let res = FluentResource::try_new(src.to_string())
        .map_err(|(_, errs)| format!("{} syntax error(s) in the {lang} catalog", errs.len()))?;
    let langid: unic_langid::LanguageIdentifier = lang
        .parse()
        .map_err(|_| format!("bad language id {lang}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    bundle.set_use_isolating(false);
    bundle
        .add_resource(res)
        .map_err(|e| format!("{} duplicate message(s) in the {lang} catalog", e.len()))?;
    let mut plain = HashMap::new();
    for (id, vars) in message_ids(src)? {
        if !vars.is_empty() {
            continue;
        }
        if let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) {
            let mut errs = Vec::new();
            let s = bundle.format_pattern(pattern, None, &mut errs).into_owned();
            plain.insert(id, s);
        }
    }
    Ok(One { bundle, plain })
}

impl Catalog {
    /// Parses both embedded catalogs.
    pub fn new() -> Result<Catalog, String> {
        Ok(Catalog {
            en: one(EN_FTL, "en-CA")?,
            fr: one(FR_FTL, "fr-CA")?,
        })
    }

    fn lang(&self, lang: Lang) -> &One {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }

    /// A message without variables.
    pub fn s<'a>(&'a self, lang: Lang, id: &str) -> Cow<'a, str> {
        let one = self.lang(lang);
        match one.plain.get(id) {
            Some(s) => Cow::Borrowed(s.as_str()),
            None => self.args(lang, id, &[]).into(),
        }
    }

    /// A message with variables (numbers are formatted by Fluent for plurals).
    pub fn args(&self, lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let one = self.lang(lang);
        let Some(pattern) = one.bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("[{id}]");
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fa.set(*k, FluentValue::from(*s)),
                Arg::Num(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        let mut errs = Vec::new();
        one.bundle
            .format_pattern(pattern, Some(&fa), &mut errs)
            .into_owned()
    }

    /// Whether a message exists in a language.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.lang(lang).bundle.has_message(id)
    }
}

/// A message argument.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// Text.
    Str(&'a str),
    /// A number (selects the plural form).
    Num(i64),
}

/// The catalog seen in one language: what templates call (`t.s("start-title")`).
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    /// The catalog.
    pub cat: &'a Catalog,
    /// The language.
    pub lang: Lang,
}

impl<'a> Tr<'a> {
    /// A message without variables.
    pub fn s(&self, id: &str) -> Cow<'a, str> {
        self.cat.s(self.lang, id)
    }

    /// A message with one number (plurals).
    pub fn n(&self, id: &str, var: &str, n: impl std::borrow::Borrow<usize>) -> String {
        let n = *n.borrow();
        self.cat.args(
            self.lang,
            id,
            &[(var, Arg::Num(i64::try_from(n).unwrap_or(i64::MAX)))],
        )
    }

    /// A message with one text variable.
    pub fn v(&self, id: &str, var: &str, val: &str) -> String {
        self.cat.args(self.lang, id, &[(var, Arg::Str(val))])
    }

    /// A message with two number variables.
    pub fn n2(&self, id: &str, a: (&str, usize), b: (&str, usize)) -> String {
        let num = |x: usize| Arg::Num(i64::try_from(x).unwrap_or(i64::MAX));
        self.cat
            .args(self.lang, id, &[(a.0, num(a.1)), (b.0, num(b.1))])
    }

    /// The language code (`en` / `fr`).
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// The pages with a translated slug: `(English, French)`.
pub const SLUGS: &[(&str, &str)] = &[
    ("interview", "entrevue"),
    ("check-answers", "verifier-reponses"),
    ("results", "resultats"),
    ("rules", "regles"),
    ("myths", "mythes"),
    ("instruments", "instruments"),
];

/// The slug of a page (named by its English slug) in a language.
pub fn slug(english: &str, lang: Lang) -> &'static str {
    for (en, fr) in SLUGS {
        if *en == english {
            return match lang {
                Lang::En => en,
                Lang::Fr => fr,
            };
        }
    }
    ""
}

/// The English slug of a slug in a language.
pub fn english_slug(s: &str, lang: Lang) -> Option<&'static str> {
    SLUGS
        .iter()
        .find(|(en, fr)| match lang {
            Lang::En => *en == s,
            Lang::Fr => *fr == s,
        })
        .map(|(en, _)| *en)
}
