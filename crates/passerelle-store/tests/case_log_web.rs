//! What the web service adds to the case log's storage, run identically against SQLite and
//! PostgreSQL: notes in audit rows, counting situations a re-check would evaluate, and the
//! oldest failed sign-in of a rate-limit window.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use passerelle_store::testing::{self, TestDb};
use passerelle_store::{CaseStatus, PackStamp, Situation, Snapshot, WriteOutcome};
use serde_json::json;

fn stamp(v: &str) -> PackStamp {
    PackStamp {
        id: "gc-digital".into(),
        version: v.into(),
        digest: format!("digest-{v}"),
    }
}

fn situation(id: &str, checked: &str) -> Situation {
    Situation {
        id: id.into(),
        title: "Remote usability tests".into(),
        narrative: "Eight participants; call the office at 1-800-622-6232.".into(),
        lang: "en".into(),
        domains: vec!["privacy".into()],
        journey: None,
        answers: json!({}),
        pack: "gc-digital".into(),
        verdict: Snapshot::default(),
        advice_en: String::new(),
        advice_fr: String::new(),
        consulted: vec![],
        status: CaseStatus::Draft,
        rules: vec![],
        myths: vec![],
        checked: vec![stamp(checked)],
        review: None,
        created_by: "u1".into(),
        created_at: "2026-11-29T10:00:00Z".into(),
        updated_by: "u1".into(),
        updated_at: "2026-11-29T10:00:00Z".into(),
        revision: 1,
    }
}

async fn suite(db: TestDb) {
    let s = &db.store;
    let note =
        json!({"confirmed": [{"field": "narrative", "kind": "phone", "text": "1-800-622-6232"}]});
    let a = situation("a", "1.0.0");
    s.create_situation_noted(&a, "create", Some(&note))
        .await
        .unwrap();
    s.create_situation(&situation("b", "2.0.0"), "create")
        .await
        .unwrap();
    let trail = s.audit_trail(None, 10, Some("a")).await.unwrap();
    assert_eq!(trail.len(), 1);
    let after = trail[0].new_value.as_ref().unwrap();
    assert_eq!(after["note"], note);
    assert_eq!(after["title"], "Remote usability tests");
    // The note is not part of the situation.
    assert_eq!(s.situation("a").await.unwrap().unwrap(), a);

    let mut a2 = a.clone();
    a2.narrative = "Eight participants.".into();
    a2.revision = 2;
    assert_eq!(
        s.update_situation_noted(&a2, 1, "update", Some(&json!({"confirmed": []})))
            .await
            .unwrap(),
        WriteOutcome::Done
    );
    let trail = s.audit_trail(None, 10, Some("a")).await.unwrap();
    assert_eq!(trail[0].action, "update");
    assert_eq!(
        trail[0].new_value.as_ref().unwrap()["note"],
        json!({"confirmed": []})
    );
    assert!(trail[0].old_value.as_ref().unwrap().get("note").is_none());
    // Without a note, no `note` key.
    let b = s.audit_trail(None, 10, Some("b")).await.unwrap();
    assert!(b[0].new_value.as_ref().unwrap().get("note").is_none());

    // Situations a re-check against 2.0.0 would evaluate: only `a`.
    assert_eq!(
        s.count_unchecked("gc-digital", &[stamp("2.0.0")])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.count_unchecked("gc-digital", &[stamp("3.0.0")])
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.count_unchecked("other-pack", &[stamp("3.0.0")])
            .await
            .unwrap(),
        0
    );

    // The oldest failure in a window.
    assert_eq!(
        s.oldest_failure_since("user:x", "2026-01-01T00:00:00Z")
            .await
            .unwrap(),
        None
    );
    s.record_failure(&["user:x", "ip:1"], "2026-11-29T10:00:05Z")
        .await
        .unwrap();
    s.record_failure(&["user:x"], "2026-11-29T10:00:01Z")
        .await
        .unwrap();
    s.record_failure(&["user:x"], "2026-11-29T09:00:00Z")
        .await
        .unwrap();
    assert_eq!(
        s.oldest_failure_since("user:x", "2026-11-29T09:45:00Z")
            .await
            .unwrap()
            .as_deref(),
        Some("2026-11-29T10:00:01Z")
    );
    assert_eq!(
        s.failures_since("user:x", "2026-11-29T09:45:00Z")
            .await
            .unwrap(),
        2
    );
    db.drop_db().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_support_on_sqlite() {
    suite(testing::sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_support_on_postgres() {
    suite(testing::postgres().await.unwrap()).await;
}
