//! The JSON API under `/api/v1` (described by `/api/v1/openapi.json`, [`crate::openapi`]).
//!
//! Every error is JSON: `{"status": 400, "title": "…", "errors": [{"pointer": "/tools/0/hosting",
//! "expected": "…", "message": {"en": "…", "fr": "…"}}]}`. Problems in answers carry the JSON
//! pointer of the value; problems in the query string name the `parameter`.

use crate::{App, BodyError, is_id, read_body, status_response};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};
use passerelle::EvalOptions;
use passerelle::describe::describe;
use passerelle_check::answers::{AnswerError, from_json, parse_date};
use passerelle_check::model::{Citation, Model, RuleKind, Status};
use passerelle_diag::{Bi, Lang};
use serde::Serialize;
use serde_json::{Value as J, json};
use std::sync::Arc;

/// The API's paths, as the OpenAPI document lists them.
pub const PATHS: &[(&str, &str)] = &[
    ("get", "/api/v1"),
    ("get", "/api/v1/packs"),
    ("get", "/api/v1/schema"),
    ("get", "/api/v1/schema/json-schema"),
    ("post", "/api/v1/evaluate"),
    ("post", "/api/v1/next"),
    ("get", "/api/v1/rules"),
    ("get", "/api/v1/rules/{id}"),
    ("get", "/api/v1/myths"),
    ("get", "/api/v1/myths/{id}"),
    ("get", "/api/v1/instruments"),
    ("get", "/api/v1/results/{id}"),
    ("get", "/api/v1/results/{id}/documents"),
    ("get", "/api/v1/documents/{kind}"),
    ("get", "/api/v1/openapi.json"),
];

/// Routes under `/api/v1`.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1", get(index))
        .route("/api/v1/packs", get(packs))
        .route("/api/v1/schema", get(schema))
        .route("/api/v1/schema/json-schema", get(json_schema))
        .route("/api/v1/evaluate", post(evaluate))
        .route("/api/v1/next", post(next))
        .route("/api/v1/rules", get(rules))
        .route("/api/v1/rules/{id}", get(rule))
        .route("/api/v1/myths", get(myths))
        .route("/api/v1/myths/{id}", get(myth))
        .route("/api/v1/instruments", get(instruments))
        .route("/api/v1/results/{id}", get(result))
        .route(
            "/api/v1/results/{id}/documents",
            get(crate::documents::api_documents),
        )
        .route(
            "/api/v1/documents/{kind}",
            get(crate::documents::api_document),
        )
        .route("/api/v1/openapi.json", get(openapi))
        .method_not_allowed_fallback(method_not_allowed)
}

/// One problem.
#[derive(Debug, Serialize)]
pub struct Problem {
    /// JSON pointer into the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Query-string parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// What was expected.
    pub expected: String,
    /// The message in both languages.
    pub message: Bi,
}

impl From<AnswerError> for Problem {
    fn from(e: AnswerError) -> Problem {
        Problem {
            pointer: Some(e.pointer),
            parameter: None,
            expected: e.expected,
            message: e.message,
        }
    }
}

/// A JSON response.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, v: &T) -> Response {
    match serde_json::to_vec(v) {
        Ok(b) => status_response(status, "application/json", b),
        Err(e) => status_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "application/json",
            json!({"status": 500, "title": format!("cannot write JSON: {e}")})
                .to_string()
                .into_bytes(),
        ),
    }
}

fn problem_response(status: StatusCode, title: Bi, errors: Vec<Problem>) -> Response {
    json_response(
        status,
        &json!({ "status": status.as_u16(), "title": title, "errors": errors }),
    )
}

/// The JSON 404 of the API.
pub fn not_found() -> Response {
    problem_response(
        StatusCode::NOT_FOUND,
        Bi::new(
            "no such endpoint or resource",
            "point de terminaison ou ressource inexistant",
        ),
        Vec::new(),
    )
}

pub(crate) async fn method_not_allowed() -> Response {
    problem_response(
        StatusCode::METHOD_NOT_ALLOWED,
        Bi::new("method not allowed here", "méthode non permise ici"),
        Vec::new(),
    )
}

fn too_large() -> Response {
    problem_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        Bi::new(
            format!("the body is larger than {} bytes", crate::BODY_LIMIT),
            format!("le corps dépasse {} octets", crate::BODY_LIMIT),
        ),
        Vec::new(),
    )
}

/// Options from the query string.
struct Opts {
    lang: Lang,
    as_of: jiff::civil::Date,
    explain: bool,
}

fn opts(uri: &Uri) -> Result<Opts, Vec<Problem>> {
    let mut o = Opts {
        lang: Lang::En,
        as_of: passerelle::today(),
        explain: true,
    };
    let mut errs = Vec::new();
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "lang" => match v.as_ref() {
                "en" => o.lang = Lang::En,
                "fr" => o.lang = Lang::Fr,
                _ => errs.push(Problem {
                    pointer: None,
                    parameter: Some("lang".into()),
                    expected: "en or fr".into(),
                    message: Bi::new(
                        format!("`{v}` is not a language: use en or fr"),
                        format!("« {v} » n'est pas une langue : utilisez en ou fr"),
                    ),
                }),
            },
            "as_of" => match parse_date(&v) {
                Some(d) => o.as_of = d,
                None => errs.push(Problem {
                    pointer: None,
                    parameter: Some("as_of".into()),
                    expected: "date (YYYY-MM-DD)".into(),
                    message: Bi::new(
                        format!("`{v}` is not a date written YYYY-MM-DD"),
                        format!("« {v} » n'est pas une date écrite AAAA-MM-JJ"),
                    ),
                }),
            },
            "explain" => match v.as_ref() {
                "true" | "1" => o.explain = true,
                "false" | "0" => o.explain = false,
                _ => errs.push(Problem {
                    pointer: None,
                    parameter: Some("explain".into()),
                    expected: "true or false".into(),
                    message: Bi::new(
                        "`explain` must be true or false",
                        "« explain » doit être true ou false",
                    ),
                }),
            },
            other => errs.push(Problem {
                pointer: None,
                parameter: Some(other.to_string()),
                expected: "lang, as_of or explain".into(),
                message: Bi::new(
                    format!("unknown parameter `{other}`"),
                    format!("paramètre inconnu « {other} »"),
                ),
            }),
        }
    }
    if errs.is_empty() { Ok(o) } else { Err(errs) }
}

fn bad_query(errs: Vec<Problem>) -> Response {
    problem_response(
        StatusCode::BAD_REQUEST,
        Bi::new(
            "invalid query parameters",
            "paramètres de requête invalides",
        ),
        errs,
    )
}

async fn answers_from_body(
    app: &App,
    headers: &HeaderMap,
    body: Body,
) -> Result<passerelle_check::model::Answers, Box<Response>> {
    let bytes = match read_body(headers, body).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => return Err(Box::new(too_large())),
        Err(BodyError::Broken) => {
            return Err(Box::new(problem_response(
                StatusCode::BAD_REQUEST,
                Bi::new("the body could not be read", "le corps n'a pas pu être lu"),
                Vec::new(),
            )));
        }
    };
    let v: J = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return Err(Box::new(problem_response(
                StatusCode::BAD_REQUEST,
                Bi::new(
                    "the body is not valid JSON",
                    "le corps n'est pas du JSON valide",
                ),
                vec![Problem {
                    pointer: Some(String::new()),
                    parameter: None,
                    expected: "a JSON object keyed by fact name".into(),
                    message: Bi::new(
                        format!("invalid JSON at line {}, column {}", e.line(), e.column()),
                        format!(
                            "JSON invalide à la ligne {}, colonne {}",
                            e.line(),
                            e.column()
                        ),
                    ),
                }],
            )));
        }
    };
    from_json(&app.pack.model, &v).map_err(|errs| {
        Box::new(problem_response(
            StatusCode::BAD_REQUEST,
            Bi::new(
                "the answers do not fit the fact schema",
                "les réponses ne respectent pas le schéma des faits",
            ),
            errs.into_iter().map(Problem::from).collect(),
        ))
    })
}

async fn index() -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "name": "Passerelle",
            "version": crate::VERSION,
            "openapi": "/api/v1/openapi.json",
            "paths": PATHS.iter().chain(crate::cases_api::PATHS).map(|(m, p)| format!("{} {p}", m.to_uppercase())).collect::<Vec<_>>(),
        }),
    )
}

async fn packs(State(app): State<Arc<App>>) -> Response {
    let m = &app.pack.model;
    let list: Vec<J> = m
        .packs
        .iter()
        .zip(&app.pack.digests)
        .map(|(p, d)| {
            json!({
                "id": p.id, "version": p.version, "digest": d, "layer": p.layer.label(),
                "title": {"en": p.title.en, "fr": p.title.fr}, "builds_on": p.builds_on,
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "packs": list }))
}

async fn schema(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &crate::schema::facts(&app.pack.model))
}

async fn json_schema(State(app): State<Arc<App>>) -> Response {
    let mut r = json_response(StatusCode::OK, &crate::schema::json_schema(&app.pack.model));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/schema+json"),
    );
    r
}

async fn evaluate(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let o = match opts(&uri) {
        Ok(o) => o,
        Err(e) => return bad_query(e),
    };
    let answers = match answers_from_body(&app, &headers, body).await {
        Ok(a) => a,
        Err(r) => return *r,
    };
    // The verdict's JSON written directly: the same bytes as serializing
    // `passerelle::evaluate` (see `passerelle::verdict_json`).
    let body = passerelle::verdict_json::evaluate_json(
        &app.pack,
        &answers,
        o.as_of,
        o.lang,
        EvalOptions { explain: o.explain },
    );
    status_response(StatusCode::OK, "application/json", body)
}

async fn next(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap, body: Body) -> Response {
    let o = match opts(&uri) {
        Ok(o) => o,
        Err(e) => return bad_query(e),
    };
    let answers = match answers_from_body(&app, &headers, body).await {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let v = passerelle::evaluate(
        &app.pack,
        &answers,
        o.as_of,
        o.lang,
        EvalOptions { explain: false },
    );
    json_response(
        StatusCode::OK,
        &json!({ "next_question": v.next_question, "complete": v.complete }),
    )
}

fn citations(m: &Model, cs: &[Citation], lang: Lang) -> Vec<J> {
    cs.iter()
        .filter_map(|c| {
            let inst = m.instruments.get(c.instrument.idx())?;
            Some(json!({
                "instrument": inst.id,
                "title": inst.title.get(lang),
                "section": c.section,
                "url": inst.source.get(lang),
                "paraphrase": inst.provisions.get(c.provision).map(|p| p.paraphrase.get(lang)).unwrap_or(""),
            }))
        })
        .collect()
}

fn status_json(s: &Status, lang: Lang) -> J {
    match s {
        Status::Verified(d) => json!({"verified": true, "date": d.to_string()}),
        Status::Unverified(why) => json!({"verified": false, "reason": why.get(lang)}),
    }
}

fn lang_only(uri: &Uri) -> Result<Lang, Vec<Problem>> {
    opts(uri).map(|o| o.lang)
}

async fn rules(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let lang = match lang_only(&uri) {
        Ok(l) => l,
        Err(e) => return bad_query(e),
    };
    let m = &app.pack.model;
    let list: Vec<J> = m
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "kind": match r.kind { RuleKind::Obligation(x) => x.word(), RuleKind::Exception => "exception" },
                "text": r.text.get(lang),
                "domain": r.domain.map(|d| d.word()),
                "phase": r.phase.map(|d| d.word()),
                "verified": r.status.is_verified(),
                "href": crate::route::Route::Rule(r.id.clone()).path(lang),
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "rules": list }))
}

async fn rule(State(app): State<Arc<App>>, Path(id): Path<String>, uri: Uri) -> Response {
    let lang = match lang_only(&uri) {
        Ok(l) => l,
        Err(e) => return bad_query(e),
    };
    let m = &app.pack.model;
    let Some(r) = m.rule_ids.get(&id).map(|x| m.rule(*x)) else {
        return not_found();
    };
    let ids = |v: &[passerelle_check::model::RuleId]| -> Vec<String> {
        v.iter().map(|x| m.rule(*x).id.clone()).collect()
    };
    let displaced_by = m
        .rule_ids
        .get(&id)
        .and_then(|x| m.displaced_by.get(x.idx()))
        .map(|v| ids(v))
        .unwrap_or_default();
    json_response(
        StatusCode::OK,
        &json!({
            "id": r.id,
            "kind": match r.kind { RuleKind::Obligation(x) => x.word(), RuleKind::Exception => "exception" },
            "text": r.text.get(lang),
            "intent": r.intent.as_ref().map(|i| i.get(lang)),
            "condition": r.when.as_ref().map(|e| describe(m, e, lang)),
            "domain": r.domain.map(|d| d.word()),
            "phase": r.phase.map(|d| d.word()),
            "owner": r.owner.and_then(|c| m.contacts.get(c.idx())).map(|c| c.id.clone()),
            "layer": r.layer.label(),
            "per_item": r.per_item.as_ref().map(|(_, g)| m.group(*g).name.clone()),
            "effective_from": r.period.from.map(|d| d.to_string()),
            "effective_to": r.period.to.map(|d| d.to_string()),
            "status": status_json(&r.status, lang),
            "citations": citations(m, &r.citations, lang),
            "displaces": ids(&r.displaces),
            "displaced_by": displaced_by,
        }),
    )
}

async fn myths(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let lang = match lang_only(&uri) {
        Ok(l) => l,
        Err(e) => return bad_query(e),
    };
    let m = &app.pack.model;
    let list: Vec<J> = m
        .myths
        .iter()
        .map(|x| {
            json!({
                "id": x.id, "claim": x.claim.get(lang), "verdict": x.verdict.word(),
                "verdict_label": x.verdict.label().get(lang),
                "href": crate::route::Route::Myth(x.id.clone()).path(lang),
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "myths": list }))
}

async fn myth(State(app): State<Arc<App>>, Path(id): Path<String>, uri: Uri) -> Response {
    let lang = match lang_only(&uri) {
        Ok(l) => l,
        Err(e) => return bad_query(e),
    };
    let m = &app.pack.model;
    let Some(x) = m.myth_ids.get(&id).and_then(|i| m.myths.get(i.idx())) else {
        return not_found();
    };
    json_response(
        StatusCode::OK,
        &json!({
            "id": x.id, "claim": x.claim.get(lang), "verdict": x.verdict.word(),
            "verdict_label": x.verdict.label().get(lang),
            "explanation": x.explanation.get(lang),
            "relevant_when": x.relevant_when.as_ref().map(|e| describe(m, e, lang)),
            "status": status_json(&x.status, lang),
            "citations": citations(m, &x.citations, lang),
        }),
    )
}

async fn instruments(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let lang = match lang_only(&uri) {
        Ok(l) => l,
        Err(e) => return bad_query(e),
    };
    let m = &app.pack.model;
    let list: Vec<J> = m
        .instruments
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "kind": i.kind.word(), "title": i.title.get(lang),
                "source": i.source.get(lang),
                "effective_from": i.period.from.map(|d| d.to_string()),
                "effective_to": i.period.to.map(|d| d.to_string()),
                "provisions": i.provisions.iter().map(|p| json!({
                    "section": p.section, "title": p.title, "paraphrase": p.paraphrase.get(lang),
                })).collect::<Vec<_>>(),
                "href": crate::route::Route::Instrument(i.id.clone()).path(lang),
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "instruments": list }))
}

async fn result(State(app): State<Arc<App>>, Path(id): Path<String>, uri: Uri) -> Response {
    let lang = match lang_only(&uri) {
        Ok(l) => l,
        Err(e) => return bad_query(e),
    };
    if !is_id(&id) {
        return not_found();
    }
    let r = match app.store.result(&id).await {
        Ok(Some(r)) => r,
        Ok(None) => return not_found(),
        Err(e) => {
            eprintln!("passerelle: {e}");
            return problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                Bi::new("the database failed", "la base de données a échoué"),
                Vec::new(),
            );
        }
    };
    let m = &app.pack.model;
    let (answers, _) = crate::interview::load_answers(m, &r.answers);
    let date = parse_date(&r.as_of).unwrap_or_else(passerelle::today);
    let v = passerelle::evaluate(
        &app.pack,
        &answers,
        date,
        lang,
        EvalOptions { explain: true },
    );
    let mut res = json_response(
        StatusCode::OK,
        &json!({
            "id": r.id, "created_at": r.created_at, "journey": r.journey, "as_of": r.as_of,
            "packs": r.packs.iter().map(|p| json!({"id": p.id, "version": p.version, "digest": p.digest})).collect::<Vec<_>>(),
            "answers": r.answers,
            "verdict": v,
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"passerelle-{id}.json\""))
    {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, &crate::openapi::document())
}
