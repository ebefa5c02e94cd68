//! Generated documents: the privacy notice, the consent form and the results report.
//!
//! Templates live in a pack's `templates/` folder, one file per document and language
//! (`privacy-notice.en.md`, `privacy-notice.fr.md`): TOML front matter (`document`,
//! `lang`, `title`, `requires`, `when`) between `+++` lines, then Markdown with
//! [minijinja](https://docs.rs/minijinja) placeholders filled from the answers and the
//! verdict. A document is rendered as Markdown, HTML (printable, in the service's styles)
//! or PDF: the Markdown is turned into Typst markup and compiled by the typst library
//! linked into the binary into a tagged PDF (PDF/UA-1, document title and language set),
//! with its fonts embedded. No browser, no external program.
//!
//! What templates can read:
//! - `answers.<fact>`: the answer in words, in the document's language;
//! - `values.<fact>`: the raw answer (`true`, an option name, a list of option names,
//!   an amount as text `"50.00"`, a date `"2026-01-15"`); `groups.<group>`: the items;
//! - `applies`: the ids of the obligations that apply; `myths`: the myth ids shown;
//! - `verdict`: the whole verdict (obligations, myths, plans, contacts…);
//! - `pack`, `as_of`, `lang`.

mod check;
mod context;
#[cfg(feature = "pdf")]
mod pdf;
mod render;
mod template;

pub use check::check_templates;
pub use context::context;
pub use render::{
    DOC_CSS, DocError, Format, PDF_SUPPORTED, Rendered, markdown_to_html, markdown_to_pdf, render,
};
pub use template::{Template, Templates, load_templates};

/// The documents the product knows how to name in both languages.
pub fn document_title(doc: &str, lang: passerelle_diag::Lang) -> String {
    use passerelle_diag::Lang::*;
    match (doc, lang) {
        ("privacy-notice", En) => "Privacy notice".into(),
        ("privacy-notice", Fr) => "Avis de confidentialité".into(),
        ("consent-form", En) => "Consent form".into(),
        ("consent-form", Fr) => "Formulaire de consentement".into(),
        ("results-report", En) => "Results report".into(),
        ("results-report", Fr) => "Rapport de résultats".into(),
        (other, _) => other.to_string(),
    }
}
