//! Text of HTML-like markup: Treasury Board policy XML and XHTML pages.

use roxmltree::Node;

use crate::Language;
use crate::normalize::{collapse_whitespace, repair_mojibake, tidy_punctuation};
use crate::xml::{attr, name};

/// Elements that run inside a sentence (no word break around them).
pub(crate) fn is_inline(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "abbr"
            | "acronym"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "dfn"
            | "em"
            | "i"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
    )
}

fn has_class(node: Node<'_, '_>, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_whitespace().any(|k| k == class))
}

/// Elements whose content is never provision text: scripts and styles, footnote lists,
/// notes to the reader, visually hidden text (`wb-inv`), images, and footnote markers
/// (`<sup>` holding a `fn-lnk` link).
pub(crate) fn is_noise(node: Node<'_, '_>) -> bool {
    let tag = name(node);
    if matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "footnotes"
            | "notetoreader"
            | "img"
            | "svg"
            | "object"
    ) {
        return true;
    }
    if has_class(node, "wb-inv") {
        return true;
    }
    tag == "sup"
        && node
            .descendants()
            .any(|d| name(d) == "a" && has_class(d, "fn-lnk"))
}

/// Cleans raw markup text: mojibake repaired, whitespace collapsed, pretty-printing
/// spaces around punctuation removed.
pub(crate) fn clean(raw: &str, lang: Language) -> String {
    tidy_punctuation(&collapse_whitespace(&repair_mojibake(raw)), lang)
}

/// How [`collect`] treats nested anchored elements.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchors {
    /// Write a nested element's `anchor` (and `title`) before its content, as the
    /// rendered policy page shows the clause number.
    Show,
    /// Plain markup.
    Ignore,
}

/// The cleaned text of `node`'s content. With `skip_title`, a `<title>` child of
/// `node` itself is left out (it is the heading).
pub(crate) fn text(
    node: Node<'_, '_>,
    lang: Language,
    anchors: Anchors,
    skip_title: bool,
) -> String {
    let mut out = String::new();
    collect(node, &mut out, anchors, skip_title);
    clean(&out, lang)
}

/// Appends `node`'s content to `out` with spaces at block boundaries.
pub(crate) fn collect(node: Node<'_, '_>, out: &mut String, anchors: Anchors, skip_title: bool) {
    for c in node.children() {
        if c.is_text() {
            if let Some(t) = c.text() {
                out.push_str(t);
            }
            continue;
        }
        let tag = name(c);
        if tag.is_empty() || is_noise(c) || (skip_title && tag == "title") {
            continue;
        }
        if matches!(tag, "br" | "hr" | "wbr") {
            out.push(' ');
            continue;
        }
        let inline = is_inline(tag);
        if !inline {
            out.push(' ');
        }
        if anchors == Anchors::Show
            && let Some(anchor) = attr(c, "anchor")
        {
            let anchor = anchor.trim();
            out.push_str(anchor);
            out.push(' ');
            if let Some(title) = attr(c, "title") {
                let title = title.trim();
                out.push_str(title.strip_prefix(anchor).unwrap_or(title));
                out.push(' ');
            }
        }
        collect(c, out, anchors, false);
        if !inline {
            out.push(' ');
        }
    }
}
