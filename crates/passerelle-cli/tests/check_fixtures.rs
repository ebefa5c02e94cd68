//! One fixture per diagnostic under `tests/check/`: each is a small pack whose check
//! output (English, plain graphical rendering, then the French messages) is an insta
//! snapshot in `tests/check/snapshots/`. Fixtures named after a diagnostic code must
//! produce that code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle_diag::{Code, Lang, Style, render_human};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/check")
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root()) else {
        panic!("tests/check is missing");
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "snapshots" || !e.path().is_dir() {
            continue;
        }
        let dir = if e.path().join("pack.toml").is_file() {
            e.path()
        } else {
            e.path().join("dept")
        };
        out.push((name, dir));
    }
    out.sort();
    out
}

fn render(dir: &Path) -> (String, Vec<&'static str>) {
    // Show paths relative to tests/check so snapshots do not depend on the checkout.
    let rel = dir
        .strip_prefix(root().parent().unwrap_or(Path::new(".")))
        .unwrap_or(dir);
    let cwd = root().parent().map(Path::to_path_buf).unwrap_or_default();
    // Load through the relative path: the renderer wraps long lines, so an absolute path
    // would make the snapshot depend on where the repository is checked out. The other
    // tests in this file only use absolute paths, so changing the directory is safe.
    std::env::set_current_dir(&cwd).expect("enter tests/");
    let loaded = passerelle::load_packs(&[rel.to_path_buf()]);
    let mut all = loaded.diags.clone();
    let checked = passerelle_check::check(
        &loaded.map,
        &loaded.inputs,
        &passerelle_check::Options::default(),
    );
    all.extend(checked.diags.iter().cloned());
    all.sort();
    let mut out = String::new();
    for d in all.iter() {
        out.push_str(&render_human(d, &loaded.map, Lang::En, Style::Plain));
        out.push('\n');
    }
    out.push_str("--- fr ---\n");
    for d in all.iter() {
        out.push_str(&format!(
            "{}: {}\n",
            d.code.as_str(),
            d.message.get(Lang::Fr)
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("  aide : {}\n", h.get(Lang::Fr)));
        }
    }
    let base = cwd.display().to_string();
    let out = out.replace(&format!("{base}/"), "");
    (out, all.iter().map(|d| d.code.as_str()).collect())
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 20, "expected one fixture per diagnostic");
    for (name, dir) in fixtures {
        let (out, codes) = render(&dir);
        if let Some(code) = Code::ALL.iter().find(|c| c.as_str() == name) {
            assert!(
                codes.contains(&code.as_str()),
                "fixture {name} does not produce `{}`: {codes:?}",
                code.as_str()
            );
        }
        assert!(!codes.is_empty(), "fixture {name} produces no diagnostic");
        insta::with_settings!({
            snapshot_path => root().join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.clone(), out);
        });
    }
}

#[test]
fn json_output_is_parseable() {
    let out = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["check", "--format", "json"])
        .arg(root().join("syntax"))
        .output()
        .expect("run passerelle");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut n = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        for key in [
            "code", "severity", "file", "line", "column", "message", "help",
        ] {
            assert!(v.get(key).is_some(), "missing {key} in {line}");
        }
        n += 1;
    }
    assert!(
        n >= 3,
        "the parser should recover and report several errors, got {n}"
    );
}

#[test]
fn missing_folder_is_reported() {
    let out = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["check", "/nonexistent/pack", "--lang", "fr"])
        .output()
        .expect("run passerelle");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("n'est pas un dossier"), "{err}");
}

#[test]
fn the_example_packs_check_cleanly() {
    {
        let pack = "packs/example";
        let out = Command::new(env!("CARGO_BIN_EXE_passerelle"))
            .arg("check")
            .arg(root().join("../..").join(pack))
            .output()
            .expect("run passerelle");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
