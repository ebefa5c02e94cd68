//! `passerelle check`.

use super::{print_diags, summary};
use crate::Format;
use passerelle_diag::Lang;
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
    let loaded = passerelle::load_packs(&dirs);
    let mut all = loaded.diags.clone();
    let checked = passerelle_check::check(
        &loaded.map,
        &loaded.inputs,
        &passerelle_check::Options::default(),
    );
    all.extend(checked.diags.iter().cloned());
    let _ = (sources, record);
    all.sort();
    print_diags(all.iter(), &loaded.map, format, lang);
    let (e, w) = (all.error_count(), all.warning_count());
    if format != Format::Json {
        eprintln!("{}", summary(e, w, lang));
    }
    if e > 0 { 1 } else { 0 }
}
