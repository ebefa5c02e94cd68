//! `passerelle info`: what a pack contains, counted (for reviews and release notes).

use super::load_or_report;
use crate::OutFormat;
use passerelle_check::model::RuleKind;
use passerelle_diag::Lang;
use serde::Serialize;
use std::path::PathBuf;

/// Counts for one pack of the stack (only what it declares itself).
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Pack id.
    pub pack: String,
    /// Version.
    pub version: String,
    /// Instruments.
    pub instruments: usize,
    /// Rules (obligations, permissions, prohibitions).
    pub rules: usize,
    /// Of which verified against the source.
    pub rules_verified: usize,
    /// Of which unverified (never shown as requirements).
    pub rules_unverified: usize,
    /// Exceptions.
    pub exceptions: usize,
    /// Myths.
    pub myths: usize,
    /// Myths verified.
    pub myths_verified: usize,
    /// Questions (facts a person answers, group fields included; not document-only ones).
    pub questions: usize,
    /// Facts asked only for documents.
    pub document_questions: usize,
    /// Definitions (derived values), thresholds included.
    pub definitions: usize,
    /// Dated thresholds.
    pub thresholds: usize,
    /// Processes.
    pub processes: usize,
    /// Steps of those processes.
    pub steps: usize,
    /// Journeys.
    pub journeys: usize,
    /// Contacts.
    pub contacts: usize,
    /// Scenarios.
    pub scenarios: usize,
}

/// Counts per pack of a loaded stack, base first.
pub fn counts(pack: &passerelle::Pack) -> Vec<Counts> {
    let m = &pack.model;
    m.packs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mine = |x: usize| x == i;
            let mut c = Counts {
                pack: p.id.clone(),
                version: p.version.clone(),
                ..Counts::default()
            };
            c.instruments = m.instruments.iter().filter(|x| mine(x.pack.idx())).count();
            for r in m.rules.iter().filter(|r| mine(r.pack.idx())) {
                match r.kind {
                    RuleKind::Exception => c.exceptions += 1,
                    RuleKind::Obligation(_) => {
                        c.rules += 1;
                        if r.status.is_verified() {
                            c.rules_verified += 1;
                        } else {
                            c.rules_unverified += 1;
                        }
                    }
                }
            }
            for my in m.myths.iter().filter(|x| mine(x.pack.idx())) {
                c.myths += 1;
                if my.status.is_verified() {
                    c.myths_verified += 1;
                }
            }
            for f in m.facts.iter().filter(|x| mine(x.pack.idx())) {
                if f.for_documents {
                    c.document_questions += 1;
                } else {
                    c.questions += 1;
                }
            }
            for d in m.defs.iter().filter(|x| mine(x.pack.idx())) {
                c.definitions += 1;
                if !d.periods.is_empty() {
                    c.thresholds += 1;
                }
            }
            for pr in m.processes.iter().filter(|x| mine(x.pack.idx())) {
                c.processes += 1;
                c.steps += pr.steps.len();
            }
            c.journeys = m.journeys.iter().filter(|x| mine(x.pack.idx())).count();
            c.contacts = m.contacts.iter().filter(|x| mine(x.pack.idx())).count();
            c.scenarios = m.scenarios.iter().filter(|x| mine(x.pack.idx())).count();
            c
        })
        .collect()
}

/// Runs the command.
pub fn run(packs: &[PathBuf], format: OutFormat, lang: Lang) -> u8 {
    let packs = if packs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        packs.to_vec()
    };
    let Some(pack) = load_or_report(&packs, lang) else {
        return 1;
    };
    let all = counts(&pack);
    match format {
        OutFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        }
        OutFormat::Text => {
            let fr = lang == Lang::Fr;
            for c in &all {
                let rows: [(&str, &str, String); 13] = [
                    ("Instruments", "Instruments", c.instruments.to_string()),
                    (
                        "Rules (verified / unverified)",
                        "Règles (vérifiées / non vérifiées)",
                        format!(
                            "{} ({} / {})",
                            c.rules, c.rules_verified, c.rules_unverified
                        ),
                    ),
                    ("Exceptions", "Exceptions", c.exceptions.to_string()),
                    (
                        "Myths (verified)",
                        "Mythes (vérifiés)",
                        format!("{} ({})", c.myths, c.myths_verified),
                    ),
                    ("Questions", "Questions", c.questions.to_string()),
                    (
                        "Questions for documents only",
                        "Questions pour les documents seulement",
                        c.document_questions.to_string(),
                    ),
                    ("Definitions", "Définitions", c.definitions.to_string()),
                    ("Dated thresholds", "Seuils datés", c.thresholds.to_string()),
                    (
                        "Processes (steps)",
                        "Processus (étapes)",
                        format!("{} ({})", c.processes, c.steps),
                    ),
                    ("Journeys", "Parcours", c.journeys.to_string()),
                    ("Contacts", "Personnes-ressources", c.contacts.to_string()),
                    ("Scenarios", "Scénarios", c.scenarios.to_string()),
                    ("", "", String::new()),
                ];
                println!("{} {}", c.pack, c.version);
                for (en, frl, v) in rows.iter().filter(|r| !r.0.is_empty()) {
                    println!("  {:<40} {v}", if fr { frl } else { en });
                }
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_stay_within_their_pack() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let pack = passerelle::Pack::load(&[root.join("packs/example-department")]).unwrap();
        let all = counts(&pack);
        assert_eq!(all.len(), pack.model.packs.len());
        assert_eq!(
            all.last().map(|c| c.pack.as_str()),
            Some("example-department")
        );
        for c in &all {
            assert_eq!(c.rules, c.rules_verified + c.rules_unverified);
            assert!(c.thresholds <= c.definitions);
        }
        let total = |f: fn(&Counts) -> usize| all.iter().map(f).sum::<usize>();
        assert_eq!(total(|c| c.scenarios), pack.model.scenarios.len());
        assert_eq!(total(|c| c.myths), pack.model.myths.len());
        assert_eq!(total(|c| c.rules + c.exceptions), pack.model.rules.len());
        assert_eq!(
            total(|c| c.questions + c.document_questions),
            pack.model.facts.len()
        );
    }
}
