//! OpenID Connect sign-in against a real OpenID provider running in the test (an axum server
//! on 127.0.0.1: discovery, JWKS, an authorization endpoint that redirects back with a code,
//! and a token endpoint that checks the code, the client secret and the PKCE verifier, then
//! returns an ID token signed with an RSA key of `tests/fixtures`). Our service is driven
//! without sockets, as in the other tests; it calls the provider over HTTP.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use passerelle_store::testing::{self, TestDb};
use passerelle_store::{NewUser, Role, User};
use passerelle_web::oidc::{ClientSecret, Oidc, OidcSettings};
use passerelle_web::{App, router};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value as J, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use support::{Res, research, send};

const CLIENT_ID: &str = "passerelle-test";
const SECRET: &str = "s3cr3t-Client-Value-9f8e7d6c5b4a";
const REDIRECT_BASE: &str = "http://127.0.0.1:8080";

// ---------------------------------------------------------------- the provider

/// What the next ID token looks like.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Good,
    WrongNonce,
    WrongAudience,
    Expired,
    /// Signed with the second key under the first key's id.
    BadSignature,
    /// Signed with the second key under an id the JWKS never lists.
    UnknownKid,
    /// Signed with the second key, which the JWKS now lists too (a key rotation).
    Rotated,
}

struct Grant {
    challenge: String,
    nonce: String,
    redirect_uri: String,
    used: bool,
}

struct Op {
    issuer: String,
    keys: [RsaKeyPair; 2],
    /// Key ids the JWKS lists, with the key index.
    jwks: Mutex<Vec<(String, usize)>>,
    codes: Mutex<HashMap<String, Grant>>,
    mode: Mutex<Mode>,
    /// The `sub` of whoever "signs in" at the provider next.
    subject: Mutex<String>,
    jwks_fetches: AtomicUsize,
    token_calls: AtomicUsize,
    next_code: AtomicUsize,
}

fn pem_key(name: &str) -> RsaKeyPair {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let pem = std::fs::read_to_string(path).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(b64).unwrap()).unwrap()
}

fn jwk(kid: &str, k: &RsaKeyPair) -> J {
    let c: RsaPublicKeyComponents<Vec<u8>> = k.public().into();
    json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": B64.encode(&c.n),
        "e": B64.encode(&c.e),
    })
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Op {
    fn sign(&self, kid: &str, key: usize, claims: &J) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
        let msg = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let k = &self.keys[key];
        let mut sig = vec![0; k.public().modulus_len()];
        k.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            msg.as_bytes(),
            &mut sig,
        )
        .unwrap();
        format!("{msg}.{}", B64.encode(sig))
    }

    fn id_token(&self, nonce: &str) -> String {
        let mode = self.mode.lock().unwrap().clone();
        let t = now();
        let mut claims = json!({
            "iss": self.issuer,
            "sub": self.subject.lock().unwrap().clone(),
            "aud": CLIENT_ID,
            "iat": t,
            "exp": t + 300,
            "nonce": nonce,
            // Never read: the role comes from our database.
            "role": "admin",
            "roles": ["admin"],
            "groups": ["passerelle-admins"],
        });
        match mode {
            Mode::WrongNonce => claims["nonce"] = json!("0".repeat(64)),
            Mode::WrongAudience => claims["aud"] = json!("someone-else"),
            Mode::Expired => {
                claims["iat"] = json!(t - 10);
                claims["exp"] = json!(t - 120);
            }
            _ => {}
        }
        match mode {
            Mode::BadSignature => self.sign("k1", 1, &claims),
            Mode::UnknownKid => self.sign("k-unknown", 1, &claims),
            Mode::Rotated => self.sign("k2", 1, &claims),
            _ => self.sign("k1", 0, &claims),
        }
    }
}

fn json_res(status: StatusCode, j: &J) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        j.to_string(),
    )
        .into_response()
}

async fn discovery(State(op): State<Arc<Op>>) -> Response {
    let i = &op.issuer;
    json_res(
        StatusCode::OK,
        &json!({
            "issuer": i,
            "authorization_endpoint": format!("{i}/authorize"),
            "token_endpoint": format!("{i}/token"),
            "jwks_uri": format!("{i}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }),
    )
}

async fn jwks(State(op): State<Arc<Op>>) -> Response {
    op.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<J> = op
        .jwks
        .lock()
        .unwrap()
        .iter()
        .map(|(kid, i)| jwk(kid, &op.keys[*i]))
        .collect();
    // An encryption key and a key of another type: left out by the client, not fatal.
    let mut all = vec![
        json!({"kty": "RSA", "use": "enc", "alg": "RSA-OAEP", "kid": "enc-1", "n": "AQAB", "e": "AQAB"}),
        json!({"kty": "OKP", "crv": "X448", "kid": "x448", "x": "AQAB"}),
    ];
    all.extend(keys);
    json_res(StatusCode::OK, &json!({ "keys": all }))
}

async fn authorize(State(op): State<Arc<Op>>, uri: Uri) -> Response {
    let q: HashMap<String, String> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code"
        || get("client_id") != CLIENT_ID
        || get("code_challenge_method") != "S256"
        || !get("scope").split(' ').any(|s| s == "openid")
        || get("state").is_empty()
        || get("nonce").is_empty()
        || get("redirect_uri") != format!("{REDIRECT_BASE}/oidc/callback")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = format!("code-{}", op.next_code.fetch_add(1, Ordering::SeqCst));
    op.codes.lock().unwrap().insert(
        code.clone(),
        Grant {
            challenge: get("code_challenge"),
            nonce: get("nonce"),
            redirect_uri: get("redirect_uri"),
            used: false,
        },
    );
    let to = format!(
        "{}?code={code}&state={}&iss={}",
        get("redirect_uri"),
        get("state"),
        form_urlencoded::byte_serialize(op.issuer.as_bytes()).collect::<String>()
    );
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

async fn token(State(op): State<Arc<Op>>, headers: HeaderMap, body: String) -> Response {
    op.token_calls.fetch_add(1, Ordering::SeqCst);
    let refuse = |status: StatusCode, e: &str| {
        json_res(status, &json!({"error": e, "error_description": "no"}))
    };
    let basic = format!("Basic {}", STANDARD.encode(format!("{CLIENT_ID}:{SECRET}")));
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(basic.as_str())
    {
        return refuse(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    if get("grant_type") != "authorization_code" {
        return refuse(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let nonce = {
        let mut codes = op.codes.lock().unwrap();
        let Some(g) = codes.get_mut(&get("code")) else {
            return refuse(StatusCode::BAD_REQUEST, "invalid_grant");
        };
        let challenge = B64.encode(Sha256::digest(get("code_verifier").as_bytes()));
        if g.used || challenge != g.challenge || get("redirect_uri") != g.redirect_uri {
            return refuse(StatusCode::BAD_REQUEST, "invalid_grant");
        }
        g.used = true;
        g.nonce.clone()
    };
    json_res(
        StatusCode::OK,
        &json!({
            "access_token": "opaque-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": op.id_token(&nonce),
        }),
    )
}

/// Starts the provider on 127.0.0.1 (a free port).
async fn provider() -> Arc<Op> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let op = Arc::new(Op {
        issuer: format!("http://{addr}"),
        keys: [pem_key("oidc-rsa-1.pem"), pem_key("oidc-rsa-2.pem")],
        jwks: Mutex::new(vec![("k1".into(), 0)]),
        codes: Mutex::new(HashMap::new()),
        mode: Mutex::new(Mode::Good),
        subject: Mutex::new("sub-carla".into()),
        jwks_fetches: AtomicUsize::new(0),
        token_calls: AtomicUsize::new(0),
        next_code: AtomicUsize::new(1),
    });
    let r = Router::new()
        .route(
            "/.well-known/openid-configuration",
            axum::routing::get(discovery),
        )
        .route("/jwks", axum::routing::get(jwks))
        .route("/authorize", axum::routing::get(authorize))
        .route("/token", axum::routing::post(token))
        .with_state(Arc::clone(&op));
    tokio::spawn(async move {
        axum::serve(listener, r).await.unwrap();
    });
    op
}

// ---------------------------------------------------------------- our service

struct World {
    app: Arc<App>,
    r: Router,
    db: Option<TestDb>,
    op: Arc<Op>,
    carla: User,
    ada: User,
    /// Every response of our service, to look for the client secret.
    seen: Mutex<Vec<String>>,
}

async fn oidc_user(app: &App, name: &str, role: Role, subject: &str) -> User {
    app.store
        .create_user(
            &NewUser {
                username: name,
                display_name: &format!("{name} (OIDC)"),
                role,
                password_hash: None,
                oidc_subject: Some(subject.to_string()),
            },
            "system:test",
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap()
}

impl World {
    async fn new(backend: &str) -> World {
        let op = provider().await;
        let db = testing::fresh(backend).await.unwrap();
        let mut app = App::load(&[research()], &db.url).await.unwrap();
        app.oidc = Some(
            Oidc::new(OidcSettings {
                issuer: op.issuer.clone(),
                client_id: CLIENT_ID.into(),
                client_secret: ClientSecret::new(&format!("{SECRET}\n")),
                redirect_base: Some(REDIRECT_BASE.into()),
                name: Some("Test ID".into()),
            })
            .unwrap(),
        );
        let app = Arc::new(app);
        let carla = oidc_user(
            &app,
            "carla",
            Role::Contributor,
            &format!("{} sub-carla", op.issuer),
        )
        .await;
        let ada = oidc_user(&app, "ada", Role::Admin, &format!("{} sub-ada", op.issuer)).await;
        World {
            r: router(Arc::clone(&app)),
            app,
            db: Some(db),
            op,
            carla,
            ada,
            seen: Mutex::new(Vec::new()),
        }
    }

    async fn end(mut self) {
        let seen = self.seen.lock().unwrap().clone();
        assert!(seen.len() > 5);
        for s in &seen {
            assert!(!s.contains(SECRET), "the client secret in a response: {s}");
        }
        if let Some(db) = self.db.take() {
            drop(self.r);
            drop(self.app);
            db.drop_db().await.unwrap();
        }
    }

    /// A GET to our service from an address, with cookies.
    async fn get(&self, uri: &str, cookies: &[String], from: &str) -> Res {
        let mut b = Request::builder().uri(uri);
        if !cookies.is_empty() {
            b = b.header(header::COOKIE, cookies.join("; "));
        }
        let mut req = b.body(Body::empty()).unwrap();
        let a: SocketAddr = from.parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(a));
        let res = send(&self.r, req).await;
        let mut all = format!("{}\n", res.body);
        for (k, v) in &res.headers {
            all.push_str(&format!("{k}: {}\n", v.to_str().unwrap_or("")));
        }
        self.seen.lock().unwrap().push(all);
        res
    }

    /// Starts a sign-in on `page` (`/en/sign-in/oidc?…`): the pending cookie and the
    /// provider's authorization address.
    async fn start(&self, page: &str, from: &str) -> (String, String) {
        let res = self.get(page, &[], from).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let to = res.location();
        assert!(
            to.starts_with(&format!("{}/authorize?", self.op.issuer)),
            "{to}"
        );
        for p in [
            "response_type=code",
            "scope=openid",
            "code_challenge_method=S256",
            "code_challenge=",
            "nonce=",
            "state=",
            "client_id=passerelle-test",
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Foidc%2Fcallback",
        ] {
            assert!(to.contains(p), "{p} in {to}");
        }
        let c = cookie_named(&res, "__Host-passerelle_oidc=").expect("the pending cookie");
        for flag in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(c.contains(flag), "{c}");
        }
        (c.split(';').next().unwrap().to_string(), to)
    }

    /// The provider's redirect back: the callback path and query.
    async fn authorize(&self, url: &str) -> String {
        let url = url.to_string();
        let location = tokio::task::spawn_blocking(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .max_redirects(0)
                .http_status_as_error(false)
                .proxy(None)
                .build()
                .into();
            let res = agent.get(&url).call().unwrap();
            assert_eq!(res.status().as_u16(), 302);
            res.headers()
                .get("location")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        })
        .await
        .unwrap();
        let path = location
            .strip_prefix(REDIRECT_BASE)
            .unwrap_or_else(|| panic!("{location}"));
        assert!(path.starts_with("/oidc/callback?code="), "{path}");
        path.to_string()
    }

    /// A whole sign-in as the provider's `subject`, started on `page`.
    async fn sign_in(&self, page: &str, subject: &str, from: &str) -> Res {
        *self.op.subject.lock().unwrap() = subject.to_string();
        let (pending, to) = self.start(page, from).await;
        let back = self.authorize(&to).await;
        self.get(&back, &[pending], from).await
    }
}

fn cookie_named(res: &Res, prefix: &str) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(prefix))
}

fn session_token(res: &Res) -> Option<String> {
    cookie_named(res, "passerelle_session=").map(|c| {
        c.trim_start_matches("passerelle_session=")
            .split(';')
            .next()
            .unwrap()
            .to_string()
    })
}

/// The pending cookie is removed by every answer of the callback.
fn pending_cleared(res: &Res) -> bool {
    cookie_named(res, "__Host-passerelle_oidc=;").is_some_and(|c| c.contains("Max-Age=0"))
}

const FROM: &str = "192.0.2.50:4000";

// ---------------------------------------------------------------- the tests

async fn happy_path(backend: &str) {
    let w = World::new(backend).await;
    // The sign-in page offers the provider: a plain link, coming back to the same page.
    let page = w.get("/en/sign-in?return=%2Fen%2Fcases", &[], FROM).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(
            "<a class=\"pw-button pw-button--secondary\" href=\"/en/sign-in/oidc?return=%2Fen%2Fcases\">Sign in with Test ID</a>"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"password\""),
        "local accounts too"
    );
    let fr = w.get("/fr/connexion", &[], FROM).await;
    assert!(
        fr.body
            .contains("href=\"/fr/connexion/oidc\">Se connecter avec")
    );

    // Carla, a contributor, although the token says "admin".
    let res = w
        .sign_in("/en/sign-in/oidc?return=%2Fen%2Fcases", "sub-carla", FROM)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/en/cases");
    assert!(pending_cleared(&res));
    let c = cookie_named(&res, "passerelle_session=").unwrap();
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=28800",
        "Secure",
    ] {
        assert!(c.contains(flag), "{c}");
    }
    let token = session_token(&res).unwrap();
    let session = w
        .app
        .store
        .session(&token, "2000-01-01T00:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.user.id, w.carla.id);
    assert_eq!(session.user.role, Role::Contributor);
    let cookie = format!("passerelle_session={token}");
    let cases = w
        .get("/en/cases", std::slice::from_ref(&cookie), FROM)
        .await;
    assert!(cases.body.contains("Signed in as carla (OIDC)"));
    let admin = w.get("/en/admin/users", &[cookie], FROM).await;
    assert_eq!(
        admin.status,
        StatusCode::FORBIDDEN,
        "the token's role is ignored"
    );
    // The sign-in is in the audit trail, as for local accounts.
    let trail = w
        .app
        .store
        .audit_trail(None, 10, Some(&w.carla.id))
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "sign_in" && e.actor == w.carla.id)
    );

    // Ada, an administrator, from the French page: back to the case log in French.
    let res = w.sign_in("/fr/connexion/oidc", "sub-ada", FROM).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/fr/cas");
    let cookie = format!("passerelle_session={}", session_token(&res).unwrap());
    let admin = w.get("/fr/admin/utilisateurs", &[cookie], FROM).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert!(admin.body.contains(&format!(
        "Se connecte avec OpenID Connect en tant que {} sub-carla",
        w.op.issuer
    )));
    // The keys were fetched once for both.
    assert_eq!(w.op.jwks_fetches.load(Ordering::SeqCst), 1);

    // A key rotation: a token under a new key id makes the client fetch the keys again.
    w.op.jwks.lock().unwrap().push(("k2".into(), 1));
    *w.op.mode.lock().unwrap() = Mode::Rotated;
    let res = w.sign_in("/en/sign-in/oidc", "sub-carla", FROM).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(session_token(&res).is_some());
    assert_eq!(w.op.jwks_fetches.load(Ordering::SeqCst), 2);
    // A return address elsewhere is not followed.
    *w.op.mode.lock().unwrap() = Mode::Good;
    let res = w
        .sign_in(
            "/en/sign-in/oidc?return=https%3A%2F%2Fevil.example%2F",
            "sub-carla",
            FROM,
        )
        .await;
    assert_eq!(res.location(), "/en/cases");
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_sqlite() {
    happy_path("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_postgres() {
    happy_path("postgres").await;
}

/// Each bad token is refused with the "could not be confirmed" page and no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused() {
    let w = World::new("sqlite").await;
    for mode in [
        Mode::WrongNonce,
        Mode::WrongAudience,
        Mode::Expired,
        Mode::BadSignature,
        Mode::UnknownKid,
    ] {
        *w.op.mode.lock().unwrap() = mode.clone();
        let before = w.op.jwks_fetches.load(Ordering::SeqCst);
        let res = w.sign_in("/en/sign-in/oidc", "sub-ada", FROM).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{mode:?}: {}",
            res.body
        );
        assert!(
            res.body.contains("Your identity could not be confirmed"),
            "{mode:?}"
        );
        assert!(res.body.contains("href=\"/en/sign-in\""), "a way back");
        assert!(session_token(&res).is_none(), "{mode:?}");
        assert!(pending_cleared(&res));
        let fetched = w.op.jwks_fetches.load(Ordering::SeqCst) - before;
        match mode {
            // An unknown key id: the keys are fetched again, once.
            Mode::UnknownKid => assert_eq!(fetched, 1),
            _ => assert!(fetched <= 1),
        }
    }
    // In French when started in French.
    *w.op.mode.lock().unwrap() = Mode::WrongNonce;
    let res = w.sign_in("/fr/connexion/oidc", "sub-ada", FROM).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("<html lang=\"fr\""));
    assert!(res.body.contains("pas pu être confirmée"));
    // The same provider, a good token: it works (nothing above was cached wrongly).
    *w.op.mode.lock().unwrap() = Mode::Good;
    let res = w.sign_in("/en/sign-in/oidc", "sub-ada", FROM).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    w.end().await;
}

/// An unknown subject, or a disabled account: a page in the person's language with the
/// identifier to give an administrator; no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_subjects_are_refused() {
    let w = World::new("sqlite").await;
    let res = w.sign_in("/en/sign-in/oidc", "sub-nobody", FROM).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("No account for this identity"));
    assert!(
        res.body.contains(&format!("{} sub-nobody", w.op.issuer)),
        "{}",
        res.body
    );
    assert!(session_token(&res).is_none());
    let res = w.sign_in("/fr/connexion/oidc", "sub-nobody", FROM).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("<html lang=\"fr\""));
    assert!(res.body.contains("Aucun compte pour cette identité"));
    assert!(res.body.contains("href=\"/en/sign-in\""), "the toggle");
    // A disabled account is refused the same way.
    w.app
        .store
        .update_user(
            &w.carla.id,
            passerelle_store::UserChange {
                disabled: Some(true),
                ..Default::default()
            },
            &w.ada.id,
            "2026-01-02T00:00:00Z",
        )
        .await
        .unwrap();
    let res = w.sign_in("/en/sign-in/oidc", "sub-carla", FROM).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(session_token(&res).is_none());
    // The subject of another issuer is another identity.
    let other = passerelle_store::NewUser {
        username: "mallory",
        display_name: "Mallory",
        role: Role::Admin,
        password_hash: None,
        oidc_subject: Some("https://other.example sub-mallory".into()),
    };
    w.app
        .store
        .create_user(&other, "system:test", "2026-01-01T00:00:00Z")
        .await
        .unwrap();
    let res = w.sign_in("/en/sign-in/oidc", "sub-mallory", FROM).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    w.end().await;
}

/// The state: replayed, unknown, from another browser, or the provider said no.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn states_are_checked() {
    let w = World::new("sqlite").await;
    *w.op.subject.lock().unwrap() = "sub-carla".into();
    let (pending, to) = w.start("/en/sign-in/oidc", FROM).await;
    let back = w.authorize(&to).await;
    let ok = w.get(&back, std::slice::from_ref(&pending), FROM).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let calls = w.op.token_calls.load(Ordering::SeqCst);
    // The same answer again, cookie and all: refused before the provider is asked.
    let again = w.get(&back, std::slice::from_ref(&pending), FROM).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert!(again.body.contains("This sign-in has expired"));
    assert!(session_token(&again).is_none());
    assert_eq!(w.op.token_calls.load(Ordering::SeqCst), calls);
    // No pending cookie (another browser, or it expired): the language from the header.
    let (_, to) = w.start("/fr/connexion/oidc", FROM).await;
    let back = w.authorize(&to).await;
    let mut req = Request::builder()
        .uri(&back)
        .header(header::ACCEPT_LANGUAGE, "fr-CA,fr;q=0.9")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(FROM.parse::<SocketAddr>().unwrap()));
    let res = send(&w.r, req).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("Cette connexion a expiré"));
    assert!(session_token(&res).is_none());
    // Another sign-in's cookie (the state does not match).
    let (other, _) = w.start("/en/sign-in/oidc", FROM).await;
    let res = w.get(&back, &[other], FROM).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(session_token(&res).is_none());
    // A state made up, a cookie made up.
    let res = w
        .get(
            &format!("/oidc/callback?code=x&state={}", "a".repeat(64)),
            &["__Host-passerelle_oidc=e30".into()],
            FROM,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // The provider says no (the person cancelled).
    let (pending, to) = w.start("/en/sign-in/oidc", FROM).await;
    let state = to
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("state="))
        .unwrap()
        .to_string();
    let res = w
        .get(
            &format!("/oidc/callback?error=access_denied&state={state}"),
            &[pending],
            FROM,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("Your identity could not be confirmed"));
    // A response that names another issuer (mix-up): refused.
    let (pending, to) = w.start("/en/sign-in/oidc", FROM).await;
    let back = w.authorize(&to).await;
    let forged = back.replace("&iss=", "&iss=https%3A%2F%2Fother.example&was=");
    let res = w.get(&forged, &[pending], FROM).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    w.end().await;
}

/// Failed callbacks count toward the per-address limit shared with local sign-ins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_callbacks_count_toward_the_address_limit() {
    let w = World::new("sqlite").await;
    let from = "198.51.100.7:5000";
    let bad = format!("/oidc/callback?code=x&state={}", "b".repeat(64));
    for _ in 0..passerelle_web::auth::MAX_ADDRESS_FAILURES {
        let res = w.get(&bad, &[], from).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
    }
    let res = w.get(&bad, &[], from).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers.contains_key(header::RETRY_AFTER));
    // Starting is paused too, and so is the password form from that address.
    let res = w.get("/en/sign-in/oidc", &[], from).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    let body = support::form_body(&[
        ("username", "carla"),
        ("password", "whatever it is"),
        ("csrf", support::ANON_CSRF),
    ]);
    let mut req = Request::builder()
        .method("POST")
        .uri("/en/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            format!("passerelle_csrf={}", support::ANON_CSRF),
        )
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
    assert_eq!(send(&w.r, req).await.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected.
    let res = w.sign_in("/en/sign-in/oidc", "sub-carla", FROM).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    w.end().await;
}

/// Without `--oidc-issuer`: no button, and the two addresses do not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_configured() {
    let db = testing::fresh("sqlite").await.unwrap();
    let app = App::load(&[research()], &db.url).await.unwrap();
    let r = router(Arc::new(app));
    let get = |uri: &'static str| {
        let r = r.clone();
        async move { send(&r, Request::builder().uri(uri).body(Body::empty()).unwrap()).await }
    };
    let page = get("/en/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Sign in with"));
    assert_eq!(get("/en/sign-in/oidc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get("/oidc/callback?code=x&state=y").await.status,
        StatusCode::NOT_FOUND
    );
    drop(r);
    db.drop_db().await.unwrap();
}

/// A provider that cannot be reached: 502 in the person's language, and it does not count
/// as a failed sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_down() {
    let db = testing::fresh("sqlite").await.unwrap();
    let mut app = App::load(&[research()], &db.url).await.unwrap();
    // A port nobody listens on.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    app.oidc = Some(
        Oidc::new(OidcSettings {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: CLIENT_ID.into(),
            client_secret: ClientSecret::new(SECRET),
            redirect_base: Some(REDIRECT_BASE.into()),
            name: None,
        })
        .unwrap(),
    );
    let r = router(Arc::new(app));
    let res = send(
        &r,
        Request::builder()
            .uri("/fr/connexion/oidc")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_GATEWAY);
    assert!(res.body.contains("est injoignable"));
    assert!(!res.body.contains(SECRET));
    let page = send(
        &r,
        Request::builder()
            .uri("/en/sign-in")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.body.contains("Sign in with 127.0.0.1"));
    drop(r);
    db.drop_db().await.unwrap();
}
