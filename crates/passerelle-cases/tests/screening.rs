//! Screening for personal information:
//! - each kind in English and French, with exact spans;
//! - precision and recall on the labelled set `tests/data/pi-labelled.jsonl`
//!   (`cargo test -p passerelle-cases --test screening -- --nocapture` prints the table);
//! - properties: `screen` never panics, its spans are valid, sorted and disjoint, and
//!   `remove` leaves none of the findings' texts behind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use passerelle_cases::screen::{
    FieldFinding, Finding, Kind, REMOVED, eval, remove, screen, screen_fields,
};
use proptest::prelude::*;

const LABELLED: &str = include_str!("data/pi-labelled.jsonl");

/// The findings of `text` as (kind, text) pairs, checking every span on the way.
fn found(text: &str) -> Vec<(Kind, String)> {
    let findings = screen(text);
    check_spans(text, &findings);
    findings.into_iter().map(|f| (f.kind, f.text)).collect()
}

fn one(kind: Kind, s: &str) -> Vec<(Kind, String)> {
    vec![(kind, s.to_owned())]
}

fn check_spans(text: &str, findings: &[Finding]) {
    let mut last_end = 0;
    for f in findings {
        assert!(f.start < f.end, "empty finding {f:?}");
        assert!(f.start >= last_end, "overlapping or unsorted: {findings:?}");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert_eq!(&text[f.start..f.end], f.text);
        last_end = f.end;
    }
}

// ---------------------------------------------------------------------------------------------
// Kind by kind.

#[test]
fn email_with_exact_span() {
    let text = "Écrivez à élise.tremblay@exemple.ca, merci.";
    let f = screen(text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, Kind::Email);
    assert_eq!(f[0].text, "élise.tremblay@exemple.ca");
    assert_eq!(f[0].start, text.find("élise").unwrap());
    assert_eq!(f[0].end, text.find(", merci").unwrap());
    assert_eq!(
        found("Send it to 'j.smith+test@example.co.uk'."),
        one(Kind::Email, "j.smith+test@example.co.uk")
    );
    assert_eq!(
        found("mailto:info@example.org"),
        one(Kind::Email, "info@example.org")
    );
}

#[test]
fn not_emails() {
    for t in [
        "See https://www.canada.ca/en/services.html for 3 services.",
        "Ping @canada on the team channel.",
        "user@localhost is not an address with a domain.",
    ] {
        assert_eq!(found(t), vec![], "{t}");
    }
}

#[test]
fn phones_in_english() {
    for (text, want) in [
        ("Call 613-555-0199 today.", "613-555-0199"),
        ("Call (613) 555-0199 today.", "(613) 555-0199"),
        ("Call 613.555.0199 today.", "613.555.0199"),
        ("Call +1 613 555 0199 today.", "+1 613 555 0199"),
        ("Call 1-800-622-6232 today.", "1-800-622-6232"),
        ("Call 6135550199 today.", "6135550199"),
        ("Call 613-555-0199 ext. 123 today.", "613-555-0199 ext. 123"),
        (
            "Call 613-555-0199, extension 4 today.",
            "613-555-0199, extension 4",
        ),
        ("Call 555-0199 locally.", "555-0199"),
        ("Call +44 20 7946 0958 in London.", "+44 20 7946 0958"),
        (
            "Call 613\u{2013}555\u{2013}0199 (en dashes).",
            "613\u{2013}555\u{2013}0199",
        ),
    ] {
        assert_eq!(found(text), one(Kind::Phone, want), "{text}");
    }
}

#[test]
fn phones_in_french() {
    let text = "Appelez le 514 555-0123, poste 221, ou le +33 1 23 45 67 89.";
    let f = screen(text);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].text, "514 555-0123, poste 221");
    assert_eq!(f[0].start, text.find("514").unwrap());
    assert_eq!(f[1].text, "+33 1 23 45 67 89");
    assert_eq!(f[1].end, text.len() - 1);
    // No-break spaces, as French typography writes them.
    assert_eq!(
        found("Téléphone\u{a0}: 819\u{a0}555-0147."),
        one(Kind::Phone, "819\u{a0}555-0147")
    );
}

#[test]
fn not_phones() {
    for t in [
        "Area code 123 555 0199 is not a valid area code.",
        "The exchange in 613-155-0199 starts with 1.",
        "Program code 510-3320 funds the pilot.",
        "The account ID 9283746501 is internal.",
        "ISO 27001-2013 applies.",
        "Fiscal year 2025-2026, dates 2026-11-29, time 10:30.",
        "Requirement 4.4.2.4 and version 2.13.0.",
        "The IP address 192.168.10.24 was logged.",
        "An increase of +20 000 000 $ was approved.",
        "Ticket INV-555-0199 is closed.",
    ] {
        assert!(
            !found(t).iter().any(|(k, _)| *k == Kind::Phone),
            "{t}: {:?}",
            found(t)
        );
    }
}

#[test]
fn sins_with_a_valid_check_digit() {
    for (text, want) in [
        ("SIN 418 609 137 was typed.", "418 609 137"),
        ("SIN 418-609-137 was typed.", "418-609-137"),
        ("SIN 418609137 was typed.", "418609137"),
        ("Le NAS 183 016 617 a été lu.", "183 016 617"),
        ("NAS\u{a0}: 183\u{a0}016\u{a0}617.", "183\u{a0}016\u{a0}617"),
        ("Temporary SIN 952 882 009 (starts with 9).", "952 882 009"),
    ] {
        assert_eq!(found(text), one(Kind::Sin, want), "{text}");
    }
    let text = "« M. Roy, 784 656 324, 12, rue des Érables »";
    let f = screen(text);
    assert_eq!(f[0].kind, Kind::Sin);
    assert_eq!(f[0].start, text.find("784").unwrap());
    assert_eq!(f[1].kind, Kind::StreetAddress);
    assert_eq!(f[1].text, "12, rue des Érables");
}

#[test]
fn not_sins() {
    for t in [
        "The number 123 456 789 fails the check digit.",
        "The sample 046 454 286 starts with 0.",
        "The test number 801 878 018 starts with 8.",
        "Le montant de 125 000 000 $ a été approuvé.",
        "Un total de 320 297 294 $ a été dépensé.",
        "We had 125 000 000 visits.",
        "Numéro de dossier 750 752 917, à traiter.",
        "File number 750752917 is closed.",
        "Business number 750752917 RT0001 was checked.",
        "The total was 1 418 609 137 views.",
        "Le code 418-609-137-2 est interne.",
    ] {
        assert!(
            !found(t).iter().any(|(k, _)| *k == Kind::Sin),
            "{t}: {:?}",
            found(t)
        );
    }
}

#[test]
fn postal_codes() {
    for (text, want) in [
        ("Ottawa ON K1A 0B1", "K1A 0B1"),
        ("Ottawa ON K1A0B1.", "K1A0B1"),
        ("code postal h3z 2y7, Montréal", "h3z 2y7"),
        ("V6B 2W9 in Vancouver", "V6B 2W9"),
    ] {
        assert_eq!(found(text), one(Kind::PostalCode, want), "{text}");
    }
    for t in [
        "The FSA K1A alone is not a postal code.",
        "D1A 1A1 cannot start with D.",
        "K1O 1A1 cannot use O.",
        "Z1A 1A1 cannot start with Z.",
        "The hash xK1A0B1y is glued to letters.",
    ] {
        assert_eq!(found(t), vec![], "{t}");
    }
}

#[test]
fn street_addresses_in_english() {
    for (text, want) in [
        ("Mail it to 123 Main Street today.", "123 Main Street"),
        ("Mail it to 45 Elgin St. today.", "45 Elgin St."),
        (
            "Mail it to 1600 Pennsylvania Ave NW today.",
            "1600 Pennsylvania Ave NW",
        ),
        (
            "Mail it to Unit 4, 220 King St W today.",
            "Unit 4, 220 King St W",
        ),
        ("Mail it to 220A King St W today.", "220A King St W"),
        ("Mail it to 4-220 King St W today.", "4-220 King St W"),
        (
            "Mail it to 350 Albert Street, Apt. 1202, today.",
            "350 Albert Street, Apt. 1202",
        ),
        ("Mail it to 100 5th Avenue today.", "100 5th Avenue"),
        ("Mail it to 25 St. Clair Ave E today.", "25 St. Clair Ave E"),
        ("Mail it to 500 Highway 7 East today.", "500 Highway 7 East"),
        ("Mail it to PO Box 123 today.", "PO Box 123"),
        (
            "It went to 12 Oak Street. Then it came back.",
            "12 Oak Street",
        ),
        (
            "Mail it to P.O. Box 58, Station A, today.",
            "P.O. Box 58, Station A",
        ),
    ] {
        assert_eq!(found(text), one(Kind::StreetAddress, want), "{text}");
    }
}

#[test]
fn street_addresses_in_french() {
    for (text, want) in [
        (
            "Écrivez au 123, rue Principale, Gatineau.",
            "123, rue Principale",
        ),
        (
            "Au 1010 boul. René-Lévesque Ouest, Montréal.",
            "1010 boul. René-Lévesque Ouest",
        ),
        (
            "Chez elle, app. 4, 55 chemin du Lac, à Magog.",
            "app. 4, 55 chemin du Lac",
        ),
        (
            "Au 50, rue de la Gauchetière Ouest, bureau 1500.",
            "50, rue de la Gauchetière Ouest, bureau 1500",
        ),
        ("Au 12, rue de l'Église, à Lévis.", "12, rue de l'Église"),
        (
            "Au 3400, montée Saint-Hubert, à Longueuil.",
            "3400, montée Saint-Hubert",
        ),
        ("Au 1234, route 138, à Forestville.", "1234, route 138"),
        (
            "Envoyez-le à la C.P. 1234, succursale B, à Ottawa.",
            "C.P. 1234, succursale B",
        ),
        ("Envoyez-le à la case postale 310.", "case postale 310"),
        (
            "Au 75, rue Queen, pièce 400, à Ottawa.",
            "75, rue Queen, pièce 400",
        ),
    ] {
        assert_eq!(found(text), one(Kind::StreetAddress, want), "{text}");
    }
}

#[test]
fn not_street_addresses() {
    for t in [
        "The test ran for 12 weeks with 8 participants.",
        "The Queen Street office hosted 3 rules workshops.",
        "8 participants on Main Street joined by video.",
        "Section 12 Street-level signage is out of scope.",
        "The 2019 Federal Court decision is cited.",
        "In 2025 Place du Portage hosted 3 workshops.",
        "En 2025, Place du Portage a accueilli 3 ateliers.",
        "Les 12 places disponibles ont été comblées.",
        "Les 4 routes principales étaient fermées.",
        "Appendix C, s. 4(1), art. 10, section 6.2.3.",
    ] {
        assert_eq!(found(t), vec![], "{t}");
    }
}

#[test]
fn money_dates_counts_and_citations_are_quiet() {
    for t in [
        "The budget is $50, 50 $, 1 000 000 $ or $1,000,000.",
        "Launch on 2026-11-29 or le 29 novembre 2026 at 10:00 / à 10 h.",
        "Directive on Service and Digital 4.4.2.4 and 100 000 situations.",
        "Form TBS/SCT 350-103 was revised in 2019.",
    ] {
        assert_eq!(found(t), vec![], "{t}");
    }
}

#[test]
fn overlapping_candidates_prefer_the_specific_kind() {
    // An e-mail address whose local part looks like a postal code.
    assert_eq!(
        found("Write to k1a0b1@example.ca."),
        one(Kind::Email, "k1a0b1@example.ca")
    );
    // A phone inside a longer phone with extension: one finding.
    assert_eq!(
        found("+1 613 555 0121, extension 24"),
        one(Kind::Phone, "+1 613 555 0121, extension 24")
    );
}

#[test]
fn labels_in_both_languages() {
    assert_eq!(Kind::Email.label("en"), "e-mail address");
    assert_eq!(Kind::Email.label("fr"), "adresse courriel");
    assert_eq!(Kind::Phone.label("fr-CA"), "numéro de téléphone");
    assert_eq!(Kind::Sin.label("en"), "Social Insurance Number");
    assert_eq!(Kind::Sin.label("FR"), "numéro d'assurance sociale");
    assert_eq!(Kind::PostalCode.label("fr"), "code postal");
    assert_eq!(Kind::StreetAddress.label("fr"), "adresse municipale");
    assert_eq!(Kind::StreetAddress.label(""), "street address");
}

#[test]
fn serde_shapes() {
    let f = screen("SIN 418 609 137")[0].clone();
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["kind"], "sin");
    assert_eq!(json["start"], 4);
    assert_eq!(json["end"], 15);
    let back: Finding = serde_json::from_value(json).unwrap();
    assert_eq!(back, f);
    let ff = FieldFinding {
        field: "title".into(),
        finding: f,
    };
    let json = serde_json::to_value(&ff).unwrap();
    assert_eq!(json["field"], "title");
    assert_eq!(json["kind"], "sin");
    assert_eq!(serde_json::from_value::<FieldFinding>(json).unwrap(), ff);
    assert_eq!(
        serde_json::to_value(Kind::PostalCode).unwrap(),
        "postal_code"
    );
    assert_eq!(
        serde_json::to_value(Kind::StreetAddress).unwrap(),
        "street_address"
    );
}

#[test]
fn fields_are_screened_in_order() {
    let got = screen_fields(&[
        ("title", "Call 613-555-0199"),
        ("narrative_en", "Nothing here."),
        ("advice_fr", "Écrire à a.b@exemple.ca ou au K1A 0B1."),
    ]);
    let summary: Vec<(&str, Kind, &str)> = got
        .iter()
        .map(|g| (g.field.as_str(), g.finding.kind, g.finding.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("title", Kind::Phone, "613-555-0199"),
            ("advice_fr", Kind::Email, "a.b@exemple.ca"),
            ("advice_fr", Kind::PostalCode, "K1A 0B1"),
        ]
    );
}

#[test]
fn remove_replaces_each_finding() {
    let text = "Call 613-555-0199 or write to a.b@example.ca (again: 613-555-0199).";
    let findings = screen(text);
    assert_eq!(findings.len(), 3);
    assert_eq!(
        remove(text, &findings),
        format!("Call {REMOVED} or write to {REMOVED} (again: {REMOVED}).")
    );
    // Only the chosen finding goes, with every copy of its text.
    let only_email: Vec<Finding> = findings
        .iter()
        .filter(|f| f.kind == Kind::Email)
        .cloned()
        .collect();
    assert_eq!(
        remove(text, &only_email),
        format!("Call 613-555-0199 or write to {REMOVED} (again: 613-555-0199).")
    );
    // A copy glued to a word (not detected there) is removed too.
    let text = "SIN 418 609 137; file x418 609 137";
    assert_eq!(
        remove(text, &screen(text)),
        format!("SIN {REMOVED}; file x{REMOVED}")
    );
    // Stale or nonsensical findings do not panic.
    let stale = Finding {
        kind: Kind::Phone,
        start: 3,
        end: 400,
        text: String::new(),
    };
    assert_eq!(remove("é-mail", &[stale]), "é-mail");
}

#[test]
fn huge_and_odd_input() {
    let unit = "Écrivez à a.b@exemple.ca, au 613-555-0199 ou au 123, rue Principale, K1A 0B1; \
                NAS 418 609 137. 🙂 ١٢٣ ４５６ \u{200b}\u{202e}";
    let text = unit.repeat(400);
    let start = std::time::Instant::now();
    let f = screen(&text);
    check_spans(&text, &f);
    assert_eq!(f.len(), 5 * 400);
    eprintln!("screened {} bytes in {:?}", text.len(), start.elapsed());
    for t in [
        "9".repeat(100_000),
        "@".repeat(10_000),
        "a@".repeat(10_000),
        "1 ".repeat(50_000),
        "A1".repeat(50_000),
        format!("{}@example.com", "a".repeat(10_000)),
        "123 Main ".repeat(10_000),
    ] {
        let f = screen(&t);
        check_spans(&t, &f);
    }
}

// ---------------------------------------------------------------------------------------------
// The labelled set.

#[test]
fn labelled_set_precision_and_recall() {
    let set = eval::parse_jsonl(LABELLED).expect("labelled set parses");
    let en = set.iter().filter(|i| i.lang == "en").count();
    let fr = set.iter().filter(|i| i.lang == "fr").count();
    assert!(set.len() >= 240, "{} strings", set.len());
    assert_eq!(en + fr, set.len(), "every string is en or fr");
    for item in &set {
        for e in &item.expect {
            assert!(
                item.text.contains(&e.text),
                "label {:?} is not in {:?}",
                e.text,
                item.text
            );
        }
    }
    let score = eval::score(&set);
    println!("{score}");
    let o = score.overall;
    assert!(
        o.precision() >= 0.95,
        "overall precision {:.3}",
        o.precision()
    );
    assert!(o.recall() >= 0.95, "overall recall {:.3}", o.recall());
    for kind in Kind::ALL {
        let c = score.kind(kind);
        assert!(c.true_pos > 0, "no {kind:?} in the set");
        assert!(
            c.precision() >= 0.9,
            "{kind:?} precision {:.3}",
            c.precision()
        );
        assert!(c.recall() >= 0.9, "{kind:?} recall {:.3}", c.recall());
    }
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// Strings made of the pieces personal information is made of, so that the properties meet
/// real findings and near misses, not only noise.
fn pi_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("613".to_owned()),
        Just("555-0199".to_owned()),
        Just("418 609 137".to_owned()),
        Just("K1A 0B1".to_owned()),
        Just("a.b@exemple.ca".to_owned()),
        Just(", rue Principale".to_owned()),
        Just(" Main Street".to_owned()),
        Just("PO Box ".to_owned()),
        Just("+33 ".to_owned()),
        Just(" ".to_owned()),
        Just("\u{a0}".to_owned()),
        Just("-".to_owned()),
        Just("é".to_owned()),
        "[0-9]{1,4}",
        "[A-Za-z@.()+,' -]{0,3}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn check_remove(text: &str) {
    let findings = screen(text);
    check_spans(text, &findings);
    let out = remove(text, &findings);
    for f in &findings {
        assert!(
            !out.contains(&f.text),
            "{:?} still in {out:?} (from {text:?})",
            f.text
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_remove(&text);
    }

    #[test]
    fn pi_like_strings_have_valid_spans(text in pi_like()) {
        check_remove(&text);
    }
}
