//! Helpers: a router over a pack and an in-memory (or file) SQLite store, driven with
//! `tower::ServiceExt::oneshot` (no sockets).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use passerelle_web::{App, router};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fixture pack with one question of every type.
pub fn all_types() -> PathBuf {
    root().join("web/fixtures/all-types")
}

/// The research pack (`PASSERELLE_TEST_PACKS` overrides the packs folder).
pub fn research() -> PathBuf {
    match std::env::var("PASSERELLE_TEST_PACKS") {
        Ok(p) => PathBuf::from(p).join("gc-digital"),
        Err(_) => root().join("packs/gc-digital"),
    }
}

pub async fn app_with(pack: PathBuf, db: &str) -> Router {
    let app = App::load(&[pack], db).await.unwrap();
    router(Arc::new(app))
}

pub async fn app(pack: PathBuf) -> Router {
    app_with(pack, "sqlite::memory:").await
}

pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Res {
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
    pub fn lang(&self) -> String {
        let i = self.body.find("<html lang=\"").expect("an html page") + 12;
        self.body[i..i + 2].to_string()
    }
}

pub async fn send(r: &Router, req: Request<Body>) -> Res {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Res {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(r: &Router, uri: &str) -> Res {
    send(r, Request::builder().uri(uri).body(Body::empty()).unwrap()).await
}

/// The anonymous CSRF token `post_form` sends, as cookie and field (double submit).
pub const CSRF: &str = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

/// Posts a form as an anonymous browser would: with the CSRF cookie and field.
pub async fn post_form(r: &Router, uri: &str, fields: &[(&str, &str)]) -> Res {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .append_pair("csrf", CSRF)
        .finish();
    send(
        r,
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("passerelle_csrf={CSRF}"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

pub async fn post_json(r: &Router, uri: &str, body: &str) -> Res {
    send(
        r,
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// Starts an interview; returns the first question's path.
pub async fn start(r: &Router, lang: &str, journey: &str) -> String {
    let seg = if lang == "en" {
        "interview"
    } else {
        "entrevue"
    };
    let res = post_form(r, &format!("/{lang}/{seg}"), &[("journey", journey)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = get(r, &res.location()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    res.location()
}

/// The interview id in a question path.
pub fn interview_id(path: &str) -> String {
    path.split('/').nth(3).unwrap().to_string()
}

/// Answers of the all-types fixture, as form fields.
pub fn fixture_answer(fact: &str) -> Vec<(&'static str, &'static str)> {
    match fact {
        "a_bool" => vec![("a_bool", "true")],
        "b_enum" => vec![("b_enum", "red")],
        "c_set" => vec![("c_set", "monday"), ("c_set", "friday")],
        "d_integer" => vec![("d_integer", "12")],
        "e_money" => vec![("e_money", "1 250,50 $")],
        "f_date" => vec![
            ("f_date-year", "2027"),
            ("f_date-month", "3"),
            ("f_date-day", "15"),
        ],
        "g_text" => vec![("g_text", "Pilot")],
        other => panic!("no answer for {other}"),
    }
}

/// Answers every question of the fixture from `first`; returns the check-answers path.
pub async fn answer_all(r: &Router, first: &str) -> String {
    let mut at = first.to_string();
    for _ in 0..20 {
        if at.contains("/check-answers/") || at.contains("/verifier-reponses/") {
            return at;
        }
        let fact = at.rsplit('/').next().unwrap().to_string();
        let page = get(r, &at).await;
        assert_eq!(page.status, StatusCode::OK, "{at}");
        let res = if fact == "h_tools" {
            let add = post_form(
                r,
                &at,
                &[
                    ("action", "add"),
                    ("h_tools-name", "Survey tool"),
                    ("h_tools-hosted", "abroad"),
                ],
            )
            .await;
            assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
            post_form(r, &at, &[("action", "continue")]).await
        } else {
            post_form(r, &at, &fixture_answer(&fact)).await
        };
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{at}: {}", res.body);
        at = res.location();
    }
    panic!("the interview did not end");
}
