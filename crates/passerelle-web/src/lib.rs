//! The Passerelle web service (`passerelle serve`): the bilingual guided interview, results,
//! rule, myth and instrument pages, and the JSON API under `/api/v1`.
//!
//! - HTML pages live under `/en/…` and `/fr/…` with translated slugs ([`route`]); `/` is a
//!   bilingual splash page. Every form is a plain HTML form that posts to the server; the
//!   GC Design System components (served from the binary, [`assets`]) only enhance the
//!   page (see the crate README, "No-JavaScript behaviour").
//! - Interview state lives in the database ([`passerelle_store`]), keyed by an unguessable
//!   id in the URL: no cookie, and the language toggle lands on the same step with the same
//!   answers.
//! - The JSON API ([`api`]) returns the engine's verdict (`passerelle::Verdict`) and reports
//!   every problem in the answers with its JSON pointer.
//!
//! **API boundary:** [`router`] is the whole service; tests drive it without sockets.

pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod case_form;
pub mod cases;
pub mod cases_api;
pub mod documents;
mod explain;
pub mod i18n;
pub mod interview;
#[cfg(feature = "oidc")]
pub mod oidc;
pub mod openapi;
mod pages;
pub mod permissions;
pub mod route;
pub mod schema;
mod views;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use passerelle::Pack;
use passerelle_store::{PackStamp, Store};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// What `passerelle serve` was asked for.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Pack folders (empty: the bundled packs).
    pub packs: Vec<PathBuf>,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Database URL (`sqlite://…` or `postgres://…`).
    pub db: Option<String>,
    /// OpenID Connect sign-in, besides local accounts.
    #[cfg(feature = "oidc")]
    pub oidc: Option<oidc::OidcSettings>,
}

/// The bundled pack, relative to the working folder.
pub const DEFAULT_PACK: &str = "packs/gc-digital";
/// The default database: a SQLite file in the working folder.
pub const DEFAULT_DB: &str = "sqlite://passerelle.db?mode=rwc";
/// Largest request body accepted (form posts and JSON), in bytes.
pub const BODY_LIMIT: usize = 256 * 1024;
/// Passerelle's version, shown on every page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything a request needs.
#[derive(Debug)]
pub struct App {
    /// The packs served.
    pub pack: Pack,
    /// The database.
    pub store: Store,
    /// Interface strings.
    pub cat: i18n::Catalog,
    /// Identity of the packs.
    pub stamps: Vec<PackStamp>,
    /// Generated documents: the packs' templates and the PDF workers.
    pub docs: documents::Docs,
    /// The case log: recorded texts of the packs and the search index.
    pub cases: cases::CaseLog,
    /// Cookies and client addresses.
    pub auth: auth::AuthConfig,
    /// OpenID Connect sign-in, when configured.
    #[cfg(feature = "oidc")]
    pub oidc: Option<oidc::Oidc>,
}

impl App {
    /// An app over loaded packs and an open store.
    pub fn new(pack: Pack, store: Store) -> Result<App, String> {
        let cat = i18n::Catalog::new()?;
        let stamps = passerelle_cases::snapshot::stamps(&pack);
        let docs = documents::Docs::load(&pack)?;
        let cases = cases::CaseLog::new(&pack)?;
        Ok(App {
            pack,
            store,
            cat,
            stamps,
            docs,
            cases,
            auth: auth::AuthConfig::default(),
            #[cfg(feature = "oidc")]
            oidc: None,
        })
    }

    /// Loads packs and opens the database.
    pub async fn load(packs: &[PathBuf], db: &str) -> Result<App, String> {
        let pack = load_pack(packs)?;
        let store = Store::open(db).await.map_err(|e| e.to_string())?;
        let app = App::new(pack, store)?;
        app.cases.start(&app.store).await?;
        Ok(app)
    }
}

/// Loads, checks and compiles packs; the message names every error.
pub fn load_pack(dirs: &[PathBuf]) -> Result<Pack, String> {
    Pack::load(dirs).map_err(|e| {
        let mut msg = format!("the packs could not be loaded ({e}):");
        for d in e.diags.iter().filter(|d| d.is_error()).take(20) {
            msg.push('\n');
            msg.push_str(&passerelle_diag::render_human(
                d,
                &e.map,
                passerelle_diag::Lang::En,
                passerelle_diag::Style::Plain,
            ));
        }
        msg
    })
}

/// The whole service.
pub fn router(app: Arc<App>) -> Router {
    let r = Router::new();
    #[cfg(feature = "oidc")]
    let r = r.route(oidc::CALLBACK_PATH, axum::routing::get(oidc::callback));
    r.merge(api::routes())
        .merge(cases_api::routes())
        .merge(assets::routes())
        .route("/", axum::routing::get(pages::splash))
        .fallback(pages::dispatch)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            auth::context,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(app)
}

/// The Content-Security-Policy of every response: no inline script, nothing from another
/// host, no framing. The one inline style allowed is the GC Design System runtime's
/// "hide until upgraded" rule, by its hash (computed by `web/vendor-gcds.mjs`).
pub const CSP: &str = concat!(
    "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-",
    include_str!("../assets/gcds/csp-style-hash.txt"),
    "'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
);

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    // A generated HTML document brings its own, stricter policy.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(h, header::CONTENT_SECURITY_POLICY, CSP);
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Interview and result addresses are capabilities: never send them to another site.
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Over [`BODY_LIMIT`].
    TooLarge,
    /// The connection failed while reading.
    Broken,
}

/// Reads a request body up to [`BODY_LIMIT`].
pub async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(BodyError::TooLarge);
    }
    match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => Ok(b),
        Err(e) => {
            // to_bytes reports an over-long body as a length-limit error in its source chain.
            let mut src: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = src {
                if s.to_string().contains("length limit") {
                    return Err(BodyError::TooLarge);
                }
                src = s.source();
            }
            Err(BodyError::Broken)
        }
    }
}

/// A new unguessable id: 128 random bits in hexadecimal.
pub fn new_id() -> Result<String, String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Whether a string looks like an id made by [`new_id`].
pub fn is_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Now, RFC 3339 in UTC.
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

pub(crate) fn status_response(status: StatusCode, ctype: &'static str, body: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    res
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Sets up OpenID Connect sign-in: the redirect base defaults to `http://ADDRESS` on a
/// loopback address (elsewhere the public address cannot be guessed safely, so
/// `--oidc-redirect-base` is needed). The provider is asked for its discovery document now,
/// to report a mistake at once; when it cannot be reached, local sign-in still works and
/// the provider is asked again at the first sign-in.
#[cfg(feature = "oidc")]
async fn start_oidc(
    mut settings: oidc::OidcSettings,
    addr: SocketAddr,
) -> Result<oidc::Oidc, String> {
    if settings.redirect_base.is_none() {
        if auth::secure_cookies(addr) {
            return Err(
                "--oidc-redirect-base https://HOST is needed when not listening on a loopback \
                 address"
                    .to_string(),
            );
        }
        settings.redirect_base = Some(format!("http://{addr}"));
    }
    let o = oidc::Oidc::new(settings).map_err(|e| e.to_string())?;
    match o.discover().await {
        Ok(()) => eprintln!(
            "passerelle: OpenID Connect sign-in with {} (redirect URI: {})",
            o.issuer(),
            o.redirect_uri()
        ),
        Err(e) => eprintln!("passerelle: warning: {e}; will try again at the first sign-in"),
    }
    Ok(o)
}

/// Runs the service until interrupted (Ctrl-C or SIGTERM).
pub fn run(opts: ServeOptions) -> Result<(), String> {
    let packs = if opts.packs.is_empty() {
        let p = PathBuf::from(DEFAULT_PACK);
        if !p.is_dir() {
            return Err(format!(
                "no pack given and no bundled pack at {DEFAULT_PACK} in the working folder: \
                 pass --pack DIR"
            ));
        }
        vec![p]
    } else {
        opts.packs
    };
    let db = opts.db.unwrap_or_else(|| DEFAULT_DB.to_string());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async move {
        // OpenID Connect options are checked before anything is loaded.
        #[cfg(feature = "oidc")]
        let oidc = match opts.oidc {
            Some(settings) => Some(start_oidc(settings, opts.addr).await?),
            None => None,
        };
        let mut app = App::load(&packs, &db).await?;
        app.auth.secure_cookies = auth::secure_cookies(opts.addr);
        #[cfg(feature = "oidc")]
        {
            app.oidc = oidc;
        }
        let app = Arc::new(app);
        cases::spawn_recheck(Arc::clone(&app)).await?;
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", opts.addr))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("cannot read the address: {e}"))?;
        let (id, version, _) = app.pack.top();
        eprintln!(
            "passerelle {VERSION}: serving {id} {version} on http://{local}/ (database: {})",
            app.store.backend()
        );
        let store = app.store.clone();
        axum::serve(
            listener,
            router(app).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
        store.close().await;
        Ok(())
    })
}
