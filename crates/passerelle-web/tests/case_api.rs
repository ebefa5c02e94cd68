//! The case log's JSON API: every documented operation answers, the screening endpoint
//! and the refusals keep their shape (snapshots), on SQLite and on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use support::*;

async fn documented_operations_answer(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result("live-application-test-admin-use").await;
    let ada = w.browser(&w.admin).await;
    let created = ada
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"result": rid, "title": "t", "narrative": "n"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        created.location(),
        format!(
            "/api/v1/cases/{}",
            created.json()["situation"]["id"].as_str().unwrap()
        )
    );
    let id = created.json()["situation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Each operation of the OpenAPI document is routed: never the unknown-endpoint 404.
    let doc = ada
        .bearer(Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for (m, p) in passerelle_web::cases_api::PATHS {
        assert!(doc["paths"][*p][*m].is_object(), "{m} {p} documented");
        let uri = if p.starts_with("/api/v1/users/") {
            p.replace("{id}", &w.other.id)
        } else {
            p.replace("{id}", &id)
        };
        let method = Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
        let body = match (*m, *p) {
            ("post", "/api/v1/session") => Some(json!({"user": "ada", "password": PASSWORD})),
            ("post", "/api/v1/cases") => {
                Some(json!({"result": rid, "title": "t2", "narrative": "n2"}))
            }
            ("put", "/api/v1/cases/{id}") => Some(json!({"revision": 1, "status": "answered"})),
            ("post", "/api/v1/screen") => Some(json!({"text": "no personal information"})),
            ("post", "/api/v1/users") => Some(
                json!({"username": "zoe", "display_name": "Zoé", "role": "contributor", "password": "twelve chars long"}),
            ),
            ("put", "/api/v1/users/{id}") => Some(json!({"role": "policy_specialist"})),
            _ => None,
        };
        if (*m, *p) == ("delete", "/api/v1/session") {
            continue; // last: it signs the administrator out
        }
        let res = ada.bearer(method, &uri, body.as_ref()).await;
        assert!(
            res.status.is_success(),
            "{m} {uri}: {} {}",
            res.status,
            res.body
        );
        if !res.body.is_empty() {
            assert!(res.body.starts_with('{'), "{m} {uri} answers JSON");
        }
    }
    assert_eq!(
        ada.bearer(Method::DELETE, "/api/v1/session", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // The index lists them.
    let index = w.anonymous().api(Method::GET, "/api/v1", None).await.json();
    assert!(
        index["paths"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "PUT /api/v1/cases/{id}")
    );
    // The 422 of the screening and a refusal, as clients see them.
    let carla = w.browser(&w.contributor).await;
    let res = carla
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({
                "result": rid,
                "title": "Write to jo@example.ca",
                "narrative": "Call 613-555-0199 or visit 123 rue Principale, Gatineau J8X 1A1.",
                "lang": "fr",
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_snapshot!(
        "create_with_personal_information",
        serde_json::to_string_pretty(&res.json()).unwrap()
    );
    let res = carla
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"result": rid, "title": "t", "narrative": "n", "status": "published", "advice_en": "x"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    insta::assert_snapshot!(
        "contributor_publishing",
        serde_json::to_string_pretty(&res.json()).unwrap()
    );
    let res = carla
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"answers": {"recording": "hologram"}, "title": "t", "narrative": "n", "domains": ["astrology"], "rules": ["no-such-rule"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["errors"][0]["pointer"], "/answers/recording");
    let res = carla
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"answers": {}, "title": " ", "narrative": "n", "domains": ["astrology"], "rules": ["no-such-rule"], "lang": "de"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    insta::assert_snapshot!(
        "bad_fields",
        serde_json::to_string_pretty(&res.json()).unwrap()
    );
    let res = carla
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"title": "t", "colour": "red"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.json()["errors"][0]["reason_en"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    // Answers sent directly: validated, and the verdict is the server's.
    let m = &w.app.pack.model;
    let sc = m
        .scenarios
        .iter()
        .find(|s| s.id == "live-application-test-admin-use")
        .unwrap();
    let answers = passerelle_check::answers::to_json(m, &sc.given);
    let res = carla
        .bearer(
            Method::POST,
            "/api/v1/cases",
            Some(&json!({"answers": answers, "as_of": "2026-12-01", "title": "From answers", "narrative": "n", "journey": "plan-user-research"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let j = res.json();
    assert_eq!(j["situation"]["verdict"]["as_of"], "2026-12-01");
    assert!(
        j["texts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "collect-only-what-you-need")
    );
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_operations_answer_sqlite() {
    documented_operations_answer("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_operations_answer_postgres() {
    documented_operations_answer("postgres").await;
}

#[tokio::test]
async fn screening_endpoint() {
    let app = passerelle_web::App::load(&[research()], "sqlite::memory:")
        .await
        .unwrap();
    let r = passerelle_web::router(std::sync::Arc::new(app));
    let res = send(
        &r,
        json_req(
            Method::POST,
            "/api/v1/screen",
            &json!({"fields": {
                "narrative": "Écrivez à élise@exemple.québec ou appelez le 613-555-0199, poste 12.",
                "advice_en": "Quote SIN 130 692 544 on the form; the fee is $50."
            }}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    insta::assert_snapshot!(serde_json::to_string_pretty(&res.json()).unwrap());
    let res = send(&r, json_req(Method::POST, "/api/v1/screen", &json!({}))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = send(
        &r,
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/screen")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("text=x"))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
