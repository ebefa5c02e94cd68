//! `check --sources` and `cite`.

use passerelle_check::model::Model;
use passerelle_diag::{Diag, Lang, SourceMap};
use std::path::{Path, PathBuf};

/// Runs the official-text checks and prints the counts.
pub fn check_sources(
    m: &Model,
    map: &SourceMap,
    dirs: &[PathBuf],
    sources: &Path,
    record: bool,
    lang: Lang,
) -> Vec<Diag> {
    let today = passerelle::today().to_string();
    let rep = passerelle::sources::check(m, map, dirs, sources, record, &today);
    match lang {
        Lang::En => eprintln!(
            "official texts: {} sections resolved, {} unresolved{}{}",
            rep.resolved,
            rep.unresolved,
            if rep.without_text.is_empty() {
                String::new()
            } else {
                format!(
                    "; no machine-readable text for: {}",
                    rep.without_text.join(", ")
                )
            },
            if record {
                format!("; {} fingerprints recorded", rep.recorded)
            } else {
                String::new()
            }
        ),
        Lang::Fr => eprintln!(
            "textes officiels : {} numéros trouvés, {} introuvables{}{}",
            rep.resolved,
            rep.unresolved,
            if rep.without_text.is_empty() {
                String::new()
            } else {
                format!(
                    "; aucun texte lisible par machine pour : {}",
                    rep.without_text.join(", ")
                )
            },
            if record {
                format!("; {} empreintes enregistrées", rep.recorded)
            } else {
                String::new()
            }
        ),
    }
    rep.diags
}

/// `passerelle cite INSTRUMENT SECTION`.
pub fn cite(packs: &[PathBuf], sources: &Path, instrument: &str, section: &str, lang: Lang) -> u8 {
    let Some(pack) = super::load_or_report(packs, lang) else {
        return 1;
    };
    match passerelle::sources::cite(&pack.model, sources, instrument, section, lang) {
        Ok(c) => {
            println!(
                "{} — {} {}",
                c.title,
                if lang == Lang::En { "s." } else { "art." },
                c.section
            );
            if let Some(h) = &c.heading {
                println!("{h}");
            }
            println!();
            println!("{}", c.text);
            println!();
            let colon = if lang == Lang::En { ":" } else { "\u{a0}:" };
            println!("Source{colon} {}", c.url);
            println!(
                "{}{colon} {} ({})",
                if lang == Lang::En {
                    "Fingerprint"
                } else {
                    "Empreinte"
                },
                c.fingerprint,
                c.path
            );
            0
        }
        Err(e) => {
            match lang {
                Lang::En => eprintln!("error: {}", e.get(lang)),
                Lang::Fr => eprintln!("erreur : {}", e.get(lang)),
            }
            1
        }
    }
}
