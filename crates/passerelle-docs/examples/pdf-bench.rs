//! Time to generate one PDF (the privacy notice of packs/gc-digital), first and after.
//!
//! cargo run --release -p passerelle-docs --example pdf-bench [N]

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a measurement tool"
)]

use passerelle::Pack;
use passerelle_check::model::{NameRef, Value};
use passerelle_diag::{Lang, SourceMap};
use passerelle_docs::{Format, load_templates, render};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/gc-digital");
    let pack = Pack::load(std::slice::from_ref(&dir)).expect("pack");
    let mut map = SourceMap::new();
    let templates = load_templates(&dir, &mut map, &mut Vec::new());
    let scenario = pack
        .model
        .scenarios
        .iter()
        .find(|s| s.id.contains("usability"))
        .unwrap_or(&pack.model.scenarios[0]);
    let mut answers = scenario.given.clone();
    for (k, v) in [
        ("institution_name", "Example Department"),
        ("institution_name_fr", "Ministère exemple"),
        ("study_title", "Testing the booking page"),
        ("study_title_fr", "Essai de la page de réservation"),
        (
            "study_purpose",
            "We want to learn whether people can book without help.",
        ),
        (
            "study_purpose_fr",
            "Nous voulons savoir si les gens peuvent réserver sans aide.",
        ),
        ("legal_authority", "the Example Department Act, section 4"),
        (
            "legal_authority_fr",
            "la Loi sur le ministère exemple, article 4",
        ),
        ("contact_email", "research@example.invalid"),
    ] {
        if let Some(NameRef::Fact(f)) = pack.model.names.get(k) {
            answers.set(*f, Some(Value::Text(v.into())));
        }
    }
    let as_of = jiff::civil::Date::constant(2026, 11, 29);
    for (doc, lang) in [("privacy-notice", Lang::Fr), ("results-report", Lang::En)] {
        let verdict = passerelle::evaluate(
            &pack,
            &answers,
            as_of,
            lang,
            passerelle::EvalOptions::default(),
        );
        let t0 = Instant::now();
        let first = render(
            &pack,
            &templates,
            &answers,
            &verdict,
            as_of,
            doc,
            lang,
            Format::Pdf,
        )
        .expect("pdf");
        let first_ms = t0.elapsed().as_secs_f64() * 1e3;
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let r = render(
                &pack,
                &templates,
                &answers,
                &verdict,
                as_of,
                doc,
                lang,
                Format::Pdf,
            )
            .expect("pdf");
            times.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(r);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let median = times[times.len() / 2];
        let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
        println!(
            "{doc} ({}): first {first_ms:.1} ms, then median {median:.1} ms, p95 {p95:.1} ms over {n} ({} bytes)",
            lang.code(),
            first.bytes.len()
        );
    }
}
