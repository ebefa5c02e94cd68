//! Parsing on several threads gives exactly what parsing on one gives: the same model and
//! the same diagnostics, in the same order, for a valid pack and for one with errors. The
//! packs have more rules than the threshold (2,000) above which rules are lowered on
//! several threads too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::generate::{GenOptions, generate, to_loaded};
use passerelle_check::{Options, check};

fn run(files: &[(String, String)], threads: usize) -> (String, Vec<String>) {
    let lp = to_loaded(files);
    let opts = Options {
        threads,
        ..Options::default()
    };
    let checked = check(&lp.map, &lp.inputs, &opts);
    let diags = checked
        .diags
        .iter()
        .map(|d| {
            let at = d.primary.as_ref().map(|p| p.span);
            format!("{} {at:?} {}", d.code.as_str(), d.message.en)
        })
        .collect();
    // Everything but the name maps (hash maps print in a random order; they are built
    // from the vectors compared here).
    let m = &checked.model;
    let mut names: Vec<String> = m.names.keys().cloned().collect();
    names.sort();
    let model = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{names:?}",
        m.packs,
        m.instruments,
        m.contacts,
        m.facts,
        m.groups,
        m.defs,
        m.def_order,
        m.rules,
        m.myths,
        m.journeys,
        m.scenarios,
        m.processes,
        m.displaced_by,
    );
    (model, diags)
}

fn pack(rules: usize) -> Vec<(String, String)> {
    // 200 rules per file: several files per thread, and more text than the threshold
    // below which one thread is used.
    generate(&GenOptions {
        rules,
        facts: rules / 10,
        seed: 7,
        rules_per_file: 200,
    })
}

/// Checks `files` on one thread and on each of `threads`: the same diagnostics, in the same
/// order, and the same model. Returns the diagnostics.
fn same_for_every_thread_count(files: &[(String, String)], threads: &[usize]) -> Vec<String> {
    let (model1, diags1) = run(files, 1);
    for &t in threads {
        let (model, diags) = run(files, t);
        assert_eq!(diags, diags1, "{t} threads");
        assert!(model == model1, "{t} threads: the model differs");
    }
    diags1
}

/// Indexes of the files holding rules.
fn rule_files(files: &[(String, String)]) -> Vec<usize> {
    files
        .iter()
        .enumerate()
        .filter(|(_, (p, _))| p.ends_with(".md") && p.contains("instrument"))
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn threads_do_not_change_a_valid_pack() {
    let files = pack(2_400);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    assert!(
        bytes > 512 * 1024,
        "the pack is too small to be split: {bytes}"
    );
    let diags = same_for_every_thread_count(&files, &[2, 3, 8]);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn threads_do_not_change_errors_or_their_order() {
    let mut files = pack(2_400);
    // Break a file early, one in the middle and the last one.
    let mds = rule_files(&files);
    assert!(mds.len() >= 6, "{} rule files", mds.len());
    for &i in [mds[0], mds[mds.len() / 2], mds[mds.len() - 1]].iter() {
        files[i].1 = files[i].1.replacen("when ", "when ((", 1);
        files[i].1 = files[i]
            .1
            .replacen("must {", "must {\n  unknown_field 1", 1);
    }
    let diags = same_for_every_thread_count(&files, &[2, 4]);
    assert!(diags.len() >= 6, "{diags:?}");
}

#[test]
fn threads_do_not_change_the_never_true_warnings() {
    let mut files = pack(2_400);
    // A condition that can never be true in a file early, one in the middle and the last
    // one: rules in different runs of the search.
    let mds = rule_files(&files);
    for &i in [mds[0], mds[mds.len() / 2], mds[mds.len() - 1]].iter() {
        let text = std::mem::take(&mut files[i].1);
        let mut done = 0;
        for line in text.split_inclusive('\n') {
            match line.strip_prefix("  when ") {
                Some(rest) if done < 2 && line.ends_with('\n') => {
                    files[i]
                        .1
                        .push_str(&format!("  when false and ({})\n", rest.trim_end()));
                    done += 1;
                }
                _ => files[i].1.push_str(line),
            }
        }
        assert_eq!(done, 2);
    }
    let diags = same_for_every_thread_count(&files, &[2, 3, 8]);
    let never = diags.iter().filter(|d| d.starts_with("never-true")).count();
    assert!(never >= 6, "{diags:?}");
}
