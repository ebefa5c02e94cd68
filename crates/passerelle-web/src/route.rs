//! The HTML pages and their addresses in both languages. One table parses and builds
//! every address, so the language toggle always lands on the same page.

use crate::i18n::{english_slug, slug};
use passerelle_diag::Lang;
use passerelle_docs::Format;

/// The segment of a result's documents (the same word in French).
pub const DOCUMENTS: &str = "documents";

/// An HTML page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/en`, `/fr`: pick a journey.
    Start,
    /// `/en/interview`: POST starts an interview.
    NewInterview,
    /// `/en/interview/{id}`: the current step.
    Interview(String),
    /// `/en/interview/{id}/{fact}`: one question.
    Question(String, String),
    /// `/en/check-answers/{id}`.
    CheckAnswers(String),
    /// `/en/results/{id}`: a saved result.
    Results(String),
    /// `/en/results/{id}/documents/{kind}`: a document of a result (asks what it needs).
    Document(String, String),
    /// `/en/results/{id}/documents/{kind}/{lang}.{ext}`: the file, in `lang`.
    DocumentFile(String, String, Lang, Format),
    /// `/en/rules`.
    Rules,
    /// `/en/rules/{id}`.
    Rule(String),
    /// `/en/myths`.
    Myths,
    /// `/en/myths/{id}`.
    Myth(String),
    /// `/en/instruments`.
    Instruments,
    /// `/en/instruments/{id}`.
    Instrument(String),
    /// The case log, sign-in and administration pages (their own table of slugs).
    CaseLog(crate::cases::CasePage),
}

/// Percent-decodes one path segment (invalid UTF-8 gives `None`).
fn decode(seg: &str) -> Option<String> {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes an id for a path segment (ids are ASCII; anything else is escaped).
pub fn encode(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Route {
    /// Parses a path: the language and the page, or `None` (not found). A path under
    /// `/en` or `/fr` that is not a page still gives its language, for the 404 page.
    pub fn parse(path: &str) -> (Option<Lang>, Option<Route>) {
        let path = path.strip_suffix('/').unwrap_or(path);
        let mut segs = path.split('/').skip(1);
        let lang = match segs.next() {
            Some("en") => Lang::En,
            Some("fr") => Lang::Fr,
            _ => return (None, None),
        };
        let rest: Option<Vec<String>> = segs.map(decode).collect();
        let Some(rest) = rest else {
            return (Some(lang), None);
        };
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        let Some((first, tail)) = rest.split_first() else {
            return (Some(lang), Some(Route::Start));
        };
        if let Some(p) = crate::cases::CasePage::parse(lang, &rest) {
            return (Some(lang), Some(Route::CaseLog(p)));
        }
        let Some(page) = english_slug(first, lang) else {
            return (Some(lang), None);
        };
        let id_ok = |s: &str| !s.is_empty() && s.len() <= 200;
        let r = match (page, tail) {
            ("interview", []) => Some(Route::NewInterview),
            ("interview", [id]) if id_ok(id) => Some(Route::Interview(id.to_string())),
            ("interview", [id, fact]) if id_ok(id) && id_ok(fact) => {
                Some(Route::Question(id.to_string(), fact.to_string()))
            }
            ("check-answers", [id]) if id_ok(id) => Some(Route::CheckAnswers(id.to_string())),
            ("results", [id]) if id_ok(id) => Some(Route::Results(id.to_string())),
            ("results", [id, d, kind]) if *d == DOCUMENTS && id_ok(id) && id_ok(kind) => {
                Some(Route::Document(id.to_string(), kind.to_string()))
            }
            ("results", [id, d, kind, file]) if *d == DOCUMENTS && id_ok(id) && id_ok(kind) => {
                document_file(file)
                    .map(|(l, f)| Route::DocumentFile(id.to_string(), kind.to_string(), l, f))
            }
            ("rules", []) => Some(Route::Rules),
            ("rules", [id]) if id_ok(id) => Some(Route::Rule(id.to_string())),
            ("myths", []) => Some(Route::Myths),
            ("myths", [id]) if id_ok(id) => Some(Route::Myth(id.to_string())),
            ("instruments", []) => Some(Route::Instruments),
            ("instruments", [id]) if id_ok(id) => Some(Route::Instrument(id.to_string())),
            _ => None,
        };
        (Some(lang), r)
    }

    /// The page's path in a language.
    pub fn path(&self, lang: Lang) -> String {
        let l = lang.code();
        let s = |en: &str| slug(en, lang);
        match self {
            Route::Start => format!("/{l}"),
            Route::NewInterview => format!("/{l}/{}", s("interview")),
            Route::Interview(id) => format!("/{l}/{}/{}", s("interview"), encode(id)),
            Route::Question(id, f) => {
                format!("/{l}/{}/{}/{}", s("interview"), encode(id), encode(f))
            }
            Route::CheckAnswers(id) => format!("/{l}/{}/{}", s("check-answers"), encode(id)),
            Route::Results(id) => format!("/{l}/{}/{}", s("results"), encode(id)),
            Route::Document(id, k) => format!(
                "/{l}/{}/{}/{DOCUMENTS}/{}",
                s("results"),
                encode(id),
                encode(k)
            ),
            Route::DocumentFile(id, k, dl, f) => format!(
                "/{l}/{}/{}/{DOCUMENTS}/{}/{}.{}",
                s("results"),
                encode(id),
                encode(k),
                dl.code(),
                f.extension()
            ),
            Route::Rules => format!("/{l}/{}", s("rules")),
            Route::Rule(id) => format!("/{l}/{}/{}", s("rules"), encode(id)),
            Route::Myths => format!("/{l}/{}", s("myths")),
            Route::Myth(id) => format!("/{l}/{}/{}", s("myths"), encode(id)),
            Route::Instruments => format!("/{l}/{}", s("instruments")),
            Route::Instrument(id) => format!("/{l}/{}/{}", s("instruments"), encode(id)),
            Route::CaseLog(p) => p.path(lang),
        }
    }

    /// Whether the page is private to whoever holds its link (not for search engines).
    pub fn private(&self) -> bool {
        if let Route::CaseLog(p) = self {
            return p.private();
        }
        matches!(
            self,
            Route::NewInterview
                | Route::Interview(_)
                | Route::Question(..)
                | Route::CheckAnswers(_)
                | Route::Results(_)
                | Route::Document(..)
                | Route::DocumentFile(..)
        )
    }
}

/// `en.pdf`, `fr.html`, `en.md`: a document file's language and format.
fn document_file(name: &str) -> Option<(Lang, Format)> {
    let (l, ext) = name.split_once('.')?;
    let lang = match l {
        "en" => Lang::En,
        "fr" => Lang::Fr,
        _ => return None,
    };
    let format = Format::parse(ext).filter(|f| f.extension() == ext)?;
    Some((lang, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_both_languages() {
        let routes = [
            Route::Start,
            Route::NewInterview,
            Route::Interview("abc".into()),
            Route::Question("abc".into(), "recording".into()),
            Route::CheckAnswers("abc".into()),
            Route::Results("r1".into()),
            Route::Document("r1".into(), "privacy-notice".into()),
            Route::DocumentFile("r1".into(), "consent-form".into(), Lang::Fr, Format::Pdf),
            Route::DocumentFile(
                "r1".into(),
                "consent-form".into(),
                Lang::En,
                Format::Markdown,
            ),
            Route::Rules,
            Route::Rule("tell-purpose".into()),
            Route::Myths,
            Route::Myth("m".into()),
            Route::Instruments,
            Route::Instrument("privacy-act".into()),
        ];
        for r in routes {
            for lang in [Lang::En, Lang::Fr] {
                let p = r.path(lang);
                assert_eq!(Route::parse(&p), (Some(lang), Some(r.clone())), "{p}");
            }
        }
        assert_eq!(
            Route::Question("x".into(), "a".into()).path(Lang::Fr),
            "/fr/entrevue/x/a"
        );
        assert_eq!(
            Route::CheckAnswers("x".into()).path(Lang::Fr),
            "/fr/verifier-reponses/x"
        );
        assert_eq!(
            Route::DocumentFile("x".into(), "privacy-notice".into(), Lang::En, Format::Html)
                .path(Lang::Fr),
            "/fr/resultats/x/documents/privacy-notice/en.html"
        );
        assert_eq!(
            Route::parse("/en/results/x/documents/k/de.pdf"),
            (Some(Lang::En), None)
        );
        assert_eq!(
            Route::parse("/en/results/x/documents/k/en.markdown"),
            (Some(Lang::En), None)
        );
        assert_eq!(Route::parse("/en/entrevue"), (Some(Lang::En), None));
        assert_eq!(Route::parse("/de/x"), (None, None));
        assert_eq!(Route::parse("/fr/"), (Some(Lang::Fr), Some(Route::Start)));
        assert_eq!(Route::parse("/en/rules/%FF"), (Some(Lang::En), None));
        assert_eq!(
            Route::parse("/en/rules/a%20b"),
            (Some(Lang::En), Some(Route::Rule("a b".into())))
        );
        assert_eq!(
            Route::parse("/en/rules/%2"),
            (Some(Lang::En), Some(Route::Rule("%2".into())))
        );
    }
}
