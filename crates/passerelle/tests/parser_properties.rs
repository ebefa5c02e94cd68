//! The front end never panics and `fmt` is idempotent:
//! - 10,000 random byte strings and 10,000 random mutations of the example pack go through
//!   the whole check without a panic;
//! - formatting the example pack and generated packs twice changes nothing the second time,
//!   and formatting never changes what a block means (same diagnostics).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::generate::{GenOptions, generate};
use passerelle_diag::{FileId, SourceMap};
use proptest::prelude::*;
use std::path::PathBuf;

fn example_files() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/example");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read example").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md" || x == "toml") {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read_to_string(&p).expect("utf-8")));
            }
        }
    }
    out.sort();
    out
}

/// Runs the whole front end on in-memory files (pack.toml first).
fn check_files(files: &[(String, String)]) -> usize {
    let lp = passerelle::generate::to_loaded(files);
    let checked =
        passerelle_check::check(&lp.map, &lp.inputs, &passerelle_check::Options::default());
    if !checked.diags.has_errors() {
        // A clean model also compiles and evaluates.
        let program = passerelle_ir::compile(&checked.model);
        let mut ev = passerelle_eval::Evaluator::new(&program);
        let case = passerelle_eval::Case::empty(&program);
        let _ = ev.run(&case, 20_000);
    }
    checked.diags.len()
}

fn fmt_text(text: &str) -> Option<String> {
    let mut map = SourceMap::new();
    let id: FileId = map.add("f.md", text.to_string());
    let mut diags = Vec::new();
    let pf = passerelle_syntax::split(id, text, &mut diags);
    if diags.iter().any(|d| d.is_error()) {
        return None;
    }
    let mut out = String::new();
    let mut pos = 0;
    for b in &pf.blocks {
        let (s, e) = (b.content.start as usize, b.content.end as usize);
        out.push_str(&text[pos..s]);
        out.push_str(&passerelle_syntax::fmt::format_body(&b.body, text));
        pos = e;
    }
    out.push_str(&text[pos..]);
    Some(out)
}

#[test]
fn fmt_is_idempotent_on_the_example_pack() {
    for (name, text) in example_files() {
        if !name.ends_with(".md") {
            continue;
        }
        let once = fmt_text(&text).unwrap_or_else(|| panic!("{name} has syntax errors"));
        let twice = fmt_text(&once).unwrap_or_else(|| panic!("{name} formatted has syntax errors"));
        assert_eq!(once, twice, "{name}: formatting twice changed something");
    }
}

#[test]
fn formatting_keeps_the_meaning() {
    let files = example_files();
    let formatted: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| {
            (
                n.clone(),
                if n.ends_with(".md") {
                    fmt_text(t).unwrap_or_else(|| t.clone())
                } else {
                    t.clone()
                },
            )
        })
        .collect();
    let a = passerelle::generate::to_loaded(&files);
    let b = passerelle::generate::to_loaded(&formatted);
    let ca = passerelle_check::check(&a.map, &a.inputs, &passerelle_check::Options::default());
    let cb = passerelle_check::check(&b.map, &b.inputs, &passerelle_check::Options::default());
    assert_eq!(ca.diags.len(), cb.diags.len());
    assert_eq!(ca.model.rules.len(), cb.model.rules.len());
    for (x, y) in ca.model.rules.iter().zip(&cb.model.rules) {
        assert_eq!(x.id, y.id);
        assert_eq!(x.citations.len(), y.citations.len());
        assert_eq!(x.when.is_some(), y.when.is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    #[test]
    fn fmt_is_idempotent_on_generated_packs(seed in 0u64..1_000_000, rules in 1usize..60) {
        for (name, text) in generate(&GenOptions { rules, facts: 12, seed, rules_per_file: 25 }) {
            if !name.ends_with(".md") {
                continue;
            }
            let once = fmt_text(&text);
            prop_assert!(once.is_some(), "{} has syntax errors", name);
            let once = once.unwrap_or_default();
            prop_assert_eq!(fmt_text(&once), Some(once.clone()), "{} not idempotent", name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let files = vec![
            ("pack.toml".to_string(), "id = \"x\"\nversion = \"1\"\nlayer = \"gc-wide\"\n[title]\nen = \"X\"\nfr = \"X\"\n".to_string()),
            ("a.md".to_string(), format!("```passerelle\n{text}\n```\n")),
            ("b.md".to_string(), text),
        ];
        check_files(&files);
    }

    #[test]
    fn mutations_of_the_example_pack_never_panic(
        file in 0usize..32,
        pos in any::<prop::sample::Index>(),
        len in 0usize..40,
        insert in prop_oneof![
            Just(String::new()),
            Just("{".to_string()), Just("}".to_string()), Just("(".to_string()), Just("\"".to_string()),
            Just(" and ".to_string()), Just(" not ".to_string()), Just("§".to_string()), Just("+++\n".to_string()),
            Just("```".to_string()), Just("\n".to_string()), Just("$1.999".to_string()), Just("2024-02-30".to_string()),
            Just("é".to_string()), Just(" displaces tell-purpose\n".to_string()), Just("[0]".to_string()),
            ".{0,12}",
        ],
    ) {
        let mut files = example_files();
        let i = file % files.len();
        let text = &files[i].1;
        let mut at = pos.index(text.len().max(1)).min(text.len());
        while at > 0 && !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + len).min(text.len());
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        let mutated = format!("{}{}{}", &text[..at], insert, &text[end..]);
        files[i].1 = mutated;
        // pack.toml must stay first for to_loaded.
        files.sort_by_key(|(n, _)| n != "pack.toml");
        check_files(&files);
    }
}
