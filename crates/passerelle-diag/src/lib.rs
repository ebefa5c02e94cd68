//! Diagnostics for Passerelle.
//!
//! A [`Diag`] is data: a stable [`Code`], a [`Severity`], a bilingual message, labelled
//! [`Span`]s into a [`SourceMap`] and an optional bilingual help. How it is shown is chosen
//! at the edge: [`render_human`] (miette's graphical report, or its narratable form for
//! screen readers) or [`DiagJson`] (one JSON object per diagnostic).
//!
//! **Architecture invariant:** every text a person reads exists in English and French from
//! the moment the diagnostic is built ([`Bi`] has no constructor taking one language).

mod code;
mod render;
mod source;

pub use code::Code;
pub use render::{DiagJson, Style, render_human, render_json_line};
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};

use serde::Serialize;

/// The two official languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// The ISO 639-1 code (`en` or `fr`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The other official language.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    /// Parses `en` / `fr` (case-insensitive, `eng`/`fra` accepted).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Lang::En),
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Some(Lang::Fr),
            _ => None,
        }
    }
}

/// A text in both official languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Bi {
    /// English.
    pub en: String,
    /// French.
    pub fr: String,
}

impl Bi {
    /// Both languages at once: there is deliberately no single-language constructor.
    /// French spacing is normalised with [`french_spacing`].
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> Bi {
        Bi {
            en: en.into(),
            fr: french_spacing(&fr.into()),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// French typography: the ordinary space written before `:` `;` `?` `!` `»` and after `«`
/// becomes a non-breaking space (U+00A0), so the sign never starts a line.
pub fn french_spacing(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied();
            let before_sign = matches!(next, Some(':' | ';' | '?' | '!' | '»'))
                && chars.clone().nth(1).is_none_or(|after| {
                    after.is_whitespace() || matches!(after, '.' | ',' | ')' | '"' | '*' | '_')
                });
            if before_sign || prev == Some('«') {
                out.push('\u{a0}');
                prev = Some('\u{a0}');
                continue;
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never fails a check.
    Note,
    /// Reported, but `check` still succeeds.
    Warning,
    /// `check` fails.
    Error,
}

/// A labelled span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub text: Bi,
}

/// One diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    /// Stable machine-readable code.
    pub code: Code,
    /// Error, warning or note.
    pub severity: Severity,
    /// The message (one line, no final period).
    pub message: Bi,
    /// The primary location; `None` for diagnostics about a whole folder.
    pub primary: Option<Label>,
    /// Further locations.
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: Option<Bi>,
    /// The provision heading enclosing the primary span, if any (Catala-style trailer).
    pub context: Option<String>,
}

impl Diag {
    /// An error with the code's default severity overridden to error.
    pub fn error(code: Code, message: Bi) -> Diag {
        Diag {
            code,
            severity: Severity::Error,
            message,
            primary: None,
            secondary: Vec::new(),
            help: None,
            context: None,
        }
    }

    /// A warning.
    pub fn warning(code: Code, message: Bi) -> Diag {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, message)
        }
    }

    /// Sets the primary span and its label.
    #[must_use]
    pub fn at(mut self, span: Span, label: Bi) -> Diag {
        self.primary = Some(Label { span, text: label });
        self
    }

    /// Adds a secondary span.
    #[must_use]
    pub fn also(mut self, span: Span, label: Bi) -> Diag {
        self.secondary.push(Label { span, text: label });
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn help(mut self, help: Bi) -> Diag {
        self.help = Some(help);
        self
    }

    /// Whether this diagnostic fails a check.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics with helpers.
#[derive(Clone, Debug, Default)]
pub struct Diags {
    items: Vec<Diag>,
}

impl Diags {
    /// An empty list.
    pub fn new() -> Diags {
        Diags::default()
    }

    /// Adds one.
    pub fn push(&mut self, d: Diag) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diag>) {
        self.items.extend(ds);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diag::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// The diagnostics, in order of discovery.
    pub fn iter(&self) -> impl Iterator<Item = &Diag> {
        self.items.iter()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file, then position, errors first on ties, keeping discovery order otherwise.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| {
            let (f, s) = d
                .primary
                .as_ref()
                .map(|l| (l.span.file.0, l.span.start))
                .unwrap_or((u32::MAX, 0));
            (f, s, std::cmp::Reverse(d.severity))
        });
    }

    /// Takes the diagnostics out.
    pub fn into_vec(self) -> Vec<Diag> {
        self.items
    }
}

impl IntoIterator for Diags {
    type Item = Diag;
    type IntoIter = std::vec::IntoIter<Diag>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The closest candidate to `name` among `candidates`, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_names() {
        let c = ["collects_pi", "recording", "participants"];
        assert_eq!(did_you_mean("collect_pi", c), Some("collects_pi"));
        assert_eq!(did_you_mean("zzz", c), None);
    }

    #[test]
    fn french_spacing_uses_non_breaking_spaces() {
        assert_eq!(
            french_spacing("dire « bool » ? Oui : non ; fin !"),
            "dire «\u{a0}bool\u{a0}»\u{a0}? Oui\u{a0}: non\u{a0}; fin\u{a0}!"
        );
        // A colon inside a token (a URL, a time) is left alone.
        assert_eq!(
            french_spacing("voir https://x.ca et 10 h 30"),
            "voir https://x.ca et 10 h 30"
        );
    }

    #[test]
    fn lang_parse() {
        assert_eq!(Lang::parse("FR"), Some(Lang::Fr));
        assert_eq!(Lang::parse("de"), None);
    }
}
