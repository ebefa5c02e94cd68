//! Every template of packs/gc-digital renders, in both languages, for every scenario of the
//! pack where the document applies; the PDF's text (pdftotext) holds each required element;
//! French typography is right.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::Pack;
use passerelle_check::model::{Answers, NameRef, Value};
use passerelle_diag::{Lang, SourceMap};
use passerelle_docs::{DocError, Format, Templates, load_templates, render};
use std::path::PathBuf;
use std::process::Command;

fn pack() -> (Pack, Templates) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/gc-digital");
    let pack = Pack::load(std::slice::from_ref(&dir)).expect("gc-digital checks");
    let mut map = SourceMap::new();
    let mut diags = Vec::new();
    let t = load_templates(&dir, &mut map, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let problems = passerelle_docs::check_templates(&pack.model, &t, &map);
    assert!(problems.is_empty(), "{problems:?}");
    (pack, t)
}

const DOC_FACTS: [(&str, &str); 13] = [
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
    ("pib_reference", "Outreach Activities (PSU 938)"),
    ("pib_reference_fr", "Activités de sensibilisation (POU 938)"),
    ("retention_period", "for two years"),
    ("retention_period_fr", "pendant deux ans"),
    ("contact_email", "research@example.invalid"),
];

fn with_document_facts(pack: &Pack, given: &Answers) -> Answers {
    let mut a = given.clone();
    for (name, v) in DOC_FACTS {
        if let Some(NameRef::Fact(f)) = pack.model.names.get(name) {
            a.set(*f, Some(Value::Text(v.to_string())));
        }
    }
    a
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("passerelle-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Tests run in parallel: one file per call.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("doc-{n}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect(
            "pdftotext (Debian package poppler-utils) must be installed: scripts/setup installs it",
        );
    assert!(out.status.success());
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn folded(s: &str) -> String {
    s.replace(['’', '\u{a0}'], " ")
        .replace('\'', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_name(pack: &Pack, a: &Answers, fact: &str) -> Option<String> {
    let Some(NameRef::Fact(f)) = pack.model.names.get(fact) else {
        return None;
    };
    match a.get(*f)? {
        Value::Opt(o) => Some(pack.model.fact(*f).options[*o as usize].name.clone()),
        _ => None,
    }
}

#[test]
fn every_template_renders_for_every_scenario() {
    let (pack, templates) = pack();
    let mut rendered = 0;
    for s in &pack.model.scenarios {
        let answers = with_document_facts(&pack, &s.given);
        let as_of = s.as_of.unwrap_or(jiff::civil::Date::constant(2026, 11, 29));
        for lang in [Lang::En, Lang::Fr] {
            let verdict = passerelle::evaluate(
                &pack,
                &answers,
                as_of,
                lang,
                passerelle::EvalOptions::default(),
            );
            for doc in templates.documents() {
                let md = match render(
                    &pack,
                    &templates,
                    &answers,
                    &verdict,
                    as_of,
                    &doc,
                    lang,
                    Format::Markdown,
                ) {
                    Ok(r) => String::from_utf8(r.bytes).unwrap(),
                    Err(DocError::NotApplicable(_)) => continue,
                    Err(e) => panic!("{} {doc} {lang:?}: {:?}", s.id, e.message(&pack)),
                };
                let html = render(
                    &pack,
                    &templates,
                    &answers,
                    &verdict,
                    as_of,
                    &doc,
                    lang,
                    Format::Html,
                )
                .unwrap();
                let html = String::from_utf8(html.bytes).unwrap();
                assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
                let pdf = render(
                    &pack,
                    &templates,
                    &answers,
                    &verdict,
                    as_of,
                    &doc,
                    lang,
                    Format::Pdf,
                )
                .unwrap();
                assert!(pdf.bytes.starts_with(b"%PDF"));
                let text = folded(&pdftotext(&pdf.bytes));
                let must = required(&pack, &answers, &doc, lang);
                for m in must {
                    assert!(
                        text.contains(&folded(&m)),
                        "{} {doc} {lang:?}: the PDF lacks {m:?}\n{text}",
                        s.id
                    );
                }
                if lang == Lang::Fr {
                    for (i, _) in md.match_indices([':', ';', '?', '!', '»']) {
                        let before = md[..i].chars().last();
                        assert_ne!(
                            before,
                            Some(' '),
                            "{} {doc}: ordinary space before a French sign in {md:?}",
                            s.id
                        );
                    }
                }
                rendered += 1;
            }
        }
    }
    assert!(rendered >= 60, "only {rendered} documents rendered");
}

/// What each document must say.
fn required(pack: &Pack, a: &Answers, doc: &str, lang: Lang) -> Vec<String> {
    let fr = lang == Lang::Fr;
    let text = |en: &str, f: &str| if fr { f.to_string() } else { en.to_string() };
    let fact = |name: &str| {
        DOC_FACTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    let suffix = if fr { "_fr" } else { "" };
    let recorded = matches!(
        value_name(pack, a, "recording").as_deref(),
        Some("audio" | "video" | "screen")
    );
    let paid = matches!(
        value_name(pack, a, "payment").as_deref(),
        Some("gift_card" | "money")
    );
    let mut out = Vec::new();
    match doc {
        "privacy-notice" => {
            out.push(fact(&format!("institution_name{suffix}")));
            out.push(fact(&format!("study_purpose{suffix}")));
            out.push(fact(&format!("legal_authority{suffix}")));
            out.push(fact(&format!("pib_reference{suffix}")));
            out.push(fact("contact_email"));
            out.push(text(
                "right to access your personal information",
                "droit d accéder à vos renseignements personnels",
            ));
            out.push(text(
                "to ask us to correct it",
                "de nous demander de les corriger",
            ));
            out.push(text(
                "Privacy Commissioner of Canada",
                "Commissaire à la protection de la vie privée du Canada",
            ));
            out.push(text(
                "You do not have to take part",
                "Vous n êtes pas obligé de participer",
            ));
            out.push(text(
                "you can stop at any time",
                "vous pouvez arrêter à tout moment",
            ));
            if recorded {
                out.push(text("recording of", "enregistrement"));
            }
            if paid {
                out.push(text("Compensation", "Indemnité"));
            }
        }
        "consent-form" => {
            out.push(text(
                "I agree to take part in this research",
                "J accepte de participer à cette recherche",
            ));
            out.push(fact(&format!("institution_name{suffix}")));
            if recorded {
                out.push(text(
                    "I agree to the session being recorded",
                    "j accepte que la séance soit enregistrée",
                ));
            }
        }
        "results-report" => {
            out.push(text("Your answers", "Vos réponses"));
            out.push(text("Rules in force on", "Règles en vigueur le"));
        }
        other => panic!("unexpected document {other}"),
    }
    out
}

#[test]
fn a_missing_answer_names_the_questions_to_answer_first() {
    let (pack, templates) = pack();
    let s = pack.model.scenarios.iter().find(|s| {
        let v = passerelle::evaluate(
            &pack,
            &with_document_facts(&pack, &s.given),
            jiff::civil::Date::constant(2026, 11, 29),
            Lang::En,
            passerelle::EvalOptions::default(),
        );
        render(
            &pack,
            &templates,
            &with_document_facts(&pack, &s.given),
            &v,
            jiff::civil::Date::constant(2026, 11, 29),
            "privacy-notice",
            Lang::En,
            Format::Markdown,
        )
        .is_ok()
    });
    let s = s.expect("a scenario where the privacy notice applies");
    let answers = s.given.clone(); // no document facts
    let v = passerelle::evaluate(
        &pack,
        &answers,
        jiff::civil::Date::constant(2026, 11, 29),
        Lang::En,
        passerelle::EvalOptions::default(),
    );
    match render(
        &pack,
        &templates,
        &answers,
        &v,
        jiff::civil::Date::constant(2026, 11, 29),
        "privacy-notice",
        Lang::En,
        Format::Pdf,
    ) {
        Err(DocError::Missing(fs)) => {
            let names: Vec<&str> = fs
                .iter()
                .map(|f| pack.model.fact(*f).name.as_str())
                .collect();
            assert!(
                names.contains(&"institution_name") && names.contains(&"study_purpose"),
                "{names:?}"
            );
        }
        other => panic!(
            "expected missing answers, got {:?}",
            other.map(|r| r.file_name)
        ),
    }
}

#[test]
fn html_typed_in_an_answer_is_shown_as_text() {
    let (pack, templates) = pack();
    let s = pack
        .model
        .scenarios
        .iter()
        .find(|s| s.id == "remote-usability-test-us-tool")
        .expect("the scenario");
    let mut answers = with_document_facts(&pack, &s.given);
    if let Some(NameRef::Fact(f)) = pack.model.names.get("study_title") {
        answers.set(
            *f,
            Some(Value::Text(
                "<img src=x onerror=alert(1)> & <b>bold</b>".into(),
            )),
        );
    }
    let as_of = jiff::civil::Date::constant(2026, 12, 1);
    let v = passerelle::evaluate(
        &pack,
        &answers,
        as_of,
        Lang::En,
        passerelle::EvalOptions::default(),
    );
    let html = render(
        &pack,
        &templates,
        &answers,
        &v,
        as_of,
        "consent-form",
        Lang::En,
        Format::Html,
    )
    .unwrap();
    let html = String::from_utf8(html.bytes).unwrap();
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"),
        "{html}"
    );
    let pdf = render(
        &pack,
        &templates,
        &answers,
        &v,
        as_of,
        "consent-form",
        Lang::En,
        Format::Pdf,
    )
    .unwrap();
    assert!(pdftotext(&pdf.bytes).contains("<img src=x onerror=alert(1)> & <b>bold</b>"));
}

#[test]
fn french_titles_have_french_spacing() {
    let (pack, templates) = pack();
    let s = &pack.model.scenarios[0];
    let answers = with_document_facts(&pack, &s.given);
    let as_of = jiff::civil::Date::constant(2026, 12, 1);
    let v = passerelle::evaluate(
        &pack,
        &answers,
        as_of,
        Lang::Fr,
        passerelle::EvalOptions::default(),
    );
    let r = render(
        &pack,
        &templates,
        &answers,
        &v,
        as_of,
        "results-report",
        Lang::Fr,
        Format::Html,
    )
    .unwrap();
    assert_eq!(
        r.title,
        "Ce que les règles exigent\u{a0}: rapport de résultats"
    );
    assert!(
        String::from_utf8(r.bytes)
            .unwrap()
            .contains("<title>Ce que les règles exigent\u{a0}: rapport de résultats</title>")
    );
}
