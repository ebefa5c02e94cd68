//! The interface strings: both catalogs define the same messages with the same variables,
//! and every message the pages and the code use exists.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]

use passerelle_diag::Lang;
use passerelle_web::i18n::{Catalog, EN_FTL, FR_FTL, message_ids};
use std::collections::BTreeMap;
use std::path::Path;

fn ids(src: &str) -> BTreeMap<String, Vec<String>> {
    message_ids(src).unwrap().into_iter().collect()
}

#[test]
fn catalogs_parse_and_have_the_same_messages_and_variables() {
    Catalog::new().unwrap();
    let en = ids(EN_FTL);
    let fr = ids(FR_FTL);
    let only_en: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    let only_fr: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in French: {only_en:?}");
    assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
    for (k, vars) in &en {
        assert_eq!(vars, &fr[k], "variables of {k}");
    }
}

#[test]
fn no_empty_message_and_french_typography() {
    let cat = Catalog::new().unwrap();
    for (k, vars) in ids(FR_FTL) {
        if !vars.is_empty() {
            continue;
        }
        for lang in [Lang::En, Lang::Fr] {
            assert!(
                !cat.s(lang, &k).trim().is_empty(),
                "{k} is empty in {lang:?}"
            );
        }
        let fr = cat.s(Lang::Fr, &k);
        for sign in [" :", " ?", " !", " ;", "« ", " »"] {
            assert!(
                !fr.contains(sign),
                "{k}: use a non-breaking space in `{fr}`"
            );
        }
    }
}

/// Every `t.s("…")`, `t.n("…"`, `t.v("…"` and `"err-…"`/`"explain-…"` id in the templates and
/// the code.
fn used_ids() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for sub in ["templates", "src"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for pat in [
                ".s(\"",
                ".n(\"",
                ".v(\"",
                "args(lang, \"",
                "args(t.lang, \"",
                "args(\n        lang,\n        \"",
            ] {
                for part in text.split(pat).skip(1) {
                    if let Some(id) = part.split('"').next()
                        && !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        out.push(id.to_string());
                    }
                }
            }
            for prefix in ["\"err-", "\"explain-", "\"error-4", "\"error-5"] {
                for part in text.split(prefix).skip(1) {
                    let id = format!("{}{}", &prefix[1..], part.split('"').next().unwrap_or(""));
                    if id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        out.push(id);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_message_used_exists_in_both_languages() {
    let cat = Catalog::new().unwrap();
    let used = used_ids();
    assert!(used.len() > 100, "found only {} ids", used.len());
    let missing: Vec<_> = used
        .iter()
        .filter(|id| !(cat.has(Lang::En, id) && cat.has(Lang::Fr, id)))
        .collect();
    assert!(
        missing.is_empty(),
        "messages used but not defined: {missing:?}"
    );
}
