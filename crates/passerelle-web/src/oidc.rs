//! OpenID Connect sign-in (the `oidc` feature): the authorization-code flow with PKCE (S256),
//! `state` and `nonce`, against one issuer configured at start (`passerelle serve
//! --oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE`).
//!
//! - **The flow.** The sign-in page links to [`CasePage::SignInOidc`] (`/en/sign-in/oidc`, a
//!   plain link: no JavaScript). That page makes a random `state`, `nonce` and PKCE verifier,
//!   keeps them in the pending-login cookie (below) and sends the browser to the provider's
//!   authorization endpoint. The provider sends it back to [`CALLBACK_PATH`] with a code; the
//!   server exchanges the code at the token endpoint (HTTP Basic with the client secret, and
//!   the verifier) and validates the ID token: signature (RS256/384/512, PS256/384/512,
//!   ES256/384, as the provider advertises, by ring), `iss`, `aud` (and `azp`), `exp` and `nbf`
//!   with [`LEEWAY_SECONDS`], `iat` not in the future nor before the sign-in started, and the
//!   `nonce`. The provider's discovery document (`{issuer}/.well-known/openid-configuration`)
//!   must name the same issuer; it is fetched when first needed and kept for a day. Its keys
//!   (JWKS) are kept until a token names a key id they lack: then they are fetched again once
//!   (one fetch at a time). ID tokens reach the server only from the token endpoint, over TLS
//!   and authenticated with the client secret, so nobody else can make it fetch keys.
//! - **Accounts.** A person signs in only if an administrator created their account with its
//!   "issuer subject" (`passerelle users add NAME --role … --oidc "ISSUER SUBJECT"`): no
//!   self-registration, and the role is ours, never taken from the token. An unknown or
//!   disabled subject gets a page (in English or French) giving the identifier to pass on to an
//!   administrator. Then the same server-side session as a local sign-in is opened (its audit
//!   row included: `Store::create_session` writes it).
//! - **Failures** (wrong or missing state, a refused or invalid token, an unknown subject)
//!   count toward the per-address limit of [`crate::auth`]; when the address is over it, both
//!   the start and the callback answer 429. A provider that cannot be reached (502) does not
//!   count: the person is not at fault.
//! - **Only https issuers** (and endpoints), except on a loopback address (development and
//!   tests). The HTTP client follows no redirect, gives up after [`HTTP_TIMEOUT`] and reads at
//!   most [`MAX_RESPONSE`] bytes.
//!
//! **Where the pending login lives: a cookie.** `state`, `nonce`, the PKCE verifier, the page
//! to return to, the language and the start time are kept in a short-lived cookie
//! ([`PENDING_SECONDS`]), `HttpOnly`, `SameSite=Lax` (sent on the provider's top-level
//! redirect back, not on cross-site subrequests), named `__Host-passerelle_oidc` with `Secure`
//! (so a sibling subdomain cannot plant one) except on loopback. The callback's `state` must
//! equal the cookie's, which binds the response to the browser that started (no login CSRF).
//! Why not the server: instances behind a load balancer share only the database, whose
//! schema has no table for pending logins, and memory would break when the callback reaches
//! another instance. Nothing in the cookie needs to be hidden from the browser that holds it:
//! the verifier and nonce protect against someone who sees the redirect (the code in the
//! address), not against that browser; the return path and language are checked again on
//! the way back. A state is used once: the cookie is removed by the callback's answer, each
//! instance remembers the states it consumed until they expire, and the provider refuses a
//! code used twice. Two sign-ins started in two tabs at once: the later one wins.

use crate::App;
use crate::auth::{self, set_cookie, visitor};
use crate::cases::CasePage;
use crate::pages::{see_other, tr};
use crate::route::Route;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use passerelle_diag::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use crate::auth::OIDC_CALLBACK as CALLBACK_PATH;

/// How long a started sign-in may take at the provider.
pub const PENDING_SECONDS: i64 = 600;
/// Clock difference tolerated on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECONDS: u64 = 60;
/// Time allowed for one request to the provider.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response read from the provider.
pub const MAX_RESPONSE: u64 = 1024 * 1024;
/// How long the discovery document is kept.
pub const DISCOVERY_TTL: Duration = Duration::from_secs(24 * 3600);
/// At most this many consumed states are remembered (each for [`PENDING_SECONDS`]).
pub const MAX_USED_STATES: usize = 100_000;
/// The pending-login cookie on plain HTTP (loopback).
pub const PENDING_COOKIE: &str = "passerelle_oidc";
/// The pending-login cookie with `Secure`.
pub const PENDING_COOKIE_SECURE: &str = "__Host-passerelle_oidc";

/// The ID-token signature algorithms this client checks (ring).
const SUPPORTED: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

// ---------------------------------------------------------------- errors

/// Why OpenID Connect sign-in could not be set up or did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The options given at start are not usable.
    #[error("OpenID Connect configuration: {0}")]
    Config(String),
    /// The provider could not be reached or answered something unusable.
    #[error("the OpenID Connect provider is unavailable: {0}")]
    Unavailable(String),
    /// The callback's state is missing, unknown, expired or already used.
    #[error("sign-in state: {0}")]
    State(&'static str),
    /// The provider said no (`error=…` in the callback, or an error from the token endpoint).
    #[error("the provider refused: {0}")]
    Refused(String),
    /// The ID token did not pass validation.
    #[error("ID token: {0}")]
    Token(String),
    /// No account (or a disabled one) has this "issuer subject".
    #[error("no active account for {0}")]
    UnknownSubject(String),
    /// The database failed.
    #[error("database: {0}")]
    Store(String),
}

impl OidcError {
    /// Whether the failure counts toward the per-address sign-in limit (what the request
    /// brought, not our or the provider's outage).
    pub fn counts(&self) -> bool {
        matches!(
            self,
            OidcError::State(_)
                | OidcError::Refused(_)
                | OidcError::Token(_)
                | OidcError::UnknownSubject(_)
        )
    }
}

// ---------------------------------------------------------------- settings

/// The client secret: never printed (its `Debug` is redacted).
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret (surrounding white space, such as a file's last newline, removed).
    pub fn new(s: &str) -> ClientSecret {
        ClientSecret(s.trim().to_string())
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

/// What `passerelle serve --oidc-…` was given.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The issuer, exactly as the provider writes it in its tokens.
    pub issuer: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret.
    pub client_secret: ClientSecret,
    /// `https://host` this service is reached at; the redirect URI is this plus
    /// [`CALLBACK_PATH`]. None: `http://ADDRESS` when listening on loopback.
    pub redirect_base: Option<String>,
    /// The provider's name on the sign-in button (default: the issuer's host).
    pub name: Option<String>,
}

/// True for a host that is a loopback address (or `localhost`).
fn loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let h = host.trim_start_matches('[').trim_end_matches(']');
    match h.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => v6.to_canonical().is_loopback(),
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// The host of an `http(s)://host[:port]/…` address, and whether it is https.
fn host_of(url: &str) -> Option<(bool, &str)> {
    let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else {
        (false, url.strip_prefix("http://")?)
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    (!host.is_empty()).then_some((https, host))
}

/// Checks that `url` is https, or http on a loopback address; `what` names it in the error.
pub fn check_url(what: &str, url: &str) -> Result<(), OidcError> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(OidcError::Config(format!("{what} `{url}` has spaces")));
    }
    match host_of(url) {
        Some((true, _)) => Ok(()),
        Some((false, host)) if loopback_host(host) => Ok(()),
        Some((false, _)) => Err(OidcError::Config(format!(
            "{what} `{url}` must use https (plain http only on a loopback address)"
        ))),
        None => Err(OidcError::Config(format!(
            "{what} `{url}` is not an http(s) address"
        ))),
    }
}

// ---------------------------------------------------------------- the provider

/// The parts of the discovery document used.
#[derive(Clone, Debug, Deserialize)]
pub struct Discovery {
    /// Must equal the configured issuer.
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: String,
    /// Where the code is exchanged.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
    /// ID-token algorithms (RS256 when absent, as the specification requires).
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// PKCE methods, when advertised.
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// Client authentication methods at the token endpoint, when advertised.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// How the client secret is sent to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientAuth {
    Basic,
    Post,
}

/// A checked discovery document.
#[derive(Clone, Debug)]
struct Provider {
    doc: Discovery,
    algorithms: Vec<Algorithm>,
    auth: ClientAuth,
}

impl Provider {
    fn check(doc: Discovery, issuer: &str) -> Result<Provider, OidcError> {
        let bad = |m: String| OidcError::Unavailable(format!("discovery document: {m}"));
        if doc.issuer != issuer {
            return Err(bad(format!(
                "it names the issuer `{}`, not `{issuer}`",
                doc.issuer
            )));
        }
        for (what, u) in [
            ("authorization_endpoint", &doc.authorization_endpoint),
            ("token_endpoint", &doc.token_endpoint),
            ("jwks_uri", &doc.jwks_uri),
        ] {
            check_url(what, u).map_err(|e| bad(e.to_string()))?;
        }
        if let Some(m) = &doc.code_challenge_methods_supported
            && !m.iter().any(|x| x == "S256")
        {
            return Err(bad("the provider does not offer PKCE with S256".into()));
        }
        let advertised: Vec<&str> = if doc.id_token_signing_alg_values_supported.is_empty() {
            vec!["RS256"]
        } else {
            doc.id_token_signing_alg_values_supported
                .iter()
                .map(String::as_str)
                .collect()
        };
        let algorithms: Vec<Algorithm> = SUPPORTED
            .into_iter()
            .filter(|a| advertised.contains(&alg_name(*a)))
            .collect();
        if algorithms.is_empty() {
            return Err(bad(format!(
                "no ID-token algorithm this service checks among {advertised:?}"
            )));
        }
        let auth = match &doc.token_endpoint_auth_methods_supported {
            None => ClientAuth::Basic,
            Some(m) if m.iter().any(|x| x == "client_secret_basic") => ClientAuth::Basic,
            Some(m) if m.iter().any(|x| x == "client_secret_post") => ClientAuth::Post,
            Some(m) => {
                return Err(bad(format!(
                    "the token endpoint takes neither client_secret_basic nor client_secret_post \
                     ({m:?})"
                )));
            }
        };
        Ok(Provider {
            doc,
            algorithms,
            auth,
        })
    }
}

fn alg_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::EdDSA => "EdDSA",
        _ => "other",
    }
}

/// The claims of an ID token read here.
#[derive(Debug, Deserialize)]
struct IdClaims {
    iss: String,
    sub: String,
    #[serde(default)]
    aud: Aud,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    iat: Option<i64>,
}

/// How many audiences (jsonwebtoken checks that ours is among them).
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Aud {
    #[default]
    None,
    Many(Vec<serde::de::IgnoredAny>),
    One(serde::de::IgnoredAny),
}

impl Aud {
    fn len(&self) -> usize {
        match self {
            Aud::None => 0,
            Aud::One(_) => 1,
            Aud::Many(v) => v.len(),
        }
    }
}

/// The pending login kept in the browser's cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    /// `state`.
    s: String,
    /// `nonce`.
    n: String,
    /// PKCE verifier.
    v: String,
    /// Language code.
    l: String,
    /// Page to return to (may be empty).
    r: String,
    /// Started (Unix seconds).
    t: i64,
}

impl Pending {
    fn encode(&self) -> String {
        B64.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a cookie value; None when it is not one of ours or has expired.
    fn decode(s: &str, now: i64) -> Option<Pending> {
        if s.len() > 4096 {
            return None;
        }
        let p: Pending = serde_json::from_slice(&B64.decode(s).ok()?).ok()?;
        let token = |x: &str| x.len() == 64 && x.bytes().all(|b| b.is_ascii_hexdigit());
        let fresh = p.t <= now + LEEWAY_SECONDS as i64 && now - p.t <= PENDING_SECONDS;
        (token(&p.s) && token(&p.n) && token(&p.v) && Lang::parse(&p.l).is_some() && fresh)
            .then_some(p)
    }
}

/// The PKCE S256 challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

/// The OpenID Connect client of this instance.
pub struct Oidc {
    settings: OidcSettings,
    redirect_uri: String,
    name: String,
    agent: ureq::Agent,
    provider: tokio::sync::Mutex<Option<(Arc<Provider>, Instant)>>,
    keys: tokio::sync::Mutex<Arc<Vec<Jwk>>>,
    used: Mutex<HashMap<String, Instant>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.settings.issuer)
            .field("client_id", &self.settings.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl Oidc {
    /// A client for these settings; `redirect_base` must be set (see [`OidcSettings`]).
    pub fn new(settings: OidcSettings) -> Result<Oidc, OidcError> {
        install_crypto();
        check_url("the issuer", &settings.issuer)?;
        if settings.client_id.trim().is_empty() {
            return Err(OidcError::Config("the client id is empty".into()));
        }
        if settings.client_secret.0.is_empty() {
            return Err(OidcError::Config("the client secret is empty".into()));
        }
        let base = settings
            .redirect_base
            .as_deref()
            .ok_or_else(|| OidcError::Config("--oidc-redirect-base is needed".into()))?
            .trim_end_matches('/')
            .to_string();
        check_url("the redirect base", &base)?;
        if base.split("://").nth(1).is_some_and(|r| r.contains('/')) {
            return Err(OidcError::Config(format!(
                "the redirect base `{base}` must be scheme and host only (https://host[:port])"
            )));
        }
        let local = host_of(&settings.issuer).is_some_and(|(_, h)| loopback_host(h));
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(HTTP_TIMEOUT))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(format!("passerelle/{}", crate::VERSION));
        if local {
            // A loopback provider is never reached through a proxy.
            config = config.proxy(None);
        }
        let name = settings
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| host_of(&settings.issuer).map(|(_, h)| h.to_string()))
            .unwrap_or_else(|| settings.issuer.clone());
        Ok(Oidc {
            redirect_uri: format!("{base}{CALLBACK_PATH}"),
            name,
            agent: config.build().new_agent(),
            provider: tokio::sync::Mutex::new(None),
            keys: tokio::sync::Mutex::new(Arc::new(Vec::new())),
            used: Mutex::new(HashMap::new()),
            settings,
        })
    }

    /// The provider's name, for "Sign in with …".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The redirect URI to register at the provider.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The issuer.
    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// GET a JSON document from the provider.
    async fn get_json<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        url: &str,
    ) -> Result<T, OidcError> {
        let agent = self.agent.clone();
        let u = url.to_string();
        let (status, body) = tokio::task::spawn_blocking(move || {
            let mut res = agent
                .get(&u)
                .header("accept", "application/json")
                .call()
                .map_err(|e| e.to_string())?;
            let status = res.status().as_u16();
            let body = res
                .body_mut()
                .with_config()
                .limit(MAX_RESPONSE)
                .read_to_string()
                .map_err(|e| e.to_string())?;
            Ok::<_, String>((status, body))
        })
        .await
        .map_err(|e| OidcError::Unavailable(e.to_string()))?
        .map_err(|e| OidcError::Unavailable(format!("{url}: {e}")))?;
        if status != 200 {
            return Err(OidcError::Unavailable(format!("{url}: HTTP {status}")));
        }
        serde_json::from_str(&body)
            .map_err(|e| OidcError::Unavailable(format!("{url}: not the expected JSON: {e}")))
    }

    /// The provider's checked discovery document (fetched when first needed, kept a day).
    async fn provider(&self) -> Result<Arc<Provider>, OidcError> {
        let mut cached = self.provider.lock().await;
        if let Some((p, at)) = cached.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(Arc::clone(p));
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.settings.issuer.trim_end_matches('/')
        );
        let doc: Discovery = self.get_json(&url).await?;
        let p = Arc::new(Provider::check(doc, &self.settings.issuer)?);
        *cached = Some((Arc::clone(&p), Instant::now()));
        Ok(p)
    }

    /// Fetches the discovery document now (to report a misconfiguration at start).
    pub async fn discover(&self) -> Result<(), OidcError> {
        self.provider().await.map(|_| ())
    }

    /// The signing keys; fetched again when `kid` is not among them (or none are known).
    async fn keys(&self, p: &Provider, kid: Option<&str>) -> Result<Arc<Vec<Jwk>>, OidcError> {
        let mut keys = self.keys.lock().await;
        let known = match kid {
            Some(k) => keys.iter().any(|j| j.common.key_id.as_deref() == Some(k)),
            None => !keys.is_empty(),
        };
        if !known {
            let set: serde_json::Value = self.get_json(&p.doc.jwks_uri).await?;
            let list = set
                .get("keys")
                .and_then(serde_json::Value::as_array)
                .ok_or_else(|| OidcError::Unavailable("the JWKS has no `keys`".into()))?;
            // Keys this client cannot read (other types, encryption keys) are left out.
            let parsed: Vec<Jwk> = list
                .iter()
                .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
                .filter(|k| {
                    !matches!(k.common.public_key_use, Some(ref u) if *u != PublicKeyUse::Signature)
                })
                .collect();
            *keys = Arc::new(parsed);
        }
        Ok(Arc::clone(&keys))
    }

    /// Exchanges a code for an ID token at the token endpoint.
    async fn exchange(
        &self,
        p: &Provider,
        code: &str,
        verifier: &str,
    ) -> Result<String, OidcError> {
        let id = &self.settings.client_id;
        let secret = &self.settings.client_secret.0;
        // (The serializer is not `Send`: it stays in this block, before any await.)
        let (body, basic) = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "authorization_code")
                .append_pair("code", code)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("code_verifier", verifier)
                .append_pair("client_id", id);
            let basic = match p.auth {
                ClientAuth::Basic => {
                    // RFC 6749 §2.3.1: both parts form-encoded before Base64.
                    let enc =
                        |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                    Some(format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(format!(
                            "{}:{}",
                            enc(id),
                            enc(secret)
                        ))
                    ))
                }
                ClientAuth::Post => {
                    form.append_pair("client_secret", secret);
                    None
                }
            };
            (form.finish(), basic)
        };
        let agent = self.agent.clone();
        let url = p.doc.token_endpoint.clone();
        let (status, text) = tokio::task::spawn_blocking(move || {
            let mut req = agent
                .post(&url)
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(b) = &basic {
                req = req.header("authorization", b);
            }
            let mut res = req.send(body.as_bytes()).map_err(|e| e.to_string())?;
            let status = res.status().as_u16();
            let text = res
                .body_mut()
                .with_config()
                .limit(MAX_RESPONSE)
                .read_to_string()
                .map_err(|e| e.to_string())?;
            Ok::<_, String>((status, text))
        })
        .await
        .map_err(|e| OidcError::Unavailable(e.to_string()))?
        .map_err(|e| OidcError::Unavailable(format!("token endpoint: {e}")))?;
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status != 200 {
            // Only the error code is kept: the rest of the body is the provider's prose.
            let code = json
                .get("error")
                .and_then(serde_json::Value::as_str)
                .filter(|c| c.len() <= 64 && c.bytes().all(|b| b.is_ascii_graphic()))
                .unwrap_or("no error code");
            return if (400..500).contains(&status) {
                Err(OidcError::Refused(format!(
                    "token endpoint: HTTP {status}, {code}"
                )))
            } else {
                Err(OidcError::Unavailable(format!(
                    "token endpoint: HTTP {status}"
                )))
            };
        }
        json.get("id_token")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| OidcError::Token("the token endpoint returned no id_token".into()))
    }

    /// Validates an ID token for a pending login; returns the "issuer subject".
    async fn validate(
        &self,
        p: &Provider,
        token: &str,
        pending: &Pending,
        now: i64,
    ) -> Result<String, OidcError> {
        let bad = |m: &str| OidcError::Token(m.to_string());
        let header = jsonwebtoken::decode_header(token).map_err(|e| bad(&e.to_string()))?;
        let alg = header.alg;
        if !p.algorithms.contains(&alg) {
            return Err(bad(&format!("algorithm {} not accepted", alg_name(alg))));
        }
        let keys = self.keys(p, header.kid.as_deref()).await?;
        let usable = |k: &&Jwk| {
            let family_ok = matches!(
                (&k.algorithm, alg.family()),
                (AlgorithmParameters::RSA(_), AlgorithmFamily::Rsa)
                    | (AlgorithmParameters::EllipticCurve(_), AlgorithmFamily::Ec)
            );
            let alg_ok = k
                .common
                .key_algorithm
                .is_none_or(|ka| format!("{ka:?}") == alg_name(alg));
            family_ok && alg_ok
        };
        let jwk = match header.kid.as_deref() {
            Some(kid) => keys
                .iter()
                .filter(|k| k.common.key_id.as_deref() == Some(kid))
                .find(usable)
                .ok_or_else(|| bad(&format!("no key `{kid}` for {}", alg_name(alg))))?,
            None => {
                let mut fit = keys.iter().filter(usable);
                match (fit.next(), fit.next()) {
                    (Some(k), None) => k,
                    _ => return Err(bad("no key id, and not exactly one key fits")),
                }
            }
        };
        let key = DecodingKey::from_jwk(jwk).map_err(|e| bad(&e.to_string()))?;
        let mut v = jsonwebtoken::Validation::new(alg);
        v.leeway = LEEWAY_SECONDS;
        v.validate_nbf = true;
        v.set_issuer(&[&self.settings.issuer]);
        v.set_audience(&[&self.settings.client_id]);
        v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<IdClaims>(token, &key, &v).map_err(|e| {
            bad(&match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature => "bad signature".to_string(),
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => "expired".to_string(),
                jsonwebtoken::errors::ErrorKind::InvalidAudience => "wrong audience".to_string(),
                jsonwebtoken::errors::ErrorKind::InvalidIssuer => "wrong issuer".to_string(),
                other => format!("{other:?}"),
            })
        })?;
        let c = data.claims;
        if c.aud.len() > 1 || c.azp.is_some() {
            // OpenID Connect Core §3.1.3.7, 4-5.
            if c.azp.as_deref() != Some(self.settings.client_id.as_str()) {
                return Err(bad("wrong authorized party (azp)"));
            }
        }
        let nonce_ok = c
            .nonce
            .as_deref()
            .is_some_and(|n| auth::same_token(n, &pending.n));
        if !nonce_ok {
            return Err(bad("wrong nonce"));
        }
        let leeway = LEEWAY_SECONDS as i64;
        match c.iat {
            Some(iat) if iat > now + leeway => return Err(bad("issued in the future")),
            Some(iat) if iat < pending.t - leeway => {
                return Err(bad("issued before the sign-in started"));
            }
            Some(_) => {}
            None => return Err(bad("no iat")),
        }
        if c.sub.is_empty() || c.sub.len() > 255 {
            return Err(bad("bad subject"));
        }
        Ok(format!("{} {}", c.iss, c.sub))
    }

    /// Remembers a consumed state; false when it was consumed already.
    fn consume(&self, state: &str) -> bool {
        let Ok(mut used) = self.used.lock() else {
            return false;
        };
        let ttl = Duration::from_secs(PENDING_SECONDS as u64 + LEEWAY_SECONDS);
        if used.len() >= MAX_USED_STATES {
            used.retain(|_, at| at.elapsed() < ttl);
        }
        if used.contains_key(state) {
            return false;
        }
        if used.len() >= MAX_USED_STATES {
            // Full of live states: refuse rather than forget one.
            return false;
        }
        used.insert(state.to_string(), Instant::now());
        true
    }
}

// ---------------------------------------------------------------- ring under jsonwebtoken

/// Verifies JWS signatures with ring (the crypto library rustls already brings).
struct RingVerifier {
    alg: Algorithm,
    key: DecodingKey,
}

impl jsonwebtoken::signature::Verifier<Vec<u8>> for RingVerifier {
    fn verify(
        &self,
        msg: &[u8],
        signature: &Vec<u8>,
    ) -> Result<(), jsonwebtoken::signature::Error> {
        use ring::signature as rs;
        let fail = |_| jsonwebtoken::signature::Error::new();
        match (self.alg.family(), self.key.kind()) {
            (AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                let params: &rs::RsaParameters = match self.alg {
                    Algorithm::RS256 => &rs::RSA_PKCS1_2048_8192_SHA256,
                    Algorithm::RS384 => &rs::RSA_PKCS1_2048_8192_SHA384,
                    Algorithm::RS512 => &rs::RSA_PKCS1_2048_8192_SHA512,
                    Algorithm::PS256 => &rs::RSA_PSS_2048_8192_SHA256,
                    Algorithm::PS384 => &rs::RSA_PSS_2048_8192_SHA384,
                    Algorithm::PS512 => &rs::RSA_PSS_2048_8192_SHA512,
                    _ => return Err(jsonwebtoken::signature::Error::new()),
                };
                rs::RsaPublicKeyComponents { n, e }
                    .verify(params, msg, signature)
                    .map_err(fail)
            }
            (AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
                let params: &'static dyn rs::VerificationAlgorithm = match self.alg {
                    Algorithm::ES256 => &rs::ECDSA_P256_SHA256_FIXED,
                    Algorithm::ES384 => &rs::ECDSA_P384_SHA384_FIXED,
                    _ => return Err(jsonwebtoken::signature::Error::new()),
                };
                rs::UnparsedPublicKey::new(params, point)
                    .verify(msg, signature)
                    .map_err(fail)
            }
            _ => Err(jsonwebtoken::signature::Error::new()),
        }
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
}

fn ring_verifier(
    alg: &Algorithm,
    key: &DecodingKey,
) -> jsonwebtoken::errors::Result<Box<dyn JwtVerifier>> {
    if !SUPPORTED.contains(alg) || key.family() != alg.family() {
        return Err(jsonwebtoken::errors::ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(RingVerifier {
        alg: *alg,
        key: key.clone(),
    }))
}

fn no_signer(_: &Algorithm, _: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
    Err(jsonwebtoken::errors::ErrorKind::InvalidAlgorithm.into())
}

fn unsupported<T>() -> jsonwebtoken::errors::Result<T> {
    Err(jsonwebtoken::errors::ErrorKind::InvalidAlgorithm.into())
}

/// Verification only: this service never signs tokens, and needs no key conversion.
static RING_PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: no_signer,
    verifier_factory: ring_verifier,
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: |_| unsupported(),
        rsa_pub_components_from_public_key: |_| unsupported(),
        ec_pub_components_from_private_key: |_, _| unsupported(),
        ed_pub_components_from_private_key: |_, _| unsupported(),
        compute_digest: |_, _| unsupported(),
    },
};

/// Makes ring jsonwebtoken's crypto provider (once per process; a provider installed
/// before is kept).
fn install_crypto() {
    let _ = RING_PROVIDER.install_default();
}

// ---------------------------------------------------------------- pages

fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        PENDING_COOKIE_SECURE
    } else {
        PENDING_COOKIE
    }
}

fn pending_cookie(value: &str, secure: bool) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={PENDING_SECONDS}{}",
        pending_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

fn clear_pending_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        pending_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// `a?b` or `a&b` when `a` has a query already.
fn with_query(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

/// "Sign in with …": where the link goes and what it says, when OpenID Connect is set up.
pub fn sign_in_link(app: &App, lang: Lang, return_to: &str) -> Option<(String, String)> {
    let o = app.oidc.as_ref()?;
    let path = Route::CaseLog(CasePage::SignInOidc).path(lang);
    let href = if return_to.is_empty() {
        path
    } else {
        format!("{path}?return={}", auth::query_value(return_to))
    };
    Some((href, o.name().to_string()))
}

/// A page about a sign-in with the provider that did not go through.
fn failure_page(app: &App, lang: Lang, e: &OidcError) -> Response {
    let t = tr(app, lang);
    let here = Route::CaseLog(CasePage::SignIn);
    let back = Some((here.path(lang), t.s("oidc-try-again").into_owned()));
    let (status, title, text) = match e {
        OidcError::State(_) => (
            StatusCode::BAD_REQUEST,
            "oidc-state-title",
            t.s("oidc-state-text").into_owned(),
        ),
        OidcError::Refused(_) | OidcError::Token(_) => (
            StatusCode::UNAUTHORIZED,
            "oidc-failed-title",
            t.s("oidc-failed-text").into_owned(),
        ),
        OidcError::UnknownSubject(subject) => (
            StatusCode::FORBIDDEN,
            "oidc-unknown-title",
            t.cat.args(
                lang,
                "oidc-unknown-text",
                &[("subject", crate::i18n::Arg::Str(subject))],
            ),
        ),
        OidcError::Config(_) | OidcError::Unavailable(_) | OidcError::Store(_) => (
            StatusCode::BAD_GATEWAY,
            "oidc-unavailable-title",
            t.s("oidc-unavailable-text").into_owned(),
        ),
    };
    auth::message_page(app, lang, status, title, text, &here, back)
}

/// GET `/en/sign-in/oidc?return=…`: off to the provider.
pub async fn start(app: &App, lang: Lang, query: &str) -> Response {
    let Some(o) = app.oidc.as_ref() else {
        return crate::pages::not_found(
            app,
            lang,
            Route::CaseLog(CasePage::SignIn).path(lang.other()),
        );
    };
    let v = visitor();
    match auth::address_limited(app, &v.client).await {
        Ok(Some(retry_at)) => {
            return auth::limited_page(app, lang, &Route::CaseLog(CasePage::SignIn), retry_at);
        }
        Ok(None) => {}
        Err(e) => return crate::pages::server_error(app, lang, &e),
    }
    let p = match o.provider().await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("passerelle: OpenID Connect: {e}");
            return failure_page(app, lang, &e);
        }
    };
    let ret = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "return")
        .and_then(|(_, v)| auth::safe_return(&v))
        .unwrap_or_default();
    let random = || passerelle_store::accounts::random_hex(32);
    let (Ok(state), Ok(nonce), Ok(verifier)) = (random(), random(), random()) else {
        return crate::pages::server_error(app, lang, "no randomness");
    };
    let pending = Pending {
        s: state,
        n: nonce,
        v: verifier,
        l: lang.code().to_string(),
        r: ret,
        t: jiff::Timestamp::now().as_second(),
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &o.settings.client_id)
        .append_pair("redirect_uri", &o.redirect_uri)
        .append_pair("scope", "openid")
        .append_pair("state", &pending.s)
        .append_pair("nonce", &pending.n)
        .append_pair("code_challenge", &pkce_challenge(&pending.v))
        .append_pair("code_challenge_method", "S256")
        .append_pair(
            "ui_locales",
            match lang {
                Lang::En => "en-CA en fr-CA",
                Lang::Fr => "fr-CA fr en-CA",
            },
        )
        .finish();
    let mut r = see_other(&with_query(&p.doc.authorization_endpoint, &query));
    set_cookie(
        &mut r,
        &pending_cookie(&pending.encode(), app.auth.secure_cookies),
    );
    r
}

/// The language of a callback without a usable cookie: from `Accept-Language`.
fn header_lang(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or("");
    if first.trim().to_ascii_lowercase().starts_with("fr") {
        Lang::Fr
    } else {
        Lang::En
    }
}

/// GET [`CALLBACK_PATH`]: the provider sends the browser back here.
pub async fn callback(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let now = jiff::Timestamp::now().as_second();
    let secure = app.auth.secure_cookies;
    let pending =
        auth::cookie(&headers, pending_cookie_name(secure)).and_then(|c| Pending::decode(&c, now));
    let lang = pending
        .as_ref()
        .and_then(|p| Lang::parse(&p.l))
        .unwrap_or_else(|| header_lang(&headers));
    let query = uri.query().unwrap_or("").to_string();
    let mut r = match app.oidc.as_ref() {
        None => crate::pages::not_found(&app, lang, format!("/{}", lang.other().code())),
        Some(o) => finish(&app, o, lang, &query, pending, now).await,
    };
    set_cookie(&mut r, &clear_pending_cookie(secure));
    r
}

async fn finish(
    app: &App,
    o: &Oidc,
    lang: Lang,
    query: &str,
    pending: Option<Pending>,
    now: i64,
) -> Response {
    let v = visitor();
    match auth::address_limited(app, &v.client).await {
        Ok(Some(retry_at)) => {
            return auth::limited_page(app, lang, &Route::CaseLog(CasePage::SignIn), retry_at);
        }
        Ok(None) => {}
        Err(e) => return crate::pages::server_error(app, lang, &e),
    }
    match sign_in(app, o, query, pending, now).await {
        Ok((user, ret)) => match auth::open_session(app, &user.id).await {
            Ok((token, _csrf)) => {
                let to = if ret.is_empty() {
                    Route::CaseLog(CasePage::List).path(lang)
                } else {
                    ret
                };
                let mut r = see_other(&to);
                set_cookie(
                    &mut r,
                    &auth::session_cookie(&token, app.auth.secure_cookies),
                );
                r
            }
            Err(e) => crate::pages::server_error(app, lang, &e),
        },
        Err(e) => {
            eprintln!(
                "passerelle: OpenID Connect sign-in from {} refused: {e}",
                v.client
            );
            if e.counts()
                && let Err(se) = auth::record_address_failure(app, &v.client).await
            {
                return crate::pages::server_error(app, lang, &se);
            }
            failure_page(app, lang, &e)
        }
    }
}

/// The callback's checks, from the state to the account.
async fn sign_in(
    app: &App,
    o: &Oidc,
    query: &str,
    pending: Option<Pending>,
    now: i64,
) -> Result<(passerelle_store::User, String), OidcError> {
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if params.insert(k.into_owned(), v.into_owned()).is_some() {
            return Err(OidcError::State("a parameter given twice"));
        }
    }
    let pending = pending.ok_or(OidcError::State("no pending sign-in in this browser"))?;
    let state = params.get("state").map(String::as_str).unwrap_or("");
    if !auth::same_token(state, &pending.s) {
        return Err(OidcError::State("the state does not match this browser's"));
    }
    if !o.consume(state) {
        return Err(OidcError::State("the state was used already"));
    }
    if let Some(err) = params.get("error") {
        let code: String = err
            .chars()
            .filter(char::is_ascii_graphic)
            .take(64)
            .collect();
        return Err(OidcError::Refused(code));
    }
    // RFC 9207: when the provider names itself, it must be ours.
    if let Some(iss) = params.get("iss")
        && iss != &o.settings.issuer
    {
        return Err(OidcError::Refused(format!("a response from `{iss}`")));
    }
    let code = params
        .get("code")
        .filter(|c| !c.is_empty() && c.len() <= 4096)
        .ok_or_else(|| OidcError::Refused("no code".into()))?;
    let p = o.provider().await?;
    let id_token = o.exchange(&p, code, &pending.v).await?;
    let subject = o.validate(&p, &id_token, &pending, now).await?;
    let user = app
        .store
        .user_by_oidc(&subject)
        .await
        .map_err(|e| OidcError::Store(e.to_string()))?
        .filter(|u| !u.disabled)
        .ok_or(OidcError::UnknownSubject(subject))?;
    let ret = auth::safe_return(&pending.r).unwrap_or_default();
    Ok((user, ret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback() {
        for ok in [
            "https://id.example.ca",
            "https://id.example.ca/realms/gc",
            "http://127.0.0.1:8080",
            "http://localhost:9000/x",
            "http://[::1]:80/",
        ] {
            assert!(check_url("x", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://id.example.ca",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://",
            "http://evil@127.0.0.1",
            "https://id.example.ca/a b",
            "id.example.ca",
        ] {
            assert!(check_url("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pkce_challenge_of_rfc_7636() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn pending_cookie_round_trips_and_expires() {
        let p = Pending {
            s: "a".repeat(64),
            n: "b".repeat(64),
            v: "c".repeat(64),
            l: "fr".into(),
            r: "/fr/cas".into(),
            t: 1_000_000,
        };
        let enc = p.encode();
        assert!(
            enc.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Pending::decode(&enc, 1_000_100), Some(p.clone()));
        assert_eq!(Pending::decode(&enc, 1_000_000 + PENDING_SECONDS + 1), None);
        assert_eq!(Pending::decode("not base64!", 1_000_000), None);
        let short = Pending { s: "a".into(), ..p };
        assert_eq!(Pending::decode(&short.encode(), 1_000_000), None);
        let c = pending_cookie("x", true);
        for flag in [
            "__Host-",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(c.contains(flag), "{c}");
        }
        assert!(!pending_cookie("x", false).contains("Secure"));
    }

    #[test]
    fn secrets_are_not_printed() {
        let s = OidcSettings {
            issuer: "https://id.example.ca".into(),
            client_id: "passerelle".into(),
            client_secret: ClientSecret::new("hunter2-very-secret\n"),
            redirect_base: Some("https://passerelle.example.ca".into()),
            name: None,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        let o = Oidc::new(s).unwrap_or_else(|_| unreachable!());
        assert!(!format!("{o:?}").contains("hunter2"));
        assert_eq!(o.name(), "id.example.ca");
        assert_eq!(
            o.redirect_uri(),
            "https://passerelle.example.ca/oidc/callback"
        );
    }

    #[test]
    fn settings_are_checked() {
        let base = OidcSettings {
            issuer: "https://id.example.ca".into(),
            client_id: "passerelle".into(),
            client_secret: ClientSecret::new("s"),
            redirect_base: Some("https://passerelle.example.ca".into()),
            name: Some("GCKey".into()),
        };
        assert!(Oidc::new(base.clone()).is_ok());
        for bad in [
            OidcSettings {
                issuer: "http://id.example.ca".into(),
                ..base.clone()
            },
            OidcSettings {
                client_secret: ClientSecret::new("  "),
                ..base.clone()
            },
            OidcSettings {
                redirect_base: Some("http://passerelle.example.ca".into()),
                ..base.clone()
            },
            OidcSettings {
                redirect_base: Some("https://passerelle.example.ca/app".into()),
                ..base.clone()
            },
            OidcSettings {
                redirect_base: None,
                ..base.clone()
            },
        ] {
            assert!(Oidc::new(bad).is_err());
        }
    }
}
