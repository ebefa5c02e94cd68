//! `passerelle test`.

use super::load_or_report;
use passerelle_diag::Lang;
use std::path::PathBuf;

pub fn run(packs: &[PathBuf], lang: Lang) -> u8 {
    let dirs = if packs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        packs.to_vec()
    };
    let Some(pack) = load_or_report(&dirs, lang) else {
        return 1;
    };
    let results = passerelle::scenario::run_all(&pack);
    let (mut passed, mut failed) = (0usize, 0usize);
    for r in &results {
        if r.failures.is_empty() {
            passed += 1;
            continue;
        }
        failed += 1;
        for f in &r.failures {
            let loc = pack
                .map
                .locate(f.span)
                .map(|(n, lc)| format!("{n}:{}:{}", lc.line, lc.column))
                .unwrap_or_default();
            match lang {
                Lang::En => println!("FAIL {} ({loc}): {}", r.id, f.message(lang)),
                Lang::Fr => println!("ÉCHEC {} ({loc}) : {}", r.id, f.message(lang)),
            }
        }
    }
    match lang {
        Lang::En => println!("{passed} passed, {failed} failed"),
        Lang::Fr => println!("{passed} réussis, {failed} échoués"),
    }
    if failed > 0 { 1 } else { 0 }
}
