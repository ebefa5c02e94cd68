//! `passerelle check`: each pack folder is checked with the packs it builds on; a base
//! shared by several folders is reported once.

use super::{print_diags, summary};
use crate::Format;
use passerelle_diag::{Diag, Lang};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub fn run(
    packs: &[PathBuf],
    format: Format,
    lang: Lang,
    sources: Option<&Path>,
    record: bool,
) -> u8 {
    let dirs = if packs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        packs.to_vec()
    };
    let mut seen: HashSet<(String, u32, u32, &'static str)> = HashSet::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for dir in &dirs {
        let loaded = passerelle::load_packs(std::slice::from_ref(dir));
        let mut all = loaded.diags.clone();
        let checked = passerelle_check::check(
            &loaded.map,
            &loaded.inputs,
            &passerelle_check::Options::default(),
        );
        all.extend(checked.diags.iter().cloned());
        // Document templates of every pack in the stack.
        let mut map = loaded.map.clone();
        if !checked.diags.has_errors() {
            for d in &loaded.dirs {
                let mut tdiags = Vec::new();
                let templates = passerelle_docs::load_templates(d, &mut map, &mut tdiags);
                all.extend(tdiags);
                all.extend(passerelle_docs::check_templates(
                    &checked.model,
                    &templates,
                    &map,
                ));
            }
        }
        let loaded = passerelle::LoadedPacks { map, ..loaded };
        if let Some(src) = sources
            && !all.has_errors()
        {
            all.extend(crate::commands::sources::check_sources(
                &checked.model,
                &loaded.map,
                &loaded.dirs,
                src,
                record,
                lang,
            ));
        }
        all.sort();
        let fresh: Vec<&Diag> = all
            .iter()
            .filter(|d| {
                let key = match &d.primary {
                    Some(p) => (
                        loaded
                            .map
                            .get(p.span.file)
                            .map(|f| f.name.clone())
                            .unwrap_or_default(),
                        p.span.start,
                        p.span.end,
                        d.code.as_str(),
                    ),
                    None => (d.message.en.clone(), 0, 0, d.code.as_str()),
                };
                seen.insert(key)
            })
            .collect();
        errors += fresh.iter().filter(|d| d.is_error()).count();
        warnings += fresh.iter().filter(|d| !d.is_error()).count();
        print_diags(fresh, &loaded.map, format, lang);
    }
    if format != Format::Json {
        eprintln!("{}", summary(errors, warnings, lang));
    }
    if errors > 0 { 1 } else { 0 }
}
