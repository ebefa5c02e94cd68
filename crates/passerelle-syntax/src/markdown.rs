//! Splitting a literate Markdown file into front matter, provisions with their
//! paraphrases, and `passerelle` rule blocks.

use crate::ast::Body;
use crate::parser::parse_body;
use passerelle_diag::{Bi, Code, Diag, FileId, Span};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// TOML front matter between `+++` lines.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatter {
    /// The TOML text.
    pub text: String,
    /// Where the TOML text is.
    pub span: Span,
}

/// A paraphrase paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    /// The text after the `EN:`/`FR:` marker, line breaks folded.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// A `§` provision heading and what follows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Provision {
    /// The section as the instrument numbers it (`5(2)`, `4.2.20`).
    pub section: String,
    /// Where the section number is.
    pub section_span: Span,
    /// The rest of the heading.
    pub title: String,
    /// The whole heading.
    pub heading_span: Span,
    /// Heading level (1–6).
    pub level: u8,
    /// English paraphrase.
    pub en: Option<Para>,
    /// French paraphrase.
    pub fr: Option<Para>,
}

/// A fenced `passerelle` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Its declarations.
    pub body: Body,
    /// The content between the fences.
    pub content: Span,
    /// The innermost provision the block sits under.
    pub provision: Option<usize>,
}

/// One split file.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFile {
    /// The file.
    pub file: FileId,
    /// Front matter, if any.
    pub front_matter: Option<FrontMatter>,
    /// Provisions in document order.
    pub provisions: Vec<Provision>,
    /// Rule blocks in document order.
    pub blocks: Vec<Block>,
}

fn heading_level(l: pulldown_cmark::HeadingLevel) -> u8 {
    use pulldown_cmark::HeadingLevel::*;
    match l {
        H1 => 1,
        H2 => 2,
        H3 => 3,
        H4 => 4,
        H5 => 5,
        H6 => 6,
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a Markdown file and parses its rule blocks.
pub fn split(file: FileId, text: &str, diags: &mut Vec<Diag>) -> ParsedFile {
    let mut out = ParsedFile {
        file,
        front_matter: None,
        provisions: Vec::new(),
        blocks: Vec::new(),
    };
    // Front matter: `+++` on the very first line.
    let mut body_start = 0;
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() == "+++" {
        let fm_start = first_line.len() + usize::from(text.len() > first_line.len());
        let mut offset = fm_start;
        let mut closed = None;
        for line in text[fm_start..].split_inclusive('\n') {
            if line.trim_end() == "+++" {
                closed = Some((offset, offset + line.len()));
                break;
            }
            offset += line.len();
        }
        match closed {
            Some((end, after)) => {
                out.front_matter = Some(FrontMatter {
                    text: text[fm_start..end].to_string(),
                    span: Span::new(file, fm_start, end),
                });
                body_start = after;
            }
            None => {
                diags.push(
                    Diag::error(
                        Code::FrontMatter,
                        Bi::new("front matter is not closed", "l'en-tête n'est pas fermé"),
                    )
                    .at(
                        Span::new(file, 0, first_line.len()),
                        Bi::new("opened here", "ouvert ici"),
                    )
                    .help(Bi::new(
                        "end the front matter with a line containing only `+++`",
                        "terminez l'en-tête par une ligne contenant seulement « +++ »",
                    )),
                );
                return out;
            }
        }
    }

    let rest = &text[body_start..];
    let parser = Parser::new_ext(rest, Options::empty()).into_offset_iter();
    // Stack of open provisions: (level, index).
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut heading: Option<(u8, std::ops::Range<usize>)> = None;
    let mut para: Option<std::ops::Range<usize>> = None;
    let mut code: Option<(bool, Option<(usize, usize)>)> = None;
    for (event, range) in parser {
        let range = (range.start + body_start)..(range.end + body_start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((heading_level(level), range));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, r)) = heading.take() else {
                    continue;
                };
                while open.last().is_some_and(|(l, _)| *l >= level) {
                    open.pop();
                }
                let raw = text[r.clone()].trim_start_matches('#').trim();
                let raw = raw.trim_end_matches('#').trim();
                if let Some(after) = raw.strip_prefix('§') {
                    let after_trim = after.trim_start();
                    let sec_end = after_trim
                        .find(char::is_whitespace)
                        .unwrap_or(after_trim.len());
                    let section = &after_trim[..sec_end];
                    // Offset of the section inside the file.
                    let sec_off = text[r.clone()]
                        .find(section)
                        .map(|i| r.start + i)
                        .unwrap_or(r.start);
                    let title = after_trim[sec_end..]
                        .trim()
                        .trim_start_matches(['—', '–', '-', ':'])
                        .trim()
                        .to_string();
                    if section.is_empty() {
                        diags.push(
                            Diag::error(
                                Code::Syntax,
                                Bi::new(
                                    "a provision heading needs a section number after `§`",
                                    "un titre de disposition doit avoir un numéro après « § »",
                                ),
                            )
                            .at(
                                Span::new(file, r.start, r.end),
                                Bi::new("no section", "aucun numéro"),
                            ),
                        );
                        continue;
                    }
                    out.provisions.push(Provision {
                        section: section.to_string(),
                        section_span: Span::new(file, sec_off, sec_off + section.len()),
                        title,
                        heading_span: Span::new(file, r.start, r.end),
                        level,
                        en: None,
                        fr: None,
                    });
                    open.push((level, out.provisions.len() - 1));
                }
            }
            Event::Start(Tag::Paragraph) => para = Some(range),
            Event::End(TagEnd::Paragraph) => {
                let Some(r) = para.take() else { continue };
                let Some(&(_, idx)) = open.last() else {
                    continue;
                };
                let raw = text[r.clone()].trim_start();
                let lead = text[r.clone()].len() - raw.len();
                let (lang_en, rest) = if let Some(rest) = raw.strip_prefix("EN:") {
                    (true, rest)
                } else if let Some(rest) = raw.strip_prefix("FR:") {
                    (false, rest)
                } else {
                    continue;
                };
                let para = Para {
                    text: fold(rest),
                    span: Span::new(file, r.start + lead, r.end),
                };
                let Some(p) = out.provisions.get_mut(idx) else {
                    continue;
                };
                let slot = if lang_en { &mut p.en } else { &mut p.fr };
                match slot {
                    Some(existing) => {
                        existing.text.push_str("\n\n");
                        existing.text.push_str(&para.text);
                    }
                    None => *slot = Some(para),
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let is_rules = info.split_whitespace().next() == Some("passerelle");
                code = Some((is_rules, None));
            }
            Event::Text(_) if code.is_some() => {
                if let Some((_, span)) = &mut code {
                    *span = Some(match span {
                        Some((s, _)) => (*s, range.end),
                        None => (range.start, range.end),
                    });
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some((is_rules, span)) = code.take() else {
                    continue;
                };
                if !is_rules {
                    continue;
                }
                let (s, e) = span.unwrap_or((range.start, range.start));
                let body = parse_body(file, &text[s..e], s, diags);
                out.blocks.push(Block {
                    body,
                    content: Span::new(file, s, e),
                    provision: open.last().map(|(_, i)| *i),
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "+++\nid = \"privacy-act\"\n+++\n\n# Privacy Act\n\n## § 5 Collection\n\n### § 5(2) — Telling people why\n\nEN: Tell them\nwhy.\n\nFR: Dites-leur\npourquoi.\n\n```passerelle\nrule a: must {\n  when x\n}\n```\n\n## § 6 Retention\n\n```passerelle\nfact x: bool {}\n```\n";

    #[test]
    fn splits_front_matter_provisions_and_blocks() {
        let mut d = Vec::new();
        let f = split(FileId(0), DOC, &mut d);
        assert!(d.is_empty(), "{d:?}");
        let fm = f.front_matter.as_ref().map(|f| f.text.as_str());
        assert_eq!(fm, Some("id = \"privacy-act\"\n"));
        let secs: Vec<_> = f.provisions.iter().map(|p| p.section.as_str()).collect();
        assert_eq!(secs, ["5", "5(2)", "6"]);
        assert_eq!(f.provisions[1].title, "Telling people why");
        assert_eq!(
            f.provisions[1].en.as_ref().map(|p| p.text.as_str()),
            Some("Tell them why.")
        );
        assert_eq!(
            f.provisions[1].fr.as_ref().map(|p| p.text.as_str()),
            Some("Dites-leur pourquoi.")
        );
        assert_eq!(f.blocks.len(), 2);
        assert_eq!(f.blocks[0].provision, Some(1));
        assert_eq!(f.blocks[1].provision, Some(2));
        // Spans are absolute in the file.
        let s = f.blocks[0].content;
        assert!(DOC[s.start as usize..s.end as usize].starts_with("rule a"));
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let mut d = Vec::new();
        split(FileId(0), "+++\nid = 1\n", &mut d);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn deep_markdown_nesting_does_not_overflow() {
        let mut d = Vec::new();
        let deep = format!("{}x\n", "> ".repeat(10_000));
        split(FileId(0), &deep, &mut d);
        let deep = (0..2_000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>();
        split(FileId(0), &deep, &mut d);
        let deep = format!("{}x{}\n", "*".repeat(5000), "*".repeat(5000));
        split(FileId(0), &deep, &mut d);
    }
}
