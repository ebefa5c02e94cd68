//! Justice Laws consolidated XML (`<Statute>`, `<Regulation>`).

use roxmltree::{Document, Node};

use crate::normalize::{collapse_whitespace, iso_date};
use crate::xml::{attr, child, name};
use crate::{Builder, Dates, Format, Kind, Language, OfficialText, Provision, SourceError};

/// Elements whose content is never part of a provision's text.
const NOISE: &[&str] = &[
    "MarginalNote",
    "HistoricalNote",
    "HistoricalNoteSubItem",
    "Footnote",
    "FootnoteRef",
    "RecentAmendments",
    "RelatedOrNotInForce",
    "ReaderNote",
    "ScheduleFormHeading",
    "OriginatingRef",
];

/// Elements that run inside a sentence (no word break around them).
const INLINE: &[&str] = &[
    "XRefExternal",
    "XRefInternal",
    "DefinedTermEn",
    "DefinedTermFr",
    "DefinitionRef",
    "DefinitionEnOnly",
    "DefinitionFrOnly",
    "Emphasis",
    "Language",
    "Sup",
    "Sub",
    "Repealed",
    "Abbr",
    "AbbreviationRef",
    "CommentInline",
];

/// Labelled provisions below a section, and their kind.
fn sub_kind(tag: &str) -> Option<Kind> {
    match tag {
        "Subsection" => Some(Kind::Subsection),
        "Paragraph" => Some(Kind::Paragraph),
        "Subparagraph" => Some(Kind::Subparagraph),
        "Clause" | "Subclause" | "Subsubclause" => Some(Kind::Clause),
        _ => None,
    }
}

pub(crate) fn parse(path: &str, doc: &Document<'_>) -> Result<OfficialText, SourceError> {
    let root = doc.root_element();
    let language = attr(root, "lang")
        .and_then(Language::from_tag)
        .unwrap_or_else(|| Language::from_path(path));
    let mut builder = Builder::new(path, Format::JusticeLaws, language);

    let identification = child(root, "Identification");
    let title = identification
        .and_then(|id| child(id, "ShortTitle").or_else(|| child(id, "LongTitle")))
        .map(plain)
        .unwrap_or_default();
    let identifier = identification
        .and_then(|id| {
            child(id, "InstrumentNumber")
                .or_else(|| child(id, "Chapter").and_then(|c| child(c, "ConsolidatedNumber")))
        })
        .map(plain)
        .filter(|s| !s.is_empty());
    let consolidated = identification.and_then(|id| {
        let date = child(id, "ConsolidationDate")
            .and_then(|c| child(c, "Date"))
            .or_else(|| {
                child(id, "BillHistory")?
                    .children()
                    .find(|s| name(*s) == "Stages" && attr(*s, "stage") == Some("consolidation"))
                    .and_then(|s| child(s, "Date"))
            })?;
        iso_date(
            &plain(child(date, "YYYY")?),
            &plain(child(date, "MM")?),
            &plain(child(date, "DD")?),
        )
    });
    let dates = Dates {
        point_in_time: attr(root, "pit-date").map(str::to_owned),
        current_to: attr(root, "current-date").map(str::to_owned),
        last_amended: attr(root, "lastAmendedDate").map(str::to_owned),
        consolidated,
        ..Dates::default()
    };

    let mut walker = Walker { b: &mut builder };
    for node in root.children() {
        match name(node) {
            "Introduction" => walker.introduction(node),
            "Body" => walker.body(node),
            "Schedule" => walker.schedule(node),
            _ => {}
        }
    }
    Ok(builder.finish(title, identifier, None, dates))
}

/// Normalised text of a node, all descendants included (for titles and labels).
fn plain(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text()
            && !d
                .ancestors()
                .any(|a| matches!(name(a), "FootnoteRef" | "HistoricalNote"))
            && let Some(t) = d.text()
        {
            out.push_str(t);
        }
    }
    collapse_whitespace(&out)
}

/// A provision's own label (`5`, `(2)`), footnote markers removed.
fn label(node: Node<'_, '_>) -> Option<String> {
    let label = child(node, "Label")?;
    let text: String = plain(label)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (!text.is_empty()).then_some(text)
}

/// The normalised text of `node` without the noise elements; its own `Label` is left
/// out when `skip_own_label` is set.
fn text_of(node: Node<'_, '_>, skip_own_label: bool) -> String {
    let mut out = String::new();
    collect(node, &mut out, skip_own_label);
    collapse_whitespace(&out)
}

fn collect(node: Node<'_, '_>, out: &mut String, skip_label: bool) {
    for c in node.children() {
        if c.is_text() {
            if let Some(t) = c.text() {
                out.push_str(t);
            }
            continue;
        }
        let tag = name(c);
        if tag.is_empty() || NOISE.contains(&tag) || (skip_label && tag == "Label") {
            continue;
        }
        if tag == "LineBreak" {
            out.push(' ');
            continue;
        }
        let inline = INLINE.contains(&tag);
        if !inline {
            out.push(' ');
        }
        collect(c, out, false);
        if !inline {
            out.push(' ');
        }
    }
}

struct Walker<'b> {
    b: &'b mut Builder,
}

impl Walker<'_> {
    fn lang(&self) -> Language {
        self.b.language()
    }

    fn introduction(&mut self, node: Node<'_, '_>) {
        if let Some(preamble) = child(node, "Preamble") {
            let label = match self.lang() {
                Language::En => "Preamble",
                Language::Fr => "Préambule",
            };
            self.b.add(
                Provision {
                    section: label.to_owned(),
                    kind: Kind::Preamble,
                    heading: None,
                    text: text_of(preamble, false),
                },
                &["Preamble".to_owned()],
            );
        }
    }

    fn body(&mut self, body: Node<'_, '_>) {
        let children: Vec<Node<'_, '_>> = body.children().filter(|c| c.is_element()).collect();
        let mut part: Option<String> = None;
        for (i, node) in children.iter().enumerate() {
            match name(*node) {
                "Heading" => {
                    self.part_heading(*node, children.get(i + 1..).unwrap_or(&[]), &mut part)
                }
                "Section" => self.labelled(*node, "", Kind::Section),
                "RelatedOrNotInForce" => {}
                _ => self.descend(*node, ""),
            }
        }
    }

    /// A labelled `Heading` (`PART IV`, `DIVISION I`) is a provision made of everything
    /// up to the next heading of the same or a higher level.
    fn part_heading(
        &mut self,
        heading: Node<'_, '_>,
        following: &[Node<'_, '_>],
        part: &mut Option<String>,
    ) {
        let level: u32 = attr(heading, "level")
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(1);
        let Some(label_node) = child(heading, "Label") else {
            return;
        };
        let label = plain(label_node);
        if label.is_empty() {
            return;
        }
        let section = if level <= 1 {
            *part = Some(label.clone());
            label.clone()
        } else {
            match part {
                Some(p) => format!("{p}, {label}"),
                None => label.clone(),
            }
        };
        let mut text = String::new();
        for node in following {
            if name(*node) == "Heading" {
                let other: u32 = attr(*node, "level")
                    .and_then(|l| l.trim().parse().ok())
                    .unwrap_or(1);
                if other <= level {
                    break;
                }
            }
            if NOISE.contains(&name(*node)) {
                continue;
            }
            text.push(' ');
            text.push_str(&text_of(*node, false));
        }
        let heading_title = child(heading, "TitleText")
            .map(plain)
            .filter(|t| !t.is_empty());
        let aliases = if level > 1 { vec![label] } else { Vec::new() };
        self.b.add(
            Provision {
                section,
                kind: Kind::Part,
                heading: heading_title,
                text: collapse_whitespace(&text),
            },
            &aliases,
        );
    }

    /// A section or a labelled sub-provision, then its descendants.
    fn labelled(&mut self, node: Node<'_, '_>, parent: &str, kind: Kind) {
        let Some(label) = label(node) else {
            self.descend(node, parent);
            return;
        };
        let section = format!("{parent}{label}");
        let heading = child(node, "MarginalNote")
            .map(plain)
            .filter(|t| !t.is_empty());
        self.b.add(
            Provision {
                section: section.clone(),
                kind,
                heading,
                text: text_of(node, true),
            },
            &[],
        );
        self.descend(node, &section);
    }

    /// Finds the addressable units under `node`, addressed below `parent`.
    fn descend(&mut self, node: Node<'_, '_>, parent: &str) {
        for c in node.children().filter(|c| c.is_element()) {
            let tag = name(c);
            if let Some(kind) = sub_kind(tag) {
                self.labelled(c, parent, kind);
            } else if tag == "Definition" {
                self.definition(c, parent);
            } else if NOISE.contains(&tag) || matches!(tag, "AmendedText" | "Text" | "Label") {
                // Quoted amending text is not this document's numbering.
            } else if tag == "Section" {
                self.labelled(c, parent, Kind::Section);
            } else if tag == "Item" {
                self.item(c, parent);
            } else {
                self.descend(c, parent);
            }
        }
    }

    fn definition(&mut self, node: Node<'_, '_>, parent: &str) {
        let (own, other) = match self.lang() {
            Language::En => ("DefinedTermEn", "DefinedTermFr"),
            Language::Fr => ("DefinedTermFr", "DefinedTermEn"),
        };
        // The other language's term often closes the definition, after its paragraphs.
        let term_of = |tag: &str| {
            let term = node.descendants().find(|d| name(*d) == tag)?;
            Some(plain(term)).filter(|t| !t.is_empty())
        };
        let Some(term) = term_of(own).or_else(|| term_of(other)) else {
            self.descend(node, parent);
            return;
        };
        let section = format!("{parent} \"{term}\"");
        let aliases: Vec<String> = term_of(other)
            .map(|t| format!("{parent} \"{t}\""))
            .into_iter()
            .collect();
        self.b.add(
            Provision {
                section: section.clone(),
                kind: Kind::Definition,
                heading: Some(term),
                text: text_of(node, false),
            },
            &aliases,
        );
        self.descend(node, &section);
    }

    fn item(&mut self, node: Node<'_, '_>, parent: &str) {
        let Some(label) = label(node) else {
            return;
        };
        let word = match self.lang() {
            Language::En => "item",
            Language::Fr => "article",
        };
        let section = format!("{parent}{word} {label}");
        self.b.add(
            Provision {
                section: section.clone(),
                kind: Kind::Item,
                heading: None,
                text: text_of(node, true),
            },
            &[],
        );
        self.descend(node, &format!("{section} "));
    }

    fn schedule(&mut self, node: Node<'_, '_>) {
        let heading = child(node, "ScheduleFormHeading");
        let amending = heading.and_then(|h| attr(h, "type")) == Some("amending")
            || matches!(attr(node, "id"), Some("RelatedProvs" | "NifProvs"));
        if amending {
            return;
        }
        let Some(label) = heading.and_then(|h| child(h, "Label")).map(plain) else {
            return;
        };
        if label.is_empty() {
            return;
        }
        let title = heading
            .and_then(|h| child(h, "TitleText"))
            .map(plain)
            .filter(|t| !t.is_empty());
        self.b.add(
            Provision {
                section: label.clone(),
                kind: Kind::Schedule,
                heading: title,
                text: text_of(node, false),
            },
            &[],
        );
        self.descend(node, &format!("{label}, "));
    }
}

#[cfg(test)]
mod tests {
    use crate::{Format, Kind, Language, OfficialText, SourceError};

    const ACT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Statute xmlns:lims="http://justice.gc.ca/lims" xml:lang="en" lims:pit-date="2025-06-02" lims:current-date="2026-03-02" lims:lastAmendedDate="2025-06-02">
<Identification><LongTitle>An Act to test</LongTitle><ShortTitle status="official">Test Act</ShortTitle>
<BillHistory><Stages stage="consolidation"><Date><YYYY>2026</YYYY><MM>3</MM><DD>3</DD></Date></Stages></BillHistory>
<Chapter><ConsolidatedNumber official="yes">T-1</ConsolidatedNumber></Chapter></Identification>
<Introduction><Preamble><Provision><MarginalNote>Preamble</MarginalNote><Text>Whereas testing matters;</Text></Provision></Preamble></Introduction>
<Body>
<Heading level="1"><TitleText>Interpretation</TitleText></Heading>
<Section><MarginalNote>Definitions</MarginalNote><Label>3</Label><Text>In this Act,</Text>
<Definition><Text><DefinedTermEn>personal information</DefinedTermEn> means information about an identifiable individual, including</Text>
<Paragraph><Label>(a)</Label><Text>the name; and</Text></Paragraph>
<Paragraph><Label>(b)</Label><Text>the address, (<DefinedTermFr>renseignements personnels</DefinedTermFr>)</Text></Paragraph></Definition>
<HistoricalNote><HistoricalNoteSubItem>2019, c. 18, s. 1</HistoricalNoteSubItem></HistoricalNote></Section>
<Heading level="1"><Label>PART 1</Label><TitleText>Collection</TitleText></Heading>
<Section><MarginalNote>Collection</MarginalNote><Label>5</Label>
<Subsection><Label>(1)</Label><Text>An institution shall collect directly under <XRefExternal link="P-21">the Act</XRefExternal>.</Text></Subsection>
<Subsection><MarginalNote>Purpose</MarginalNote><Label>(2)</Label><Text>An institution shall inform the individual.</Text></Subsection>
<Subsection><Label>(3)</Label><Text>Subsections (1) and (2) do not apply where</Text>
<Paragraph><Label>(a)</Label><Text>it is inaccurate; or</Text>
<Subparagraph><Label>(i)</Label><Text>deep</Text><Clause><Label>(A)</Label><Text>deeper</Text></Clause></Subparagraph></Paragraph>
<Paragraph><Label>(b)</Label><Text>it defeats the purpose</Text></Paragraph>
<ContinuedSectionSubsection><Text>and so on.</Text></ContinuedSectionSubsection></Subsection>
<HistoricalNote><HistoricalNoteSubItem>1980-81-82-83, c. 111</HistoricalNoteSubItem></HistoricalNote></Section>
<Heading level="2"><Label>DIVISION I</Label><TitleText>Sub</TitleText></Heading>
<Section><MarginalNote>Coming into force</MarginalNote><Label><FootnoteRef idref="f1">*</FootnoteRef>6</Label><Text>This Act comes into force<LineBreak/>on a day.</Text>
<Footnote id="f1"><Label>*</Label><Text>[Note: in force 1983]</Text></Footnote></Section>
<Heading level="1"><Label>PART 2</Label><TitleText>Other</TitleText></Heading>
<Section><Label>7</Label><Text><Repealed>[Repealed, 2019, c. 18, s. 2]</Repealed></Text></Section>
</Body>
<Schedule><ScheduleFormHeading><Label>SCHEDULE I</Label><OriginatingRef>(Section 3)</OriginatingRef><TitleText>Institutions</TitleText></ScheduleFormHeading>
<List><Item><Label>1</Label><Text>Canada Council</Text></Item><Item><Label>1.1</Label><Text>Peace Institute</Text></Item></List>
<HistoricalNote><HistoricalNoteSubItem>SOR/84-46</HistoricalNoteSubItem></HistoricalNote></Schedule>
<Schedule><ScheduleFormHeading><Label>SCHEDULE V</Label></ScheduleFormHeading><RegulationPiece>
<Section><Label>1</Label><Text>Investigations</Text><Paragraph><Label>(a)</Label><Text>by boards</Text></Paragraph></Section></RegulationPiece></Schedule>
<Schedule id="NifProvs"><ScheduleFormHeading type="amending"><TitleText>AMENDMENTS NOT IN FORCE</TitleText></ScheduleFormHeading>
<BillPiece><RelatedOrNotInForce><Section><Label>227</Label><Text>Amends.</Text></Section></RelatedOrNotInForce></BillPiece></Schedule>
<RecentAmendments><Amendment><AmendmentCitation>2024, c. 20</AmendmentCitation></Amendment></RecentAmendments>
</Statute>"#;

    fn act() -> Result<OfficialText, SourceError> {
        OfficialText::parse("laws/eng/T-1.xml", ACT.as_bytes())
    }

    #[test]
    fn metadata() -> Result<(), SourceError> {
        let act = act()?;
        assert_eq!(act.format(), Format::JusticeLaws);
        assert_eq!(act.language(), Language::En);
        assert_eq!(act.title(), "Test Act");
        assert_eq!(act.identifier(), Some("T-1"));
        let dates = act.dates();
        assert_eq!(dates.point_in_time.as_deref(), Some("2025-06-02"));
        assert_eq!(dates.current_to.as_deref(), Some("2026-03-02"));
        assert_eq!(dates.last_amended.as_deref(), Some("2025-06-02"));
        assert_eq!(dates.consolidated.as_deref(), Some("2026-03-03"));
        Ok(())
    }

    #[test]
    fn sections_and_subsections() -> Result<(), SourceError> {
        let act = act()?;
        let s52 = act.provision("5(2)").ok_or_else(|| missing("5(2)"))?;
        assert_eq!(s52.kind, Kind::Subsection);
        assert_eq!(s52.heading.as_deref(), Some("Purpose"));
        assert_eq!(s52.text, "An institution shall inform the individual.");
        let s5 = act.provision("5").ok_or_else(|| missing("5"))?;
        assert_eq!(s5.heading.as_deref(), Some("Collection"));
        assert_eq!(
            s5.text,
            "(1) An institution shall collect directly under the Act. \
             (2) An institution shall inform the individual. \
             (3) Subsections (1) and (2) do not apply where (a) it is inaccurate; or \
             (i) deep (A) deeper (b) it defeats the purpose and so on."
        );
        assert!(!s5.text.contains("1980"), "historical note leaked");
        assert!(!s5.text.contains("Purpose"), "marginal note leaked");
        let clause = act
            .provision("5(3)(a)(i)(A)")
            .ok_or_else(|| missing("clause"))?;
        assert_eq!(clause.kind, Kind::Clause);
        assert_eq!(clause.text, "deeper");
        assert_eq!(
            act.provision(" 5 (3) ( b ) ").map(|p| p.text.as_str()),
            Some("it defeats the purpose")
        );
        assert!(act.provision("5(4)").is_none());
        assert!(act.provision("").is_none());
        Ok(())
    }

    #[test]
    fn footnotes_and_repeals() -> Result<(), SourceError> {
        let act = act()?;
        let s6 = act.provision("6").ok_or_else(|| missing("6"))?;
        assert_eq!(s6.text, "This Act comes into force on a day.");
        let s7 = act.provision("7").ok_or_else(|| missing("7"))?;
        assert_eq!(s7.text, "[Repealed, 2019, c. 18, s. 2]");
        assert!(
            act.provision("227").is_none(),
            "amendment not in force is addressable"
        );
        Ok(())
    }

    #[test]
    fn definitions() -> Result<(), SourceError> {
        let act = act()?;
        let def = act
            .provision("3 \"personal information\"")
            .ok_or_else(|| missing("definition"))?;
        assert_eq!(def.kind, Kind::Definition);
        assert_eq!(def.heading.as_deref(), Some("personal information"));
        assert!(
            def.text
                .starts_with("personal information means information")
        );
        assert_eq!(
            act.provision("3 « renseignements personnels »")
                .map(|p| &p.section),
            Some(&def.section)
        );
        let para = act
            .provision("3 \"personal information\"(b)")
            .ok_or_else(|| missing("definition paragraph"))?;
        assert_eq!(para.text, "the address, (renseignements personnels)");
        let s3 = act.provision("3").ok_or_else(|| missing("3"))?;
        assert!(
            s3.text
                .starts_with("In this Act, personal information means")
        );
        assert!(!s3.text.contains("2019"));
        Ok(())
    }

    #[test]
    fn parts_schedules_preamble() -> Result<(), SourceError> {
        let act = act()?;
        let part1 = act.provision("Part 1").ok_or_else(|| missing("part"))?;
        assert_eq!(part1.kind, Kind::Part);
        assert_eq!(part1.heading.as_deref(), Some("Collection"));
        assert!(part1.text.starts_with("5 (1) An institution"));
        assert!(
            part1
                .text
                .contains("DIVISION I Sub 6 This Act comes into force")
        );
        assert!(!part1.text.contains("Repealed"), "part 1 ran into part 2");
        let division = act
            .provision("PART 1, DIVISION I")
            .ok_or_else(|| missing("division"))?;
        assert_eq!(division.text, "6 This Act comes into force on a day.");
        assert!(act.provision("partie 1 section i").is_some());

        let schedule = act
            .provision("schedule i")
            .ok_or_else(|| missing("schedule"))?;
        assert_eq!(schedule.kind, Kind::Schedule);
        assert_eq!(schedule.heading.as_deref(), Some("Institutions"));
        assert_eq!(schedule.text, "1 Canada Council 1.1 Peace Institute");
        let item = act
            .provision("SCHEDULE I, item 1.1")
            .ok_or_else(|| missing("item"))?;
        assert_eq!(item.text, "Peace Institute");
        assert!(act.provision("annexe I article 1").is_some());
        let piece = act
            .provision("SCHEDULE V, 1(a)")
            .ok_or_else(|| missing("schedule section"))?;
        assert_eq!(piece.text, "by boards");
        assert_eq!(
            act.provision("1(a)"),
            None,
            "schedule sections leak into the body"
        );

        let preamble = act
            .provision("preamble")
            .ok_or_else(|| missing("preamble"))?;
        assert_eq!(preamble.text, "Whereas testing matters;");
        Ok(())
    }

    #[test]
    fn sections_listing_and_suggestions() -> Result<(), SourceError> {
        let act = act()?;
        let all: Vec<&str> = act.sections().collect();
        assert_eq!(all.first(), Some(&"Preamble"));
        assert!(all.contains(&"5(3)(a)(i)"));
        assert!(all.contains(&"SCHEDULE V, 1"));
        let index = |s: &str| all.iter().position(|x| *x == s);
        assert!(index("5") < index("5(1)") && index("5(1)") < index("6"));
        assert_eq!(act.nearest("5(3)(z)", 2), vec!["5(3)", "5"]);
        assert_eq!(act.nearest("5(9)", 3).first(), Some(&"5"));
        assert!(act.nearest("", 3).is_empty());
        Ok(())
    }

    #[test]
    fn french_file() -> Result<(), SourceError> {
        let fr = ACT
            .replace("xml:lang=\"en\"", "xml:lang=\"fr\"")
            .replace("SCHEDULE I<", "ANNEXE I<");
        let act = OfficialText::parse("laws/fra/T-1.xml", fr.as_bytes())?;
        assert_eq!(act.language(), Language::Fr);
        assert!(act.provision("3 \"renseignements personnels\"").is_some());
        assert!(act.provision("3 \"personal information\"").is_some());
        assert!(act.provision("ANNEXE I, article 1").is_some());
        assert!(act.provision("schedule I, item 1").is_some());
        assert!(act.provision("Préambule").is_some());
        Ok(())
    }

    #[test]
    fn amendment_notes_and_metadata_do_not_change_fingerprints() -> Result<(), SourceError> {
        let old = act()?;
        let amended = ACT
            .replace(
                "1980-81-82-83, c. 111",
                "1980-81-82-83, c. 111; 2025, c. 3, s. 9",
            )
            .replace(
                "lims:pit-date=\"2025-06-02\"",
                "lims:pit-date=\"2026-01-01\"",
            )
            .replace(
                "<Subsection><Label>(1)</Label>",
                "<Subsection lims:id=\"99\"><Label>(1)</Label>",
            )
            .replace(
                "<MarginalNote>Purpose</MarginalNote>",
                "<MarginalNote>Purposes</MarginalNote>",
            )
            .replace(
                "<Text>An institution shall inform",
                "<Text>An  institution\n shall inform",
            );
        let new = OfficialText::parse("laws/eng/T-1.xml", amended.as_bytes())?;
        assert_eq!(new.dates().point_in_time.as_deref(), Some("2026-01-01"));
        for p in old.provisions() {
            let q = new
                .provision(&p.section)
                .ok_or_else(|| missing(&p.section))?;
            assert_eq!(p.fingerprint(), q.fingerprint(), "{}", p.section);
        }
        let reworded = OfficialText::parse(
            "laws/eng/T-1.xml",
            ACT.replace("shall inform the individual", "may inform the individual")
                .as_bytes(),
        )?;
        for (section, changed) in [
            ("5(2)", true),
            ("5", true),
            ("PART 1", true),
            ("5(1)", false),
            ("3", false),
        ] {
            let before = old.provision(section).map(crate::Provision::fingerprint);
            let after = reworded
                .provision(section)
                .map(crate::Provision::fingerprint);
            assert!(before.is_some());
            assert_eq!(before != after, changed, "{section}");
        }
        Ok(())
    }

    fn missing(what: &str) -> SourceError {
        SourceError::UnknownFormat {
            path: "test".to_owned(),
            reason: format!("{what} not found"),
        }
    }
}
