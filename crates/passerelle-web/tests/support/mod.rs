//! Helpers of the case-log tests: an app over a fresh database of either backend
//! (`passerelle_store::testing`), accounts of each role, signed-in "browsers" that send the
//! session cookie and their CSRF token, and saved results to make situations from.

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
use passerelle_check::answers::to_json;
use passerelle_store::testing::{self, TestDb};
use passerelle_store::{NewUser, Role, SavedResult, User, accounts};
use passerelle_web::{App, router};
use serde_json::{Value as J, json};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

/// The password of every test account.
pub const PASSWORD: &str = "correct horse battery staple";

/// The research pack.
pub fn research() -> PathBuf {
    match std::env::var("PASSERELLE_TEST_PACKS") {
        Ok(p) => PathBuf::from(p).join("gc-digital"),
        Err(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/gc-digital"),
    }
}

/// An app on a fresh database, its router, and one account of each role.
pub struct World {
    pub app: Arc<App>,
    pub r: Router,
    pub db: Option<TestDb>,
    pub contributor: User,
    pub other: User,
    pub specialist: User,
    pub admin: User,
}

async fn user(app: &App, name: &str, role: Role) -> User {
    app.store
        .create_user(
            &NewUser {
                username: name,
                display_name: &format!("{name} (test)"),
                role,
                password_hash: Some(accounts::hash_password(PASSWORD).unwrap()),
                oidc_subject: None,
            },
            "system:test",
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap()
}

impl World {
    /// A world on `backend` (`sqlite` or `postgres`).
    pub async fn new(backend: &str) -> World {
        let db = testing::fresh(backend).await.unwrap();
        let app = App::load(&[research()], &db.url).await.unwrap();
        let app = Arc::new(app);
        let contributor = user(&app, "carla", Role::Contributor).await;
        let other = user(&app, "olivier", Role::Contributor).await;
        let specialist = user(&app, "sami", Role::PolicySpecialist).await;
        let admin = user(&app, "ada", Role::Admin).await;
        World {
            r: router(Arc::clone(&app)),
            app,
            db: Some(db),
            contributor,
            other,
            specialist,
            admin,
        }
    }

    /// Closes and removes the database.
    pub async fn end(mut self) {
        if let Some(db) = self.db.take() {
            drop(self.r);
            drop(self.app);
            db.drop_db().await.unwrap();
        }
    }

    /// A saved result made from the answers of one of the pack's scenarios.
    pub async fn result(&self, scenario: &str) -> String {
        let m = &self.app.pack.model;
        let sc = m
            .scenarios
            .iter()
            .find(|s| s.id == scenario)
            .unwrap_or_else(|| panic!("no scenario {scenario}"));
        let id = passerelle_web::new_id().unwrap();
        self.app
            .store
            .create_result(&SavedResult {
                id: id.clone(),
                answers: to_json(m, &sc.given),
                journey: Some("plan-user-research".into()),
                as_of: "2026-06-01".into(),
                packs: self.app.stamps.clone(),
                created_at: "2026-06-01T12:00:00Z".into(),
            })
            .await
            .unwrap();
        id
    }

    /// Signs in through the API: a browser with the session cookie and its CSRF token.
    pub async fn browser(&self, u: &User) -> Browser {
        let res = send(
            &self.r,
            json_req(
                Method::POST,
                "/api/v1/session",
                &json!({"user": u.username, "password": PASSWORD}),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let j = res.json();
        Browser {
            r: self.r.clone(),
            token: j["token"].as_str().unwrap().to_string(),
            csrf: j["csrf"].as_str().unwrap().to_string(),
        }
    }

    /// An anonymous browser (with the double-submit CSRF cookie).
    pub fn anonymous(&self) -> Anonymous {
        Anonymous { r: self.r.clone() }
    }
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
    pub fn json(&self) -> J {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }
    /// The `csrf` hidden field of the page's first form.
    pub fn csrf_field(&self) -> Option<String> {
        let i = self.body.find("name=\"csrf\" value=\"")? + 19;
        Some(self.body[i..].split('"').next()?.to_string())
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

pub fn json_req(method: Method, uri: &str, body: &J) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// A signed-in browser.
#[derive(Clone)]
pub struct Browser {
    pub r: Router,
    pub token: String,
    pub csrf: String,
}

impl Browser {
    pub fn cookie(&self) -> String {
        format!("passerelle_session={}", self.token)
    }

    pub async fn get(&self, uri: &str) -> Res {
        send(
            &self.r,
            Request::builder()
                .uri(uri)
                .header(header::COOKIE, self.cookie())
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Res {
        let mut all = fields.to_vec();
        all.push(("csrf", &self.csrf));
        self.post_raw(uri, &all).await
    }

    /// Posts a form as given (no token added).
    pub async fn post_raw(&self, uri: &str, fields: &[(&str, &str)]) -> Res {
        send(
            &self.r,
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, self.cookie())
                .body(Body::from(form_body(fields)))
                .unwrap(),
        )
        .await
    }

    /// An API call authenticated by the cookie, with `X-CSRF-Token` for writes.
    pub async fn api(&self, method: Method, uri: &str, body: Option<&J>) -> Res {
        let mut b = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::COOKIE, self.cookie());
        if method != Method::GET {
            b = b.header("x-csrf-token", &self.csrf);
        }
        let req = match body {
            Some(j) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(j.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        send(&self.r, req).await
    }

    /// An API call with `Authorization: Bearer` and no CSRF token.
    pub async fn bearer(&self, method: Method, uri: &str, body: Option<&J>) -> Res {
        let b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        let req = match body {
            Some(j) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(j.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        send(&self.r, req).await
    }
}

/// The token anonymous forms carry in these tests (cookie and field).
pub const ANON_CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A browser without an account.
pub struct Anonymous {
    pub r: Router,
}

impl Anonymous {
    pub async fn get(&self, uri: &str) -> Res {
        send(
            &self.r,
            Request::builder().uri(uri).body(Body::empty()).unwrap(),
        )
        .await
    }

    pub async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Res {
        let mut all = fields.to_vec();
        all.push(("csrf", ANON_CSRF));
        send(
            &self.r,
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("passerelle_csrf={ANON_CSRF}"))
                .body(Body::from(form_body(&all)))
                .unwrap(),
        )
        .await
    }

    pub async fn api(&self, method: Method, uri: &str, body: Option<&J>) -> Res {
        let req = match body {
            Some(j) => json_req(method, uri, j),
            None => Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        };
        send(&self.r, req).await
    }
}

/// The fields of a new situation's form.
pub fn case_fields<'a>(title: &'a str, narrative: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("narrative", narrative),
        ("lang", "en"),
        ("domains", "privacy"),
        ("status", "draft"),
        ("rules", ""),
        ("myths", ""),
    ]
}

/// The id at the end of a situation's address.
pub fn case_id(location: &str) -> String {
    location.rsplit('/').next().unwrap().to_string()
}
