//! Captured web pages (XHTML) and Markdown captures: provisions are headings and the
//! text under them.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use roxmltree::{Document, Node};

use crate::markup::{self, Anchors};
use crate::xml::{attr, name};
use crate::{Builder, Dates, Format, Kind, Language, OfficialText, Provision};

/// A document flattened into headings and the text between them.
#[derive(Debug)]
enum Block {
    Heading { level: u8, text: String },
    Text(String),
}

/// Appends raw text to the last text block (or starts one).
fn push_text(blocks: &mut Vec<Block>, text: &str) {
    if let Some(Block::Text(buf)) = blocks.last_mut() {
        buf.push_str(text);
    } else {
        blocks.push(Block::Text(text.to_owned()));
    }
}

/// Splits a heading into its label and title: `3.2 Considerations` → (`3.2`,
/// `Considerations`, no alias); `Appendix A: Order` → (`A`, `Order`, alias
/// `Appendix A`); anything else is addressed by its whole text.
fn heading_label(text: &str) -> (String, String, Vec<String>) {
    let number: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if number.starts_with(|c: char| c.is_ascii_digit())
        && let Some(rest) = text.get(number.len()..)
        && (rest.is_empty() || rest.starts_with(' '))
    {
        let label = number.trim_end_matches('.').to_owned();
        return (label, rest.trim().to_owned(), Vec::new());
    }
    let lower = text.to_lowercase();
    if lower.starts_with("appendix ")
        && let Some(rest) = text.get("appendix ".len()..)
    {
        let label: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '.')
            .collect();
        let label = label.trim_end_matches('.').to_owned();
        if !label.is_empty() && label.chars().count() <= 6 {
            let title = rest
                .get(label.len()..)
                .unwrap_or("")
                .trim_start_matches([' ', '.', ':', '-', '–', '—'])
                .trim()
                .to_owned();
            return (label.clone(), title, vec![format!("Appendix {label}")]);
        }
    }
    (text.to_owned(), text.to_owned(), Vec::new())
}

/// Registers every heading below level 1 (level 1 is the page title) with the text up
/// to the next heading of the same or a higher level.
fn add_headings(builder: &mut Builder, blocks: &[Block]) {
    let lang = builder.language();
    for (i, block) in blocks.iter().enumerate() {
        let Block::Heading { level, text } = block else {
            continue;
        };
        if *level <= 1 || text.is_empty() {
            continue;
        }
        let (label, title, aliases) = heading_label(text);
        let mut raw = String::new();
        for next in blocks.iter().skip(i + 1) {
            match next {
                Block::Heading { level: l, .. } if l <= level => break,
                Block::Heading { text, .. } | Block::Text(text) => {
                    raw.push(' ');
                    raw.push_str(text);
                }
            }
        }
        builder.add(
            Provision {
                section: label,
                kind: Kind::Heading,
                heading: Some(title).filter(|t| !t.is_empty()),
                text: markup::clean(&raw, lang),
            },
            &aliases,
        );
    }
}

/// First `YYYY-MM-DD` in a string.
fn find_iso_date(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    bytes.windows(10).find_map(|w| {
        let ok = w.iter().enumerate().all(|(k, b)| {
            if k == 4 || k == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        ok.then(|| String::from_utf8_lossy(w).into_owned())
    })
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn flatten_html(node: Node<'_, '_>, blocks: &mut Vec<Block>, lang: Language) {
    for c in node.children() {
        if c.is_text() {
            if let Some(t) = c.text() {
                push_text(blocks, t);
            }
            continue;
        }
        let tag = name(c);
        if tag.is_empty() || markup::is_noise(c) {
            continue;
        }
        if let Some(level) = heading_level(tag) {
            let text = markup::text(c, lang, Anchors::Ignore, false);
            blocks.push(Block::Heading { level, text });
            continue;
        }
        let inline = markup::is_inline(tag);
        if !inline {
            push_text(blocks, " ");
        }
        if c.descendants().any(|d| heading_level(name(d)).is_some()) {
            flatten_html(c, blocks, lang);
        } else {
            let mut raw = String::new();
            markup::collect(c, &mut raw, Anchors::Ignore, false);
            push_text(blocks, &raw);
        }
        if !inline {
            push_text(blocks, " ");
        }
    }
}

/// A captured web page in XHTML.
pub(crate) fn parse_html(path: &str, raw: &str, doc: &Document<'_>) -> OfficialText {
    let root = doc.root_element();
    let language = attr(root, "lang")
        .and_then(Language::from_tag)
        .unwrap_or_else(|| Language::from_path(path));
    let mut builder = Builder::new(path, Format::Html, language);
    let content = doc
        .descendants()
        .find(|n| name(*n) == "main")
        .or_else(|| doc.descendants().find(|n| name(*n) == "body"))
        .unwrap_or(root);
    let mut blocks = Vec::new();
    flatten_html(content, &mut blocks, language);
    add_headings(&mut builder, &blocks);

    let title = doc
        .descendants()
        .find(|n| name(*n) == "title")
        .map(|t| markup::clean(&crate::xml::raw_text(t), language))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            blocks.iter().find_map(|b| match b {
                Block::Heading { level: 1, text } => Some(text.clone()),
                _ => None,
            })
        })
        .unwrap_or_default();
    let meta_modified = doc.descendants().find_map(|n| {
        (name(n) == "meta" && attr(n, "name") == Some("dcterms.modified"))
            .then(|| attr(n, "content").and_then(find_iso_date))
            .flatten()
    });
    let script_modified = raw
        .find("dateModified")
        .and_then(|at| raw.get(at..))
        .and_then(|tail| find_iso_date(tail.get(..tail.len().min(64)).unwrap_or(tail)));
    let dates = Dates {
        modified: meta_modified.or(script_modified),
        ..Dates::default()
    };
    builder.finish(title, None, None, dates)
}

/// Splits off the capture header of a Markdown capture: an optional `# Title` line and
/// `- Key: value` lines, closed by a `---` line. Returns the (lower-cased key, value)
/// pairs, the header's title and the body.
fn split_capture_header(text: &str) -> (Vec<(String, String)>, Option<String>, &str) {
    let mut offset = 0usize;
    let mut meta = Vec::new();
    let mut title = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        offset += line.len();
        if trimmed == "---" {
            return (meta, title, text.get(offset..).unwrap_or(""));
        }
        if trimmed.is_empty() {
            continue;
        }
        if let Some(h) = trimmed.strip_prefix("# ") {
            title.get_or_insert_with(|| h.trim().to_owned());
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            let (key, value) = item.split_once(':').unwrap_or((item, ""));
            meta.push((key.trim().to_lowercase(), value.trim().to_owned()));
        } else {
            break;
        }
    }
    (Vec::new(), None, text)
}

/// A Markdown text capture.
pub(crate) fn parse_markdown(path: &str, text: &str) -> OfficialText {
    let (meta, header_title, body) = split_capture_header(text);
    let get = |key: &str| {
        meta.iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let language = get("language")
        .or_else(|| get("lang"))
        .and_then(|l| Language::from_tag(&l))
        .unwrap_or_else(|| Language::from_path(path));
    let mut builder = Builder::new(path, Format::Markdown, language);

    let mut blocks: Vec<Block> = Vec::new();
    let mut heading: Option<(u8, String)> = None;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                heading = Some((level, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, raw)) = heading.take() {
                    blocks.push(Block::Heading {
                        level,
                        text: markup::clean(&raw, language),
                    });
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                match &mut heading {
                    Some((_, raw)) => raw.push_str(&t),
                    None => push_text(&mut blocks, &t),
                }
            }
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Superscript
                | Tag::Subscript,
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Superscript
                | TagEnd::Subscript,
            )
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => {}
            Event::Start(_) | Event::End(_) | Event::SoftBreak | Event::HardBreak | Event::Rule => {
                match &mut heading {
                    Some((_, raw)) => raw.push(' '),
                    None => push_text(&mut blocks, " "),
                }
            }
        }
    }
    add_headings(&mut builder, &blocks);

    let title = get("page title")
        .or_else(|| {
            blocks.iter().find_map(|b| match b {
                Block::Heading { level: 1, text } => Some(text.clone()),
                _ => None,
            })
        })
        .or(header_title)
        .unwrap_or_default();
    let modified = get("notice modified")
        .or_else(|| {
            meta.iter()
                .find(|(k, v)| k.contains("modified") && !v.is_empty())
                .map(|(_, v)| v.clone())
        })
        .map(|v| find_iso_date(&v).unwrap_or(v));
    let captured = meta
        .iter()
        .find(|(k, v)| k.starts_with("captured") && !v.is_empty())
        .map(|(_, v)| v.clone());
    let identifier = get("notice identifier").or_else(|| get("identifier"));
    let dates = Dates {
        modified,
        captured,
        ..Dates::default()
    };
    builder.finish(title, identifier, None, dates)
}

#[cfg(test)]
mod tests {
    use super::heading_label;
    use crate::{Format, Kind, OfficialText, SourceError};

    #[test]
    fn heading_labels() {
        assert_eq!(heading_label("3.2 Considerations").0, "3.2");
        assert_eq!(
            heading_label("1. Date of publication").1,
            "Date of publication"
        );
        assert_eq!(heading_label("2024 in review").0, "2024");
        assert_eq!(heading_label("2024-25 plan").0, "2024-25 plan");
        let (label, title, aliases) = heading_label("Appendix A: Ex gratia Payments Order, 1991");
        assert_eq!(
            (label.as_str(), title.as_str()),
            ("A", "Ex gratia Payments Order, 1991")
        );
        assert_eq!(aliases, vec!["Appendix A".to_owned()]);
        assert_eq!(heading_label("Overview").0, "Overview");
    }

    const PAGE: &str = r#"<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>
<title>Guide to Ex Gratia Payments</title><script>wet.builder.setup({ preFooter: { dateModified: "2024-07-16" } });</script></head>
<body><main><h1>Guide to Ex Gratia Payments</h1>
<section><h2 id="cha3">3. Overview of ex gratia payments</h2><div>
<section><header><h3 id="sec3.1">3.1 Definition</h3></header><div><p>The <a href="x"><em>Directive on Payments</em></a> defines it:</p><p>A benevolent payment.</p></div></section>
<section><header><h3 id="sec3.2">3.2 Considerations</h3></header><ul><li>only for loss</li><li>only in exceptional cases</li></ul>
<h4>Not covered elsewhere</h4><p>Check first.</p></section></div></section>
<section><h2 id="appA">Appendix A: Ex gratia Payments Order, 1991</h2><p>1. This Order may be cited.<sup>(1)</sup></p></section>
</main></body></html>"#;

    #[test]
    fn html_headings() -> Result<(), SourceError> {
        let page = OfficialText::parse("tbs/Ex_Gratia_2025-08-31.html", PAGE.as_bytes())?;
        assert_eq!(page.format(), Format::Html);
        assert_eq!(page.title(), "Guide to Ex Gratia Payments");
        assert_eq!(page.dates().modified.as_deref(), Some("2024-07-16"));
        assert_eq!(page.dates().file_name.as_deref(), Some("2025-08-31"));
        let p31 = page.provision("3.1").ok_or_else(|| missing("3.1"))?;
        assert_eq!(p31.kind, Kind::Heading);
        assert_eq!(p31.heading.as_deref(), Some("Definition"));
        assert_eq!(
            p31.text,
            "The Directive on Payments defines it: A benevolent payment."
        );
        let p32 = page.provision("3.2").ok_or_else(|| missing("3.2"))?;
        assert_eq!(
            p32.text,
            "only for loss only in exceptional cases Not covered elsewhere Check first."
        );
        let p3 = page.provision("3").ok_or_else(|| missing("3"))?;
        assert!(p3.text.starts_with("3.1 Definition The Directive"));
        assert!(p3.text.ends_with("Check first."), "{}", p3.text);
        let app = page.provision("Appendix A").ok_or_else(|| missing("A"))?;
        assert_eq!(app.section, "A");
        assert_eq!(app.text, "1. This Order may be cited.(1)");
        assert!(page.provision("Not covered elsewhere").is_some());
        assert!(page.provision("Guide to Ex Gratia Payments").is_none());
        Ok(())
    }

    const CAPTURE: &str = "# Guide to Things\n\n- Notice source: CPN\n- Source page modified: 2026-07-31\n- Notice modified: 2022-12-21\n- Notice identifier: 2022-4\n- Listed date: \n- Captured at (UTC): 2026-08-22T16:12:44Z\n- Page title: Notice 2022-4: Guide to Things\n\n---\n\n# Notice 2022-4: Guide to Things\n\nDate: December 21, 2022\n\n## Overview\n\nCanada has [obligations](https://example.org) under the *Act*.\n\n## 3.2 Planning\n\n- procurement planning;\n- contract management.\n\n### 3.2.1 Detail\n\nMore `detail`.\n\n## Enquiries\n\nAsk us.\n";

    #[test]
    fn markdown_capture() -> Result<(), SourceError> {
        let md = OfficialText::parse("tbs/Guide_to_Things.md", CAPTURE.as_bytes())?;
        assert_eq!(md.format(), Format::Markdown);
        assert_eq!(md.title(), "Notice 2022-4: Guide to Things");
        assert_eq!(md.identifier(), Some("2022-4"));
        assert_eq!(md.dates().modified.as_deref(), Some("2022-12-21"));
        assert_eq!(md.dates().captured.as_deref(), Some("2026-08-22T16:12:44Z"));
        assert_eq!(
            md.provision("overview").map(|p| p.text.as_str()),
            Some("Canada has obligations under the Act.")
        );
        assert_eq!(
            md.provision("3.2").map(|p| p.text.as_str()),
            Some("procurement planning; contract management. 3.2.1 Detail More detail.")
        );
        assert_eq!(
            md.provision("3.2.1").and_then(|p| p.heading.as_deref()),
            Some("Detail")
        );
        assert_eq!(
            md.provision("Enquiries").map(|p| p.text.as_str()),
            Some("Ask us.")
        );
        assert!(md.provision("Notice source").is_none());
        Ok(())
    }

    #[test]
    fn markdown_without_header() -> Result<(), SourceError> {
        let md = OfficialText::parse(
            "x.md",
            b"Intro\n\n## 1 First\n\nOne.\n\n---\n\n## 2 Second\n",
        )?;
        assert_eq!(md.provision("1").map(|p| p.text.as_str()), Some("One."));
        assert!(md.provision("2").is_some());
        Ok(())
    }

    fn missing(what: &str) -> SourceError {
        SourceError::UnknownFormat {
            path: "test".to_owned(),
            reason: format!("{what} not found"),
        }
    }
}
