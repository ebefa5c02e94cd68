//! Recorded verdicts: what applied to a situation, by fingerprint, and how two of them differ.
//!
//! A [`Snapshot`] names each obligation, myth and to-confirm entry by id and by the
//! fingerprint of its text and citations ([`RuleText`]). The texts are stored once per
//! fingerprint, so a situation still reads as it did after the pack changes, and a
//! re-check compares fingerprints: a rule whose wording or citations changed shows as
//! "changed" even when it still applies.

use passerelle::verdict::{OutcomeIds, Raw, citations_of, outcome_ids};
use passerelle::{BatchEvaluator, Pack};
use passerelle_check::model::{Answers, Citation, Model};
use passerelle_diag::Lang;
use passerelle_store::{Change, Entry, PackStamp, RecordedCitation, RuleText, Snapshot};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The fingerprinted texts of every rule and myth of a pack, computed once per loaded pack.
#[derive(Clone, Debug)]
pub struct PackTexts {
    /// By index in `model.rules` (None: not a rule a verdict lists).
    pub rules: Vec<Option<RuleText>>,
    /// By index in `model.myths`.
    pub myths: Vec<RuleText>,
    /// The packs, base first.
    pub stamps: Vec<PackStamp>,
}

fn recorded(m: &Model, cs: &[Citation]) -> Vec<RecordedCitation> {
    let en = citations_of(m, cs, Lang::En);
    let fr = citations_of(m, cs, Lang::Fr);
    en.into_iter()
        .zip(fr)
        .map(|(e, f)| RecordedCitation {
            instrument: e.instrument,
            section: e.section,
            title_en: e.title,
            title_fr: f.title,
            url_en: e.url,
            url_fr: f.url,
        })
        .collect()
}

/// Sets the fingerprint: the first 64 bits of the SHA-256 of the JSON of everything else,
/// in hex. A pack has a few hundred texts and each version adds a few: collisions would
/// need billions.
fn seal(mut t: RuleText) -> RuleText {
    t.fp = String::new();
    let body = serde_json::to_string(&t).unwrap_or_default();
    let digest = Sha256::digest(body.as_bytes());
    t.fp = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    t
}

/// The packs of a loaded stack, base first, as recorded.
pub fn stamps(pack: &Pack) -> Vec<PackStamp> {
    pack.model
        .packs
        .iter()
        .zip(&pack.digests)
        .map(|(p, d)| PackStamp {
            id: p.id.clone(),
            version: p.version.clone(),
            digest: d.clone(),
        })
        .collect()
}

impl PackTexts {
    /// Fingerprints every rule and myth of a pack.
    pub fn new(pack: &Pack) -> PackTexts {
        let m = &pack.model;
        let pack_id = |i: usize| m.packs.get(i).map(|p| p.id.clone()).unwrap_or_default();
        let rules = m
            .rules
            .iter()
            .map(|r| {
                r.modal()?;
                Some(seal(RuleText {
                    fp: String::new(),
                    kind: if r.status.is_verified() {
                        "obligation".into()
                    } else {
                        "to_confirm".into()
                    },
                    id: r.id.clone(),
                    pack: pack_id(r.pack.idx()),
                    text_en: r.text.get(Lang::En).to_string(),
                    text_fr: r.text.get(Lang::Fr).to_string(),
                    verdict: String::new(),
                    citations: recorded(m, &r.citations),
                }))
            })
            .collect();
        let myths = m
            .myths
            .iter()
            .map(|my| {
                seal(RuleText {
                    fp: String::new(),
                    kind: "myth".into(),
                    id: my.id.clone(),
                    pack: pack_id(my.pack.idx()),
                    text_en: my.claim.get(Lang::En).to_string(),
                    text_fr: my.claim.get(Lang::Fr).to_string(),
                    verdict: my.verdict.word().to_string(),
                    citations: recorded(m, &my.citations),
                })
            })
            .collect();
        PackTexts {
            rules,
            myths,
            stamps: stamps(pack),
        }
    }

    /// Every text, to store.
    pub fn all(&self) -> Vec<RuleText> {
        self.rules
            .iter()
            .flatten()
            .chain(&self.myths)
            .cloned()
            .collect()
    }
}

fn entry_id(rule: &str, item: Option<usize>) -> String {
    match item {
        Some(i) => format!("{rule}[{i}]"),
        None => rule.to_string(),
    }
}

/// The snapshot of a raw evaluation.
pub fn from_raw(pack: &Pack, texts: &PackTexts, raw: &Raw, as_of: jiff::civil::Date) -> Snapshot {
    from_ids(pack, texts, &outcome_ids(pack, raw), as_of)
}

/// The snapshot of what applied.
pub fn from_ids(
    pack: &Pack,
    texts: &PackTexts,
    ids: &OutcomeIds,
    as_of: jiff::civil::Date,
) -> Snapshot {
    let m = &pack.model;
    let rule_entry = |(ri, item): &(usize, Option<usize>)| -> Option<Entry> {
        let r = m.rules.get(*ri)?;
        let t = texts.rules.get(*ri)?.as_ref()?;
        Some(Entry {
            id: entry_id(&r.id, *item),
            fp: t.fp.clone(),
        })
    };
    Snapshot {
        packs: texts.stamps.clone(),
        as_of: as_of.to_string(),
        obligations: ids.obligations.iter().filter_map(rule_entry).collect(),
        to_confirm: ids.to_confirm.iter().filter_map(rule_entry).collect(),
        myths: ids
            .myths
            .iter()
            .filter_map(|mi| {
                let t = texts.myths.get(*mi)?;
                Some(Entry {
                    id: t.id.clone(),
                    fp: t.fp.clone(),
                })
            })
            .collect(),
    }
}

/// Evaluates answers and records what applied.
pub fn take(
    pack: &Pack,
    texts: &PackTexts,
    answers: &Answers,
    as_of: jiff::civil::Date,
) -> Snapshot {
    take_with(&mut BatchEvaluator::new(pack), texts, answers, as_of)
}

/// [`take`] with an evaluator kept across many situations.
pub fn take_with(
    ev: &mut BatchEvaluator<'_>,
    texts: &PackTexts,
    answers: &Answers,
    as_of: jiff::civil::Date,
) -> Snapshot {
    let ids = ev.ids(answers, as_of);
    from_ids(ev.pack(), texts, &ids, as_of)
}

fn diff_list(list: &str, old: &[Entry], new: &[Entry], out: &mut Vec<Change>) {
    let before: BTreeMap<&str, &str> = old.iter().map(|e| (e.id.as_str(), e.fp.as_str())).collect();
    let after: BTreeMap<&str, &str> = new.iter().map(|e| (e.id.as_str(), e.fp.as_str())).collect();
    for (id, fp) in &before {
        match after.get(id) {
            None => out.push(Change {
                list: list.into(),
                change: "removed".into(),
                id: (*id).into(),
                before: Some((*fp).into()),
                after: None,
            }),
            Some(f2) if f2 != fp => out.push(Change {
                list: list.into(),
                change: "changed".into(),
                id: (*id).into(),
                before: Some((*fp).into()),
                after: Some((*f2).into()),
            }),
            Some(_) => {}
        }
    }
    for (id, fp) in &after {
        if !before.contains_key(id) {
            out.push(Change {
                list: list.into(),
                change: "added".into(),
                id: (*id).into(),
                before: None,
                after: Some((*fp).into()),
            });
        }
    }
}

/// What differs between a recorded verdict and a new one: entries added, removed, or whose
/// text or citations changed, list by list. Empty when the verdicts say the same thing
/// (whatever the pack versions).
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    diff_list("obligations", &old.obligations, &new.obligations, &mut out);
    diff_list("myths", &old.myths, &new.myths, &mut out);
    diff_list("to_confirm", &old.to_confirm, &new.to_confirm, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(id: &str, fp: &str) -> Entry {
        Entry {
            id: id.into(),
            fp: fp.into(),
        }
    }

    fn snap(obligations: Vec<Entry>) -> Snapshot {
        Snapshot {
            obligations,
            ..Snapshot::default()
        }
    }

    #[test]
    fn added_removed_changed() {
        let a = snap(vec![e("a", "1"), e("b", "2"), e("c", "3")]);
        let b = snap(vec![e("a", "1"), e("b", "9"), e("d", "4")]);
        let d = diff(&a, &b);
        let got: Vec<(&str, &str)> = d
            .iter()
            .map(|c| (c.change.as_str(), c.id.as_str()))
            .collect();
        assert_eq!(got, [("changed", "b"), ("removed", "c"), ("added", "d")]);
        assert!(diff(&a, &a).is_empty());
    }

    fn entries() -> impl Strategy<Value = Vec<Entry>> {
        proptest::collection::btree_map("[a-e]", "[0-2]", 0..5)
            .prop_map(|m| m.into_iter().map(|(k, v)| e(&k, &v)).collect())
    }

    proptest! {
        /// Applying the differences to the old list gives the new one; no difference means
        /// the same entries.
        #[test]
        fn diff_explains_every_difference(a in entries(), b in entries()) {
            let d = diff(&snap(a.clone()), &snap(b.clone()));
            let mut m: BTreeMap<String, String> = a.iter().map(|x| (x.id.clone(), x.fp.clone())).collect();
            for c in &d {
                match c.change.as_str() {
                    "removed" => { m.remove(&c.id); }
                    _ => { m.insert(c.id.clone(), c.after.clone().unwrap_or_default()); }
                }
            }
            let want: BTreeMap<String, String> = b.iter().map(|x| (x.id.clone(), x.fp.clone())).collect();
            prop_assert_eq!(m, want);
            prop_assert_eq!(d.is_empty(), a == b);
            // Symmetry: as many changes each way.
            prop_assert_eq!(diff(&snap(b), &snap(a)).len(), d.len());
        }
    }
}
