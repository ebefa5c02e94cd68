//! Who is asking, and the defences around it: server-side sessions, CSRF tokens on every
//! form, and sign-in attempts limited across instances.
//!
//! - **Sessions.** Signing in stores a session (`passerelle-store`: only the SHA-256 of the
//!   token is kept) and sets the cookie [`SESSION_COOKIE`]: `HttpOnly`, `SameSite=Lax`,
//!   `Path=/`, `Max-Age` of 8 hours (the session ends on the server at the same time), and
//!   `Secure` unless the service listens on a loopback address ([`secure_cookies`]). The JSON
//!   API also accepts the token as `Authorization: Bearer …`.
//! - **CSRF.** Every form carries a hidden `csrf` field. A signed-in person's forms carry their
//!   session's token (synchroniser token); anonymous forms carry the value of the
//!   [`CSRF_COOKIE`] cookie (`SameSite=Strict`, `HttpOnly`), set on the first page seen
//!   (double submit). A POST whose field does not match gets 403. JSON API writes
//!   authenticated by the cookie must send the session's token in `X-CSRF-Token`; a bearer
//!   token needs none (a browser never adds it by itself).
//! - **Sign-in limits.** Failures are counted in the database, so every instance behind a load
//!   balancer sees them: at most [`MAX_USER_FAILURES`] per user name and
//!   [`MAX_ADDRESS_FAILURES`] per client address in [`WINDOW_MINUTES`] minutes; beyond, 429
//!   and the time to try again. A success clears the user name's count. Unknown users and
//!   wrong passwords get the same answer (and take as long: see `Store::check_password`).
//!
//! The [`context`] middleware finds the visitor once per request and keeps it in a task-local
//! ([`visitor`]), so the page frame (the account links, the CSRF field) does not need it
//! passed through every page function.

use crate::i18n::Tr;
use crate::interview::Form;
use crate::pages::{html, layout_alt, see_other, server_error, tr};
use crate::route::Route;
use crate::views::{ErrorLink, ErrorPage, Layout};
use crate::{App, cases::CasePage};
use askama::Template;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use passerelle_diag::Lang;
use passerelle_store::{Session, User};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The session cookie.
pub const SESSION_COOKIE: &str = "passerelle_session";
/// The anonymous double-submit CSRF cookie.
pub const CSRF_COOKIE: &str = "passerelle_csrf";
/// The header a cookie-authenticated API write carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 8;
/// The window failed sign-ins are counted in.
pub const WINDOW_MINUTES: i64 = 15;
/// Failed sign-ins allowed per user name in the window.
pub const MAX_USER_FAILURES: i64 = 5;
/// Failed sign-ins allowed per client address in the window.
pub const MAX_ADDRESS_FAILURES: i64 = 20;
/// Shortest password an administrator may set.
pub const MIN_PASSWORD: usize = 12;
/// Where an OpenID Connect provider sends the browser back (the one redirect URI to
/// register, in either language: see `crate::oidc`).
pub const OIDC_CALLBACK: &str = "/oidc/callback";

/// How this instance treats cookies and client addresses.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// Mark cookies `Secure` (off only when listening on a loopback address).
    pub secure_cookies: bool,
    /// Take the client address from the last `X-Forwarded-For` entry (behind one trusted
    /// proxy; `PASSERELLE_TRUST_PROXY=1`).
    pub trust_proxy: bool,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            secure_cookies: true,
            trust_proxy: std::env::var("PASSERELLE_TRUST_PROXY").is_ok_and(|v| v == "1"),
        }
    }
}

/// Whether cookies set by a service listening on `addr` must be `Secure`: yes, unless the
/// address is a loopback one (a developer's `http://127.0.0.1`, where a browser would drop
/// `Secure` cookies sent over plain HTTP).
pub fn secure_cookies(addr: SocketAddr) -> bool {
    let ip = match addr.ip() {
        IpAddr::V6(v6) => v6.to_canonical(),
        v4 => v4,
    };
    !ip.is_loopback()
}

/// The person behind a request.
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    /// Their session, from the cookie or a bearer token.
    pub session: Option<Session>,
    /// The session came from `Authorization: Bearer`.
    pub bearer: bool,
    /// The session token presented (to end it on sign-out).
    pub token: Option<String>,
    /// The CSRF cookie sent with the request.
    pub csrf_cookie: Option<String>,
    /// A CSRF cookie to set with the response (the request had none).
    pub new_csrf: Option<String>,
    /// The client address, for sign-in limits.
    pub client: String,
    /// The request path and query (for "sign in" links that come back here).
    pub here: String,
}

impl Visitor {
    /// The signed-in account.
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The token this visitor's forms carry.
    pub fn form_token(&self) -> &str {
        match &self.session {
            Some(s) if !self.bearer => &s.csrf,
            _ => self
                .csrf_cookie
                .as_deref()
                .or(self.new_csrf.as_deref())
                .unwrap_or(""),
        }
    }
}

tokio::task_local! {
    static VISITOR: Visitor;
}

/// The visitor of the request being served (an anonymous one outside a request).
pub fn visitor() -> Visitor {
    VISITOR.try_with(Visitor::clone).unwrap_or_default()
}

/// Now, to the second, RFC 3339 in UTC: a fixed width, so stored times compare as text.
pub fn stamp(t: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// Now, as [`stamp`] writes it.
pub fn now_stamp() -> String {
    stamp(jiff::Timestamp::now())
}

fn plus_minutes(t: jiff::Timestamp, minutes: i64) -> jiff::Timestamp {
    t.checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap_or(t)
}

/// The value of a cookie in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// A token made by the store (`random_hex(32)`).
fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

fn client_address(app: &App, req: &Request) -> String {
    if app.auth.trust_proxy
        && let Some(last) = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
    {
        return last.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_HOURS * 3600,
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` for the anonymous CSRF token.
pub fn csrf_cookie(token: &str, secure: bool) -> String {
    format!(
        "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(res: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Finds the visitor (session, CSRF cookie, address) and serves the request with it.
pub async fn context(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let pages =
        path == "/en" || path == "/fr" || path.starts_with("/en/") || path.starts_with("/fr/");
    if !pages && !path.starts_with("/api/") && path != OIDC_CALLBACK {
        return next.run(req).await;
    }
    let headers = req.headers();
    let now = now_stamp();
    let mut v = Visitor {
        client: client_address(&app, &req),
        here: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        ..Visitor::default()
    };
    let from_bearer = if path.starts_with("/api/") {
        bearer(headers)
    } else {
        None
    };
    let from_cookie = cookie(headers, SESSION_COOKIE).filter(|t| is_token(t));
    let mut stale_cookie = false;
    if let Some(t) = from_bearer.clone().or(from_cookie.clone()) {
        match app.store.session(&t, &now).await {
            Ok(Some(s)) => {
                v.session = Some(s);
                v.bearer = from_bearer.is_some();
                v.token = Some(t);
            }
            Ok(None) => stale_cookie = from_bearer.is_none(),
            Err(e) => eprintln!("passerelle: reading a session: {e}"),
        }
    }
    v.csrf_cookie = cookie(headers, CSRF_COOKIE).filter(|t| is_token(t));
    if pages && v.csrf_cookie.is_none() {
        v.new_csrf = passerelle_store::accounts::random_hex(32).ok();
    }
    let new_csrf = v.new_csrf.clone();
    let mut res = VISITOR.scope(v, next.run(req)).await;
    let secure = app.auth.secure_cookies;
    if let Some(t) = new_csrf {
        set_cookie(&mut res, &csrf_cookie(&t, secure));
    }
    if stale_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        set_cookie(&mut res, &clear_session_cookie(secure));
    }
    res
}

/// Checks a form's CSRF token and returns the form without it; `Err` gives the form back
/// (without the token) when the token is missing or wrong.
pub fn check_form(form: Form) -> Result<Form, Form> {
    let v = visitor();
    let sent = form.get("csrf").unwrap_or("").to_string();
    let rest = Form(form.0.into_iter().filter(|(k, _)| k != "csrf").collect());
    let expected = match &v.session {
        Some(s) => Some(s.csrf.as_str()),
        None => v.csrf_cookie.as_deref(),
    };
    match expected {
        Some(e) if same_token(e, &sent) => Ok(rest),
        _ => Err(rest),
    }
}

/// Why the API refused to say who is asking.
#[derive(Debug, PartialEq, Eq)]
pub enum ApiAuth {
    /// A cookie-authenticated write without the session's `X-CSRF-Token`.
    Csrf,
}

/// The session of an API request; for writes authenticated by the cookie, the
/// `X-CSRF-Token` header must match the session's token.
pub fn api_session(headers: &HeaderMap, write: bool) -> Result<Option<Session>, ApiAuth> {
    let v = visitor();
    let Some(s) = v.session else {
        return Ok(None);
    };
    if write && !v.bearer {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !same_token(&s.csrf, sent) {
            return Err(ApiAuth::Csrf);
        }
    }
    Ok(Some(s))
}

/// What a sign-in attempt gave.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the cookie token and the session's CSRF token.
    Done {
        /// The account.
        user: User,
        /// Session token (cookie or bearer).
        token: String,
        /// CSRF token of the session.
        csrf: String,
    },
    /// Wrong user name or password (the same answer for both).
    Refused,
    /// Too many failures: try again at this time.
    Limited {
        /// When one more attempt will be allowed.
        retry_at: jiff::Timestamp,
    },
    /// The database failed.
    Failed(String),
}

/// The failure-count key of a client address.
fn address_key(client: &str) -> String {
    format!("ip:{client}")
}

/// When sign-ins are paused for any of these `(key, most failures)`: the time one more
/// attempt will be allowed; None when none is over its limit.
async fn limited_until(
    app: &App,
    keys: &[(&str, i64)],
    now: jiff::Timestamp,
) -> Result<Option<jiff::Timestamp>, String> {
    let since = stamp(plus_minutes(now, -WINDOW_MINUTES));
    let store = &app.store;
    let mut retry: Option<jiff::Timestamp> = None;
    for (key, max) in keys {
        let n = store
            .failures_since(key, &since)
            .await
            .map_err(|e| e.to_string())?;
        if n >= *max {
            let oldest = store
                .oldest_failure_since(key, &since)
                .await
                .map_err(|e| e.to_string())?
                .and_then(|s| s.parse::<jiff::Timestamp>().ok());
            let at = plus_minutes(oldest.unwrap_or(now), WINDOW_MINUTES);
            retry = Some(retry.map_or(at, |r| r.max(at)));
        }
    }
    Ok(retry)
}

/// When sign-ins from this client address are paused (another way of signing in, such as
/// OpenID Connect, shares the address's limit).
pub async fn address_limited(app: &App, client: &str) -> Result<Option<jiff::Timestamp>, String> {
    limited_until(
        app,
        &[(&address_key(client), MAX_ADDRESS_FAILURES)],
        jiff::Timestamp::now(),
    )
    .await
}

/// Counts a failed sign-in against a client address.
pub async fn record_address_failure(app: &App, client: &str) -> Result<(), String> {
    app.store
        .record_failure(&[&address_key(client)], &now_stamp())
        .await
        .map_err(|e| e.to_string())
}

/// Opens a session for an account that proved who it is: the cookie token and the
/// session's CSRF token (the store writes the sign-in to the audit trail).
pub async fn open_session(app: &App, user_id: &str) -> Result<(String, String), String> {
    let now = jiff::Timestamp::now();
    let at = stamp(now);
    let expires = stamp(plus_minutes(now, SESSION_HOURS * 60));
    let since = stamp(plus_minutes(now, -WINDOW_MINUTES));
    let store = &app.store;
    let (token, csrf) = store
        .create_session(user_id, &at, &expires)
        .await
        .map_err(|e| e.to_string())?;
    // Old sessions and failures go now and then (one sign-in in a while suffices).
    store.purge(&at, &since).await.map_err(|e| e.to_string())?;
    Ok((token, csrf))
}

/// Tries a user name and password from a client address, within the limits.
pub async fn sign_in(app: &App, username: &str, password: &str, client: &str) -> SignIn {
    let now = jiff::Timestamp::now();
    let name = username.trim().to_lowercase();
    let user_key = format!("user:{}", name.chars().take(200).collect::<String>());
    let ip_key = address_key(client);
    let store = &app.store;
    match limited_until(
        app,
        &[
            (&user_key, MAX_USER_FAILURES),
            (&ip_key, MAX_ADDRESS_FAILURES),
        ],
        now,
    )
    .await
    {
        Ok(Some(retry_at)) => return SignIn::Limited { retry_at },
        Ok(None) => {}
        Err(e) => return SignIn::Failed(e),
    }
    let found = if name.is_empty() || name.len() > 200 || password.len() > 1024 {
        passerelle_store::accounts::dummy_verify(password);
        None
    } else {
        match store.check_password(&name, password).await {
            Ok(u) => u,
            Err(e) => return SignIn::Failed(e.to_string()),
        }
    };
    let at = stamp(now);
    let Some(user) = found else {
        return match store.record_failure(&[&user_key, &ip_key], &at).await {
            Ok(()) => SignIn::Refused,
            Err(e) => SignIn::Failed(e.to_string()),
        };
    };
    if let Err(e) = store.clear_failures(&user_key).await {
        return SignIn::Failed(e.to_string());
    }
    match open_session(app, &user.id).await {
        Ok((token, csrf)) => SignIn::Done { user, token, csrf },
        Err(e) => SignIn::Failed(e),
    }
}

/// Minutes from now until `t`, at least 1.
pub fn minutes_until(t: jiff::Timestamp) -> i64 {
    let secs = t.as_second() - jiff::Timestamp::now().as_second();
    (secs + 59).div_euclid(60).max(1)
}

/// A local address to come back to after signing in: a page of this service, nothing else.
pub fn safe_return(s: &str) -> Option<String> {
    if s.starts_with("//") || s.contains('\\') || s.chars().any(char::is_control) {
        return None;
    }
    let path = s.split(['?', '#']).next().unwrap_or("");
    match Route::parse(path) {
        (
            Some(_),
            Some(Route::CaseLog(CasePage::SignIn | CasePage::SignInOidc | CasePage::SignOut)),
        ) => None,
        (Some(_), Some(_)) => Some(s.to_string()),
        _ => None,
    }
}

/// Percent-encodes a query value.
pub fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

// ---------------------------------------------------------------- the page frame

/// The account links of the page frame, and the token every form carries.
pub struct AccountNav {
    /// The CSRF token of this visitor's forms.
    pub csrf: String,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// They may manage accounts.
    pub admin: bool,
    /// The case log.
    pub cases_href: String,
    /// Sign in, coming back here.
    pub sign_in_href: String,
    /// POST here to sign out.
    pub sign_out_action: String,
    /// Accounts.
    pub users_href: String,
    /// Audit trail.
    pub audit_href: String,
}

/// The account links for a page in `lang`.
pub fn nav(lang: Lang) -> AccountNav {
    let v = visitor();
    let sign_in = Route::CaseLog(CasePage::SignIn).path(lang);
    let sign_in_href = match safe_return(&v.here) {
        Some(r) => format!("{sign_in}?return={}", query_value(&r)),
        None => sign_in,
    };
    AccountNav {
        csrf: v.form_token().to_string(),
        user: v.user().map(|u| u.display_name.clone()),
        admin: v
            .user()
            .is_some_and(|u| u.role == passerelle_store::Role::Admin),
        cases_href: Route::CaseLog(CasePage::List).path(lang),
        sign_in_href,
        sign_out_action: Route::CaseLog(CasePage::SignOut).path(lang),
        users_href: Route::CaseLog(CasePage::Users).path(lang),
        audit_href: Route::CaseLog(CasePage::Audit).path(lang),
    }
}

/// A page with a heading, a message and a way back, with any status.
pub fn message_page(
    app: &App,
    lang: Lang,
    status: StatusCode,
    title_id: &str,
    message: String,
    here: &Route,
    back: Option<(String, String)>,
) -> Response {
    let t = tr(app, lang);
    let page = ErrorPage {
        layout: layout_alt(
            app,
            lang,
            t.s(title_id).into_owned(),
            here.path(lang.other()),
            true,
            true,
        ),
        t,
        heading: t.s(title_id).into_owned(),
        message,
        errors: Vec::new(),
        back,
    };
    html(status, Some(lang), page.render())
}

/// 403 for a form without its token: nothing was changed; go back (the browser keeps what
/// was typed) and send it again.
pub fn csrf_page(app: &App, lang: Lang, here: &Route) -> Response {
    let t = tr(app, lang);
    message_page(
        app,
        lang,
        StatusCode::FORBIDDEN,
        "csrf-title",
        t.s("csrf-text").into_owned(),
        here,
        Some((here.path(lang), t.s("error-go-back").into_owned())),
    )
}

/// 429 with the time to try again.
pub fn limited_page(app: &App, lang: Lang, here: &Route, retry_at: jiff::Timestamp) -> Response {
    let t = tr(app, lang);
    let time = retry_at.strftime("%H:%M").to_string();
    let minutes = minutes_until(retry_at);
    let msg = t.cat.args(
        lang,
        "sign-in-limited-text",
        &[
            ("minutes", crate::i18n::Arg::Num(minutes)),
            ("time", crate::i18n::Arg::Str(&time)),
        ],
    );
    let mut r = message_page(
        app,
        lang,
        StatusCode::TOO_MANY_REQUESTS,
        "sign-in-limited-title",
        msg,
        here,
        None,
    );
    if let Ok(v) = HeaderValue::from_str(&(minutes * 60).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

// ---------------------------------------------------------------- sign-in and sign-out pages

/// `/en/sign-in`.
#[derive(Template)]
#[template(path = "sign-in.html")]
pub struct SignInPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Error summary.
    pub errors: Vec<ErrorLink>,
    /// The name typed (never the password).
    pub username: String,
    /// Where to go after.
    pub return_to: String,
    /// Form action.
    pub action: String,
    /// Signed in already, as this person.
    pub signed_in_as: Option<String>,
    /// "Sign in with …" (OpenID Connect): the link and the provider's name.
    pub oidc: Option<(String, String)>,
}

/// The "Sign in with …" link of the sign-in page, when OpenID Connect is set up.
#[cfg(feature = "oidc")]
fn oidc_link(app: &App, lang: Lang, return_to: &str) -> Option<(String, String)> {
    crate::oidc::sign_in_link(app, lang, return_to)
}

#[cfg(not(feature = "oidc"))]
fn oidc_link(_: &App, _: Lang, _: &str) -> Option<(String, String)> {
    None
}

/// GET `/en/sign-in/oidc`: to the OpenID Connect provider (404 when not set up).
pub async fn sign_in_oidc_get(app: &App, lang: Lang, query: &str) -> Response {
    #[cfg(feature = "oidc")]
    {
        crate::oidc::start(app, lang, query).await
    }
    #[cfg(not(feature = "oidc"))]
    {
        let _ = query;
        crate::pages::not_found(
            app,
            lang,
            Route::CaseLog(CasePage::SignIn).path(lang.other()),
        )
    }
}

fn sign_in_form(
    app: &App,
    lang: Lang,
    username: &str,
    return_to: &str,
    errors: Vec<ErrorLink>,
    status: StatusCode,
) -> Response {
    let t = tr(app, lang);
    let route = Route::CaseLog(CasePage::SignIn);
    let alt = if return_to.is_empty() {
        route.path(lang.other())
    } else {
        format!(
            "{}?return={}",
            route.path(lang.other()),
            query_value(return_to)
        )
    };
    let page = SignInPage {
        layout: layout_alt(
            app,
            lang,
            t.s("sign-in-title").into_owned(),
            alt,
            true,
            !errors.is_empty(),
        ),
        t,
        errors,
        username: username.to_string(),
        return_to: return_to.to_string(),
        action: route.path(lang),
        signed_in_as: visitor().user().map(|u| u.display_name.clone()),
        oidc: oidc_link(app, lang, return_to),
    };
    html(status, Some(lang), page.render())
}

/// GET `/en/sign-in?return=…`.
pub fn sign_in_get(app: &App, lang: Lang, query: &str) -> Response {
    let ret = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "return")
        .and_then(|(_, v)| safe_return(&v))
        .unwrap_or_default();
    sign_in_form(app, lang, "", &ret, Vec::new(), StatusCode::OK)
}

/// POST `/en/sign-in`.
pub async fn sign_in_post(app: &App, lang: Lang, form: &Form) -> Response {
    let t = tr(app, lang);
    let username = form.get("username").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("");
    let ret = form.get("return").and_then(safe_return).unwrap_or_default();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(ErrorLink {
            href: "#username".into(),
            text: t.s("sign-in-no-username").into_owned(),
        });
    }
    if password.is_empty() {
        errors.push(ErrorLink {
            href: "#password".into(),
            text: t.s("sign-in-no-password").into_owned(),
        });
    }
    if !errors.is_empty() {
        return sign_in_form(app, lang, &username, &ret, errors, StatusCode::BAD_REQUEST);
    }
    let v = visitor();
    match sign_in(app, &username, password, &v.client).await {
        SignIn::Done { token, .. } => {
            let to = if ret.is_empty() {
                Route::CaseLog(CasePage::List).path(lang)
            } else {
                ret
            };
            let mut r = see_other(&to);
            set_cookie(&mut r, &session_cookie(&token, app.auth.secure_cookies));
            r
        }
        SignIn::Refused => sign_in_form(
            app,
            lang,
            &username,
            &ret,
            vec![ErrorLink {
                href: "#username".into(),
                text: t.s("sign-in-refused").into_owned(),
            }],
            StatusCode::UNAUTHORIZED,
        ),
        SignIn::Limited { retry_at } => {
            limited_page(app, lang, &Route::CaseLog(CasePage::SignIn), retry_at)
        }
        SignIn::Failed(e) => server_error(app, lang, &e),
    }
}

/// The sign-in form again after a CSRF failure: the name kept, never the password.
pub fn sign_in_csrf(app: &App, lang: Lang, form: &Form) -> Response {
    let t = tr(app, lang);
    sign_in_form(
        app,
        lang,
        form.get("username").unwrap_or("").trim(),
        &form.get("return").and_then(safe_return).unwrap_or_default(),
        vec![ErrorLink {
            href: "#username".into(),
            text: t.s("csrf-form").into_owned(),
        }],
        StatusCode::FORBIDDEN,
    )
}

/// POST `/en/sign-out`.
pub async fn sign_out_post(app: &App, lang: Lang) -> Response {
    let v = visitor();
    if let Some(t) = &v.token
        && let Err(e) = app.store.delete_session(t).await
    {
        return server_error(app, lang, &e.to_string());
    }
    let mut r = see_other(&Route::Start.path(lang));
    set_cookie(&mut r, &clear_session_cookie(app.auth.secure_cookies));
    r
}

/// Where a person who must sign in first is sent (coming back to `back`).
pub fn to_sign_in(lang: Lang, back: &str) -> Response {
    see_other(&format!(
        "{}?return={}",
        Route::CaseLog(CasePage::SignIn).path(lang),
        query_value(back)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_get_no_secure_flag() {
        for a in [
            "127.0.0.1:8080",
            "127.1.2.3:80",
            "[::1]:8080",
            "[::ffff:127.0.0.1]:80",
        ] {
            let addr: SocketAddr = a.parse().unwrap_or_else(|_| unreachable!());
            assert!(!secure_cookies(addr), "{a}");
        }
        for a in [
            "0.0.0.0:8080",
            "10.0.0.5:443",
            "[::]:80",
            "[2001:db8::1]:443",
        ] {
            let addr: SocketAddr = a.parse().unwrap_or_else(|_| unreachable!());
            assert!(secure_cookies(addr), "{a}");
        }
    }

    #[test]
    fn cookies_have_their_flags() {
        let s = session_cookie("abc", true);
        for flag in [
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=28800",
            "Secure",
        ] {
            assert!(s.contains(flag), "{s}");
        }
        assert!(!session_cookie("abc", false).contains("Secure"));
        let c = csrf_cookie("abc", false);
        assert!(c.contains("SameSite=Strict") && c.contains("HttpOnly"));
        assert!(clear_session_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("", ""));
    }

    #[test]
    fn stamps_are_fixed_width() {
        let t: jiff::Timestamp = "2026-11-29T10:00:00.123456Z"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(stamp(t), "2026-11-29T10:00:00Z");
    }

    #[test]
    fn only_local_pages_are_returned_to() {
        assert_eq!(
            safe_return("/en/cases/new?result=abc").as_deref(),
            Some("/en/cases/new?result=abc")
        );
        assert_eq!(safe_return("/fr/regles").as_deref(), Some("/fr/regles"));
        for bad in [
            "//evil.example/en",
            "https://evil.example/en",
            "/en/sign-in",
            "/de/x",
            "/en\\x",
            "",
        ] {
            assert_eq!(safe_return(bad), None, "{bad}");
        }
    }
}
