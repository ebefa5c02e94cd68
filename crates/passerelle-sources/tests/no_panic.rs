//! Property tests: no input makes parsing or lookup panic.

use passerelle_sources::{OfficialText, fingerprint_text};
use proptest::prelude::*;

const HINTS: &[&str] = &[
    "laws/eng/X.xml",
    "laws/fra/X.xml",
    "tbs/X_1_2024-01-01.xml",
    "tbs/page.html",
    "tbs/capture.md",
    "noextension",
];

/// Pieces of the three XML vocabularies and of Markdown, so that random documents
/// reach the format-specific code instead of failing at the first byte.
const FRAGMENTS: &[&str] = &[
    "<Statute xml:lang=\"fr\">",
    "</Statute>",
    "<Regulation>",
    "<Body>",
    "</Body>",
    "<Section>",
    "</Section>",
    "<Subsection>",
    "</Subsection>",
    "<Paragraph>",
    "</Paragraph>",
    "<Label>",
    "</Label>",
    "(a)",
    "a)",
    "5",
    "<Text>",
    "</Text>",
    "<Definition>",
    "</Definition>",
    "<DefinedTermEn>",
    "</DefinedTermEn>",
    "<DefinedTermFr>",
    "</DefinedTermFr>",
    "<Heading level=\"1\">",
    "<Heading level=\"x\">",
    "</Heading>",
    "<Schedule>",
    "</Schedule>",
    "<ScheduleFormHeading>",
    "</ScheduleFormHeading>",
    "<HistoricalNote>",
    "</HistoricalNote>",
    "<FootnoteRef>*</FootnoteRef>",
    "<doc title=\"T\">",
    "</doc>",
    "<chapter anchor=\"4\" title=\"4. R\">",
    "</chapter>",
    "<appendix anchor=\"A\">",
    "</appendix>",
    "<clause anchor=\"4.1\">",
    "<clause anchor=\"4.1Â \">",
    "</clause>",
    "<section anchor=\"4.2\">",
    "</section>",
    "<p>",
    "</p>",
    "<li>4.1.1 ",
    "</li>",
    "<dl><dt>term (terme)</dt><dd>",
    "</dd></dl>",
    "<title>",
    "</title>",
    "<html>",
    "</html>",
    "<main>",
    "</main>",
    "<h2>",
    "</h2>",
    "<h3>3.1 ",
    "</h3>",
    "Appendix ",
    "Ã©",
    "â\u{80}\u{99}",
    "\u{a0}",
    " ",
    "\n## ",
    "\n# ",
    "\n- Key: value\n",
    "\n---\n",
    "((",
    "))",
    "\"",
    "é",
    "<!DOCTYPE html>",
    "&amp;",
    "<![CDATA[x]]>",
];

fn fragment_document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|parts| parts.concat())
}

/// Tags of all three vocabularies (a tree of them is well-formed XML whatever the mix).
const TAGS: &[&str] = &[
    "Body",
    "Section",
    "Subsection",
    "Paragraph",
    "Subparagraph",
    "Clause",
    "Label",
    "Text",
    "MarginalNote",
    "Definition",
    "DefinedTermEn",
    "DefinedTermFr",
    "Heading",
    "TitleText",
    "Schedule",
    "ScheduleFormHeading",
    "List",
    "Item",
    "HistoricalNote",
    "Footnote",
    "FootnoteRef",
    "Introduction",
    "Preamble",
    "Provision",
    "RelatedOrNotInForce",
    "AmendedText",
    "LineBreak",
    "chapters",
    "chapter",
    "appendices",
    "appendix",
    "clauses",
    "clause",
    "section",
    "title",
    "p",
    "li",
    "ul",
    "dl",
    "dt",
    "dd",
    "em",
    "sup",
    "a",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "header",
    "span",
    "script",
    "br",
    "footnotes",
    "notetoreader",
];

const ATTRIBUTES: &[&str] = &[
    "",
    " anchor=\"4\"",
    " anchor=\"4.1\"",
    " anchor=\"4.1.1.\"",
    " anchor=\"A\"",
    " anchor=\"Appendix J\"",
    " anchor=\"B.2Â \"",
    " anchor=\"\"",
    " title=\"Appendix A: Definitions\"",
    " title=\"4. Requirements\"",
    " level=\"1\"",
    " level=\"2\"",
    " level=\"-7\"",
    " class=\"wb-inv\"",
    " class=\"fn-lnk\"",
    " id=\"NifProvs\"",
    " type=\"amending\"",
];

const TEXTS: &[&str] = &[
    "5",
    "(2)",
    "a)",
    "(a)",
    "4.1.1 ",
    "6.2.1 text",
    "PART IV",
    "SCHEDULE I",
    "ANNEXE",
    "Appendix B: x",
    "term (terme (x))",
    "Ã©",
    "Â\u{a0}",
    "â\u{80}\u{99}",
    "é\u{a0}»",
    "&amp;",
    "&lt;",
    " ",
    "\u{a0}",
    "",
    "1.",
    "3.2 Title",
    "Overview",
];

#[derive(Debug, Clone)]
enum Tree {
    Text(&'static str),
    Element(&'static str, &'static str, Vec<Tree>),
}

impl Tree {
    fn write(&self, out: &mut String) {
        match self {
            Tree::Text(t) => out.push_str(t),
            Tree::Element(tag, attrs, children) => {
                out.push('<');
                out.push_str(tag);
                out.push_str(attrs);
                out.push('>');
                for child in children {
                    child.write(out);
                }
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
        }
    }
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop::sample::select(TEXTS).prop_map(Tree::Text);
    leaf.prop_recursive(6, 80, 6, |inner| {
        (
            prop::sample::select(TAGS),
            prop::sample::select(ATTRIBUTES),
            prop::collection::vec(inner, 0..6),
        )
            .prop_map(|(tag, attrs, children)| Tree::Element(tag, attrs, children))
    })
}

/// A well-formed document under one of the recognised roots.
fn well_formed_document() -> impl Strategy<Value = (String, &'static str)> {
    let roots = prop::sample::select(
        &[
            ("<Statute xml:lang=\"en\">", "</Statute>", "laws/eng/X.xml"),
            (
                "<Regulation xml:lang=\"fr\">",
                "</Regulation>",
                "laws/fra/X.xml",
            ),
            (
                "<doc title=\"T\" language=\"en\">",
                "</doc>",
                "tbs/X_1_2024-01-01.xml",
            ),
            ("<html lang=\"en\">", "</html>", "tbs/page.html"),
        ][..],
    );
    (roots, prop::collection::vec(tree(), 0..6)).prop_map(|((open, close, hint), trees)| {
        let mut out = String::from(open);
        for t in &trees {
            t.write(&mut out);
        }
        out.push_str(close);
        (out, hint)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        hint in prop::sample::select(HINTS),
    ) {
        let _ = OfficialText::parse(hint, &bytes);
    }

    #[test]
    fn structured_documents_never_panic(
        body in fragment_document(),
        hint in prop::sample::select(HINTS),
        section in ".{0,24}",
    ) {
        if let Ok(doc) = OfficialText::parse(hint, body.as_bytes()) {
            let _ = doc.provision(&section);
            let _ = doc.nearest(&section, 5);
            for p in doc.provisions() {
                prop_assert!(doc.provision(&p.section).is_some());
                prop_assert!(p.fingerprint().starts_with("sha256:"));
            }
        }
    }

    #[test]
    fn well_formed_documents_parse_and_resolve(
        (xml, hint) in well_formed_document(),
        section in prop::sample::select(TEXTS),
    ) {
        let doc = OfficialText::parse(hint, xml.as_bytes());
        prop_assert!(doc.is_ok(), "{:?}", doc.err());
        if let Ok(doc) = doc {
            let _ = doc.provision(section);
            let _ = doc.nearest(section, 3);
            for p in doc.provisions() {
                prop_assert!(doc.provision(&p.section).is_some(), "{} unreachable", p.section);
                prop_assert_eq!(p.text.trim(), p.text.as_str());
            }
        }
    }

    #[test]
    fn arbitrary_sections_never_panic(section in any::<String>(), limit in 0usize..10) {
        let xml = "<Statute xml:lang=\"en\"><Body><Section><Label>5</Label>\
                   <Subsection><Label>(2)</Label><Text>Inform.</Text></Subsection>\
                   </Section></Body></Statute>";
        let doc = OfficialText::parse("laws/eng/X.xml", xml.as_bytes());
        prop_assert!(doc.is_ok());
        if let Ok(doc) = doc {
            let _ = doc.provision(&section);
            prop_assert!(doc.nearest(&section, limit).len() <= limit);
        }
        let fingerprint = fingerprint_text(&section);
        prop_assert_eq!(fingerprint.len(), 7 + 64);
    }
}
