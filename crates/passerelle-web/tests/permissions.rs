//! The permission matrix, on SQLite and on PostgreSQL: anonymous, contributor, policy
//! specialist and administrator each get exactly their permissions, through the pages
//! (forms) and through direct API calls that skip the forms.
//!
//! | | anonymous | contributor | policy specialist | admin |
//! |---|---|---|---|---|
//! | read published | yes | yes | yes | yes |
//! | read others | 404 | yes | yes | yes |
//! | create | 401 / sign in | draft, answered | any status, advice | same |
//! | edit own, not published | 404 or 401 | draft, answered, no advice | yes | yes |
//! | edit others' or published | 404 or 401 | 403 | yes | yes |
//! | accounts, audit trail | 401 / sign in | 403 | 403 | yes |
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{Value as J, json};
use support::*;

const SCENARIO: &str = "live-application-test-admin-use";

async fn create(b: &Browser, rid: &str, title: &str, status: &str) -> String {
    let res = b
        .api(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"result": rid, "title": title, "narrative": "Narrative.", "lang": "en", "status": status})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["situation"]["id"].as_str().unwrap().to_string()
}

async fn put(b: &Browser, id: &str, body: J) -> (StatusCode, J) {
    let res = b
        .api(Method::PUT, &format!("/api/v1/cases/{id}"), Some(&body))
        .await;
    let j = serde_json::from_str(&res.body).unwrap_or(J::Null);
    (res.status, j)
}

async fn revision(w: &World, id: &str) -> i64 {
    w.app.store.situation(id).await.unwrap().unwrap().revision
}

fn edit_form<'a>(rev: &'a str, title: &'a str, status: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("revision", rev),
        ("title", title),
        ("narrative", "Narrative."),
        ("lang", "en"),
        ("status", status),
    ]
}

async fn matrix(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    let carla = w.browser(&w.contributor).await;
    let olivier = w.browser(&w.other).await;
    let sami = w.browser(&w.specialist).await;
    let ada = w.browser(&w.admin).await;
    let anon = w.anonymous();
    let own = create(&carla, &rid, "Carla's draft", "draft").await;
    let others = create(&olivier, &rid, "Olivier's draft", "answered").await;
    let published = create(&sami, &rid, "Published one", "published").await;
    let audit_before = w.app.store.last_audit_seq().await.unwrap();

    // ---------------------------------------------------------------- anonymous
    for (id, status) in [
        (&own, StatusCode::NOT_FOUND),
        (&others, StatusCode::NOT_FOUND),
        (&published, StatusCode::OK),
    ] {
        assert_eq!(anon.get(&format!("/en/cases/{id}")).await.status, status);
        assert_eq!(
            anon.api(Method::GET, &format!("/api/v1/cases/{id}"), None)
                .await
                .status,
            status
        );
        assert_eq!(
            anon.api(Method::GET, &format!("/api/v1/cases/{id}/related"), None)
                .await
                .status,
            status
        );
    }
    let list = anon.get("/en/cases").await;
    assert!(list.body.contains(&published) && !list.body.contains(&own));
    let j = anon
        .api(Method::GET, "/api/v1/cases?status=draft", None)
        .await
        .json();
    assert_eq!(
        j["total"], 1,
        "anonymous: published only, whatever is asked"
    );
    let body = json!({"result": rid, "title": "x", "narrative": "y"});
    assert_eq!(
        anon.api(Method::POST, "/api/v1/cases", Some(&body))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anon.api(
            Method::PUT,
            &format!("/api/v1/cases/{published}"),
            Some(&json!({"revision": 1, "title": "x"}))
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anon.api(
            Method::PUT,
            &format!("/api/v1/cases/{own}"),
            Some(&json!({"revision": 1, "title": "x"}))
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "a draft is not revealed"
    );
    let res = anon
        .post(
            "/en/cases/new",
            &[("result", rid.as_str()), ("title", "x"), ("narrative", "y")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/en/sign-in?return="));
    let res = anon.get(&format!("/en/cases/{own}/edit")).await;
    assert!(res.location().starts_with("/en/sign-in?return="));
    let res = anon
        .post(
            &format!("/en/cases/{own}/edit"),
            &edit_form("1", "x", "draft"),
        )
        .await;
    assert!(res.location().starts_with("/en/sign-in?return="));
    for uri in ["/api/v1/audit", "/api/v1/users"] {
        assert_eq!(
            anon.api(Method::GET, uri, None).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    for uri in ["/en/admin/audit", "/en/admin/users"] {
        assert!(
            anon.get(uri)
                .await
                .location()
                .starts_with("/en/sign-in?return=")
        );
    }
    let res = anon
        .post(
            "/en/admin/users",
            &[
                ("username", "eve"),
                ("display_name", "Eve"),
                ("role", "admin"),
                ("password", "a very long password"),
            ],
        )
        .await;
    assert!(res.location().starts_with("/en/sign-in"));
    assert!(w.app.store.user_by_name("eve").await.unwrap().is_none());

    // ---------------------------------------------------------------- contributor
    for id in [&own, &others, &published] {
        assert_eq!(
            carla.get(&format!("/en/cases/{id}")).await.status,
            StatusCode::OK
        );
    }
    let j = carla.api(Method::GET, "/api/v1/cases", None).await.json();
    assert_eq!(j["total"], 3, "signed in: every status");
    // Creating: draft or answered, never published, never advice.
    let answered = create(&carla, &rid, "Answered by Carla", "answered").await;
    let (s, j) = {
        let res = carla
            .api(
                Method::POST,
                "/api/v1/cases",
                Some(
                    &json!({"result": rid, "title": "t", "narrative": "n", "status": "published"}),
                ),
            )
            .await;
        (res.status, res.json())
    };
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(j["errors"][0]["field"], "status");
    assert!(
        j["errors"][0]["reason_fr"]
            .as_str()
            .unwrap()
            .contains("ébauche ou répondue")
    );
    let res = carla
        .api(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"result": rid, "title": "t", "narrative": "n", "advice_en": "Do it."})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["errors"][0]["field"], "advice_en");
    // Through the form: the published choice is not offered, and a forged one is refused.
    let form = carla.get(&format!("/en/cases/new?result={rid}")).await;
    assert!(!form.body.contains("value=\"published\""));
    assert!(!form.body.contains("name=\"advice_en\""));
    let mut forged = case_fields("t", "n");
    forged.retain(|(k, _)| *k != "status");
    forged.push(("status", "published"));
    forged.push(("result", &rid));
    let res = carla.post("/en/cases/new", &forged).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body
            .contains("contributors can choose draft or answered")
    );
    let mut forged = case_fields("t", "n");
    forged.push(("result", &rid));
    forged.push(("advice_en", "Sneaky advice"));
    assert_eq!(
        carla.post("/en/cases/new", &forged).await.status,
        StatusCode::FORBIDDEN
    );
    // Editing their own: yes, draft/answered, no advice, not published.
    let (s, _) = put(
        &carla,
        &own,
        json!({"revision": 1, "title": "Carla's draft, edited", "status": "answered"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, j) = put(&carla, &own, json!({"revision": 2, "status": "published"})).await;
    assert_eq!(
        (s, j["errors"][0]["field"].as_str()),
        (StatusCode::FORBIDDEN, Some("status"))
    );
    let (s, j) = put(&carla, &own, json!({"revision": 2, "advice_fr": "Non."})).await;
    assert_eq!(
        (s, j["errors"][0]["field"].as_str()),
        (StatusCode::FORBIDDEN, Some("advice_fr"))
    );
    let res = carla
        .post(
            &format!("/en/cases/{own}/edit"),
            &edit_form("2", "Edited in the form", "draft"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = carla
        .post(
            &format!("/en/cases/{own}/edit"),
            &edit_form("3", "Edited in the form", "published"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Someone else's: no.
    let (s, j) = put(&carla, &others, json!({"revision": 1, "title": "Mine now"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        j["errors"][0]["reason_en"]
            .as_str()
            .unwrap()
            .contains("only the situations they wrote")
    );
    assert_eq!(
        carla.get(&format!("/en/cases/{others}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        carla
            .post(
                &format!("/en/cases/{others}/edit"),
                &edit_form("1", "Mine now", "draft")
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let view = carla.get(&format!("/en/cases/{others}")).await;
    assert!(
        !view.body.contains(&format!("/en/cases/{others}/edit")),
        "no edit link"
    );
    // Published: no, even their own once published.
    let (s, _) = put(
        &sami,
        &answered,
        json!({"revision": 1, "status": "published"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, j) = put(
        &carla,
        &answered,
        json!({"revision": 2, "title": "Back to mine"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        j["errors"][0]["reason_en"]
            .as_str()
            .unwrap()
            .contains("published situation")
    );
    // No accounts, no audit trail.
    for uri in ["/api/v1/audit", "/api/v1/users"] {
        assert_eq!(
            carla.api(Method::GET, uri, None).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        carla
            .api(Method::POST, "/api/v1/users", Some(&json!({"username": "eve", "display_name": "Eve", "role": "admin", "password": "a very long password"})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for uri in ["/en/admin/audit", "/fr/admin/utilisateurs"] {
        assert_eq!(carla.get(uri).await.status, StatusCode::FORBIDDEN);
    }
    let res = carla
        .post(
            "/en/admin/users",
            &[
                ("username", "eve"),
                ("display_name", "Eve"),
                ("role", "admin"),
                ("password", "a very long password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = carla
        .post(
            &format!("/en/admin/users/{}", w.contributor.id),
            &[("action", "role"), ("role", "admin")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(w.app.store.user_by_name("eve").await.unwrap().is_none());
    assert!(
        !carla
            .get("/en/cases")
            .await
            .body
            .contains("/en/admin/audit"),
        "no admin links"
    );

    // ---------------------------------------------------------------- policy specialist
    let rev = revision(&w, &others).await.to_string();
    let res = sami
        .post(
            &format!("/en/cases/{others}/edit"),
            &[
                ("revision", rev.as_str()),
                ("title", "Olivier's, answered"),
                ("narrative", "Narrative."),
                ("lang", "en"),
                ("status", "published"),
                ("advice_en", "Give a privacy notice."),
                ("advice_fr", "Remettez un avis de confidentialité."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let s = w.app.store.situation(&others).await.unwrap().unwrap();
    assert_eq!(
        (s.status.word(), s.advice_fr.as_str()),
        ("published", "Remettez un avis de confidentialité.")
    );
    assert_eq!(s.updated_by, w.specialist.id);
    let (st, _) = put(
        &sami,
        &others,
        json!({"revision": s.revision, "status": "draft"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "and back");
    let (st, _) = put(
        &sami,
        &published,
        json!({"revision": 1, "status": "needs_review", "advice_en": "Look again."}),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let form = sami.get(&format!("/en/cases/{own}/edit")).await;
    assert!(form.body.contains("value=\"published\"") && form.body.contains("name=\"advice_fr\""));
    for uri in ["/api/v1/audit", "/api/v1/users"] {
        assert_eq!(
            sami.api(Method::GET, uri, None).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        sami.get("/en/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );

    // ---------------------------------------------------------------- administrator
    let (st, _) = put(&ada, &own, json!({"revision": revision(&w, &own).await, "status": "published", "advice_en": "Admin advice."})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        ada.api(Method::GET, "/api/v1/audit", None).await.status,
        StatusCode::OK
    );
    let users = ada.api(Method::GET, "/api/v1/users", None).await.json();
    assert_eq!(users["users"].as_array().unwrap().len(), 4);
    let admin_page = ada.get("/en/admin/users").await;
    assert_eq!(admin_page.status, StatusCode::OK);
    assert!(
        admin_page.body.contains("olivier (test)") && admin_page.body.contains("Your own account")
    );
    assert!(
        ada.get("/en/cases")
            .await
            .body
            .contains("href=\"/en/admin/audit\"")
    );
    // Create accounts (page and API), change a role, disable.
    let res = ada
        .post(
            "/en/admin/users",
            &[
                ("username", "eve"),
                ("display_name", "Eve"),
                ("role", "contributor"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("at least 12 characters") && res.body.contains("value=\"eve\""));
    let res = ada
        .post(
            "/en/admin/users",
            &[
                ("username", "eve"),
                ("display_name", "Eve"),
                ("role", "contributor"),
                ("password", "a very long password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let eve = w.app.store.user_by_name("eve").await.unwrap().unwrap();
    let res = ada
        .api(Method::POST, "/api/v1/users", Some(&json!({"username": "eve", "display_name": "Eve 2", "role": "admin", "password": "a very long password"})))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = ada
        .api(Method::POST, "/api/v1/users", Some(&json!({"username": "fred", "display_name": "Fred", "role": "policy_specialist", "password": "a very long password"})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = ada
        .post(
            &format!("/en/admin/users/{}", eve.id),
            &[("action", "role"), ("role", "policy_specialist")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.app
            .store
            .user(&eve.id)
            .await
            .unwrap()
            .unwrap()
            .role
            .word(),
        "policy_specialist"
    );
    let res = ada
        .post(
            &format!("/en/admin/users/{}", w.admin.id),
            &[("action", "disable")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "not your own account");
    // Disabling ends the account's sessions.
    let res = ada
        .post(
            &format!("/en/admin/users/{}", w.other.id),
            &[("action", "disable")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        olivier
            .api(Method::GET, &format!("/api/v1/cases/{own}"), None)
            .await
            .status,
        StatusCode::OK,
        "published now"
    );
    assert_eq!(
        olivier
            .bearer(
                Method::POST,
                "/api/v1/cases",
                Some(&json!({"result": rid, "title": "t", "narrative": "n"}))
            )
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let res = ada
        .api(
            Method::PUT,
            &format!("/api/v1/users/{}", w.other.id),
            Some(&json!({"disabled": false, "role": "admin"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["user"]["role"], "admin");

    // Every change above went through the store: each is in the audit trail.
    let trail = w.app.store.audit_trail(None, 500, None).await.unwrap();
    let since: Vec<_> = trail.iter().filter(|e| e.seq > audit_before).collect();
    let count = |entity: &str, action: &str| {
        since
            .iter()
            .filter(|e| e.entity == entity && e.action == action)
            .count()
    };
    assert_eq!(count("situation", "create"), 1, "Carla's answered one");
    assert_eq!(count("situation", "update"), 7, "{since:#?}");
    assert_eq!(count("user", "create"), 2);
    assert_eq!(count("user", "update"), 3);
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_matrix_sqlite() {
    matrix("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_matrix_postgres() {
    matrix("postgres").await;
}
