//! Citation drift: fingerprints recorded against the current consolidation of the
//! Accessible Canada Act, then checked against its 2021 consolidation
//! (shared/data/laws/history): the changed provision is flagged, the unchanged one not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::Pack;
use passerelle_diag::Code;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    let p = std::env::var("PASSERELLE_SOURCES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(
        p.join("laws").is_dir(),
        "official texts not found at {} (set PASSERELLE_SOURCES)",
        p.display()
    );
    p
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap_or(dir)).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn pack(dir: &Path) {
    write(
        dir,
        "pack.toml",
        "id = \"drift\"\nversion = \"1.0.0\"\nlayer = \"gc-wide\"\n\n[title]\nen = \"Drift\"\nfr = \"Dérive\"\n",
    );
    write(
        dir,
        "aca.md",
        r#"+++
id = "aca"
kind = "act"
owner = "office"
effective_from = 2019-07-11

[title]
en = "Accessible Canada Act"
fr = "Loi canadienne sur l'accessibilité"

[source]
en = "https://laws-lois.justice.gc.ca/eng/acts/A-0.6/"
fr = "https://laws-lois.justice.gc.ca/fra/lois/A-0.6/"

[official]
en = "laws/eng/A-0.6.xml"
fr = "laws/fra/A-0.6.xml"
+++

## § 5 Purpose

EN: The Act aims at a Canada without barriers.

FR: La Loi vise un Canada sans obstacles.

## § 42 Broadcasting undertakings

EN: Rules for broadcasting undertakings.

FR: Règles visant les entreprises de radiodiffusion.

```passerelle
contact office {
  role accessibility
  name { en "Accessibility office" fr "Bureau de l'accessibilité" }
  ask { en "Ask them." fr "Demandez-leur." }
}

fact public_service: bool {
  question { en "Public service?" fr "Service au public ?" }
  help { en "Help." fr "Aide." }
}

rule remove-barriers: should {
  when public_service
  text { en "Remove barriers." fr "Éliminez les obstacles." }
  intent { en "Inclusion." fr "Inclusion." }
  cites "aca 5", "aca 42(1)"
  domain accessibility
  phase before
  verified 2026-11-29
}
```
"#,
    );
}

#[test]
fn changed_provisions_are_flagged_and_unchanged_ones_are_not() {
    let data = shared();
    let tmp = std::env::temp_dir().join(format!("passerelle-drift-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let pack_dir = tmp.join("pack");
    pack(&pack_dir);
    // The 2021 consolidation in place of the current English text.
    let old = tmp.join("sources");
    let hist = std::fs::read_to_string(data.join("laws/history/A-0.6.eng.2021-02-26.xml"))
        .expect("history");
    write(&old, "laws/eng/A-0.6.xml", &hist);
    let fr = std::fs::read_to_string(data.join("laws/fra/A-0.6.xml")).expect("fr");
    write(&old, "laws/fra/A-0.6.xml", &fr);

    let p = Pack::load(std::slice::from_ref(&pack_dir)).expect("pack checks");
    // Record against the current texts.
    let rep = passerelle::sources::check(&p.model, &p.map, &p.dirs, &data, true, "2026-11-29");
    assert!(rep.diags.iter().all(|d| !d.is_error()), "{:?}", rep.diags);
    assert_eq!(rep.unresolved, 0);
    assert_eq!(rep.recorded, 2);
    // Checking against the same texts: nothing changed.
    let rep = passerelle::sources::check(&p.model, &p.map, &p.dirs, &data, false, "2026-11-29");
    assert!(rep.diags.is_empty(), "{:?}", rep.diags);
    // Against the 2021 consolidation: 42(1) changed, 5 did not.
    let rep = passerelle::sources::check(&p.model, &p.map, &p.dirs, &old, false, "2026-11-29");
    let changed: Vec<String> = rep
        .diags
        .iter()
        .filter(|d| d.code == Code::SourceChanged)
        .map(|d| d.message.en.clone())
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains("aca 42(1)"), "{changed:?}");
    assert!(changed[0].contains("remove-barriers"));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_section_missing_from_the_official_text_is_an_error() {
    let data = shared();
    let tmp = std::env::temp_dir().join(format!("passerelle-unresolved-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    pack(&tmp);
    let text = std::fs::read_to_string(tmp.join("aca.md")).expect("read");
    std::fs::write(
        tmp.join("aca.md"),
        text.replace("## § 42 Broadcasting", "## § 942 Broadcasting")
            .replace("\"aca 42(1)\"", "\"aca 942(1)\""),
    )
    .expect("write");
    let p = Pack::load(std::slice::from_ref(&tmp)).expect("pack checks");
    let rep = passerelle::sources::check(&p.model, &p.map, &p.dirs, &data, false, "2026-11-29");
    assert!(rep.unresolved >= 1);
    assert!(
        rep.diags
            .iter()
            .any(|d| d.code == Code::SourceUnresolved && d.message.en.contains("942"))
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn cite_prints_the_official_text_in_both_languages() {
    let data = shared();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/example");
    let p = Pack::load(&[dir]).expect("example");
    let en = passerelle::sources::cite(
        &p.model,
        &data,
        "privacy-act",
        "5(2)",
        passerelle_diag::Lang::En,
    )
    .expect("en");
    assert!(en.text.contains("shall inform any individual"));
    let fr = passerelle::sources::cite(
        &p.model,
        &data,
        "privacy-act",
        "5(2)",
        passerelle_diag::Lang::Fr,
    )
    .expect("fr");
    assert!(fr.text.contains("est tenue d’informer"));
    // TB instruments have no French XML here: a clear error, not a panic.
    assert!(
        passerelle::sources::cite(&p.model, &data, "dpp", "4.2.20", passerelle_diag::Lang::Fr)
            .is_err()
    );
    let dpp = passerelle::sources::cite(
        &p.model,
        &data,
        "dpp",
        "4.2.20.4",
        passerelle_diag::Lang::En,
    )
    .expect("dpp");
    assert!(dpp.text.contains("PIB"));
}
