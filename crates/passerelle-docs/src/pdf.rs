//! Markdown → Typst markup → tagged PDF, with the fonts embedded in the binary.

use passerelle_diag::Lang;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

static NOTO_REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static NOTO_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
static NOTO_ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-Italic.ttf");
static NOTO_BOLD_ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-BoldItalic.ttf");
static LATO_BOLD: &[u8] = include_bytes!("../fonts/Lato-Bold.ttf");

struct Base {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let fonts: Vec<Font> = [
            NOTO_REGULAR,
            NOTO_BOLD,
            NOTO_ITALIC,
            NOTO_BOLD_ITALIC,
            LATO_BOLD,
        ]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
        Base {
            library: LazyHash::new(<Library as LibraryExt>::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

struct DocWorld {
    main: Source,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &base().library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &base().book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        base().fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// Escapes text for Typst markup.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '#'
                | '$'
                | '*'
                | '_'
                | '`'
                | '<'
                | '>'
                | '@'
                | '['
                | ']'
                | '='
                | '-'
                | '+'
                | '/'
                | '~'
                | '"'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Typst string literal.
fn lit(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Converts the Markdown subset templates use into Typst markup.
pub fn to_typst(title: &str, md: &str, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&format!("#set document(title: {})\n", lit(title)));
    out.push_str(&format!(
        "#set text(font: \"Noto Sans\", size: 11pt, lang: \"{}\", region: \"ca\")\n",
        lang.code()
    ));
    out.push_str("#set page(paper: \"us-letter\", margin: 2cm, numbering: \"1 / 1\")\n");
    out.push_str("#set par(justify: false, leading: 0.7em)\n");
    // Room between list items: the results report's items are whole paragraphs.
    out.push_str("#set list(spacing: 0.85em)\n#set enum(spacing: 0.85em)\n");
    out.push_str("#show heading: set text(font: \"Lato\", weight: \"bold\")\n");
    out.push_str("#show heading.where(level: 1): set text(size: 20pt)\n");
    out.push_str("#show link: underline\n\n");
    let mut list_stack: Vec<Option<u64>> = Vec::new();
    let mut link_stack: Vec<String> = Vec::new();
    let mut at_line_start = true;
    for ev in Parser::new_ext(md, Options::empty()) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                let n = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                out.push_str(&"=".repeat(n));
                out.push(' ');
                at_line_start = false;
            }
            Event::End(TagEnd::Heading(_)) => {
                out.push_str("\n\n");
                at_line_start = true;
            }
            // A paragraph inside a list item continues the item's line.
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) if list_stack.is_empty() => {
                out.push_str("\n\n");
                at_line_start = true;
            }
            Event::Start(Tag::List(start)) => {
                if !at_line_start {
                    out.push('\n');
                }
                list_stack.push(start);
                at_line_start = true;
            }
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
                if list_stack.is_empty() {
                    out.push('\n');
                }
                at_line_start = true;
            }
            Event::Start(Tag::Item) => {
                if !at_line_start {
                    out.push('\n');
                }
                let depth = list_stack.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                out.push_str(if matches!(list_stack.last(), Some(Some(_))) {
                    "+ "
                } else {
                    "- "
                });
                at_line_start = false;
            }
            Event::End(TagEnd::Item) => {
                out.push('\n');
                at_line_start = true;
            }
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::End(TagEnd::Emphasis) => out.push(']'),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::End(TagEnd::Strong) => out.push(']'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.push_str(&format!("#link({})[", lit(&dest_url)));
                link_stack.push(dest_url.to_string());
            }
            Event::End(TagEnd::Link) => {
                link_stack.pop();
                out.push(']');
            }
            // HTML typed in an answer is text, as in the HTML output.
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&esc(&t));
                at_line_start = false;
            }
            Event::End(TagEnd::HtmlBlock) => {
                out.push_str("\n\n");
                at_line_start = true;
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str(" \\\n"),
            Event::Rule => out.push_str("#line(length: 100%)\n\n"),
            _ => {}
        }
    }
    out
}

/// Compiles a document to a tagged PDF (PDF/UA-1 when typst accepts it).
pub fn pdf(title: &str, md: &str, lang: Lang) -> Result<Vec<u8>, String> {
    let markup = to_typst(title, md, lang);
    let world = DocWorld {
        main: Source::detached(markup),
    };
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    let doc = warned.output.map_err(|errs| {
        errs.iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let ua = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
        .map_err(|e| format!("{e:?}"))?;
    let opts = typst_pdf::PdfOptions {
        standards: ua,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&doc, &opts).map_err(|errs| {
        errs.iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_special_characters() {
        let t = to_typst(
            "T",
            "# Title\n\nCost: $50 #1 *really* [x](https://example.invalid)\n\n- a\n- b\n",
            Lang::En,
        );
        assert!(t.contains("\\$50 \\#1 #emph[really]"));
        assert!(t.contains("#link(\"https://example.invalid\")[x]"));
        assert!(t.contains("- a\n- b\n"));
    }

    #[test]
    fn html_in_the_text_is_text() {
        let t = to_typst(
            "T",
            "A <b>bold</b> & <script>x</script>\n\n<div>\nblock\n</div>\n",
            Lang::En,
        );
        assert!(
            t.contains("A \\<b\\>bold\\<\\/b\\> & \\<script\\>x\\<\\/script\\>"),
            "{t}"
        );
        assert!(t.contains("\\<div\\>"), "{t}");
    }
}
