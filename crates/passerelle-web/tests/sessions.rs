//! Sessions, CSRF and sign-in limits, on SQLite and on PostgreSQL: the cookies' flags, the
//! CSRF token on every form and on cookie-authenticated API writes (a bearer token needs
//! none), and the sign-in limits shared by every instance through the database.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use support::*;

/// A sign-in form post from a client address.
async fn sign_in_from(w: &World, addr: &str, user: &str, password: &str) -> Res {
    let body = form_body(&[
        ("username", user),
        ("password", password),
        ("csrf", ANON_CSRF),
    ]);
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/en/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("passerelle_csrf={ANON_CSRF}"))
        .body(Body::from(body))
        .unwrap();
    let a: SocketAddr = addr.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(a));
    send(&w.r, req).await
}

async fn api_sign_in_from(w: &World, addr: &str, user: &str, password: &str) -> Res {
    let mut req = json_req(
        Method::POST,
        "/api/v1/session",
        &json!({"user": user, "password": password}),
    );
    let a: SocketAddr = addr.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(a));
    send(&w.r, req).await
}

async fn cookies_and_sign_out(backend: &str) {
    let w = World::new(backend).await;
    // The first page sets the anonymous CSRF cookie and puts its value in every form.
    let anon = w.anonymous();
    let page = anon.get("/en").await;
    let c = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("passerelle_csrf="))
        .unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
        assert!(c.contains(flag), "{c}");
    }
    let value = c
        .trim_start_matches("passerelle_csrf=")
        .split(';')
        .next()
        .unwrap();
    assert_eq!(page.csrf_field().as_deref(), Some(value));
    assert!(
        page.body.matches("name=\"csrf\"").count() >= 2,
        "every form"
    );
    assert!(
        page.headers
            .get(header::CACHE_CONTROL)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    // Signing in with the form: the session cookie and its flags.
    let res = sign_in_from(&w, "10.0.0.1:5000", "Carla", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/en/cases");
    let c = res
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("passerelle_session="))
        .unwrap();
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=28800",
        "; Secure",
    ] {
        assert!(c.contains(flag), "{c}");
    }
    let token = c
        .trim_start_matches("passerelle_session=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // The session's pages carry the session's token, and name the person.
    let b = Browser {
        r: w.r.clone(),
        csrf: String::new(),
        token,
    };
    let page = b.get("/en/cases").await;
    assert!(page.body.contains("Signed in as carla (test)"));
    let csrf = page.csrf_field().unwrap();
    let session = w
        .app
        .store
        .session(&b.token, "2000-01-01T00:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(csrf, session.csrf);
    // Signing out needs the token too.
    let res = b.post_raw("/en/sign-out", &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = b.post_raw("/en/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.cookies()
            .iter()
            .any(|c| c.starts_with("passerelle_session=;") && c.contains("Max-Age=0"))
    );
    let page = b.get("/en/cases").await;
    assert!(!page.body.contains("Signed in as"));
    assert!(
        page.body
            .contains("href=\"/en/sign-in?return=%2Fen%2Fcases\"")
    );
    // On a loopback address, no Secure flag.
    let db = w.db.as_ref().unwrap().url.clone();
    let mut app = passerelle_web::App::load(&[research()], &db).await.unwrap();
    app.auth.secure_cookies =
        passerelle_web::auth::secure_cookies("127.0.0.1:8080".parse().unwrap());
    let r = passerelle_web::router(Arc::new(app));
    let res = send(
        &r,
        Request::builder().uri("/fr").body(Body::empty()).unwrap(),
    )
    .await;
    let c = res.cookies().join("\n");
    assert!(
        c.contains("passerelle_csrf=") && !c.contains("Secure"),
        "{c}"
    );
    assert!(passerelle_web::auth::secure_cookies(
        "0.0.0.0:8080".parse().unwrap()
    ));
    // The API sign-in sets the same cookie and returns the token and CSRF token.
    let res = send(
        &r,
        json_req(
            Method::POST,
            "/api/v1/session",
            &json!({"user": "sami", "password": PASSWORD}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let j = res.json();
    assert_eq!(j["user"]["role"], "policy_specialist");
    assert_eq!(j["token"].as_str().unwrap().len(), 64);
    assert!(res.cookies()[0].contains("SameSite=Lax") && !res.cookies()[0].contains("Secure"));
    drop(r);
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_and_sign_out_sqlite() {
    cookies_and_sign_out("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_and_sign_out_postgres() {
    cookies_and_sign_out("postgres").await;
}

async fn csrf(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result("live-application-test-admin-use").await;
    let anon = w.anonymous();
    // Anonymous forms: the double-submit token must match the cookie.
    let start = |fields: Vec<(&'static str, String)>, cookie: Option<String>, uri: &'static str| {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        b.body(Body::from(body)).unwrap()
    };
    let journey = ("journey", "plan-user-research".to_string());
    let cookie = Some(format!("passerelle_csrf={ANON_CSRF}"));
    let other = "f".repeat(64);
    for (fields, cookie) in [
        (vec![journey.clone()], cookie.clone()),
        (
            vec![journey.clone(), ("csrf", other.clone())],
            cookie.clone(),
        ),
        (vec![journey.clone(), ("csrf", ANON_CSRF.to_string())], None),
        (
            vec![journey.clone(), ("csrf", ANON_CSRF.to_string())],
            Some(format!("passerelle_csrf={other}")),
        ),
    ] {
        let res = send(&w.r, start(fields, cookie, "/en/interview")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        assert!(res.body.contains("Your form could not be sent"));
    }
    let res = send(
        &w.r,
        start(vec![journey.clone()], cookie.clone(), "/fr/entrevue"),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("<html lang=\"fr\"") && res.body.contains("jeton de sécurité"));
    assert!(res.body.contains("href=\"/fr/entrevue\""), "a way back");
    let res = send(
        &w.r,
        start(
            vec![journey, ("csrf", ANON_CSRF.to_string())],
            cookie,
            "/en/interview",
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "the right token works");
    // Signed in: the session's token, not the anonymous one.
    let carla = w.browser(&w.contributor).await;
    let mut fields = case_fields("Pilot", "The team runs a pilot.");
    fields.push(("result", &rid));
    fields.push(("csrf", ANON_CSRF));
    let res = carla.post_raw("/en/cases/new", &fields).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // What was typed comes back in the form, with the right token now.
    assert!(res.body.contains("The team runs a pilot.") && res.body.contains("value=\"Pilot\""));
    assert!(
        res.body
            .contains("security token was missing or had expired")
    );
    assert_eq!(res.csrf_field().as_deref(), Some(carla.csrf.as_str()));
    assert_eq!(w.app.store.count_situations().await.unwrap(), 0);
    fields.pop();
    let res = carla.post("/en/cases/new", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let id = case_id(&res.location());
    let res = carla
        .post_raw(
            &format!("/fr/cas/{id}/modifier"),
            &[
                ("revision", "1"),
                ("title", "Nouveau titre"),
                ("narrative", "Texte gardé."),
                ("lang", "fr"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Texte gardé.") && res.body.contains("jeton de sécurité"));
    // The sign-in form keeps the name, never the password.
    let res = anon.get("/en/sign-in").await;
    assert_eq!(res.status, StatusCode::OK);
    let res = send(
        &w.r,
        Request::builder()
            .method(Method::POST)
            .uri("/en/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_body(&[
                ("username", "carla"),
                ("password", "secret-typed"),
            ])))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("value=\"carla\"") && !res.body.contains("secret-typed"));
    // The API: cookie-authenticated writes need X-CSRF-Token; a bearer token does not.
    let body =
        json!({"result": rid, "title": "API", "narrative": "Through the API.", "lang": "en"});
    let no_header = send(
        &w.r,
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/cases")
            .header(header::COOKIE, carla.cookie())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(no_header.status, StatusCode::FORBIDDEN);
    assert_eq!(no_header.json()["errors"][0]["field"], "X-CSRF-Token");
    let wrong = send(
        &w.r,
        Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::COOKIE, carla.cookie())
            .header("x-csrf-token", ANON_CSRF)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"revision": 1, "title": "x"}).to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(
        carla
            .api(Method::POST, "/api/v1/cases", Some(&body))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        carla
            .bearer(Method::POST, "/api/v1/cases", Some(&body))
            .await
            .status,
        StatusCode::CREATED
    );
    // Reading needs no token; a write in another media type is refused.
    assert_eq!(
        carla
            .bearer(Method::GET, &format!("/api/v1/cases/{id}"), None)
            .await
            .status,
        StatusCode::OK
    );
    let plain = send(
        &w.r,
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/cases")
            .header(header::AUTHORIZATION, format!("Bearer {}", carla.token))
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Signing out through the API: with the cookie, the token is needed.
    let out = send(
        &w.r,
        Request::builder()
            .method(Method::DELETE)
            .uri("/api/v1/session")
            .header(header::COOKIE, carla.cookie())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    assert_eq!(
        carla
            .bearer(Method::DELETE, "/api/v1/session", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        carla
            .bearer(Method::GET, "/api/v1/users", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the session is gone"
    );
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_sqlite() {
    csrf("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_postgres() {
    csrf("postgres").await;
}

async fn rate_limits(backend: &str) {
    let w = World::new(backend).await;
    let a = "192.0.2.10:4000";
    // Five wrong passwords, then the sixth attempt is refused even with the right one.
    for _ in 0..5 {
        let res = sign_in_from(&w, a, "carla", "wrong password").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.body.contains("The user name or password is not right"));
    }
    let res = sign_in_from(&w, a, "carla", "wrong password").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.body.contains("Try again in 15 minutes"), "{}", res.body);
    let retry: i64 = res
        .headers
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((840..=900).contains(&retry), "{retry}");
    assert_eq!(
        sign_in_from(&w, a, "carla", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // From another address too (the limit is the user name's), and through the API, in French.
    assert_eq!(
        sign_in_from(&w, "198.51.100.7:1", "carla", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let res = api_sign_in_from(&w, a, "carla", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.json()["title"]["fr"]
            .as_str()
            .unwrap()
            .contains("réessayez")
    );
    assert!(res.headers.contains_key(header::RETRY_AFTER));
    // Unknown user and wrong password get the same answer.
    let unknown = sign_in_from(&w, "203.0.113.5:1", "nobody", "wrong password").await;
    let wrong = sign_in_from(&w, "203.0.113.5:1", "sami", "wrong password").await;
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        unknown.body.replace("nobody", "X"),
        wrong.body.replace("sami", "X")
    );
    // A success clears the user name's count.
    let b = "203.0.113.9:1";
    for _ in 0..4 {
        sign_in_from(&w, b, "olivier", "wrong password").await;
    }
    assert_eq!(
        sign_in_from(&w, b, "olivier", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    for _ in 0..4 {
        assert_eq!(
            sign_in_from(&w, b, "olivier", "wrong password")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in_from(&w, b, "olivier", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // One address trying many user names is stopped after 20 failures.
    let c = "198.51.100.99:1";
    for i in 0..20 {
        let res = sign_in_from(&w, c, &format!("guess{i}"), "wrong password").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let res = sign_in_from(&w, c, "ada", PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a different user from the same address"
    );
    assert_eq!(
        sign_in_from(&w, "198.51.100.100:1", "ada", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The count is in the database: another instance over the same database sees it.
    let db = w.db.as_ref().unwrap().url.clone();
    let other = passerelle_web::App::load(&[research()], &db).await.unwrap();
    let r2 = passerelle_web::router(Arc::new(other));
    let mut req = json_req(
        Method::POST,
        "/api/v1/session",
        &json!({"user": "carla", "password": PASSWORD}),
    );
    req.extensions_mut()
        .insert(ConnectInfo("192.0.2.200:1".parse::<SocketAddr>().unwrap()));
    assert_eq!(send(&r2, req).await.status, StatusCode::TOO_MANY_REQUESTS);
    drop(r2);
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_sqlite() {
    rate_limits("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_postgres() {
    rate_limits("postgres").await;
}
