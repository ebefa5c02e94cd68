//! Tests against the real official texts (Justice Laws XML, Treasury Board XML, web
//! captures). The folder is `$PASSERELLE_SOURCES`, or `shared/data` beside the
//! repository; the tests fail with a clear message when it is missing.

use std::collections::BTreeSet;
use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;

use passerelle_sources::{Format, Kind, Language, OfficialText, Provision, SourceError, SourceSet};

type TestResult = Result<(), Box<dyn Error>>;

const P21_EN: &str = "laws/eng/P-21.xml";
const P21_FR: &str = "laws/fra/P-21.xml";
const P21_2024: &str = "laws/history/P-21.eng.2024-10-24.xml";
const A06_EN: &str = "laws/eng/A-0.6.xml";
const A06_2021: &str = "laws/history/A-0.6.eng.2021-02-26.xml";
const REGS_EN: &str = "laws/eng/SOR-83-508.xml";
const REGS_FR: &str = "laws/fra/DORS-83-508.xml";
const OLA_EN: &str = "laws/eng/O-3.01.xml";
const OLA_FR: &str = "laws/fra/O-3.01.xml";
const DPP: &str = "tbs/Privacy_Practices__Directive_on_18309_2024-11-08.xml";
const DSD: &str = "tbs/Service_and_Digital__Directive_on_32601_2025-08-29.xml";
const DMCFI: &str =
    "tbs/Communications_and_Federal_Identity__Directive_on_the_Management_of_30682_2025-03-27.xml";
const DSM: &str = "tbs/Security_Management__Directive_on_32611_2019-07-01.xml";
const EX_GRATIA: &str = "tbs/Ex_Gratia_Payments_Honorariums_and_Gifts__Guide_to_2025-08-31.html";
const OL_PROCUREMENT: &str = "tbs/Guide_to_Official_Languages_in_Federal_Procurement.md";

fn data_dir() -> Result<PathBuf, String> {
    let dir = match std::env::var_os("PASSERELLE_SOURCES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    if dir.join("laws").is_dir() && dir.join("tbs").is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "official texts not found: {} has no laws/ and tbs/ folders; set \
             PASSERELLE_SOURCES to the folder holding them (such as shared/data)",
            dir.display()
        ))
    }
}

fn sources() -> Result<SourceSet, Box<dyn Error>> {
    Ok(SourceSet::open(&data_dir()?)?)
}

/// The provision, or an error naming the closest labels.
fn get(doc: &OfficialText, section: &str) -> Result<Provision, Box<dyn Error>> {
    doc.provision(section).cloned().ok_or_else(|| {
        format!(
            "{}: no provision {section:?}; nearest: {:?}",
            doc.path(),
            doc.nearest(section, 5)
        )
        .into()
    })
}

fn assert_contains(provision: &Provision, needles: &[&str]) {
    for needle in needles {
        assert!(
            provision.text.contains(needle),
            "{} does not contain {needle:?}: {}",
            provision.section,
            provision.text
        );
    }
}

/// Labels of the provisions whose fingerprint differs between two versions, plus
/// those present in only one of them.
fn drift(old: &OfficialText, new: &OfficialText) -> BTreeSet<String> {
    let mut changed = BTreeSet::new();
    for p in old.provisions() {
        match new.provision(&p.section) {
            Some(q) if q.fingerprint() == p.fingerprint() => {}
            _ => {
                changed.insert(p.section.clone());
            }
        }
    }
    for q in new.provisions() {
        if old.provision(&q.section).is_none() {
            changed.insert(q.section.clone());
        }
    }
    changed
}

#[test]
fn privacy_act_5_2_in_english() -> TestResult {
    let set = sources()?;
    let act = set.document(P21_EN)?;
    assert_eq!(act.format(), Format::JusticeLaws);
    assert_eq!(act.language(), Language::En);
    assert_eq!(act.title(), "Privacy Act");
    assert_eq!(act.identifier(), Some("P-21"));
    assert_eq!(act.dates().current_to.as_deref(), Some("2026-03-02"));
    assert_eq!(act.dates().point_in_time.as_deref(), Some("2025-06-02"));
    let s52 = get(&act, "5(2)")?;
    assert_eq!(s52.kind, Kind::Subsection);
    assert_eq!(
        s52.heading.as_deref(),
        Some("Individual to be informed of purpose")
    );
    assert_eq!(
        s52.text,
        "A government institution shall inform any individual from whom the institution \
         collects personal information about the individual of the purpose for which the \
         information is being collected."
    );
    assert_eq!(get(&act, " 5 (2) ")?, s52);
    Ok(())
}

#[test]
fn privacy_act_5_2_in_french() -> TestResult {
    let set = sources()?;
    let loi = set.document(P21_FR)?;
    assert_eq!(loi.language(), Language::Fr);
    assert_eq!(
        loi.title(),
        "Loi sur la protection des renseignements personnels"
    );
    let s52 = get(&loi, "5(2)")?;
    assert_contains(
        &s52,
        &[
            "Une institution fédérale est tenue d’informer l’individu",
            "renseignements personnels",
            "des fins auxquelles ils sont destinés",
        ],
    );
    assert_eq!(
        s52.heading.as_deref(),
        Some("Mise au courant de l’intéressé")
    );
    Ok(())
}

#[test]
fn a_section_contains_its_subsections_in_order_without_notes() -> TestResult {
    let set = sources()?;
    let act = set.document(P21_EN)?;
    let s5 = get(&act, "5")?;
    assert_eq!(s5.kind, Kind::Section);
    let mut from = 0;
    for sub in ["5(1)", "5(2)", "5(3)"] {
        let text = get(&act, sub)?.text;
        let at = s5
            .text
            .get(from..)
            .and_then(|rest| rest.find(&text))
            .ok_or_else(|| format!("{sub} missing or out of order in 5"))?;
        from += at + text.len();
    }
    assert!(s5.text.starts_with("(1) A government institution shall"));
    assert!(
        s5.text
            .ends_with(&format!("(b) {}", get(&act, "5(3)(b)")?.text))
    );
    assert!(
        !s5.text.contains("1980-81-82-83"),
        "historical note in text"
    );
    assert!(!s5.text.contains("Exception"), "marginal note in text");
    Ok(())
}

#[test]
fn privacy_act_8_2_a_and_definitions() -> TestResult {
    let set = sources()?;
    let act = set.document(P21_EN)?;
    let para = get(&act, "8(2)(a)")?;
    assert_eq!(para.kind, Kind::Paragraph);
    assert_eq!(
        para.text,
        "for the purpose for which the information was obtained or compiled by the \
         institution or for a use consistent with that purpose;"
    );
    let def = get(&act, "3 \"personal information\"")?;
    assert_eq!(def.kind, Kind::Definition);
    assert!(
        def.text
            .starts_with("personal information means information about an identifiable individual")
    );
    assert_contains(
        &get(&act, "3 \"personal information\"(d)")?,
        &["fingerprints"],
    );
    // Either language's term reaches the definition, in either file.
    assert_eq!(
        get(&act, "3 « renseignements personnels »")?.section,
        def.section
    );
    let loi = set.document(P21_FR)?;
    assert_eq!(get(&loi, "8(2)(a)")?.section, "8(2)a)");
    assert_contains(
        &get(&loi, "8(2)a)")?,
        &["fins auxquelles ils ont été recueillis"],
    );
    let fr = get(&loi, "3 \"personal information\"")?;
    assert_eq!(fr.section, "3 \"renseignements personnels\"");
    assert_contains(&fr, &["identifiable"]);
    assert_contains(&get(&act, "3")?, &["In this Act, administrative purpose"]);
    Ok(())
}

#[test]
fn privacy_regulations_4_1_a() -> TestResult {
    let set = sources()?;
    let regs = set.document(REGS_EN)?;
    assert_eq!(regs.title(), "Privacy Regulations");
    assert_eq!(regs.identifier(), Some("SOR/83-508"));
    assert_eq!(regs.dates().consolidated.as_deref(), Some("2025-07-25"));
    let p = get(&regs, "4(1)(a)")?;
    assert_eq!(
        p.text,
        "for at least two years following the last time the personal information was used \
         for an administrative purpose unless the individual consents to its disposal; and"
    );
    let fr = set.document(REGS_FR)?;
    assert_eq!(fr.language(), Language::Fr);
    // French labels paragraphs `a)`; the English form finds them too.
    let alinea = get(&fr, "4(1)(a)")?;
    assert_eq!(alinea.section, "4(1)a)");
    assert_contains(&alinea, &["deux ans"]);
    // Schedules, their items and the sections of Schedule V.
    assert_eq!(get(&regs, "schedule ii")?.kind, Kind::Schedule);
    assert_contains(&get(&regs, "SCHEDULE V, 1(a)")?, &["flight safety"]);
    assert_eq!(get(&fr, "SCHEDULE V, 1(a)")?.section, "ANNEXE V, 1a)");
    Ok(())
}

#[test]
fn official_languages_act_part_iv_in_both_languages() -> TestResult {
    let set = sources()?;
    let en = set.document(OLA_EN)?;
    let part = get(&en, "Part IV")?;
    assert_eq!(part.kind, Kind::Part);
    assert_eq!(
        part.heading.as_deref(),
        Some("Communications with and Services to the Public")
    );
    assert!(part.text.contains(&get(&en, "22")?.text));
    assert!(
        !part.text.contains(&get(&en, "34")?.text),
        "Part IV ran into Part V"
    );
    let fr = set.document(OLA_FR)?;
    assert_eq!(get(&fr, "part iv")?.section, "PARTIE IV");
    Ok(())
}

#[test]
fn directive_on_privacy_practices() -> TestResult {
    let set = sources()?;
    let dpp = set.document(DPP)?;
    assert_eq!(dpp.format(), Format::TbsPolicy);
    assert_eq!(dpp.title(), "Directive on Privacy Practices");
    assert_eq!(dpp.identifier(), Some("18309"));
    assert_eq!(dpp.dates().file_name.as_deref(), Some("2024-11-08"));
    let clause = get(&dpp, "4.2.20")?;
    assert_eq!(clause.kind, Kind::Clause);
    assert_contains(
        &clause,
        &[
            "Notifying the individual whose personal information is collected directly of:",
            "4.2.20.4 The relevant PIB description;",
            "the institution’s handling of the individual’s personal information",
        ],
    );
    assert_eq!(get(&dpp, "4.2.20.4")?.text, "The relevant PIB description;");
    assert_eq!(
        get(&dpp, "C.2.2.9.3")?.text,
        "When the official responsible for section 10 of the Privacy Act determines that a \
         PIA is warranted given the potential risks associated with any administrative or \
         non-administrative use of personal information; or"
    );
    let appendix = get(&dpp, "C")?;
    assert_eq!(appendix.kind, Kind::Appendix);
    assert_eq!(
        appendix.heading.as_deref(),
        Some("Standard on Privacy Impact Assessment")
    );
    assert_eq!(get(&dpp, "Appendix C")?, appendix);
    assert_contains(&get(&dpp, "A \"privacy notice\"")?, &["privacy notice"]);
    Ok(())
}

#[test]
fn directive_on_service_and_digital_4_3_24() -> TestResult {
    let set = sources()?;
    let dsd = set.document(DSD)?;
    assert_contains(
        &get(&dsd, "4.3.24")?,
        &[
            "within the geographic boundaries of Canada",
            "principal delivery option",
            "Protected B or Protected C or is classified",
        ],
    );
    Ok(())
}

#[test]
fn communications_directive_appendix_b_2_2_8() -> TestResult {
    let set = sources()?;
    let dmcfi = set.document(DMCFI)?;
    assert_eq!(
        get(&dmcfi, "B.2.2.8")?.text,
        "Consult with the Public Opinion Research Directorate of Public Services and \
         Procurement Canada: B.2.2.8.1 before initiating procurement; and B.2.2.8.2 to \
         obtain project registration numbers before contracts are awarded."
    );
    // The anchor is written `B.2.2.10Â ` upstream.
    assert_contains(&get(&dmcfi, "B.2.2.10")?, &["Coordinate all procurement"]);
    Ok(())
}

#[test]
fn nonexistent_sections_are_none_with_suggestions() -> TestResult {
    let set = sources()?;
    let act = set.document(P21_EN)?;
    for missing in [
        "999",
        "5(9)",
        "5(2)(z)",
        "",
        "  ",
        "schedule ix",
        "3 \"cheese\"",
    ] {
        assert!(act.provision(missing).is_none(), "{missing:?} resolved");
    }
    assert_eq!(act.nearest("5(2)(z)", 1), vec!["5(2)"]);
    assert!(act.nearest("8(2)(q)", 3).contains(&"8(2)"));
    let dpp = set.document(DPP)?;
    assert!(dpp.provision("4.2.99").is_none());
    assert_eq!(dpp.nearest("4.2.99", 1), vec!["4.2"]);
    Ok(())
}

#[test]
fn web_captures() -> TestResult {
    let set = sources()?;
    let page = set.document(EX_GRATIA)?;
    assert_eq!(page.format(), Format::Html);
    assert_eq!(
        page.title(),
        "Guide to Ex Gratia Payments, Honorariums and Gifts"
    );
    assert_eq!(page.dates().modified.as_deref(), Some("2024-07-16"));
    let p32 = get(&page, "3.2")?;
    assert_eq!(
        p32.heading.as_deref(),
        Some("Considerations for issuing an ex gratia payment")
    );
    assert_contains(
        &p32,
        &[
            "ex gratia payments should be considered only in situations of loss or incurred expenditure",
        ],
    );
    assert_contains(&get(&page, "4.4.1.1")?, &["deputy head"]);
    assert_contains(
        &get(&page, "Appendix A")?,
        &["The Treasury Board may authorize any ex gratia payment."],
    );

    let notice = set.document(OL_PROCUREMENT)?;
    assert_eq!(notice.format(), Format::Markdown);
    assert_eq!(notice.identifier(), Some("2022-4"));
    assert_eq!(notice.dates().modified.as_deref(), Some("2022-12-21"));
    assert_contains(
        &get(&notice, "Overview")?,
        &["Canada has official languages obligations under the Official Languages Act"],
    );
    Ok(())
}

#[test]
fn privacy_act_drift_is_only_the_schedule() -> TestResult {
    let set = sources()?;
    let old = set.document(P21_2024)?;
    let new = set.document(P21_EN)?;
    assert_eq!(old.dates().point_in_time.as_deref(), Some("2024-09-20"));
    assert_eq!(
        get(&old, "5(2)")?.fingerprint(),
        get(&new, "5(2)")?.fingerprint()
    );
    let old_schedule = get(&old, "SCHEDULE")?;
    let new_schedule = get(&new, "SCHEDULE")?;
    assert_ne!(old_schedule.fingerprint(), new_schedule.fingerprint());
    assert!(new_schedule.text.contains("Canada Water Agency"));
    assert!(!old_schedule.text.contains("Canada Water Agency"));
    // Amendment citations and consolidation metadata changed too, but no wording
    // outside the schedule: nothing else may be reported.
    assert_eq!(drift(&old, &new), BTreeSet::from(["SCHEDULE".to_owned()]));
    Ok(())
}

#[test]
fn accessible_canada_act_drift() -> TestResult {
    let set = sources()?;
    let old = set.document(A06_2021)?;
    let new = set.document(A06_EN)?;
    let (before, after) = (get(&old, "42(1)(b)")?, get(&new, "42(1)(b)")?);
    assert_ne!(before.fingerprint(), after.fingerprint());
    assert!(
        before
            .text
            .contains("licence issued under Part II of the Broadcasting Act")
    );
    assert!(
        after
            .text
            .contains("imposed on the regulated entity under section 9.1")
    );
    assert_eq!(get(&old, "5")?.fingerprint(), get(&new, "5")?.fingerprint());
    let expected: BTreeSet<String> = [
        "PART 4",
        "42",
        "42(1)",
        "42(1)(b)",
        "PART 8",
        "118",
        "118(3)",
        "118(3)(a)",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(drift(&old, &new), expected);
    Ok(())
}

#[test]
fn every_document_parses_cleanly() -> TestResult {
    let set = sources()?;
    let documents = set.documents()?;
    assert!(documents.len() >= 30, "only {documents:?}");
    for rel in &documents {
        let doc = set.document(rel)?;
        assert!(!doc.title().is_empty(), "{rel}: no title");
        assert!(
            doc.provisions().len() >= 3,
            "{rel}: {} provisions",
            doc.provisions().len()
        );
        for p in doc.provisions() {
            assert!(!p.section.trim().is_empty(), "{rel}: empty label");
            assert_eq!(p.text, p.text.trim(), "{rel} {}: untrimmed", p.section);
            assert!(!p.text.contains("  "), "{rel} {}: double space", p.section);
            assert!(
                !p.text.contains(['\u{a0}', 'Â', 'Ã', '\u{80}', '\u{99}']),
                "{rel} {}: encoding artefact in {:?}",
                p.section,
                p.text
            );
            assert!(
                doc.provision(&p.section).is_some(),
                "{rel}: {} unreachable",
                p.section
            );
        }
        let expected_warnings = usize::from(rel == DSM);
        assert_eq!(
            doc.warnings().len(),
            expected_warnings,
            "{rel}: {:?}",
            doc.warnings()
        );
    }
    Ok(())
}

#[test]
fn documents_are_cached_and_shared_across_threads() -> TestResult {
    let set = Arc::new(sources()?);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let set = Arc::clone(&set);
            std::thread::spawn(move || set.document(DPP).map(|d| d.provisions().len()))
        })
        .collect();
    for handle in handles {
        let count = handle.join().map_err(|_| "thread panicked")??;
        assert!(count > 300);
    }
    assert!(Arc::ptr_eq(
        &set.document(DPP)?,
        &set.document(&format!("./{DPP}"))?
    ));
    assert!(matches!(
        set.document("../data/laws/eng/P-21.xml"),
        Err(SourceError::PathEscapes { .. })
    ));
    Ok(())
}
