//! Treasury Board policy-instrument XML (`<doc>` → `<chapter>` → `<clause>`).

use std::collections::HashMap;

use roxmltree::{Document, Node};

use crate::markup::{self, Anchors};
use crate::normalize::{collapse_whitespace, repair_mojibake};
use crate::xml::{attr, child, name};
use crate::{Builder, Dates, Format, Kind, Language, OfficialText, Provision, SourceError};

pub(crate) fn parse(path: &str, doc: &Document<'_>) -> Result<OfficialText, SourceError> {
    let root = doc.root_element();
    let language = attr(root, "language")
        .or_else(|| attr(root, "lang"))
        .and_then(Language::from_tag)
        .unwrap_or_else(|| Language::from_path(path));
    let mut builder = Builder::new(path, Format::TbsPolicy, language);
    let title = attr(root, "title")
        .map(|t| markup::clean(t, language))
        .unwrap_or_default();
    let identifier = attr(root, "documentID")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let version = attr(root, "versionID")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    // How often each anchor occurs, to settle duplicates (see `Walker::anchored`).
    let mut anchor_counts: HashMap<String, usize> = HashMap::new();
    for node in root.descendants() {
        if is_anchored_tag(name(node))
            && let Some(anchor) = attr(node, "anchor").map(clean_anchor)
        {
            *anchor_counts.entry(anchor).or_insert(0) += 1;
        }
    }
    Walker {
        b: &mut builder,
        anchor_counts,
    }
    .walk(root, &Context::default());
    Ok(builder.finish(title, identifier, version, Dates::default()))
}

/// Where the walk is: the anchor of the nearest anchored ancestor (for checking
/// numbered paragraphs), its address, and the address of the top-level chapter or
/// appendix (for definition aliases).
#[derive(Default, Clone)]
struct Context {
    anchor: Option<String>,
    address: Option<String>,
    top: Option<String>,
}

/// An anchor as written, mojibake repaired, whitespace (including the stray no-break
/// space in `B.2.2.10Â `) collapsed and a trailing dot (`4.1.2.1.`) dropped.
fn clean_anchor(raw: &str) -> String {
    collapse_whitespace(&repair_mojibake(raw))
        .trim_end_matches('.')
        .to_owned()
}

/// Elements whose `anchor` makes them provisions.
fn is_anchored_tag(tag: &str) -> bool {
    matches!(tag, "chapter" | "appendix" | "clause" | "section")
}

/// Drops a leading `Appendix X`, `X.` or `X` (the anchor) and separators from a title.
fn strip_number<'t>(title: &'t str, anchor: &str) -> &'t str {
    let mut rest = title;
    let lower = rest.to_lowercase();
    if lower.starts_with("appendix") {
        rest = rest.get("appendix".len()..).unwrap_or("").trim_start();
    }
    if let Some(after) = rest.strip_prefix(anchor)
        && !after.starts_with(|c: char| c.is_ascii_digit())
    {
        rest = after;
    }
    rest.trim_start_matches([' ', '.', ':', '-', '–', '—'])
}

struct Walker<'b> {
    b: &'b mut Builder,
    anchor_counts: HashMap<String, usize>,
}

impl Walker<'_> {
    fn lang(&self) -> Language {
        self.b.language()
    }

    fn walk(&mut self, node: Node<'_, '_>, ctx: &Context) {
        for c in node.children().filter(|c| c.is_element()) {
            if markup::is_noise(c) {
                continue;
            }
            let tag = name(c);
            let anchor = attr(c, "anchor")
                .map(clean_anchor)
                .filter(|a| !a.is_empty());
            match (tag, anchor) {
                (tag, Some(anchor)) if is_anchored_tag(tag) => {
                    let address = self.anchored(c, tag, &anchor, ctx);
                    let inner = Context {
                        anchor: Some(anchor),
                        top: ctx.top.clone().or_else(|| address.clone()),
                        address,
                    };
                    self.walk(c, &inner);
                }
                ("dl", _) => self.definitions(c, ctx),
                ("p" | "li", _) => match self.numbered(c, ctx) {
                    Some(inner) => self.walk(c, &inner),
                    None => self.walk(c, ctx),
                },
                _ => self.walk(c, ctx),
            }
        }
    }

    /// Registers an element with an `anchor`; returns the address it got.
    ///
    /// An anchor used twice is a typo upstream (the Directive on Security Management
    /// numbers a sub-clause of B.2.3.2 `B.2.3.6`, before the real B.2.3.6). The
    /// occurrence that does not extend its parent's number gives way: it stays in its
    /// parent's text but is not addressable, and a warning is recorded.
    fn anchored(
        &mut self,
        node: Node<'_, '_>,
        tag: &str,
        anchor: &str,
        ctx: &Context,
    ) -> Option<String> {
        let lang = self.lang();
        let nested_ok = ctx
            .anchor
            .as_deref()
            .is_none_or(|parent| anchor.starts_with(&format!("{parent}.")));
        if !nested_ok && self.anchor_counts.get(anchor).copied().unwrap_or(0) > 1 {
            self.b.warn(format!(
                "anchor {anchor} is used more than once; the one inside {} is not addressable",
                ctx.anchor.as_deref().unwrap_or("?")
            ));
            return None;
        }
        let is_appendix = tag == "appendix" || anchor.to_lowercase().starts_with("appendix");
        let kind = match tag {
            "clause" => Kind::Clause,
            _ if is_appendix => Kind::Appendix,
            _ => Kind::Chapter,
        };
        let title = attr(node, "title")
            .map(|t| markup::clean(t, lang))
            .filter(|t| !t.is_empty())
            .or_else(|| {
                child(node, "title")
                    .map(|t| markup::text(t, lang, Anchors::Ignore, false))
                    .filter(|t| !t.is_empty())
            })
            .map(|t| strip_number(&t, anchor).to_owned())
            .filter(|t| !t.is_empty());
        let mut aliases = Vec::new();
        let mut address = anchor.to_owned();
        if is_appendix {
            let bare = strip_number(anchor, "");
            if bare != anchor {
                aliases.push(bare.to_owned());
            } else {
                aliases.push(format!("Appendix {anchor}"));
                if self.b.is_taken(anchor) {
                    address = format!("Appendix {anchor}");
                }
            }
        }
        let provision = Provision {
            section: address.clone(),
            kind,
            heading: title,
            text: markup::text(node, lang, Anchors::Show, true),
        };
        self.b.add(provision, &aliases).then_some(address)
    }

    /// Older instruments number paragraphs in the text (`<li>6.2.1 …`). A `<p>` or
    /// `<li>` whose text starts with the enclosing anchor, a dot and more digits is a
    /// provision with that number.
    fn numbered(&mut self, node: Node<'_, '_>, ctx: &Context) -> Option<Context> {
        let parent = ctx.anchor.as_deref()?;
        let text = markup::text(node, self.lang(), Anchors::Show, false);
        let number: String = text
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let rest = text.get(number.len()..)?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let number = number.trim_end_matches('.');
        let tail = number.strip_prefix(parent)?.strip_prefix('.')?;
        if tail.is_empty() || !tail.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let added = self.b.add(
            Provision {
                section: number.to_owned(),
                kind: Kind::Clause,
                heading: None,
                text: rest.trim().to_owned(),
            },
            &[],
        );
        added.then(|| Context {
            anchor: Some(number.to_owned()),
            address: Some(number.to_owned()),
            top: ctx.top.clone(),
        })
    }

    /// `<dl>` definition lists: each `<dt>` with the `<dd>`s after it.
    fn definitions(&mut self, dl: Node<'_, '_>, ctx: &Context) {
        let lang = self.lang();
        let items: Vec<Node<'_, '_>> = dl
            .children()
            .filter(|c| matches!(name(*c), "dt" | "dd"))
            .collect();
        for (i, dt) in items.iter().enumerate() {
            if name(*dt) != "dt" {
                continue;
            }
            let term_text = markup::text(*dt, lang, Anchors::Ignore, false);
            let (term, other) = split_term(&term_text);
            if term.is_empty() {
                continue;
            }
            let mut raw = term_text.clone();
            for dd in items.iter().skip(i + 1).take_while(|n| name(**n) == "dd") {
                raw.push(' ');
                raw.push_str(&markup::text(*dd, lang, Anchors::Show, false));
            }
            let section = match &ctx.address {
                Some(a) => format!("{a} \"{term}\""),
                None => format!("\"{term}\""),
            };
            let mut aliases = Vec::new();
            if let Some(top) = &ctx.top
                && Some(top) != ctx.address.as_ref()
            {
                aliases.push(format!("{top} \"{term}\""));
            }
            if let Some(other) = other {
                for base in [&ctx.address, &ctx.top].into_iter().flatten() {
                    aliases.push(format!("{base} \"{other}\""));
                }
            }
            self.b.add(
                Provision {
                    section,
                    kind: Kind::Definition,
                    heading: Some(term.to_owned()),
                    text: collapse_whitespace(&raw),
                },
                &aliases,
            );
        }
    }
}

/// `administrative safeguards (mesures de protection administrative)` →
/// (`administrative safeguards`, `Some("mesures de protection administrative")`).
fn split_term(dt: &str) -> (&str, Option<&str>) {
    let dt = dt.trim();
    if let Some(body) = dt.strip_suffix(')') {
        // Find the parenthesis that opens the final group (it may nest: "(e)").
        let mut depth = 0usize;
        let mut open = None;
        for (i, c) in body.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' if depth == 0 => {
                    open = Some(i);
                    break;
                }
                '(' => depth -= 1,
                _ => {}
            }
        }
        if let Some(open) = open {
            let term = body.get(..open).unwrap_or("").trim();
            let other = body.get(open + 1..).unwrap_or("").trim();
            if !term.is_empty() {
                return (term, Some(other).filter(|o| !o.is_empty()));
            }
        }
    }
    (dt, None)
}

#[cfg(test)]
mod tests {
    use super::split_term;
    use crate::{Format, Kind, OfficialText, SourceError};

    const DIRECTIVE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<doc title="Directive on Privacy Practices" documentID="18309" versionID="14" language="en" space="preserve">
  <notetoreader><p>Requirement 4.1.13 takes effect later.</p></notetoreader>
  <chapters>
    <chapter anchor="1" title="Effective date">
      <clauses><clause anchor="1.1">This directive takes effect on October 9, 2024.</clause></clauses>
    </chapter>
    <chapter anchor="4" title="Requirements">
      <clauses>
        <clause anchor="4.2">
          <p>Heads are responsible for the following:</p>
          <section>
            <h3>Privacy notice</h3>
            <clauses>
              <clause anchor="4.2.20">
                <p>Notifying the individual of:</p>
                <clauses>
                  <clause anchor="4.2.20.1">The purpose and legal authority for the collection;</clause>
                  <clause anchor="4.2.20.6">The right to complain about the institutionâs handling; and</clause>
                </clauses>
              </clause>
              <clause anchor="4.2.21Â ">Adapting the notice under paragraphÂ 8(2)(e) of the
                <em>Privacy Act</em>
                .
              </clause>
            </clauses>
          </section>
        </clause>
      </clauses>
    </chapter>
  </chapters>
  <appendices>
    <appendix anchor="A" title="Appendix A: Definitions">
      <clauses>
        <clause anchor="A.1">
          <p>The definitions:</p>
          <dl>
            <dt>administrative safeguards (<span lang="fr"><em>mesures de protection administrative</em></span>)</dt>
            <dd>Policies that aim to protect personal information.</dd>
          </dl>
        </clause>
      </clauses>
    </appendix>
    <appendix anchor="C" title="Appendix C: Standard on Privacy Impact Assessment">
      <appendix anchor="C.1">
        <title>Effective date</title>
        <clauses><clause anchor="C.1.1">This standard takes effect on October 9, 2024.</clause></clauses>
      </appendix>
    </appendix>
  </appendices>
  <footnotes><footnote anchor="fn1">A footnote.</footnote></footnotes>
</doc>"#;

    fn directive() -> Result<OfficialText, SourceError> {
        // The raw string cannot hold the C1 controls of the upstream mojibake.
        let xml = DIRECTIVE.replace("institutionâs", "institution\u{e2}\u{80}\u{99}s");
        OfficialText::parse(
            "tbs/Privacy_Practices__Directive_on_18309_2024-11-08.xml",
            xml.as_bytes(),
        )
    }

    fn text<'d>(doc: &'d OfficialText, section: &str) -> &'d str {
        doc.provision(section)
            .map_or("<missing>", |p| p.text.as_str())
    }

    #[test]
    fn metadata() -> Result<(), SourceError> {
        let d = directive()?;
        assert_eq!(d.format(), Format::TbsPolicy);
        assert_eq!(d.title(), "Directive on Privacy Practices");
        assert_eq!(d.identifier(), Some("18309"));
        assert_eq!(d.version(), Some("14"));
        assert_eq!(d.dates().file_name.as_deref(), Some("2024-11-08"));
        Ok(())
    }

    #[test]
    fn clauses() -> Result<(), SourceError> {
        let d = directive()?;
        assert_eq!(
            text(&d, "4.2.20"),
            "Notifying the individual of: 4.2.20.1 The purpose and legal authority for the \
             collection; 4.2.20.6 The right to complain about the institution’s handling; and"
        );
        assert_eq!(
            text(&d, "4.2.20.1"),
            "The purpose and legal authority for the collection;"
        );
        assert_eq!(
            text(&d, "4.2.21"),
            "Adapting the notice under paragraph 8(2)(e) of the Privacy Act."
        );
        assert!(text(&d, "4.2").contains("Privacy notice 4.2.20 Notifying"));
        let chapter = d.provision("4").ok_or_else(|| missing("4"))?;
        assert_eq!(chapter.kind, Kind::Chapter);
        assert_eq!(chapter.heading.as_deref(), Some("Requirements"));
        assert!(chapter.text.starts_with("4.2 Heads are responsible"));
        assert!(d.provision("4.2.22").is_none());
        assert!(!d.sections().any(|s| s.contains("fn1")));
        assert!(
            !text(&d, "1").contains("takes effect later"),
            "note to reader leaked"
        );
        Ok(())
    }

    #[test]
    fn appendices_and_definitions() -> Result<(), SourceError> {
        let d = directive()?;
        let c = d.provision("Appendix C").ok_or_else(|| missing("C"))?;
        assert_eq!(c.section, "C");
        assert_eq!(c.kind, Kind::Appendix);
        assert_eq!(
            c.heading.as_deref(),
            Some("Standard on Privacy Impact Assessment")
        );
        assert_eq!(
            c.text,
            "C.1 Effective date C.1.1 This standard takes effect on October 9, 2024."
        );
        let c1 = d.provision("c.1").ok_or_else(|| missing("C.1"))?;
        assert_eq!(c1.heading.as_deref(), Some("Effective date"));
        assert_eq!(
            c1.text,
            "C.1.1 This standard takes effect on October 9, 2024."
        );
        let def = d
            .provision("A.1 \"administrative safeguards\"")
            .ok_or_else(|| missing("definition"))?;
        assert_eq!(def.kind, Kind::Definition);
        assert_eq!(
            def.text,
            "administrative safeguards (mesures de protection administrative) Policies that aim \
             to protect personal information."
        );
        assert_eq!(
            d.provision("A \"Administrative Safeguards\"")
                .map(|p| &p.section),
            Some(&def.section)
        );
        assert!(
            d.provision("A \"mesures de protection administrative\"")
                .is_some()
        );
        Ok(())
    }

    #[test]
    fn older_numbered_paragraphs() -> Result<(), SourceError> {
        let xml = r#"<doc title="Directive on Official Languages" language="en">
  <chapters>
    <chapter anchor="1" title="1. Effective Date">
      <p>1.1 This directive takes effect on November 19, 2012.</p>
      <p>2.5 million is not a clause number here.</p>
    </chapter>
    <chapter anchor="6" title="6. Requirements">
      <section anchor="6.1" title="6.1  Order of Official Languages">
        <ul class="noBullet"><li>6.1.1 <em>(Order)</em> Ensuring that the order is:
          <ul><li>French first in Quebec; and</li><li>English first elsewhere.</li></ul>
          <ul class="noBullet"><li>6.1.1.1 Nested.</li></ul></li></ul>
      </section>
    </chapter>
  </chapters>
  <appendices><appendix anchor="1" title="Appendix 1 – Communications between regions"><p>Text.</p></appendix></appendices>
</doc>"#;
        let d = OfficialText::parse("tbs/OL_26164_2012-10-15.xml", xml.as_bytes())?;
        assert_eq!(
            text(&d, "1.1"),
            "This directive takes effect on November 19, 2012."
        );
        assert!(d.provision("2.5").is_none());
        let s61 = d.provision("6.1").ok_or_else(|| missing("6.1"))?;
        assert_eq!(s61.heading.as_deref(), Some("Order of Official Languages"));
        assert_eq!(
            text(&d, "6.1.1"),
            "(Order) Ensuring that the order is: French first in Quebec; and English first \
             elsewhere. 6.1.1.1 Nested."
        );
        assert_eq!(text(&d, "6.1.1.1"), "Nested.");
        assert_eq!(
            d.provision("1").and_then(|p| p.heading.as_deref()),
            Some("Effective Date")
        );
        let appendix = d
            .provision("Appendix 1")
            .ok_or_else(|| missing("appendix 1"))?;
        assert_eq!(appendix.section, "Appendix 1");
        assert_eq!(
            appendix.heading.as_deref(),
            Some("Communications between regions")
        );
        Ok(())
    }

    #[test]
    fn splits_terms() {
        assert_eq!(split_term("PIB (fichier)"), ("PIB", Some("fichier")));
        assert_eq!(split_term("plain"), ("plain", None));
        assert_eq!(split_term("(odd)"), ("(odd)", None));
        assert_eq!(split_term("x ()"), ("x", None));
        assert_eq!(
            split_term("first-party cookie (témoins internes (de premier niveau))"),
            (
                "first-party cookie",
                Some("témoins internes (de premier niveau)")
            )
        );
        assert_eq!(
            split_term("complainant (plaignant(e))"),
            ("complainant", Some("plaignant(e)"))
        );
    }

    fn missing(what: &str) -> SourceError {
        SourceError::UnknownFormat {
            path: "test".to_owned(),
            reason: format!("{what} not found"),
        }
    }
}
