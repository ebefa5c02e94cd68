//! Official machine-readable texts of Acts, regulations and Treasury Board policy
//! instruments, so that a rule's citation (`privacy-act 5(2)`, `dpp 4.2.20.1`) can be
//! resolved to the exact official wording, shown, and fingerprinted to detect
//! "citation drift" when a new consolidation or version changes a cited provision.
//!
//! # Formats
//!
//! * **Justice Laws consolidated XML** (`<Statute>` or `<Regulation>`, one language per
//!   file). Provisions are addressed by concatenating labels as the Act writes them:
//!   `5`, `5(2)`, `8(2)(a)`, `8(2)(a)(i)`; defined terms as `3 "personal information"`
//!   (either language's term works in both files); parts and divisions by their
//!   heading label (`PART IV`, `PART X, DIVISION I`); schedules by label (`SCHEDULE`,
//!   `SCHEDULE II`; `ANNEXE II` in French, and either word works in either language),
//!   their list items as `SCHEDULE I, item 3` and their sections as `SCHEDULE V, 1(a)`;
//!   the preamble as `Preamble`. Amendments not in force and related provisions
//!   (`RelatedOrNotInForce`) are not part of the consolidated text and are not
//!   addressable.
//! * **Treasury Board policy-instrument XML** (`<doc>` → `<chapter anchor="4">` →
//!   `<clause anchor="4.2.10">`, appendices `<appendix anchor="C">` with clauses like
//!   `C.2.2.9.3`). Every element carrying an `anchor` is addressable by it; appendices
//!   also as `Appendix C`. Older instruments that number paragraphs in the text
//!   (`<li>6.2.1 …</li>` inside `<section anchor="6.2">`) are addressable by those
//!   numbers. Definition lists are addressable as `A.1 "term"` (and under the
//!   enclosing appendix, `A "term"`).
//! * **Captured web pages**: XHTML pages (well-formed XML only) and Markdown text
//!   captures. Numbered headings are addressable by their number (`3.2`, `4.4.1.1`),
//!   `Appendix A: …` headings by `A`, and other headings by their title. A heading's
//!   text runs to the next heading of the same or a higher level.
//!
//! Lookups ([`OfficialText::provision`]) try the exact label first, then a forgiving
//! form: case, spaces, commas, curly quotes and the French names of units
//! (`annexe`, `partie`, `article`, `section` for divisions) do not matter, and the
//! French way of labelling paragraphs (`8(2)a)`) and the English one (`8(2)(a)`) find
//! each other, so one citation resolves in both language versions of an Act.
//!
//! # Normalisation (what a fingerprint covers)
//!
//! A [`Provision`]'s `text` is the provision's own wording followed by that of all its
//! sub-provisions in document order, with the sub-provisions' labels (`(1)`, `(a)`,
//! `4.2.20.1`) but not its own. It is normalised so that only a change of wording
//! changes it:
//!
//! * left out: marginal notes and clause titles (they go to `heading`; marginal notes
//!   are not part of an Act, Interpretation Act s. 14), historical notes and amendment
//!   citations (`<HistoricalNote>`), editorial footnotes and footnote markers,
//!   recent-amendment lists, amendments not in force, notes to the reader, the
//!   `(Section 3)` reference under a schedule's title, scripts and visually hidden
//!   text of web pages, images;
//! * every run of whitespace, including no-break spaces, becomes one space; zero-width
//!   characters and soft hyphens are dropped; the text is trimmed;
//! * in Treasury Board and web sources, UTF-8 that was read as Latin-1 upstream is
//!   repaired (`Â ` is a space, `Ã©` is `é`, `â` followed by two C1 control characters
//!   is `’`) and the space that pretty-printing leaves before punctuation (`Act .`) or
//!   after an opening parenthesis is removed.
//!
//! [`Provision::fingerprint`] is `sha256:<hex>` of that text after folding typographic
//! variants (curly quotes and apostrophes to ASCII ones, hyphen and en-dash variants to
//! `-`), see [`fingerprint_input`]. Changing any of these rules changes fingerprints, so
//! they are part of the crate's compatibility contract.
//!
//! # Loading
//!
//! [`SourceSet`] points at a folder holding `laws/` and `tbs/`; it parses a document the
//! first time it is asked for and keeps it (it is `Send + Sync`, for a server).
//! [`OfficialText::parse`] parses bytes directly. Neither panics on any input; files
//! are limited to [`MAX_DOCUMENT_BYTES`].
//!
//! ```
//! use passerelle_sources::OfficialText;
//!
//! let xml = r#"<Statute xml:lang="en"><Body><Section><Label>5</Label>
//!   <Subsection><MarginalNote>Individual to be informed of purpose</MarginalNote>
//!   <Label>(2)</Label><Text>A government institution shall inform…</Text>
//!   </Subsection></Section></Body></Statute>"#;
//! let act = OfficialText::parse("laws/eng/P-21.xml", xml.as_bytes())?;
//! let cited = act.provision("5 (2)").expect("cited provision");
//! assert_eq!(cited.section, "5(2)");
//! assert_eq!(cited.heading.as_deref(), Some("Individual to be informed of purpose"));
//! assert_eq!(cited.text, "A government institution shall inform…");
//! assert!(cited.fingerprint().starts_with("sha256:"));
//! # Ok::<(), passerelle_sources::SourceError>(())
//! ```

mod error;
mod laws;
mod markup;
mod normalize;
mod outline;
mod set;
mod tbs;
mod xml;

use std::collections::HashMap;

use serde::Serialize;

pub use error::SourceError;
pub use normalize::{fingerprint_input, fingerprint_text};
pub use set::SourceSet;

/// Largest document accepted, in bytes (64 MiB).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Language of an official text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
}

impl Language {
    /// The ISO 639-1 code, `en` or `fr`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }

    /// Parses `en`, `fr`, `en-CA`, `fra`, … (case-insensitive).
    fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("fr") {
            Some(Language::Fr)
        } else if tag.starts_with("en") {
            Some(Language::En)
        } else {
            None
        }
    }

    /// Guesses from a path such as `laws/fra/DORS-83-508.xml` or `x.fra.2024.xml`;
    /// English unless the path says French.
    fn from_path(path: &str) -> Self {
        let lower = path.to_ascii_lowercase();
        let french = lower.split(['/', '\\', '.', '_']).any(|part| {
            matches!(part, "fra" | "fr" | "fre" | "french") || part.starts_with("dors-")
        });
        if french { Language::Fr } else { Language::En }
    }
}

/// Which kind of source a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// Justice Laws consolidated XML (`<Statute>` or `<Regulation>`).
    JusticeLaws,
    /// Treasury Board policy-instrument XML (`<doc>`).
    TbsPolicy,
    /// A captured web page in XHTML.
    Html,
    /// A Markdown text capture.
    Markdown,
}

/// Dates known about a document, as `YYYY-MM-DD` strings when they are dates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Dates {
    /// Laws: the point-in-time date of the consolidation (`lims:pit-date`).
    pub point_in_time: Option<String>,
    /// Laws: "current to" date (`lims:current-date`).
    pub current_to: Option<String>,
    /// Laws: date of the last amendment (`lims:lastAmendedDate`).
    pub last_amended: Option<String>,
    /// Laws: the consolidation date in the document's identification block.
    pub consolidated: Option<String>,
    /// Web captures: the page's "date modified".
    pub modified: Option<String>,
    /// Web captures: when the page was captured.
    pub captured: Option<String>,
    /// A `YYYY-MM-DD` found in the file name (Treasury Board files carry their
    /// version date only there; history files their consolidation date).
    pub file_name: Option<String>,
}

/// What kind of unit a provision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// Laws: section (`5`).
    Section,
    /// Laws: subsection (`5(2)`).
    Subsection,
    /// Laws: paragraph (`8(2)(a)`).
    Paragraph,
    /// Laws: subparagraph (`8(2)(a)(i)`).
    Subparagraph,
    /// Laws: clause (`(A)`) and subclause (`(I)`); Treasury Board: numbered clause.
    Clause,
    /// A defined term (`3 "personal information"`).
    Definition,
    /// Laws: a part or division heading, with the sections under it.
    Part,
    /// Laws: a schedule.
    Schedule,
    /// Laws: an item of a schedule list.
    Item,
    /// Laws: the preamble.
    Preamble,
    /// Treasury Board: a chapter (`4`) or an anchored section (`6.2`).
    Chapter,
    /// Treasury Board: an appendix (`C`, `C.1`).
    Appendix,
    /// Web captures: a heading and the text under it.
    Heading,
}

/// One addressable provision of an official text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provision {
    /// The label as the instrument numbers it: `5(2)`, `8(2)(a)`, `4.2.20.1`,
    /// `C.2.2.9.3`, `SCHEDULE`, `PART IV`, `3 "personal information"`.
    pub section: String,
    /// What kind of unit it is.
    pub kind: Kind,
    /// Marginal note, clause or appendix title, defined term or heading, if any.
    pub heading: Option<String>,
    /// The normalised text (see the crate documentation), including sub-provisions.
    pub text: String,
}

impl Provision {
    /// Builds a provision (mostly useful in tests of code that consumes provisions).
    #[must_use]
    pub fn new(
        section: impl Into<String>,
        kind: Kind,
        heading: Option<String>,
        text: &str,
    ) -> Self {
        Provision {
            section: section.into(),
            kind,
            heading,
            text: normalize::collapse_whitespace(text),
        }
    }

    /// `"sha256:<hex>"` of the normalised text with typographic variants folded; see
    /// [`fingerprint_text`].
    #[must_use]
    pub fn fingerprint(&self) -> String {
        fingerprint_text(&self.text)
    }
}

/// A parsed official text: its metadata and its addressable provisions.
#[derive(Debug, Clone)]
pub struct OfficialText {
    path: String,
    format: Format,
    language: Language,
    title: String,
    identifier: Option<String>,
    version: Option<String>,
    dates: Dates,
    provisions: Vec<Provision>,
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
    warnings: Vec<String>,
}

impl OfficialText {
    /// Parses an official text. `path_hint` (a file name or relative path) is used in
    /// errors, to choose the format by extension (`.md`/`.markdown` is Markdown,
    /// `.html`/`.htm`/`.xhtml` is a web page; otherwise XML, recognised by its root
    /// element), and to find a date in the file name.
    ///
    /// # Errors
    ///
    /// [`SourceError::TooLarge`], [`SourceError::NotUtf8`],
    /// [`SourceError::MalformedXml`] or [`SourceError::UnknownFormat`].
    pub fn parse(path_hint: &str, bytes: &[u8]) -> Result<OfficialText, SourceError> {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > MAX_DOCUMENT_BYTES {
            return Err(SourceError::TooLarge {
                path: path_hint.to_owned(),
                size,
                limit: MAX_DOCUMENT_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| SourceError::NotUtf8 {
            path: path_hint.to_owned(),
            offset: e.valid_up_to(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lower = path_hint.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            return Ok(outline::parse_markdown(path_hint, text));
        }
        let doc = xml::parse(path_hint, text)?;
        let root = doc.root_element();
        let html_ext =
            lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml");
        match root.tag_name().name() {
            "Statute" | "Regulation" if !html_ext => laws::parse(path_hint, &doc),
            "doc" if !html_ext => tbs::parse(path_hint, &doc),
            "html" => Ok(outline::parse_html(path_hint, text, &doc)),
            other => Err(SourceError::UnknownFormat {
                path: path_hint.to_owned(),
                reason: format!(
                    "root element <{other}> is none of <Statute>, <Regulation>, <doc>, <html>"
                ),
            }),
        }
    }

    /// The path hint the document was parsed with.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The source format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The document's language.
    #[must_use]
    pub fn language(&self) -> Language {
        self.language
    }

    /// The title: short title of an Act (long title of a regulation), title of a policy
    /// instrument or page.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Laws: the chapter or instrument number (`P-21`, `SOR/83-508`); Treasury Board:
    /// the document ID (`18309`).
    #[must_use]
    pub fn identifier(&self) -> Option<&str> {
        self.identifier.as_deref()
    }

    /// Treasury Board: the version ID in the XML.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// Dates known about the document.
    #[must_use]
    pub fn dates(&self) -> &Dates {
        &self.dates
    }

    /// The provision labelled `section` (trimmed), exactly as the instrument numbers it
    /// or in the forgiving form described in the crate documentation; `None` if there
    /// is none.
    #[must_use]
    pub fn provision(&self, section: &str) -> Option<&Provision> {
        let section = section.trim();
        if section.is_empty() {
            return None;
        }
        let index = match self.exact.get(section) {
            Some(&i) => i,
            None => *self.folded.get(&normalize::fold_key(section))?,
        };
        self.provisions.get(index)
    }

    /// Oddities met while parsing: labels used twice (the first one is kept) and
    /// numbering typos that were worked around. Empty for a clean document.
    #[must_use]
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// All provisions in document order.
    #[must_use]
    pub fn provisions(&self) -> &[Provision] {
        &self.provisions
    }

    /// Every addressable section label, in document order.
    pub fn sections(&self) -> impl Iterator<Item = &str> + '_ {
        self.provisions.iter().map(|p| p.section.as_str())
    }

    /// Up to `limit` labels close to `section`, best first, for "did you mean"
    /// messages: first the existing provisions that contain it (`5(2)` for `5(2)(z)`,
    /// nearest first), then labels at a small edit distance.
    #[must_use]
    pub fn nearest(&self, section: &str, limit: usize) -> Vec<&str> {
        let query = normalize::fold_key(section);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let query_len = query.chars().count();
        let max_distance = (query_len / 3).max(1);
        let mut scored: Vec<(u8, usize, usize)> = Vec::new();
        for (index, provision) in self.provisions.iter().enumerate() {
            let key = normalize::fold_key(&provision.section);
            if key == query {
                scored.push((0, 0, index));
                continue;
            }
            if let Some(rest) = query.strip_prefix(key.as_str())
                && !key.is_empty()
                && rest.starts_with(['(', '.', ' ', '"'])
            {
                scored.push((1, rest.len(), index));
                continue;
            }
            // Cheap length filter before the quadratic distance.
            let key_len = key.chars().count();
            if key_len.abs_diff(query_len) > max_distance {
                continue;
            }
            let distance = strsim::levenshtein(&query, &key);
            if distance <= max_distance {
                scored.push((2, distance, index));
            }
        }
        scored.sort_unstable();
        scored
            .into_iter()
            .take(limit)
            .filter_map(|(_, _, index)| self.provisions.get(index))
            .map(|p| p.section.as_str())
            .collect()
    }
}

/// Collects provisions while a document is parsed and builds the lookup tables.
pub(crate) struct Builder {
    path: String,
    format: Format,
    language: Language,
    provisions: Vec<Provision>,
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
    warnings: Vec<String>,
}

impl Builder {
    pub(crate) fn new(path: &str, format: Format, language: Language) -> Self {
        Builder {
            path: path.to_owned(),
            format,
            language,
            provisions: Vec::new(),
            exact: HashMap::new(),
            folded: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Records a parsing oddity (see [`OfficialText::warnings`]).
    pub(crate) fn warn(&mut self, message: String) {
        if self.warnings.len() < 1000 {
            self.warnings.push(message);
        }
    }

    pub(crate) fn language(&self) -> Language {
        self.language
    }

    /// Whether a label is already used.
    pub(crate) fn is_taken(&self, section: &str) -> bool {
        self.exact.contains_key(section) || self.folded.contains_key(&normalize::fold_key(section))
    }

    /// Adds a provision reachable by its label and by `aliases`. The first provision
    /// with a label wins (labels are unique in well-formed sources); returns whether it
    /// was added.
    pub(crate) fn add(&mut self, provision: Provision, aliases: &[String]) -> bool {
        if provision.section.is_empty() {
            return false;
        }
        if self.exact.contains_key(&provision.section) {
            self.warn(format!(
                "{} is labelled twice; the first one is kept",
                provision.section
            ));
            return false;
        }
        let index = self.provisions.len();
        self.exact.insert(provision.section.clone(), index);
        self.folded
            .entry(normalize::fold_key(&provision.section))
            .or_insert(index);
        for alias in aliases {
            let key = normalize::fold_key(alias);
            if !key.is_empty() {
                self.folded.entry(key).or_insert(index);
            }
        }
        self.provisions.push(provision);
        true
    }

    pub(crate) fn finish(
        self,
        title: String,
        identifier: Option<String>,
        version: Option<String>,
        mut dates: Dates,
    ) -> OfficialText {
        if dates.file_name.is_none() {
            dates.file_name = normalize::date_in_file_name(&self.path);
        }
        OfficialText {
            path: self.path,
            format: self.format,
            language: self.language,
            title,
            identifier,
            version,
            dates,
            provisions: self.provisions,
            exact: self.exact,
            folded: self.folded,
            warnings: self.warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_guesses() {
        assert_eq!(Language::from_path("laws/fra/P-21.xml"), Language::Fr);
        assert_eq!(
            Language::from_path("laws/fra/DORS-83-508.xml"),
            Language::Fr
        );
        assert_eq!(Language::from_path("x/DORS-83-508.xml"), Language::Fr);
        assert_eq!(
            Language::from_path("laws/history/P-21.eng.2024-10-24.xml"),
            Language::En
        );
        assert_eq!(
            Language::from_path("tbs/Directive_on_Framework.xml"),
            Language::En
        );
        assert_eq!(Language::from_tag("fr-CA"), Some(Language::Fr));
        assert_eq!(Language::from_tag("EN"), Some(Language::En));
        assert_eq!(Language::from_tag("de"), None);
    }

    #[test]
    fn rejects_unknown_roots_and_bad_bytes() {
        let err = OfficialText::parse("x.xml", b"<svg/>");
        assert!(
            matches!(err, Err(SourceError::UnknownFormat { .. })),
            "{err:?}"
        );
        let err = OfficialText::parse("x.xml", b"<doc>\xff</doc>");
        assert!(
            matches!(err, Err(SourceError::NotUtf8 { offset: 5, .. })),
            "{err:?}"
        );
        let err = OfficialText::parse("x.xml", b"<doc>\n  <chapter></doc>");
        assert!(
            matches!(
                err,
                Err(SourceError::MalformedXml {
                    line: 2,
                    column: 12,
                    ..
                })
            ),
            "{err:?}"
        );
        if let Err(SourceError::MalformedXml { message, .. }) = &err {
            assert!(!message.contains("2:12"), "position repeated: {message}");
        }
        let err = OfficialText::parse("x.xml", b"plain text");
        assert!(
            matches!(err, Err(SourceError::MalformedXml { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let depth = 20_000;
        let xml = format!("<doc>{}{}</doc>", "<p>".repeat(depth), "</p>".repeat(depth));
        let err = OfficialText::parse("deep.xml", xml.as_bytes());
        assert!(
            matches!(err, Err(SourceError::MalformedXml { .. })),
            "{err:?}"
        );
        let md = format!("{}x", "> ".repeat(depth));
        assert!(OfficialText::parse("deep.md", md.as_bytes()).is_ok());
    }

    #[test]
    fn size_limit() {
        let big = vec![b' '; usize::try_from(MAX_DOCUMENT_BYTES).unwrap_or(0) + 1];
        let err = OfficialText::parse("big.xml", &big);
        assert!(matches!(err, Err(SourceError::TooLarge { .. })), "{err:?}");
    }

    #[test]
    fn provision_new_normalises() {
        let p = Provision::new("1", Kind::Section, None, "  a\n b ");
        assert_eq!(p.text, "a b");
        assert_eq!(p.fingerprint(), fingerprint_text("a b"));
    }
}
