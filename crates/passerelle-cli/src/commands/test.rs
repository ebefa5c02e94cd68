//! `passerelle test`: each pack's scenarios run against that pack and the packs it builds
//! on (not against packs built on it, which may tighten its rules).

use super::load_or_report;
use passerelle_diag::Lang;
use std::path::PathBuf;

pub fn run(packs: &[PathBuf], lang: Lang) -> u8 {
    let dirs = if packs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        packs.to_vec()
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut load_failed = false;
    for dir in &dirs {
        let Some(pack) = load_or_report(std::slice::from_ref(dir), lang) else {
            load_failed = true;
            continue;
        };
        let top = passerelle_check::model::PackId(
            u32::try_from(pack.model.packs.len().saturating_sub(1)).unwrap_or(0),
        );
        for s in pack.model.scenarios.iter().filter(|s| s.pack == top) {
            let r = passerelle::scenario::run(&pack, s);
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
    }
    match lang {
        Lang::En => println!("{passed} passed, {failed} failed"),
        Lang::Fr => println!("{passed} réussis, {failed} échoués"),
    }
    if failed > 0 || load_failed { 1 } else { 0 }
}
