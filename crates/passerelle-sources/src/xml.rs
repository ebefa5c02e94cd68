//! XML parsing with limits, and small helpers over `roxmltree` shared by the parsers.

use roxmltree::{Document, Node, ParsingOptions};

use crate::SourceError;

/// Deepest element nesting accepted. Real documents nest a few dozen levels; the
/// limit keeps the recursive text walkers far from the stack's end.
pub(crate) const MAX_DEPTH: usize = 256;

/// Most XML nodes accepted (bounds memory on hostile input; the largest consolidated
/// Acts have well under a million).
const MAX_NODES: u32 = 4_000_000;

/// Parses XML (DTDs allowed only without entity declarations), then checks nesting.
pub(crate) fn parse<'a>(path: &str, text: &'a str) -> Result<Document<'a>, SourceError> {
    let options = ParsingOptions {
        allow_dtd: !text.contains("<!ENTITY"),
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let message = e.to_string();
        let suffix = format!(" at {}:{}", pos.row, pos.col);
        SourceError::MalformedXml {
            path: path.to_owned(),
            line: pos.row,
            column: pos.col,
            message: message.strip_suffix(&suffix).unwrap_or(&message).to_owned(),
        }
    })?;
    // Element depth of every node, computed in document order (parents come first).
    let mut depths: Vec<usize> = Vec::new();
    for node in doc.descendants() {
        let parent_depth = node
            .parent()
            .and_then(|p| depths.get(p.id().get_usize()).copied())
            .unwrap_or(0);
        let depth = parent_depth + usize::from(node.is_element());
        if depth > MAX_DEPTH {
            let pos = doc.text_pos_at(node.range().start);
            return Err(SourceError::MalformedXml {
                path: path.to_owned(),
                line: pos.row,
                column: pos.col,
                message: format!("elements are nested more than {MAX_DEPTH} deep"),
            });
        }
        let id = node.id().get_usize();
        if depths.len() <= id {
            depths.resize(id + 1, 0);
        }
        if let Some(slot) = depths.get_mut(id) {
            *slot = depth;
        }
    }
    Ok(doc)
}

/// Local name of an element (namespaces ignored); empty for other nodes.
pub(crate) fn name<'a>(node: Node<'a, '_>) -> &'a str {
    if node.is_element() {
        node.tag_name().name()
    } else {
        ""
    }
}

/// First child element with the given local name.
pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| name(*c) == local)
}

/// Attribute by local name, whatever its namespace (`lims:pit-date`, `xml:lang`).
pub(crate) fn attr<'a>(node: Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

/// Concatenated text of all descendants (no separators, no exclusions).
pub(crate) fn raw_text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}
