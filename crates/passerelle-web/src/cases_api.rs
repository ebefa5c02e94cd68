//! The case log in the JSON API: sessions, situations (list and search, create, read,
//! change, related), screening, the audit trail and accounts. Same permissions as the pages
//! ([`crate::permissions`]); same checks and writes ([`crate::case_form`]).
//!
//! Authentication: the session cookie or `Authorization: Bearer <token>` (the token
//! `POST /api/v1/session` returns). A write authenticated by the cookie must carry the
//! session's CSRF token in `X-CSRF-Token`; a bearer token needs none. Writes take
//! `application/json` only (a cross-site form cannot send it).
//!
//! Errors: `{"status", "title": {"en", "fr"}, "errors": [{"pointer", "field", "expected",
//! "message": {"en", "fr"}, "reason_en", "reason_fr", "findings"?}]}`.

use crate::api::json_response;
use crate::auth::{self, ApiAuth, SignIn, api_session, visitor};
use crate::case_form::{
    self, CaseFields, CaseInput, Decision, Origin, Problem, SaveError, precheck, resolve,
    screen_changes,
};
use crate::cases::{self, CasePage, Found, readable};
use crate::i18n::Tr;
use crate::permissions::{Denied, can_read, may_admin, visible_statuses};
use crate::route::Route;
use crate::{App, BodyError, read_body};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post, put};
use passerelle_cases::screen::{self as pi, FieldFinding};
use passerelle_cases::search::SearchQuery;
use passerelle_check::answers::{from_json, parse_date};
use passerelle_diag::Lang;
use passerelle_store::{CaseStatus, Role, Session, Situation, User, UserChange};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value as J, json};
use std::sync::Arc;

/// The case log's paths, as the OpenAPI document lists them.
pub const PATHS: &[(&str, &str)] = &[
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("put", "/api/v1/cases/{id}"),
    ("get", "/api/v1/cases/{id}/related"),
    ("post", "/api/v1/screen"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("put", "/api/v1/users/{id}"),
];

/// Routes of the case log under `/api/v1`.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1/session", post(session_post).delete(session_delete))
        .route("/api/v1/cases", get(cases_get).post(cases_post))
        .route("/api/v1/cases/{id}", get(case_get).put(case_put))
        .route("/api/v1/cases/{id}/related", get(case_related))
        .route("/api/v1/screen", post(screen_post))
        .route("/api/v1/audit", get(audit_get))
        .route("/api/v1/users", get(users_get).post(users_post))
        .route("/api/v1/users/{id}", put(user_put))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

// ---------------------------------------------------------------- errors

/// One problem, with its field and the reason in both languages.
fn problem(field: &str, en: String, fr: String) -> J {
    json!({
        "pointer": format!("/{field}"),
        "field": field,
        "expected": "",
        "message": {"en": en, "fr": fr},
        "reason_en": en,
        "reason_fr": fr,
    })
}

fn error(status: StatusCode, en: &str, fr: &str, errors: Vec<J>) -> Response {
    json_response(
        status,
        &json!({"status": status.as_u16(), "title": {"en": en, "fr": fr}, "errors": errors}),
    )
}

fn both<'a>(app: &'a App) -> (Tr<'a>, Tr<'a>) {
    (
        Tr {
            cat: &app.cat,
            lang: Lang::En,
        },
        Tr {
            cat: &app.cat,
            lang: Lang::Fr,
        },
    )
}

fn problems(app: &App, list: &[Problem]) -> Vec<J> {
    let (en, fr) = both(app);
    list.iter()
        .map(|p| problem(p.field, p.text(&en), p.text(&fr)))
        .collect()
}

fn invalid(app: &App, list: &[Problem]) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "the situation has problems",
        "la situation comporte des problèmes",
        problems(app, list),
    )
}

fn unauthorized() -> Response {
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        "sign in first: POST /api/v1/session, then send the session cookie or Authorization: Bearer <token>",
        "connectez-vous d'abord\u{a0}: POST /api/v1/session, puis envoyez le témoin de session ou Authorization: Bearer <jeton>",
        Vec::new(),
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"passerelle\""),
    );
    r
}

fn denied(app: &App, d: &Denied) -> Response {
    match d {
        Denied::SignIn => unauthorized(),
        Denied::NotFound => crate::api::not_found(),
        Denied::Forbidden { field, reason } => {
            let (en, fr) = both(app);
            error(
                StatusCode::FORBIDDEN,
                "not allowed for your role",
                "non permis pour votre rôle",
                vec![problem(
                    field,
                    en.s(reason).into_owned(),
                    fr.s(reason).into_owned(),
                )],
            )
        }
    }
}

fn failed(e: &str) -> Response {
    eprintln!("passerelle: {e}");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the service failed",
        "le service a échoué",
        Vec::new(),
    )
}

fn csrf_refused() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "a write authenticated by the session cookie must send the session's CSRF token in X-CSRF-Token",
        "une écriture authentifiée par le témoin de session doit envoyer le jeton CSRF de la session dans X-CSRF-Token",
        vec![problem(
            "X-CSRF-Token",
            "missing or wrong CSRF token".into(),
            "jeton CSRF absent ou erroné".into(),
        )],
    )
}

/// The session of a request (for a write, with its CSRF check).
fn session(headers: &HeaderMap, write: bool) -> Result<Option<Session>, Box<Response>> {
    api_session(headers, write).map_err(|ApiAuth::Csrf| Box::new(csrf_refused()))
}

/// The signed-in account, or 401.
fn signed_in(headers: &HeaderMap, write: bool) -> Result<User, Box<Response>> {
    match session(headers, write)? {
        Some(s) => Ok(s.user),
        None => Err(Box::new(unauthorized())),
    }
}

fn admin(app: &App, headers: &HeaderMap, write: bool) -> Result<User, Box<Response>> {
    let s = session(headers, write)?;
    may_admin(s.as_ref().map(|s| &s.user))
        .cloned()
        .map_err(|d| Box::new(denied(app, &d)))
}

/// Reads a JSON body of type `T`.
async fn body<T: DeserializeOwned>(headers: &HeaderMap, b: Body) -> Result<T, Response> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !json_type {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send application/json",
            "envoyez application/json",
            Vec::new(),
        ));
    }
    let bytes = match read_body(headers, b).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is too large",
                "le corps est trop volumineux",
                Vec::new(),
            ));
        }
        Err(BodyError::Broken) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "the body could not be read",
                "le corps n'a pas pu être lu",
                Vec::new(),
            ));
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        let msg = e.to_string();
        error(
            StatusCode::BAD_REQUEST,
            "the body is not what this operation takes",
            "le corps ne correspond pas à ce que cette opération accepte",
            vec![json!({
                "pointer": "",
                "field": "",
                "expected": "see /api/v1/openapi.json",
                "message": {"en": msg, "fr": format!("JSON refusé\u{a0}: {msg}")},
                "reason_en": msg,
                "reason_fr": format!("JSON refusé\u{a0}: {msg}"),
            })],
        )
    })
}

// ---------------------------------------------------------------- sessions

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    #[serde(alias = "username")]
    user: String,
    password: String,
}

fn user_json(u: &User) -> J {
    json!({"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role.word(), "disabled": u.disabled})
}

async fn session_post(State(app): State<Arc<App>>, headers: HeaderMap, b: Body) -> Response {
    let c: Credentials = match body(&headers, b).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match auth::sign_in(&app, &c.user, &c.password, &visitor().client).await {
        SignIn::Done { user, token, csrf } => {
            let mut r = json_response(
                StatusCode::OK,
                &json!({"token": token, "csrf": csrf, "user": user_json(&user), "expires_in": auth::SESSION_HOURS * 3600}),
            );
            auth::set_cookie(
                &mut r,
                &auth::session_cookie(&token, app.auth.secure_cookies),
            );
            r
        }
        SignIn::Refused => error(
            StatusCode::UNAUTHORIZED,
            "the user name or password is not right",
            "le nom d'utilisateur ou le mot de passe n'est pas bon",
            vec![problem(
                "user",
                "the user name or password is not right".into(),
                "le nom d'utilisateur ou le mot de passe n'est pas bon".into(),
            )],
        ),
        SignIn::Limited { retry_at } => {
            let minutes = auth::minutes_until(retry_at);
            let mut r = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({
                    "status": 429,
                    "title": {
                        "en": format!("too many failed sign-ins: try again in {minutes} minutes"),
                        "fr": format!("trop d'échecs de connexion\u{a0}: réessayez dans {minutes} minutes"),
                    },
                    "retry_at": auth::stamp(retry_at),
                    "errors": [],
                }),
            );
            if let Ok(v) = HeaderValue::from_str(&(minutes * 60).to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        SignIn::Failed(e) => failed(&e),
    }
}

async fn session_delete(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(r) = signed_in(&headers, true) {
        return *r;
    }
    if let Some(t) = visitor().token
        && let Err(e) = app.store.delete_session(&t).await
    {
        return failed(&e.to_string());
    }
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::NO_CONTENT;
    auth::set_cookie(&mut r, &auth::clear_session_cookie(app.auth.secure_cookies));
    r
}

// ---------------------------------------------------------------- situations

fn links(id: &str) -> J {
    json!({
        "en": Route::CaseLog(CasePage::View(id.to_string())).path(Lang::En),
        "fr": Route::CaseLog(CasePage::View(id.to_string())).path(Lang::Fr),
        "api": format!("/api/v1/cases/{}", crate::route::encode(id)),
    })
}

fn summary(s: &Situation) -> J {
    json!({
        "id": s.id, "title": s.title, "lang": s.lang, "status": s.status.word(),
        "domains": s.domains, "updated_at": s.updated_at, "revision": s.revision,
        "href": links(&s.id),
    })
}

fn bad_param(name: &str, en: String, fr: String) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid query parameters",
        "paramètres de requête invalides",
        vec![
            json!({"parameter": name, "field": name, "expected": "", "message": {"en": en, "fr": fr}, "reason_en": en, "reason_fr": fr}),
        ],
    )
}

async fn cases_get(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let s = match session(&headers, false) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let user = s.as_ref().map(|s| &s.user);
    let mut q = SearchQuery {
        limit: cases::PAGE_SIZE,
        ..SearchQuery::default()
    };
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "q" => q.text = v,
            "status" => match CaseStatus::parse(&v) {
                Some(st) => q.statuses.push(st),
                None => {
                    return bad_param(
                        "status",
                        format!("`{v}`: use draft, answered, needs_review or published"),
                        format!(
                            "«\u{a0}{v}\u{a0}»\u{a0}: utilisez draft, answered, needs_review ou published"
                        ),
                    );
                }
            },
            "domain" => q.domains.push(v),
            "rule" => q.rules.push(v),
            "from" | "to" => match parse_date(&v) {
                Some(d) if k == "from" => q.from = Some(d),
                Some(d) => q.to = Some(d),
                None => {
                    return bad_param(
                        &k,
                        format!("`{v}` is not a date written YYYY-MM-DD"),
                        format!("«\u{a0}{v}\u{a0}» n'est pas une date écrite AAAA-MM-JJ"),
                    );
                }
            },
            "limit" | "offset" => match v.parse::<usize>() {
                Ok(n) if k == "limit" => q.limit = n.clamp(1, 100),
                Ok(n) => q.offset = n.min(100_000),
                Err(_) => {
                    return bad_param(
                        &k,
                        format!("`{v}` is not a whole number"),
                        format!("«\u{a0}{v}\u{a0}» n'est pas un nombre entier"),
                    );
                }
            },
            other => {
                return bad_param(
                    other,
                    format!("unknown parameter `{other}`"),
                    format!("paramètre inconnu «\u{a0}{other}\u{a0}»"),
                );
            }
        }
    }
    let forced = visible_statuses(user);
    if !forced.is_empty() {
        q.statuses = forced;
    }
    let Some(idx) = app.cases.fresh(&app.store).await else {
        return failed("the search index is not available");
    };
    let found = match idx.search(&q) {
        Ok(r) => r,
        Err(e) => return failed(&e.to_string()),
    };
    let ids: Vec<String> = found.hits.iter().map(|h| h.id.clone()).collect();
    let list = match app.store.situations_by_ids(&ids).await {
        Ok(l) => l,
        Err(e) => return failed(&e.to_string()),
    };
    let items: Vec<J> = list
        .iter()
        .filter(|s| can_read(user, s))
        .map(|s| {
            let mut j = summary(s);
            if let Some(h) = found.hits.iter().find(|h| h.id == s.id) {
                j["score"] = json!(h.score);
            }
            j
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"total": found.total, "limit": q.limit, "offset": q.offset, "situations": items}),
    )
}

/// A finding acknowledged as not personal information.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Confirm {
    field: String,
    text: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CaseBody {
    title: Option<String>,
    narrative: Option<String>,
    lang: Option<String>,
    domains: Option<Vec<String>>,
    advice_en: Option<String>,
    advice_fr: Option<String>,
    consulted: Option<Vec<String>>,
    status: Option<String>,
    rules: Option<Vec<String>>,
    myths: Option<Vec<String>>,
    /// Create from a saved result…
    result: Option<String>,
    /// …or from answers.
    answers: Option<J>,
    journey: Option<String>,
    as_of: Option<String>,
    /// The revision an edit started from (PUT).
    revision: Option<i64>,
    /// Findings acknowledged as not personal information.
    #[serde(default)]
    confirm: Vec<Confirm>,
}

impl CaseBody {
    fn input(&self) -> CaseInput {
        CaseInput {
            title: self.title.clone(),
            narrative: self.narrative.clone(),
            lang: self.lang.clone(),
            domains: self.domains.clone(),
            advice_en: self.advice_en.clone(),
            advice_fr: self.advice_fr.clone(),
            consulted: self.consulted.clone(),
            status: self.status.clone(),
            rules: self.rules.clone(),
            myths: self.myths.clone(),
        }
    }
}

fn finding_json(f: &FieldFinding) -> J {
    json!({
        "field": f.field, "kind": f.finding.kind.as_str(),
        "kind_label": {"en": f.finding.kind.label("en"), "fr": f.finding.kind.label("fr")},
        "start": f.finding.start, "end": f.finding.end, "text": f.finding.text,
    })
}

/// Screens the fields that changed; `Err` is the 422 listing what must be acknowledged.
fn screen_or_422(
    fields: &mut CaseFields,
    before: Option<&CaseFields>,
    confirm: &[Confirm],
) -> Result<Option<J>, Box<Response>> {
    let decide = |field: &str, f: &pi::Finding| {
        confirm
            .iter()
            .any(|c| c.field == field && c.text == f.text)
            .then_some(Decision::Keep)
    };
    let sc = screen_changes(fields, before, &decide);
    if sc.pending.is_empty() {
        return Ok(case_form::note(&sc.confirmed));
    }
    let mut errors = Vec::new();
    for field in case_form::SCREENED {
        let found: Vec<J> = sc
            .pending
            .iter()
            .filter(|(f, d)| f.field == field && d.is_none())
            .map(|(f, _)| finding_json(f))
            .collect();
        if found.is_empty() {
            continue;
        }
        let mut p = problem(
            field,
            "this text seems to hold personal information: remove it, or acknowledge each finding in `confirm` ([{\"field\", \"text\"}]) if it is not about a person".into(),
            "ce texte semble contenir des renseignements personnels\u{a0}: retirez-les, ou confirmez chaque constat dans «\u{a0}confirm\u{a0}» ([{\"field\", \"text\"}]) s'il ne concerne pas une personne".into(),
        );
        p["findings"] = J::Array(found);
        errors.push(p);
    }
    Err(Box::new(error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "personal information found: nothing was saved",
        "renseignements personnels trouvés\u{a0}: rien n'a été enregistré",
        errors,
    )))
}

async fn case_json(app: &App, s: &Situation) -> Result<J, String> {
    let texts = cases::texts_of(app, s).await?;
    let mut texts: Vec<_> = texts.into_values().collect();
    texts.sort_by(|a, b| a.fp.cmp(&b.fp));
    Ok(json!({"situation": s, "texts": texts, "href": links(&s.id)}))
}

fn save_error(app: &App, e: SaveError) -> Response {
    match e {
        SaveError::Denied(d) => denied(app, &d),
        SaveError::NotFound => crate::api::not_found(),
        SaveError::Conflict(current) => json_response(
            StatusCode::CONFLICT,
            &json!({
                "status": 409,
                "title": {
                    "en": format!("someone changed this situation first: it is now at revision {}; nothing was saved", current.revision),
                    "fr": format!("quelqu'un a modifié cette situation avant vous\u{a0}: elle est maintenant à la révision {}\u{a0}; rien n'a été enregistré", current.revision),
                },
                "errors": [problem("revision", "the revision sent is not the current one".into(), "la révision envoyée n'est pas la révision actuelle".into())],
                "current": *current,
            }),
        ),
        SaveError::Failed(e) => failed(&e),
    }
}

async fn cases_post(State(app): State<Arc<App>>, headers: HeaderMap, b: Body) -> Response {
    let user = match signed_in(&headers, true) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let body: CaseBody = match body(&headers, b).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let m = &app.pack.model;
    let origin = match (&body.result, &body.answers) {
        (Some(rid), None) => {
            let r = if crate::is_id(rid) {
                app.store.result(rid).await
            } else {
                Ok(None)
            };
            match r {
                Ok(Some(r)) => Origin::Result(r),
                Ok(None) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "no such result",
                        "aucun résultat de ce nom",
                        vec![problem(
                            "result",
                            format!("no saved result `{rid}`"),
                            format!("aucun résultat enregistré «\u{a0}{rid}\u{a0}»"),
                        )],
                    );
                }
                Err(e) => return failed(&e.to_string()),
            }
        }
        (None, Some(answers)) => {
            if let Err(errs) = from_json(m, answers) {
                let list: Vec<J> = errs
                    .into_iter()
                    .map(|e| {
                        json!({
                            "pointer": format!("/answers{}", e.pointer),
                            "field": "answers",
                            "expected": e.expected,
                            "message": {"en": e.message.en, "fr": e.message.fr},
                            "reason_en": e.message.en,
                            "reason_fr": e.message.fr,
                        })
                    })
                    .collect();
                return error(
                    StatusCode::BAD_REQUEST,
                    "the answers do not fit the fact schema",
                    "les réponses ne respectent pas le schéma des faits",
                    list,
                );
            }
            let as_of = match body.as_of.as_deref().map(parse_date) {
                None => passerelle::today(),
                Some(Some(d)) => d,
                Some(None) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "the situation has problems",
                        "la situation comporte des problèmes",
                        vec![problem(
                            "as_of",
                            "not a date written YYYY-MM-DD".into(),
                            "pas une date écrite AAAA-MM-JJ".into(),
                        )],
                    );
                }
            };
            if let Some(j) = &body.journey
                && !m.journeys.iter().any(|x| x.id == *j)
            {
                return error(
                    StatusCode::BAD_REQUEST,
                    "the situation has problems",
                    "la situation comporte des problèmes",
                    vec![problem(
                        "journey",
                        format!("no journey `{j}`"),
                        format!("aucun parcours «\u{a0}{j}\u{a0}»"),
                    )],
                );
            }
            Origin::Answers {
                answers: answers.clone(),
                journey: body.journey.clone(),
                as_of,
            }
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "the situation has problems",
                "la situation comporte des problèmes",
                vec![problem(
                    "result",
                    "give either `result` (a saved result's id) or `answers`, not both".into(),
                    "donnez soit «\u{a0}result\u{a0}» (l'identifiant d'un résultat enregistré), soit «\u{a0}answers\u{a0}», pas les deux".into(),
                )],
            );
        }
    };
    let base = CaseFields::blank(Lang::En);
    let mut fields = match resolve(m, &body.input(), &base) {
        Ok(f) => f,
        Err(p) => return invalid(&app, &p),
    };
    if let Err(d) = precheck(&user, None, &fields) {
        return denied(&app, &d);
    }
    let note = match screen_or_422(&mut fields, None, &body.confirm) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    match case_form::create(&app, &user, origin, &fields, note).await {
        Ok(s) => match case_json(&app, &s).await {
            Ok(j) => {
                let mut r = json_response(StatusCode::CREATED, &j);
                if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/cases/{}", s.id)) {
                    r.headers_mut().insert(header::LOCATION, v);
                }
                r
            }
            Err(e) => failed(&e),
        },
        Err(e) => save_error(&app, e),
    }
}

async fn case_get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = match session(&headers, false) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match readable(&app, s.as_ref().map(|s| &s.user), &id).await {
        Found::Yes(s) => match case_json(&app, &s).await {
            Ok(j) => json_response(StatusCode::OK, &j),
            Err(e) => failed(&e),
        },
        Found::No => crate::api::not_found(),
        Found::Failed(e) => failed(&e),
    }
}

async fn case_put(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Body,
) -> Response {
    let s = match session(&headers, true) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let user = s.map(|s| s.user);
    let before = match readable(&app, user.as_ref(), &id).await {
        Found::Yes(s) => s,
        Found::No => return crate::api::not_found(),
        Found::Failed(e) => return failed(&e),
    };
    let Some(user) = user else {
        return unauthorized();
    };
    let body: CaseBody = match body(&headers, b).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if body.result.is_some() || body.answers.is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "the situation has problems",
            "la situation comporte des problèmes",
            vec![problem(
                "answers",
                "the answers and the verdict recorded do not change".into(),
                "les réponses et le verdict consignés ne changent pas".into(),
            )],
        );
    }
    let Some(revision) = body.revision else {
        return error(
            StatusCode::BAD_REQUEST,
            "the situation has problems",
            "la situation comporte des problèmes",
            vec![problem(
                "revision",
                "send the revision your change starts from".into(),
                "envoyez la révision dont part votre modification".into(),
            )],
        );
    };
    let base = CaseFields::of(&before);
    let mut fields = match resolve(&app.pack.model, &body.input(), &base) {
        Ok(f) => f,
        Err(p) => return invalid(&app, &p),
    };
    if let Err(d) = precheck(&user, Some(&before), &fields) {
        return denied(&app, &d);
    }
    let note = match screen_or_422(&mut fields, Some(&base), &body.confirm) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    match case_form::update(&app, &user, &before, revision, &fields, note).await {
        Ok(s) => match case_json(&app, &s).await {
            Ok(j) => json_response(StatusCode::OK, &j),
            Err(e) => failed(&e),
        },
        Err(e) => save_error(&app, e),
    }
}

async fn case_related(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let s = match session(&headers, false) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let mut limit = cases::RELATED;
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match (k.as_ref(), v.parse::<usize>()) {
            ("limit", Ok(n)) => limit = n.clamp(1, 20),
            (other, _) => {
                return bad_param(
                    other,
                    format!("`{other}`: use limit (1 to 20)"),
                    format!("«\u{a0}{other}\u{a0}»\u{a0}: utilisez limit (1 à 20)"),
                );
            }
        }
    }
    let me = match readable(&app, s.as_ref().map(|s| &s.user), &id).await {
        Found::Yes(s) => s,
        Found::No => return crate::api::not_found(),
        Found::Failed(e) => return failed(&e),
    };
    let mut rules = me.verdict.rule_ids();
    rules.extend(me.rules.iter().cloned());
    rules.sort();
    rules.dedup();
    match cases::related(&app, &rules, Some(&me.id), limit).await {
        Ok(list) => json_response(
            StatusCode::OK,
            &json!({"situations": list.iter().map(summary).collect::<Vec<_>>()}),
        ),
        Err(e) => failed(&e),
    }
}

// ---------------------------------------------------------------- screening

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenBody {
    text: Option<String>,
    fields: Option<Map<String, J>>,
}

async fn screen_post(headers: HeaderMap, b: Body) -> Response {
    let sb: ScreenBody = match body(&headers, b).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut out: Vec<J> = Vec::new();
    if let Some(t) = &sb.text {
        out.extend(pi::screen(t).iter().map(|f| {
            let mut j = finding_json(&FieldFinding {
                field: String::new(),
                finding: f.clone(),
            });
            if let Some(o) = j.as_object_mut() {
                o.remove("field");
            }
            j
        }));
    }
    if let Some(fields) = &sb.fields {
        for (name, v) in fields {
            let Some(text) = v.as_str() else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "each field must be text",
                    "chaque champ doit être du texte",
                    vec![problem(
                        &format!("fields/{name}"),
                        "not text".into(),
                        "pas du texte".into(),
                    )],
                );
            };
            out.extend(
                pi::screen_fields(&[(name.as_str(), text)])
                    .iter()
                    .map(finding_json),
            );
        }
    }
    if sb.text.is_none() && sb.fields.is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "send `text` or `fields`",
            "envoyez «\u{a0}text\u{a0}» ou «\u{a0}fields\u{a0}»",
            vec![problem(
                "text",
                "nothing to screen".into(),
                "rien à examiner".into(),
            )],
        );
    }
    json_response(StatusCode::OK, &json!({"findings": out}))
}

// ---------------------------------------------------------------- audit trail and accounts

async fn audit_get(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = admin(&app, &headers, false) {
        return *r;
    }
    let mut before = None;
    let mut limit = 50i64;
    let mut entity: Option<String> = None;
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "before" | "limit" => match v.parse::<i64>() {
                Ok(n) if k == "before" => before = Some(n),
                Ok(n) => limit = n.clamp(1, 200),
                Err(_) => {
                    return bad_param(
                        &k,
                        format!("`{v}` is not a whole number"),
                        format!("«\u{a0}{v}\u{a0}» n'est pas un nombre entier"),
                    );
                }
            },
            "entity_id" => entity = Some(v.into_owned()),
            other => {
                return bad_param(
                    other,
                    format!("unknown parameter `{other}`"),
                    format!("paramètre inconnu «\u{a0}{other}\u{a0}»"),
                );
            }
        }
    }
    match app
        .store
        .audit_trail(before, limit, entity.as_deref())
        .await
    {
        Ok(rows) => {
            let next = (rows.len() as i64 == limit)
                .then(|| rows.last().map(|r| r.seq))
                .flatten();
            json_response(
                StatusCode::OK,
                &json!({"entries": rows, "next_before": next}),
            )
        }
        Err(e) => failed(&e.to_string()),
    }
}

async fn users_get(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&app, &headers, false) {
        return *r;
    }
    match app.store.users().await {
        Ok(list) => json_response(
            StatusCode::OK,
            &json!({"users": list.iter().map(user_json).collect::<Vec<_>>()}),
        ),
        Err(e) => failed(&e.to_string()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    username: String,
    display_name: String,
    role: String,
    password: String,
}

fn user_problems(app: &App, errs: &[(&'static str, &'static str)]) -> Vec<J> {
    let (en, fr) = both(app);
    errs.iter()
        .map(|(f, id)| problem(f, en.s(id).into_owned(), fr.s(id).into_owned()))
        .collect()
}

async fn users_post(State(app): State<Arc<App>>, headers: HeaderMap, b: Body) -> Response {
    let me = match admin(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let nb: NewUserBody = match body(&headers, b).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match crate::admin::create_user(
        &app,
        &me,
        &nb.username,
        &nb.display_name,
        Role::parse(&nb.role),
        &nb.password,
    )
    .await
    {
        Ok(Ok(u)) => json_response(StatusCode::CREATED, &json!({"user": user_json(&u)})),
        Ok(Err(errs)) => {
            let taken = errs.iter().any(|(_, id)| *id == "user-err-taken");
            error(
                if taken {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::BAD_REQUEST
                },
                "the account has problems",
                "le compte comporte des problèmes",
                user_problems(&app, &errs),
            )
        }
        Err(e) => failed(&e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChangeBody {
    role: Option<String>,
    disabled: Option<bool>,
}

async fn user_put(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Body,
) -> Response {
    let me = match admin(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let cb: UserChangeBody = match body(&headers, b).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let role = match cb.role.as_deref().map(Role::parse) {
        Some(None) => {
            return error(
                StatusCode::BAD_REQUEST,
                "the account has problems",
                "le compte comporte des problèmes",
                user_problems(&app, &[("role", "user-err-role")]),
            );
        }
        Some(r) => r,
        None => None,
    };
    let change = UserChange {
        role,
        disabled: cb.disabled,
        ..UserChange::default()
    };
    match crate::admin::change_user(&app, &me, &id, change).await {
        Ok(Ok(Some(u))) => json_response(StatusCode::OK, &json!({"user": user_json(&u)})),
        Ok(Ok(None)) => crate::api::not_found(),
        Ok(Err(msg)) => error(
            StatusCode::BAD_REQUEST,
            "the account has problems",
            "le compte comporte des problèmes",
            user_problems(&app, &[("role", msg)]),
        ),
        Err(e) => failed(&e),
    }
}

// ---------------------------------------------------------------- OpenAPI

fn ok(description: &str, schema: J) -> J {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn err(description: &str) -> J {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn req(schema: J) -> J {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn id_param(what: &str) -> J {
    json!({"name": "id", "in": "path", "required": true, "description": what, "schema": {"type": "string"}})
}

fn csrf_param() -> J {
    json!({"name": "X-CSRF-Token", "in": "header", "required": false,
           "description": "The session's CSRF token: required when the session cookie authenticates a write, not with a bearer token",
           "schema": {"type": "string"}})
}

fn q(name: &str, description: &str, schema: J) -> J {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// Adds the case log's operations and schemas to the OpenAPI document.
pub fn extend_openapi(doc: &mut J) {
    let auth = json!([{"bearerAuth": []}, {"cookieAuth": []}]);
    let optional_auth = json!([{}, {"bearerAuth": []}, {"cookieAuth": []}]);
    let case_ref = json!({"$ref": "#/components/schemas/CaseResponse"});
    let paths = json!({
        "/api/v1/session": {
            "post": {
                "summary": "Sign in",
                "description": "Checks a user name and password; sets the session cookie (HttpOnly, SameSite=Lax, 8 hours) and returns the token (for Authorization: Bearer) and the session's CSRF token. At most 5 failures per user name and 20 per client address in 15 minutes, across instances; then 429 with Retry-After.",
                "requestBody": req(json!({"type": "object", "required": ["user", "password"], "additionalProperties": false, "properties": {"user": {"type": "string"}, "password": {"type": "string", "format": "password"}}})),
                "responses": {
                    "200": ok("Signed in", json!({"type": "object", "properties": {"token": {"type": "string"}, "csrf": {"type": "string"}, "expires_in": {"type": "integer"}, "user": {"$ref": "#/components/schemas/User"}}})),
                    "400": err("Malformed body"), "401": err("Wrong user name or password (the same answer for both)"),
                    "415": err("Not application/json"), "429": err("Too many failures: try again later (Retry-After, retry_at)")
                }
            },
            "delete": {
                "summary": "Sign out", "security": auth, "parameters": [csrf_param()],
                "responses": {"204": {"description": "Signed out; the cookie is removed"}, "401": err("Not signed in"), "403": err("Cookie without X-CSRF-Token")}
            }
        },
        "/api/v1/cases": {
            "get": {
                "summary": "List and search situations",
                "description": "Ranked by relevance when `q` is given, else most recently changed first. Anonymous callers see published situations only; signed-in ones see all.",
                "security": optional_auth,
                "parameters": [
                    q("q", "Words, in English or French (accents and plurals folded)", json!({"type": "string"})),
                    q("status", "Only these statuses (repeat the parameter)", json!({"type": "string", "enum": ["draft", "answered", "needs_review", "published"]})),
                    q("domain", "Only these domains (repeat)", json!({"type": "string"})),
                    q("rule", "Only situations citing this rule (repeat: all of them)", json!({"type": "string"})),
                    q("from", "Changed on or after (YYYY-MM-DD)", json!({"type": "string", "format": "date"})),
                    q("to", "Changed on or before (YYYY-MM-DD)", json!({"type": "string", "format": "date"})),
                    q("limit", "At most this many (1 to 100, default 20)", json!({"type": "integer"})),
                    q("offset", "Skip this many", json!({"type": "integer"}))
                ],
                "responses": {"200": ok("A page of situations", json!({"type": "object", "properties": {"total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}, "situations": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}}}})), "400": err("Bad query parameter")}
            },
            "post": {
                "summary": "Save a situation",
                "description": "From a saved result (`result`) or from answers (`answers`, checked against the packs, with `as_of`). The verdict is worked out and recorded by the server. Contributors may set status draft or answered and give no advice. Title, narrative and advice are screened for personal information: 422 lists the findings unless each is acknowledged in `confirm`.",
                "security": auth, "parameters": [csrf_param()],
                "requestBody": req(json!({"$ref": "#/components/schemas/CaseInput"})),
                "responses": {"201": ok("Saved (Location: its address)", case_ref.clone()), "400": err("A field is wrong (field and reasons in both languages), or the answers do not fit the schema (JSON pointers)"), "401": err("Not signed in"), "403": err("Not allowed for your role, or cookie without X-CSRF-Token"), "415": err("Not application/json"), "422": err("Personal information found (`findings` per field); nothing saved")}
            }
        },
        "/api/v1/cases/{id}": {
            "get": {
                "summary": "One situation, with the texts its verdict refers to",
                "security": optional_auth, "parameters": [id_param("Situation id")],
                "responses": {"200": ok("The situation", case_ref.clone()), "404": err("No such situation, or not published and you are not signed in")}
            },
            "put": {
                "summary": "Change a situation",
                "description": "Fields left out keep their value; `revision` (required) is the revision the change starts from. Contributors may change their own situations while not published; policy specialists any. Changed texts are screened as on creation.",
                "security": auth, "parameters": [id_param("Situation id"), csrf_param()],
                "requestBody": req(json!({"$ref": "#/components/schemas/CaseInput"})),
                "responses": {"200": ok("Saved", case_ref), "400": err("A field is wrong"), "401": err("Not signed in"), "403": err("Not allowed for your role, or cookie without X-CSRF-Token"), "404": err("No such situation"), "409": err("Someone changed it first: `current` holds the version stored; nothing saved"), "422": err("Personal information found")}
            }
        },
        "/api/v1/cases/{id}/related": {
            "get": {
                "summary": "Published situations that cited the same rules (\"others in your situation\")",
                "security": optional_auth,
                "parameters": [id_param("Situation id"), q("limit", "At most this many (1 to 20, default 5)", json!({"type": "integer"}))],
                "responses": {"200": ok("Related situations, most rules in common first", json!({"type": "object", "properties": {"situations": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}}}})), "404": err("No such situation")}
            }
        },
        "/api/v1/screen": {
            "post": {
                "summary": "Screen text for personal information (e-mail, phone, SIN, postal code, street address)",
                "requestBody": req(json!({"type": "object", "additionalProperties": false, "properties": {"text": {"type": "string"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}}}})),
                "responses": {"200": ok("Findings with byte offsets", json!({"type": "object", "properties": {"findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}}}})), "400": err("Neither text nor fields"), "415": err("Not application/json")}
            }
        },
        "/api/v1/audit": {
            "get": {
                "summary": "The audit trail, newest first (administrators)",
                "security": auth,
                "parameters": [q("before", "Entries with seq below this one", json!({"type": "integer"})), q("limit", "At most this many (1 to 200, default 50)", json!({"type": "integer"})), q("entity_id", "Only this situation or account", json!({"type": "string"}))],
                "responses": {"200": ok("Entries (who, when, what, before and after)", json!({"type": "object", "properties": {"entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}}, "next_before": {"type": ["integer", "null"]}}})), "401": err("Not signed in"), "403": err("Not an administrator")}
            }
        },
        "/api/v1/users": {
            "get": {"summary": "Accounts (administrators)", "security": auth, "responses": {"200": ok("Accounts", json!({"type": "object", "properties": {"users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}})), "401": err("Not signed in"), "403": err("Not an administrator")}},
            "post": {
                "summary": "Create an account (administrators)", "security": auth, "parameters": [csrf_param()],
                "requestBody": req(json!({"type": "object", "required": ["username", "display_name", "role", "password"], "additionalProperties": false, "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string", "enum": ["contributor", "policy_specialist", "admin"]}, "password": {"type": "string", "minLength": 12}}})),
                "responses": {"201": ok("Created", json!({"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}}})), "400": err("A field is wrong"), "401": err("Not signed in"), "403": err("Not an administrator"), "409": err("The user name is taken")}
            }
        },
        "/api/v1/users/{id}": {
            "put": {
                "summary": "Change an account's role, or disable or enable it (administrators; not your own)", "security": auth,
                "parameters": [id_param("Account id"), csrf_param()],
                "requestBody": req(json!({"type": "object", "additionalProperties": false, "properties": {"role": {"type": "string", "enum": ["contributor", "policy_specialist", "admin"]}, "disabled": {"type": "boolean"}}})),
                "responses": {"200": ok("Changed (disabling ends the account's sessions)", json!({"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}}})), "400": err("Bad role, or a change to your own account"), "401": err("Not signed in"), "403": err("Not an administrator"), "404": err("No such account")}
            }
        }
    });
    let schemas = json!({
        "User": {"type": "object", "properties": {"id": {"type": "string"}, "username": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string", "enum": ["contributor", "policy_specialist", "admin"]}, "disabled": {"type": "boolean"}}},
        "CaseSummary": {"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "lang": {"type": "string"}, "status": {"type": "string"}, "domains": {"type": "array", "items": {"type": "string"}}, "updated_at": {"type": "string"}, "revision": {"type": "integer"}, "score": {"type": "number"}, "href": {"type": "object"}}},
        "CaseInput": {"type": "object", "additionalProperties": false, "properties": {
            "title": {"type": "string", "maxLength": 200}, "narrative": {"type": "string"}, "lang": {"type": "string", "enum": ["en", "fr"]},
            "domains": {"type": "array", "items": {"type": "string"}}, "advice_en": {"type": "string"}, "advice_fr": {"type": "string"},
            "consulted": {"type": "array", "items": {"type": "string"}, "description": "Contact ids of the packs"},
            "status": {"type": "string", "enum": ["draft", "answered", "needs_review", "published"]},
            "rules": {"type": "array", "items": {"type": "string"}}, "myths": {"type": "array", "items": {"type": "string"}},
            "result": {"type": "string", "description": "Create from this saved result"},
            "answers": {"$ref": "#/components/schemas/Answers"}, "journey": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
            "revision": {"type": "integer", "description": "PUT: the revision the change starts from"},
            "confirm": {"type": "array", "description": "Findings that are not personal information about a person", "items": {"type": "object", "required": ["field", "text"], "properties": {"field": {"type": "string"}, "text": {"type": "string"}}}}}},
        "CaseResponse": {"type": "object", "properties": {"situation": {"type": "object", "description": "The situation as stored: fields, answers, verdict (fingerprints), packs, review, who and when, revision"}, "texts": {"type": "array", "description": "The recorded texts and citations the verdict refers to, by fingerprint", "items": {"type": "object"}}, "href": {"type": "object"}}},
        "Finding": {"type": "object", "properties": {"field": {"type": "string"}, "kind": {"type": "string", "enum": ["email", "phone", "sin", "postal_code", "street_address"]}, "kind_label": {"$ref": "#/components/schemas/Bi"}, "start": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"}}},
        "AuditEntry": {"type": "object", "properties": {"seq": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"}, "action": {"type": "string"}, "entity": {"type": "string"}, "entity_id": {"type": "string"}, "old_value": {}, "new_value": {}}}
    });
    if let (Some(p), J::Object(add)) = (doc.get_mut("paths").and_then(J::as_object_mut), paths) {
        p.extend(add);
    }
    if let Some(c) = doc.get_mut("components").and_then(J::as_object_mut) {
        c.insert(
            "securitySchemes".into(),
            json!({
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "The token POST /api/v1/session returns"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE, "description": "Writes also need X-CSRF-Token"}
            }),
        );
        if let (Some(s), J::Object(add)) =
            (c.get_mut("schemas").and_then(J::as_object_mut), schemas)
        {
            s.extend(add);
        }
    }
}
