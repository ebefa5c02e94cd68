//! The store against SQLite: a file database (WAL) and an in-memory one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]

use passerelle_store::{Interview, PackStamp, SavedResult, Store};
use serde_json::json;

fn temp_db() -> std::path::PathBuf {
    let mut p = std::env::temp_dir();
    p.push(format!(
        "passerelle-store-test-{}-{}.db",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    p
}

fn interview(id: &str) -> Interview {
    Interview {
        id: id.to_string(),
        answers: json!({"audience": "public"}),
        drafts: json!({}),
        journey: Some("plan-user-research".to_string()),
        as_of: None,
        packs: vec![PackStamp {
            id: "gc-digital".into(),
            version: "0.1.0".into(),
            digest: "abc".into(),
        }],
        created_at: "2026-11-29T12:00:00Z".into(),
        updated_at: "2026-11-29T12:00:00Z".into(),
    }
}

async fn round_trip(store: &Store) {
    let i = interview("i1");
    store.create_interview(&i).await.unwrap();
    assert_eq!(store.interview("i1").await.unwrap(), Some(i.clone()));
    assert_eq!(store.interview("nope").await.unwrap(), None);

    let answers = json!({"audience": "public", "tools": [{"name": "Lookback"}]});
    let drafts = json!({"tools": []});
    assert!(
        store
            .update_interview("i1", &answers, &drafts, "2026-11-29T12:05:00Z")
            .await
            .unwrap()
    );
    assert!(
        !store
            .update_interview("nope", &answers, &drafts, "2026-11-29T12:05:00Z")
            .await
            .unwrap()
    );
    let got = store.interview("i1").await.unwrap().unwrap();
    assert_eq!(got.answers, answers);
    assert_eq!(got.drafts, drafts);
    assert_eq!(got.updated_at, "2026-11-29T12:05:00Z");
    assert_eq!(got.created_at, i.created_at);

    let r = SavedResult {
        id: "r1".into(),
        answers,
        journey: None,
        as_of: "2026-11-29".into(),
        packs: i.packs.clone(),
        created_at: "2026-11-29T12:06:00Z".into(),
    };
    store.create_result(&r).await.unwrap();
    assert_eq!(store.result("r1").await.unwrap(), Some(r.clone()));
    assert_eq!(store.result("r2").await.unwrap(), None);
    // Ids are unique.
    assert!(store.create_result(&r).await.is_err());
}

#[tokio::test]
async fn sqlite_memory() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    round_trip(&store).await;
}

#[tokio::test]
async fn sqlite_file_survives_reopen() {
    let path = temp_db();
    let url = format!("sqlite://{}?mode=rwc", path.display());
    {
        let store = Store::open(&url).await.unwrap();
        round_trip(&store).await;
        store.close().await;
    }
    let store = Store::open(&url).await.unwrap();
    assert!(store.result("r1").await.unwrap().is_some());
    assert!(store.interview("i1").await.unwrap().is_some());
    store.close().await;
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

#[tokio::test]
async fn bad_url() {
    assert!(Store::open("mysql://x").await.is_err());
}
