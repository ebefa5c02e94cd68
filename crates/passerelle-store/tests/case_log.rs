//! The case log's storage, run identically against SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use passerelle_store::testing::{self, TestDb};
use passerelle_store::{
    CaseStatus, Entry, ListFilter, NewUser, PackStamp, RecheckUpdate, Review, Role, RuleText,
    Situation, Snapshot, WriteOutcome, accounts,
};
use serde_json::json;

fn stamp(v: &str) -> PackStamp {
    PackStamp {
        id: "gc-digital".into(),
        version: v.into(),
        digest: format!("digest-{v}"),
    }
}

fn entry(id: &str, fp: &str) -> Entry {
    Entry {
        id: id.into(),
        fp: fp.into(),
    }
}

fn situation(id: &str, user: &str) -> Situation {
    Situation {
        id: id.into(),
        title: "Tests d'utilisabilité à distance".into(),
        narrative:
            "Huit participants, cartes-cadeaux de 50 $, vidéo dans un outil hébergé aux États-Unis."
                .into(),
        lang: "fr".into(),
        domains: vec!["privacy".into(), "research".into()],
        journey: Some("user-research".into()),
        answers: json!({"participants_public": true, "gift_card_value": 5000}),
        pack: "gc-digital".into(),
        verdict: Snapshot {
            packs: vec![stamp("1.0.0")],
            as_of: "2026-11-29".into(),
            obligations: vec![entry("privacy-notice", "fp1"), entry("consent[0]", "fp2")],
            myths: vec![entry("myth-no-gift-cards", "fp3")],
            to_confirm: vec![],
        },
        advice_en: "Give a privacy notice.".into(),
        advice_fr: "Remettez un avis de confidentialité.".into(),
        consulted: vec!["atip".into()],
        status: CaseStatus::Draft,
        rules: vec![],
        myths: vec![],
        checked: vec![stamp("1.0.0")],
        review: None,
        created_by: user.into(),
        created_at: "2026-11-29T10:00:00Z".into(),
        updated_by: user.into(),
        updated_at: "2026-11-29T10:00:00Z".into(),
        revision: 1,
    }
}

fn text(fp: &str) -> RuleText {
    RuleText {
        fp: fp.into(),
        kind: "obligation".into(),
        id: "privacy-notice".into(),
        pack: "gc-digital".into(),
        text_en: "Tell people why.".into(),
        text_fr: "Dites pourquoi.".into(),
        verdict: String::new(),
        citations: vec![],
    }
}

async fn suite(db: TestDb) {
    let s = &db.store;
    // Accounts.
    let hash = accounts::hash_password("a long passphrase").unwrap();
    let alice = s
        .create_user(
            &NewUser {
                username: "Alice",
                display_name: "Alice A.",
                role: Role::Contributor,
                password_hash: Some(hash),
                oidc_subject: None,
            },
            "system:test",
            "2026-11-29T09:00:00Z",
        )
        .await
        .unwrap();
    assert_eq!(alice.username, "alice");
    assert!(matches!(
        s.create_user(
            &NewUser {
                username: "ALICE",
                display_name: "x",
                role: Role::Admin,
                password_hash: None,
                oidc_subject: None
            },
            "system:test",
            "2026-11-29T09:00:00Z"
        )
        .await,
        Err(passerelle_store::StoreError::Taken(_))
    ));
    assert_eq!(
        s.check_password("alice", "a long passphrase")
            .await
            .unwrap(),
        Some(alice.clone())
    );
    assert_eq!(s.check_password("alice", "wrong").await.unwrap(), None);
    assert_eq!(s.check_password("nobody", "wrong").await.unwrap(), None);

    // Sessions.
    let (token, csrf) = s
        .create_session(&alice.id, "2026-11-29T09:00:00Z", "2026-11-29T17:00:00Z")
        .await
        .unwrap();
    let sess = s
        .session(&token, "2026-11-29T10:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sess.user, alice);
    assert_eq!(sess.csrf, csrf);
    assert!(
        s.session(&token, "2026-11-29T18:00:00Z")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.session("forged", "2026-11-29T10:00:00Z")
            .await
            .unwrap()
            .is_none()
    );
    // Disabling the account ends its sessions.
    s.update_user(
        &alice.id,
        passerelle_store::UserChange {
            disabled: Some(true),
            ..Default::default()
        },
        "system:test",
        "2026-11-29T11:00:00Z",
    )
    .await
    .unwrap();
    assert!(
        s.session(&token, "2026-11-29T11:30:00Z")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        s.check_password("alice", "a long passphrase")
            .await
            .unwrap(),
        None
    );

    // Sign-in failures.
    s.record_failure(&["user:alice", "ip:127.0.0.1"], "2026-11-29T10:00:00Z")
        .await
        .unwrap();
    s.record_failure(&["user:alice"], "2026-11-29T10:05:00Z")
        .await
        .unwrap();
    assert_eq!(
        s.failures_since("user:alice", "2026-11-29T09:59:00Z")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.failures_since("user:alice", "2026-11-29T10:01:00Z")
            .await
            .unwrap(),
        1
    );
    s.clear_failures("user:alice").await.unwrap();
    assert_eq!(
        s.failures_since("user:alice", "2026-01-01T00:00:00Z")
            .await
            .unwrap(),
        0
    );

    // Situations.
    let seq0 = s.last_audit_seq().await.unwrap();
    let a = situation("s-a", &alice.id);
    s.create_situation(&a, "create").await.unwrap();
    assert_eq!(s.situation("s-a").await.unwrap().unwrap(), a);
    let mut b = situation("s-b", &alice.id);
    b.status = CaseStatus::Published;
    b.updated_at = "2026-11-29T12:00:00Z".into();
    s.create_situation(&b, "create").await.unwrap();
    assert_eq!(s.count_situations().await.unwrap(), 2);
    let listed = s.list_situations(&ListFilter::default()).await.unwrap();
    assert_eq!(
        listed.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        ["s-b", "s-a"]
    );
    let published = s
        .list_situations(&ListFilter {
            statuses: vec![CaseStatus::Published],
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(published.len(), 1);
    let page = s.situations_after("s-a", 10).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, "s-b");

    // Optimistic concurrency: an edit from a stale revision writes nothing.
    let mut edit = a.clone();
    edit.advice_en = "Give a privacy notice and ask for consent.".into();
    edit.revision = 2;
    assert_eq!(
        s.update_situation(&edit, 1, "update").await.unwrap(),
        WriteOutcome::Done
    );
    let mut stale = a.clone();
    stale.title = "lost".into();
    stale.revision = 2;
    assert_eq!(
        s.update_situation(&stale, 1, "update").await.unwrap(),
        WriteOutcome::Conflict { current: 2 }
    );
    assert_eq!(s.situation("s-a").await.unwrap().unwrap().title, a.title);
    let mut missing = a.clone();
    missing.id = "nope".into();
    assert_eq!(
        s.update_situation(&missing, 1, "update").await.unwrap(),
        WriteOutcome::NotFound
    );

    // Rule texts are stored once.
    s.put_rule_texts(&[text("fp1"), text("fp1"), text("fp2")])
        .await
        .unwrap();
    s.put_rule_texts(&[text("fp1")]).await.unwrap();
    assert_eq!(s.all_rule_texts().await.unwrap().len(), 2);
    assert_eq!(s.rule_texts(&["fp2", "zz"]).await.unwrap().len(), 1);

    // Re-checks: one unchanged, one flagged; a stale revision is skipped.
    let review = Review {
        checked_at: "2026-11-30T00:00:00Z".into(),
        as_of: "2026-11-30".into(),
        changes: vec![],
    };
    let n = s
        .apply_rechecks(
            &[
                RecheckUpdate {
                    id: "s-a".into(),
                    revision: 2,
                    status: CaseStatus::Draft,
                    checked: vec![stamp("1.1.0")],
                    review: Some(review.clone()),
                },
                RecheckUpdate {
                    id: "s-b".into(),
                    revision: 1,
                    status: CaseStatus::Published,
                    checked: vec![stamp("1.1.0")],
                    review: None,
                },
                RecheckUpdate {
                    id: "s-b".into(),
                    revision: 7,
                    status: CaseStatus::Published,
                    checked: vec![stamp("9")],
                    review: Some(review.clone()),
                },
            ],
            "2026-11-30T00:00:00Z",
            "system:recheck",
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    let a2 = s.situation("s-a").await.unwrap().unwrap();
    assert_eq!(a2.status, CaseStatus::NeedsReview);
    assert_eq!(a2.review, Some(review));
    assert_eq!(a2.revision, 3);
    let b2 = s.situation("s-b").await.unwrap().unwrap();
    assert_eq!(b2.status, CaseStatus::Published);
    assert_eq!(b2.checked, vec![stamp("1.1.0")]);
    assert_eq!(b2.revision, 1);

    // Imports replace by id; importing the same thing twice changes nothing.
    let mut imported = b2.clone();
    imported.title = "Imported".into();
    s.import_situation(&imported, "system:import", "2026-11-30T01:00:00Z")
        .await
        .unwrap();
    s.import_situation(&imported, "system:import", "2026-11-30T01:00:00Z")
        .await
        .unwrap();
    assert_eq!(s.situation("s-b").await.unwrap().unwrap(), imported);

    // The audit trail saw every change, in order, and cannot be rewritten.
    let (changed, last) = s.situations_changed_since(seq0).await.unwrap();
    assert_eq!(changed, ["s-a", "s-b"]);
    assert_eq!(last, s.last_audit_seq().await.unwrap());
    let trail = s.audit_trail(None, 100, Some("s-a")).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["recheck", "update", "create"]);
    assert_eq!(
        trail[1].old_value.as_ref().unwrap()["advice_en"],
        "Give a privacy notice."
    );
    let all = s.audit_trail(None, 1000, None).await.unwrap();
    assert!(
        all.iter()
            .any(|e| e.entity == "user" && e.action == "sign_in")
    );
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq));
    assert!(
        s.tamper_with_audit_for_test().await.is_err(),
        "audit rows must not change"
    );
    assert_eq!(s.audit_trail(None, 1000, None).await.unwrap(), all);
    db.drop_db().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_log_on_sqlite() {
    suite(testing::sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_log_on_postgres() {
    let db = testing::postgres()
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL for tests: {e}"));
    suite(db).await;
}
