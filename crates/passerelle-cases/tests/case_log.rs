//! The case log with the real gc-digital pack, on SQLite and on PostgreSQL: recorded
//! verdicts, re-checks after a pack change, search in both languages, export and import.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use passerelle::Pack;
use passerelle::verdict::{EvalOptions, evaluate};
use passerelle_cases::jsonl;
use passerelle_cases::recheck::{RecheckOptions, recheck};
use passerelle_cases::search::{SearchIndex, SearchQuery};
use passerelle_cases::snapshot::{PackTexts, take};
use passerelle_check::answers::to_json;
use passerelle_diag::Lang;
use passerelle_store::testing::{self, TestDb};
use passerelle_store::{CaseStatus, Situation, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gc_digital() -> Pack {
    Pack::load(&[root().join("packs/gc-digital")]).unwrap()
}

fn date() -> jiff::civil::Date {
    jiff::civil::date(2026, 12, 1)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// gc-digital with one rule reworded and another one no longer applying.
fn changed_pack() -> Pack {
    let dir = std::env::temp_dir().join(format!(
        "passerelle-changed-pack-{}",
        passerelle_store::accounts::random_hex(6).unwrap()
    ));
    copy_dir(&root().join("packs/gc-digital"), &dir);
    let f = dir.join("privacy-act.md");
    let text = std::fs::read_to_string(&f).unwrap();
    let reworded = text.replacen(
        "en \"Tell each participant why you are collecting their information,",
        "en \"Before collecting anything, tell each participant why you are collecting their information,",
        1,
    );
    assert_ne!(reworded, text);
    let marker = "rule collect-only-what-you-need: must {\n  when researching and personal_info\n";
    assert!(reworded.contains(marker));
    let narrowed = reworded.replacen(
        marker,
        "rule collect-only-what-you-need: must {\n  when researching and personal_info and false\n",
        1,
    );
    std::fs::write(&f, narrowed).unwrap();
    let toml = dir.join("pack.toml");
    let manifest = std::fs::read_to_string(&toml).unwrap();
    let bumped = manifest.replacen("version = \"", "version = \"9.", 1);
    std::fs::write(&toml, bumped).unwrap();
    let pack = Pack::load(std::slice::from_ref(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    pack
}

/// One situation per scenario of the pack, with its verdict recorded.
fn situations(pack: &Pack, texts: &PackTexts) -> Vec<Situation> {
    pack.model
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            let fr = i % 2 == 1;
            Situation {
                id: format!("sc-{i:03}"),
                title: sc.id.replace('-', " "),
                narrative: sc.description.clone(),
                lang: if fr { "fr".into() } else { "en".into() },
                domains: vec![],
                journey: None,
                answers: to_json(&pack.model, &sc.given),
                pack: pack.top().0.to_string(),
                verdict: take(pack, texts, &sc.given, date()),
                advice_en: String::new(),
                advice_fr: String::new(),
                consulted: vec![],
                status: CaseStatus::Answered,
                rules: vec![],
                myths: vec![],
                checked: texts.stamps.clone(),
                review: None,
                created_by: "u-test".into(),
                created_at: "2026-11-29T10:00:00Z".into(),
                updated_by: "u-test".into(),
                updated_at: "2026-11-29T10:00:00Z".into(),
                revision: 1,
            }
        })
        .collect()
}

/// The recorded entries are exactly the ids of the verdict built with texts.
#[test]
fn snapshots_match_full_verdicts() {
    let pack = gc_digital();
    let texts = PackTexts::new(&pack);
    assert!(pack.model.scenarios.len() >= 40);
    for sc in &pack.model.scenarios {
        let as_of = sc.as_of.unwrap_or_else(date);
        let snap = take(&pack, &texts, &sc.given, as_of);
        let v = evaluate(
            &pack,
            &sc.given,
            as_of,
            Lang::En,
            EvalOptions { explain: false },
        );
        let ids =
            |e: &[passerelle_store::Entry]| e.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&snap.obligations),
            v.obligations
                .iter()
                .map(|o| o.id.clone())
                .collect::<Vec<_>>(),
            "{}",
            sc.id
        );
        assert_eq!(
            ids(&snap.to_confirm),
            v.to_confirm
                .iter()
                .map(|o| o.id.clone())
                .collect::<Vec<_>>(),
            "{}",
            sc.id
        );
        assert_eq!(
            ids(&snap.myths),
            v.myths.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
            "{}",
            sc.id
        );
    }
}

async fn recheck_suite(db: &TestDb, pack: &Pack, changed: &Pack) {
    let store = &db.store;
    let texts = PackTexts::new(pack);
    store.put_rule_texts(&texts.all()).await.unwrap();
    let all = situations(pack, &texts);
    for s in &all {
        store.create_situation(s, "create").await.unwrap();
    }
    let opts = RecheckOptions {
        as_of: date(),
        force: false,
        at: "2026-12-01T00:00:00Z".into(),
        actor: "system:recheck".into(),
    };
    // Same packs: nothing to do.
    let same = recheck(store, pack, &texts, &opts).await.unwrap();
    assert_eq!(same.current, all.len());
    assert_eq!(same.evaluated, 0);
    // Forced with the same packs: everything evaluated, nothing changed.
    let forced = recheck(
        store,
        pack,
        &texts,
        &RecheckOptions {
            force: true,
            ..opts.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (forced.evaluated, forced.unchanged, forced.flagged),
        (all.len(), all.len(), 0)
    );

    // The changed pack: the oracle is the full verdict under the old pack.
    let new_texts = PackTexts::new(changed);
    let sum = recheck(store, changed, &new_texts, &opts).await.unwrap();
    let mut expect_flagged = BTreeSet::new();
    for s in &all {
        let sc = &pack.model.scenarios[s.id[3..].parse::<usize>().unwrap()];
        let v = evaluate(
            pack,
            &sc.given,
            date(),
            Lang::En,
            EvalOptions { explain: false },
        );
        let has = |id: &str| v.obligations.iter().any(|o| o.id == id);
        let got = store.situation(&s.id).await.unwrap().unwrap();
        let changes: BTreeSet<(String, String, String)> = got
            .review
            .as_ref()
            .map(|r| {
                r.changes
                    .iter()
                    .map(|c| (c.list.clone(), c.change.clone(), c.id.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut want = BTreeSet::new();
        if has("tell-purpose") {
            want.insert((
                "obligations".into(),
                "changed".into(),
                "tell-purpose".into(),
            ));
        }
        if has("collect-only-what-you-need") {
            want.insert((
                "obligations".into(),
                "removed".into(),
                "collect-only-what-you-need".into(),
            ));
        }
        assert_eq!(changes, want, "{}", sc.id);
        if want.is_empty() {
            assert_eq!(got.status, CaseStatus::Answered, "{}", sc.id);
            assert_eq!(got.revision, 1);
        } else {
            expect_flagged.insert(s.id.clone());
            assert_eq!(got.status, CaseStatus::NeedsReview, "{}", sc.id);
            assert_eq!(got.revision, 2);
            // The texts on both sides are there to show.
            let r = got.review.as_ref().unwrap();
            for c in &r.changes {
                let fps: Vec<&str> = c
                    .before
                    .iter()
                    .chain(&c.after)
                    .map(String::as_str)
                    .collect();
                assert_eq!(store.rule_texts(&fps).await.unwrap().len(), fps.len());
            }
        }
        assert_eq!(got.checked, new_texts.stamps);
    }
    assert!(!expect_flagged.is_empty() && expect_flagged.len() < all.len());
    assert_eq!(sum.flagged, expect_flagged.len());
    assert_eq!(sum.unchanged, all.len() - expect_flagged.len());
    let text = sum.describe(Lang::Fr);
    assert!(text.contains("à revoir"), "{text}");
    // A second run finds everything current; no audit rows are added.
    let seq = store.last_audit_seq().await.unwrap();
    let again = recheck(store, changed, &new_texts, &opts).await.unwrap();
    assert_eq!(again.current, all.len());
    assert_eq!(store.last_audit_seq().await.unwrap(), seq);
}

fn situation(id: &str, lang: &str, title: &str, narrative: &str, status: CaseStatus) -> Situation {
    Situation {
        id: id.into(),
        title: title.into(),
        narrative: narrative.into(),
        lang: lang.into(),
        domains: vec![
            if id.starts_with("buy") {
                "procurement"
            } else {
                "privacy"
            }
            .into(),
        ],
        journey: None,
        answers: serde_json::json!({}),
        pack: "gc-digital".into(),
        verdict: passerelle_store::Snapshot {
            obligations: vec![passerelle_store::Entry {
                id: if id.starts_with("buy") {
                    "solicit-bids"
                } else {
                    "tell-purpose"
                }
                .into(),
                fp: "x".into(),
            }],
            ..Default::default()
        },
        advice_en: String::new(),
        advice_fr: String::new(),
        consulted: vec![],
        status,
        rules: vec![],
        myths: vec![],
        checked: vec![],
        review: None,
        created_by: "u".into(),
        created_at: "2026-11-01T10:00:00Z".into(),
        updated_by: "u".into(),
        updated_at: format!("2026-11-{}T10:00:00Z", 10 + id.len()),
        revision: 1,
    }
}

fn search_corpus() -> Vec<Situation> {
    let mut a = situation(
        "research-en",
        "en",
        "Remote usability testing with the public",
        "We are testing a prototype with participants recruited online; sessions are recorded.",
        CaseStatus::Published,
    );
    a.advice_en = "Give each participant a privacy notice before the session.".into();
    let mut b = situation(
        "research-fr",
        "fr",
        "Tests d'utilisabilité à distance",
        "Nous testons un prototype avec huit participants; les séances sont enregistrées et la vidéo est hébergée aux États-Unis.",
        CaseStatus::Published,
    );
    b.advice_fr = "Remettez un avis de confidentialité avant chaque séance.".into();
    let c = situation(
        "buy-en",
        "en",
        "Buying a project management subscription",
        "A one-year software subscription holding Protected A information.",
        CaseStatus::Draft,
    );
    let d = situation(
        "buy-fr",
        "fr",
        "Achat d'un logiciel-service de gestion de projets",
        "Abonnement d'un an; renseignements protégés A; données hébergées au Canada.",
        CaseStatus::Published,
    );
    vec![a, b, c, d]
}

fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<String> {
    idx.search(&q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn text(t: &str) -> SearchQuery {
    SearchQuery {
        text: t.into(),
        ..SearchQuery::default()
    }
}

async fn search_suite(store: &Store) -> Vec<Vec<String>> {
    for s in search_corpus() {
        store.create_situation(&s, "create").await.unwrap();
    }
    let idx = SearchIndex::build(store).await.unwrap();
    assert_eq!(idx.len(), 4);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let mut out = Vec::new();
    // Accents folded: typed without accents, found with them (and the other way round).
    let r = ids(&idx, text("utilisabilite"));
    assert_eq!(r, ["research-fr"]);
    out.push(r);
    let r = sorted(ids(&idx, text("hébergé")));
    assert_eq!(r, ["buy-fr", "research-fr"]);
    out.push(r);
    // Stemmed: English and French inflections.
    let r = ids(&idx, text("subscriptions"));
    assert_eq!(r, ["buy-en"]);
    out.push(r);
    let r = ids(&idx, text("recording"));
    assert_eq!(r, ["research-en"]);
    out.push(r);
    let r = ids(&idx, text("seance"));
    assert_eq!(r, ["research-fr"]);
    out.push(r);
    let r = sorted(ids(&idx, text("prototypes")));
    assert_eq!(r, ["research-en", "research-fr"]);
    out.push(r);
    // Advice is searched too, in its language.
    let r = ids(&idx, text("confidentialité"));
    assert_eq!(r, ["research-fr"]);
    out.push(r);
    // Every word must match.
    assert!(ids(&idx, text("prototype subscription")).is_empty());
    // Ranked: a title match weighs more than a narrative match.
    let r = ids(&idx, text("usability participants"));
    assert_eq!(r[0], "research-en");
    out.push(r);
    // Filters.
    let r = ids(
        &idx,
        SearchQuery {
            statuses: vec![CaseStatus::Published],
            ..SearchQuery::default()
        },
    );
    assert_eq!(r.len(), 3);
    assert!(!r.contains(&"buy-en".to_string()));
    out.push(r);
    let r = sorted(ids(
        &idx,
        SearchQuery {
            domains: vec!["procurement".into()],
            ..SearchQuery::default()
        },
    ));
    assert_eq!(r, ["buy-en", "buy-fr"]);
    out.push(r);
    let r = sorted(ids(
        &idx,
        SearchQuery {
            rules: vec!["tell-purpose".into()],
            ..SearchQuery::default()
        },
    ));
    assert_eq!(r, ["research-en", "research-fr"]);
    out.push(r);
    let r = sorted(ids(
        &idx,
        SearchQuery {
            from: Some(jiff::civil::date(2026, 11, 21)),
            ..SearchQuery::default()
        },
    ));
    assert_eq!(r, ["research-en", "research-fr"]);
    out.push(r);
    // Others in your situation: same rules, published, not itself.
    let rel: Vec<String> = idx
        .related(
            &["tell-purpose".into()],
            &[CaseStatus::Published],
            Some("research-en"),
            5,
        )
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(rel, ["research-fr"]);
    out.push(rel);
    // Changes made elsewhere (another instance) show after a refresh.
    let mut e = situation(
        "buy-x",
        "en",
        "Hosting a booking service",
        "Protected B cloud.",
        CaseStatus::Published,
    );
    e.advice_en = "Use the cloud guardrails.".into();
    store.create_situation(&e, "create").await.unwrap();
    assert!(ids(&idx, text("guardrails")).is_empty());
    assert!(idx.refresh(store).await.unwrap() >= 1);
    assert_eq!(ids(&idx, text("guardrails")), ["buy-x"]);
    out
}

async fn round_trip(from: &Store, to: &Store) {
    let mut first = Vec::new();
    let n = jsonl::export(from, &mut first).await.unwrap();
    assert!(n > 0);
    let records = jsonl::parse(std::str::from_utf8(&first).unwrap()).unwrap();
    let done = jsonl::import(to, &records, "system:import", "2026-12-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(done.situations, n);
    let mut second = Vec::new();
    jsonl::export(to, &mut second).await.unwrap();
    assert_eq!(
        String::from_utf8(first).unwrap(),
        String::from_utf8(second).unwrap(),
        "export, import, export must give the same bytes"
    );
}

async fn everything(backend: &str) -> Vec<Vec<String>> {
    let pack = gc_digital();
    let changed = changed_pack();
    let db = testing::fresh(backend)
        .await
        .unwrap_or_else(|e| panic!("{backend}: {e}"));
    recheck_suite(&db, &pack, &changed).await;
    // Export from this backend, import into the other, and back.
    let other = testing::fresh(if backend == "sqlite" {
        "postgres"
    } else {
        "sqlite"
    })
    .await
    .unwrap();
    round_trip(&db.store, &other.store).await;
    other.drop_db().await.unwrap();
    db.drop_db().await.unwrap();

    let db = testing::fresh(backend).await.unwrap();
    let results = search_suite(&db.store).await;
    db.drop_db().await.unwrap();
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_results_on_sqlite_and_postgres() {
    let sqlite = everything("sqlite").await;
    let postgres = everything("postgres").await;
    assert_eq!(sqlite, postgres);
}
