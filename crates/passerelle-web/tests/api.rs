//! The JSON API: validation with JSON pointers, the verdict, the OpenAPI document, the
//! JSON Schema of the answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use serde_json::{Value as J, json};

const ALL: &str = r#"{"a_bool": true, "b_enum": "red", "c_set": ["monday"], "d_integer": 12,
  "e_money": "150.00", "f_date": "2027-03-15", "g_text": "Pilot",
  "h_tools": [{"name": "Survey tool", "hosted": "abroad"}]}"#;

#[tokio::test]
async fn evaluate_returns_the_verdict() {
    let r = app(all_types()).await;
    let res = post_json(&r, "/api/v1/evaluate?lang=fr&as_of=2026-06-01", ALL).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    let v = res.json();
    assert_eq!(v["lang"], "fr");
    assert_eq!(v["as_of"], "2026-06-01");
    assert_eq!(v["complete"], true);
    let ids: Vec<&str> = v["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    for id in [
        "r-bool",
        "r-enum",
        "r-set",
        "r-integer",
        "r-money",
        "r-date",
        "r-text",
        "r-tool[0]",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(v["obligations"][0]["because"].is_object());
    let res = post_json(&r, "/api/v1/evaluate?explain=false", ALL).await;
    assert!(res.json()["obligations"][0].get("because").is_none());
    // Partial answers: the next question.
    let res = post_json(&r, "/api/v1/next", r#"{"a_bool": false}"#).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["next_question"]["fact"], "b_enum");
    assert_eq!(res.json()["next_question"]["type"], "enum");
    let res = post_json(&r, "/api/v1/next", ALL).await;
    assert_eq!(res.json()["next_question"], J::Null);
}

#[tokio::test]
async fn bad_answers_are_reported_with_json_pointers() {
    let r = app(all_types()).await;
    let res = post_json(
        &r,
        "/api/v1/evaluate",
        r#"{"b_enum": "purple", "d_integer": 0, "e_money": "1.234", "f_date": "2027-02-30",
            "h_tools": [{"name": "x", "hosted": "moon", "colour": 1}], "unknown_fact": true}"#,
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let v = res.json();
    assert_eq!(v["status"], 400);
    let pointers: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for p in [
        "/b_enum",
        "/d_integer",
        "/e_money",
        "/f_date",
        "/h_tools/0/hosted",
        "/h_tools/0/colour",
        "/unknown_fact",
    ] {
        assert!(pointers.contains(&p), "{p} in {pointers:?}");
    }
    for e in v["errors"].as_array().unwrap() {
        assert!(e["message"]["en"].is_string() && e["message"]["fr"].is_string());
        assert!(e["expected"].is_string());
    }
    // Not JSON.
    let res = post_json(&r, "/api/v1/evaluate", "{not json").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["errors"][0]["pointer"], "");
    // Not an object.
    let res = post_json(&r, "/api/v1/evaluate", "[1]").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Bad query parameters.
    let res = post_json(&r, "/api/v1/evaluate?lang=de&as_of=yesterday&x=1", "{}").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let v = res.json();
    let params: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["parameter"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["lang", "as_of", "x"]);
    // Too large.
    let big = format!(
        "{{\"g_text\": \"{}\"}}",
        "x".repeat(passerelle_web::BODY_LIMIT)
    );
    let res = post_json(&r, "/api/v1/evaluate", &big).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json()["status"], 413);
    // Unknown endpoint and method.
    let res = get(&r, "/api/v1/nope").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["status"], 404);
    let res = get(&r, "/api/v1/evaluate").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.json()["status"], 405);
}

#[tokio::test]
async fn catalogue_endpoints() {
    let r = app(all_types()).await;
    let packs = get(&r, "/api/v1/packs").await.json();
    assert_eq!(packs["packs"][0]["id"], "all-types");
    assert_eq!(packs["packs"][0]["digest"].as_str().unwrap().len(), 64);
    let rules = get(&r, "/api/v1/rules?lang=fr").await.json();
    assert_eq!(rules["rules"].as_array().unwrap().len(), 8);
    assert_eq!(rules["rules"][0]["href"], "/fr/regles/r-bool");
    let rule = get(&r, "/api/v1/rules/r-money").await;
    assert_eq!(rule.status, StatusCode::OK);
    assert_eq!(rule.json()["citations"][0]["instrument"], "test-instrument");
    assert_eq!(
        get(&r, "/api/v1/rules/nope").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&r, "/api/v1/myths").await.status, StatusCode::OK);
    assert_eq!(
        get(&r, "/api/v1/myths/nope").await.status,
        StatusCode::NOT_FOUND
    );
    let insts = get(&r, "/api/v1/instruments").await.json();
    assert_eq!(insts["instruments"][0]["provisions"][0]["section"], "1");
    assert_eq!(
        get(&r, "/api/v1/results/nope").await.status,
        StatusCode::NOT_FOUND
    );
    let schema = get(&r, "/api/v1/schema").await.json();
    assert_eq!(schema["facts"].as_array().unwrap().len(), 7);
    assert_eq!(schema["groups"][0]["name"], "h_tools");
    assert_eq!(schema["journeys"][0]["id"], "every-type");
}

#[tokio::test]
async fn json_schema_snapshot() {
    let r = app(all_types()).await;
    let res = get(&r, "/api/v1/schema/json-schema").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/schema+json"
    );
    let v = res.json();
    insta::assert_snapshot!(
        "all_types_json_schema",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

#[tokio::test]
async fn json_schema_agrees_with_the_validator() {
    // Every fact of the schema is accepted by /evaluate, and additional properties are not.
    let r = app(all_types()).await;
    let schema = get(&r, "/api/v1/schema/json-schema").await.json();
    let props = schema["properties"].as_object().unwrap();
    let all: J = serde_json::from_str(ALL).unwrap();
    assert_eq!(props.len(), all.as_object().unwrap().len());
    for k in props.keys() {
        assert!(all.get(k).is_some(), "{k}");
    }
    assert_eq!(schema["additionalProperties"], false);
    let nulls: J = props
        .keys()
        .map(|k| (k.clone(), J::Null))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let res = post_json(&r, "/api/v1/evaluate", &nulls.to_string()).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "null means unanswered: {}",
        res.body
    );
}

#[tokio::test]
async fn openapi_lists_exactly_the_routes_and_each_answers() {
    let r = app(all_types()).await;
    let res = get(&r, "/api/v1/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut listed: Vec<(String, String)> = Vec::new();
    for (p, ops) in paths {
        for m in ops.as_object().unwrap().keys() {
            listed.push((m.clone(), p.clone()));
        }
    }
    listed.sort();
    let mut routes: Vec<(String, String)> = passerelle_web::api::PATHS
        .iter()
        .chain(passerelle_web::cases_api::PATHS)
        .map(|(m, p)| ((*m).to_string(), (*p).to_string()))
        .collect();
    routes.sort();
    assert_eq!(listed, routes);
    // Every $ref resolves.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
    }
    // Every path answers (not the JSON 404 of unknown endpoints).
    let result = {
        let first = start(&r, "en", "every-type").await;
        let check = answer_all(&r, &first).await;
        post_form(&r, &check, &[])
            .await
            .location()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    for (m, p) in passerelle_web::api::PATHS {
        let uri = p
            .replace("/rules/{id}", "/rules/r-bool")
            .replace("/myths/{id}", "/myths/none")
            .replace("/results/{id}", &format!("/results/{result}"))
            .replace(
                "/documents/{kind}",
                &format!("/documents/summary?result={result}&format=md"),
            );
        let req = Request::builder()
            .method(if *m == "post" {
                Method::POST
            } else {
                Method::GET
            })
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(if *m == "post" { "{}" } else { "" }))
            .unwrap();
        let res = send(&r, req).await;
        let expected = if uri.ends_with("/myths/none") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(res.status, expected, "{m} {uri}: {}", res.body);
        if uri.starts_with("/api/v1/documents/") {
            // A generated document: the file itself.
            assert!(res.body.starts_with("# Project summary: Pilot"), "{uri}");
        } else {
            assert!(res.body.starts_with('{'), "{uri} answers JSON");
        }
    }
    let _ = json!({});
}
