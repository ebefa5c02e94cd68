//! The case log through the pages, on SQLite and on PostgreSQL: saving a situation from a
//! results page (and its recorded verdict shown with texts and citations), the screening for
//! personal information, an edit conflict, search in both languages, "others in your
//! situation" on the results page, and the audit trail of every change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use axum::http::{Method, StatusCode};
use passerelle_diag::Lang;
use serde_json::json;
use support::*;

const SCENARIO: &str = "live-application-test-admin-use";

/// The text of a rule in the served pack.
fn rule_text(w: &World, id: &str, lang: Lang) -> String {
    let m = &w.app.pack.model;
    let r = m.rule(*m.rule_ids.get(id).unwrap());
    r.text.get(lang).to_string()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn save_from_results(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    // Anonymous: "Sign in to save this situation", coming back to the form.
    let anon = w.anonymous();
    let page = anon.get(&format!("/en/results/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign in to save this situation"));
    let sign_in = format!("/en/sign-in?return=%2Fen%2Fcases%2Fnew%3Fresult%3D{rid}");
    assert!(page.body.contains(&sign_in), "{}", page.body);
    let form = anon.get(&sign_in).await;
    assert!(form.body.contains(&format!(
        "name=\"return\" value=\"/en/cases/new?result={rid}\""
    )));
    let res = anon
        .post(
            "/en/sign-in",
            &[
                ("username", "carla"),
                ("password", PASSWORD),
                ("return", &format!("/en/cases/new?result={rid}")),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/en/cases/new?result={rid}"));
    assert!(
        res.cookies()
            .iter()
            .any(|c| c.starts_with("passerelle_session="))
    );
    // Signed in: the results page offers the form, pre-filled from the result.
    let b = w.browser(&w.contributor).await;
    let page = b.get(&format!("/en/results/{rid}")).await;
    assert!(
        page.body
            .contains(&format!("href=\"/en/cases/new?result={rid}\""))
    );
    let form = b.get(&format!("/en/cases/new?result={rid}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.csrf_field().as_deref(), Some(b.csrf.as_str()));
    assert!(
        form.body
            .contains(&format!("name=\"result\" value=\"{rid}\""))
    );
    assert!(form.body.contains("2026-06-01"), "the result's date");
    assert!(
        form.body.contains("id=\"domains-privacy\"") || form.body.contains("value=\"privacy\"")
    );
    let res = b
        .post(
            "/en/cases/new",
            &[
                ("result", &rid),
                ("title", "Pilot with real applications"),
                (
                    "narrative",
                    "Participants submit a real application during the usability test.\r\n\r\nThe team asked whether a PIA is needed.",
                ),
                ("lang", "en"),
                ("domains", "privacy"),
                ("status", "draft"),
                ("rules", "confirm-legal-authority"),
                ("myths", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = case_id(&res.location());
    assert!(res.location().starts_with("/en/cases/"));
    // The view shows the recorded verdict's texts and citations, in the page's language.
    let view = b.get(&res.location()).await;
    assert_eq!(view.status, StatusCode::OK);
    let body = &view.body;
    assert!(body.contains("Pilot with real applications"));
    assert!(body.contains("<p>The team asked whether a PIA is needed.</p>"));
    assert!(body.contains(&html_escape(&rule_text(
        &w,
        "collect-only-what-you-need",
        Lang::En
    ))));
    assert!(body.contains("href=\"/en/rules/collect-only-what-you-need\""));
    assert!(body.contains("Privacy Act, § 4"), "citation as recorded");
    assert!(body.contains("rules in force on 2026-06-01"));
    assert!(body.contains("gc-digital"));
    assert!(body.contains("carla (test)"), "created by");
    assert!(body.contains("The answers given"));
    assert!(
        body.contains("href=\"/en/rules/confirm-legal-authority\""),
        "linked rule"
    );
    assert!(
        body.contains(&format!("href=\"/en/cases/{id}/edit\"")),
        "own draft: edit"
    );
    let fr = b.get(&format!("/fr/cas/{id}")).await;
    assert_eq!(fr.status, StatusCode::OK);
    assert!(fr.body.contains(&html_escape(&rule_text(
        &w,
        "collect-only-what-you-need",
        Lang::Fr
    ))));
    assert!(
        fr.body.contains("lang=\"en\""),
        "English narrative marked on a French page"
    );
    assert!(fr.body.contains(&format!("lang-href=\"/en/cases/{id}\"")));
    // The stored situation: the server's verdict, at the result's date, with the result's
    // answers.
    let s = w.app.store.situation(&id).await.unwrap().unwrap();
    assert_eq!(s.verdict.as_of, "2026-06-01");
    assert!(
        s.verdict
            .obligations
            .iter()
            .any(|e| e.id == "collect-only-what-you-need")
    );
    assert_eq!(s.created_by, w.contributor.id);
    assert_eq!(s.journey.as_deref(), Some("plan-user-research"));
    assert_eq!(s.narrative.matches('\r').count(), 0);
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_from_results_sqlite() {
    save_from_results("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_from_results_postgres() {
    save_from_results("postgres").await;
}

async fn screening(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    let b = w.browser(&w.contributor).await;
    let narrative = "Call the office at 1-800-622-6232 or write to jo.tremblay@example.ca.";
    let mut fields = case_fields("Pilot", narrative);
    fields.push(("result", &rid));
    let res = b.post("/en/cases/new", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        w.app.store.count_situations().await.unwrap(),
        0,
        "nothing saved"
    );
    assert!(res.body.contains(narrative), "nothing lost");
    assert!(res.body.contains("pw-error-summary"));
    assert!(
        res.body
            .contains("may be personal information (phone number)")
    );
    assert!(
        res.body
            .contains("may be personal information (e-mail address)")
    );
    let phone = narrative.find("1-800").unwrap();
    let email = narrative.find("jo.tremblay").unwrap();
    let phone_key = format!("pi:narrative:{phone}:{}", phone + 14);
    let email_key = format!("pi:narrative:{email}:{}", narrative.len() - 1);
    assert!(
        res.body.contains(&format!("name=\"{phone_key}\"")),
        "{}",
        res.body
    );
    assert!(res.body.contains(&format!("name=\"{email_key}\"")));
    assert!(
        res.body
            .contains(&format!("href=\"#pi-narrative-{phone}-{}\"", phone + 14))
    );
    // In French, the same step in French.
    let fr = b.post("/fr/cas/nouvelle", &fields).await;
    assert_eq!(fr.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fr.body.contains("numéro de téléphone"));
    // One decision: the removal is applied and the other finding is asked again.
    let mut partial = fields.clone();
    partial.push((&email_key, "remove"));
    let res = b.post("/en/cases/new", &partial).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Call the office at 1-800-622-6232 or write to […].")
    );
    assert!(!res.body.contains("jo.tremblay"));
    assert_eq!(w.app.store.count_situations().await.unwrap(), 0);
    // Both decided: saved, the e-mail cut, the phone kept and recorded in the audit trail.
    let mut both = fields.clone();
    both.push((&email_key, "remove"));
    both.push((&phone_key, "keep"));
    let res = b.post("/en/cases/new", &both).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = case_id(&res.location());
    let s = w.app.store.situation(&id).await.unwrap().unwrap();
    assert_eq!(
        s.narrative,
        "Call the office at 1-800-622-6232 or write to […]."
    );
    let audit = w.app.store.audit_trail(None, 5, Some(&id)).await.unwrap();
    assert_eq!(audit[0].action, "create");
    assert_eq!(
        audit[0].new_value.as_ref().unwrap()["note"]["pi_confirmed"],
        json!([{"field": "narrative", "kind": "phone", "text": "1-800-622-6232"}])
    );
    // An edit that leaves the narrative alone does not ask again; one that changes it does.
    let edit = format!("/en/cases/{id}/edit");
    let res = b
        .post(
            &edit,
            &[
                ("revision", "1"),
                ("title", "Pilot (2)"),
                ("narrative", &s.narrative),
                ("lang", "en"),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let changed = format!("{} Postal code K1A 0B1.", s.narrative);
    let res = b
        .post(
            &edit,
            &[
                ("revision", "2"),
                ("title", "Pilot (2)"),
                ("narrative", &changed),
                ("lang", "en"),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("postal code"));
    // A title with an e-mail is screened too; through the API, `confirm` acknowledges it.
    let api = b
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{id}"),
            Some(&json!({"revision": 2, "title": "Write to info@example.gc.ca"})),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let j = api.json();
    assert_eq!(j["errors"][0]["field"], "title");
    assert_eq!(j["errors"][0]["findings"][0]["kind"], "email");
    assert!(
        j["errors"][0]["reason_fr"]
            .as_str()
            .unwrap()
            .contains("renseignements personnels")
    );
    let api = b
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{id}"),
            Some(&json!({
                "revision": 2,
                "title": "Write to info@example.gc.ca",
                "confirm": [{"field": "title", "text": "info@example.gc.ca"}]
            })),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screening_sqlite() {
    screening("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screening_postgres() {
    screening("postgres").await;
}

async fn edit_conflict(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    let carla = w.browser(&w.contributor).await;
    let sami = w.browser(&w.specialist).await;
    let mut fields = case_fields("Pilot", "The team tests a booking service.");
    fields.push(("result", &rid));
    let id = case_id(&carla.post("/en/cases/new", &fields).await.location());
    let edit = format!("/en/cases/{id}/edit");
    let form = carla.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"revision\" value=\"1\""));
    // The specialist saves first.
    let res = sami
        .post(
            &edit,
            &[
                ("revision", "1"),
                ("title", "Pilot — specialist's title"),
                ("narrative", "The team tests a booking service."),
                ("lang", "en"),
                ("status", "answered"),
                ("advice_en", "A PIA is needed."),
                ("advice_fr", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Carla's edit, from revision 1, is refused; her text stays in the form, theirs is shown.
    let mine = "The team tests a booking service with 12 participants.";
    let res = carla
        .post(
            &edit,
            &[
                ("revision", "1"),
                ("title", "Pilot — Carla's title"),
                ("narrative", mine),
                ("lang", "en"),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("now at revision 2"));
    assert!(res.body.contains(mine), "her text kept");
    assert!(res.body.contains("Pilot — Carla&#39;s title"));
    assert!(
        res.body.contains("Pilot — specialist&#39;s title"),
        "their version shown"
    );
    assert!(res.body.contains("A PIA is needed."));
    assert!(res.body.contains("name=\"revision\" value=\"2\""));
    let s = w.app.store.situation(&id).await.unwrap().unwrap();
    assert_eq!(
        s.title, "Pilot — specialist's title",
        "nothing of hers saved"
    );
    // Sent again from revision 2: saved (advice kept: contributors cannot change it).
    let res = carla
        .post(
            &edit,
            &[
                ("revision", "2"),
                ("title", "Pilot — Carla's title"),
                ("narrative", mine),
                ("lang", "en"),
                ("status", "answered"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let s = w.app.store.situation(&id).await.unwrap().unwrap();
    assert_eq!((s.revision, s.advice_en.as_str()), (3, "A PIA is needed."));
    // The API says 409 with the current version.
    let api = carla
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{id}"),
            Some(&json!({"revision": 1, "title": "Late"})),
        )
        .await;
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(api.json()["current"]["revision"], 3);
    assert!(
        api.json()["title"]["fr"]
            .as_str()
            .unwrap()
            .contains("révision 3")
    );
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_conflict_sqlite() {
    edit_conflict("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_conflict_postgres() {
    edit_conflict("postgres").await;
}

/// Creates a situation through the API (bearer) and returns its id.
async fn create(b: &Browser, rid: &str, body: serde_json::Value) -> String {
    let mut body = body;
    body["result"] = json!(rid);
    let res = b.bearer(Method::POST, "/api/v1/cases", Some(&body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["situation"]["id"].as_str().unwrap().to_string()
}

async fn search(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    let sami = w.browser(&w.specialist).await;
    let en = create(
        &sami,
        &rid,
        json!({"title": "Remote usability tests with recordings", "narrative": "Sessions are recorded on video.", "lang": "en", "domains": ["privacy"], "status": "published"}),
    )
    .await;
    let fr = create(
        &sami,
        &rid,
        json!({"title": "Hébergement des données à l'étranger", "narrative": "Un sondage hébergé aux États-Unis.", "lang": "fr", "domains": ["it"], "status": "published"}),
    )
    .await;
    let draft = create(
        &sami,
        &rid,
        json!({"title": "Draft about recordings", "narrative": "Not ready.", "lang": "en", "status": "draft"}),
    )
    .await;
    let anon = w.anonymous();
    // English words, plural folded.
    let p = anon.get("/en/cases?q=recording").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(&format!("href=\"/en/cases/{en}\"")));
    assert!(!p.body.contains(&draft), "anonymous: published only");
    assert!(p.body.contains("1 situation"));
    // French, typed without accents, finds the accented text; the page is French.
    let p = anon.get("/fr/cas?q=hebergement+etranger").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains(&format!("href=\"/fr/cas/{fr}\"")),
        "{}",
        p.body
    );
    assert!(p.body.contains("lang=\"fr\"") && p.body.contains("<html lang=\"fr\""));
    assert!(!p.body.contains(&en));
    assert!(
        p.body
            .contains("lang-href=\"/en/cases?q=hebergement+etranger\"")
    );
    // Signed in: drafts too; filters by status, domain, rule and dates.
    let p = sami.get("/en/cases?q=recordings").await;
    assert!(p.body.contains(&draft) && p.body.contains(&en));
    let p = sami.get("/en/cases?status=draft").await;
    assert!(p.body.contains(&draft) && !p.body.contains(&en));
    let p = sami.get("/en/cases?domain=it").await;
    assert!(p.body.contains(&fr) && !p.body.contains(&en));
    let p = sami.get("/en/cases?rule=collect-only-what-you-need").await;
    assert!(p.body.contains(&fr) && p.body.contains(&en));
    let p = sami.get("/en/cases?rule=no-such-rule").await;
    assert!(p.body.contains("No situation matches"));
    let p = sami.get("/en/cases?from=2000-01-01&to=2999-12-31").await;
    assert!(p.body.contains("3 situations"));
    let p = sami.get("/en/cases?from=2999-01-01").await;
    assert!(p.body.contains("0 situations"));
    let p = sami.get("/fr/cas?from=demain").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.body
            .contains("«\u{a0}demain\u{a0}» n&#39;est pas une date")
    );
    // Paging: 20 per page.
    for i in 0..19 {
        create(
            &sami,
            &rid,
            json!({"title": format!("Filler {i}"), "narrative": "Filler.", "lang": "en", "status": "published"}),
        )
        .await;
    }
    let p = anon.get("/en/cases").await;
    assert!(p.body.contains("21 situations"));
    assert!(p.body.contains("Page 1 of 2"));
    assert!(p.body.contains("href=\"/en/cases?page=2\""));
    let p2 = anon.get("/en/cases?page=2").await;
    assert!(p2.body.contains("Page 2 of 2") && p2.body.contains("rel=\"prev\""));
    // The API: the same search, ranked, with the score.
    let j = anon
        .api(Method::GET, "/api/v1/cases?q=hebergement", None)
        .await
        .json();
    assert_eq!(j["total"], 1);
    assert_eq!(j["situations"][0]["id"], fr.as_str());
    assert!(j["situations"][0]["score"].as_f64().unwrap() > 0.0);
    let bad = anon
        .api(Method::GET, "/api/v1/cases?colour=red", None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["errors"][0]["parameter"], "colour");
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_sqlite() {
    search("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_postgres() {
    search("postgres").await;
}

async fn others_in_your_situation(backend: &str) {
    let w = World::new(backend).await;
    let r1 = w.result(SCENARIO).await;
    let sami = w.browser(&w.specialist).await;
    let published = create(
        &sami,
        &r1,
        json!({"title": "Real applications in a usability test", "narrative": "Advice on PIAs.", "lang": "en", "status": "published", "advice_en": "Do a PIA first."}),
    )
    .await;
    let draft = create(
        &sami,
        &r1,
        json!({"title": "Unpublished twin", "narrative": "Not yet.", "lang": "en", "status": "draft"}),
    )
    .await;
    let r2 = w.result(SCENARIO).await;
    let anon = w.anonymous();
    let page = anon.get(&format!("/en/results/{r2}")).await;
    assert!(
        page.body.contains("Others in your situation"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("href=\"/en/cases/{published}\""))
    );
    assert!(!page.body.contains(&draft));
    let fr = anon.get(&format!("/fr/resultats/{r2}")).await;
    assert!(fr.body.contains("D&#39;autres dans votre situation"));
    assert!(fr.body.contains(&format!("href=\"/fr/cas/{published}\"")));
    // The API's related situations of the draft: the published one.
    let j = sami
        .bearer(Method::GET, &format!("/api/v1/cases/{draft}/related"), None)
        .await
        .json();
    assert_eq!(j["situations"][0]["id"], published.as_str());
    // A result citing other rules shows none.
    let other = w.result("services-135k-after-cfta-update").await;
    let page = anon.get(&format!("/en/results/{other}")).await;
    assert!(!page.body.contains(&published));
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_in_your_situation_sqlite() {
    others_in_your_situation("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_in_your_situation_postgres() {
    others_in_your_situation("postgres").await;
}

async fn audit_trail(backend: &str) {
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    let carla = w.browser(&w.contributor).await;
    let sami = w.browser(&w.specialist).await;
    let ada = w.browser(&w.admin).await;
    let id = create(
        &carla,
        &rid,
        json!({"title": "Audit me", "narrative": "Something.", "lang": "en", "status": "draft"}),
    )
    .await;
    let res = sami
        .bearer(
            Method::PUT,
            &format!("/api/v1/cases/{id}"),
            Some(&json!({"revision": 1, "status": "published", "advice_fr": "Faites une ÉFVP."})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Every change is in the trail, with before and after.
    let j = ada
        .bearer(Method::GET, &format!("/api/v1/audit?entity_id={id}"), None)
        .await
        .json();
    let entries = j["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["action"], "update");
    assert_eq!(entries[0]["actor"], w.specialist.id.as_str());
    assert_eq!(entries[0]["old_value"]["status"], "draft");
    assert_eq!(entries[0]["new_value"]["status"], "published");
    assert_eq!(entries[0]["new_value"]["advice_fr"], "Faites une ÉFVP.");
    assert_eq!(entries[1]["action"], "create");
    assert_eq!(entries[1]["actor"], w.contributor.id.as_str());
    assert!(entries[1]["old_value"].is_null());
    // The page: newest first, who, the field diff, in both languages.
    let p = ada.get("/en/admin/audit").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let changed = p.body.find("Changed — situation").unwrap();
    let created = p.body.find("Created — situation").unwrap();
    assert!(changed < created, "newest first");
    assert!(p.body.contains("sami (test)"));
    assert!(
        p.body
            .contains("<th scope=\"row\"><code>status</code></th><td>draft</td><td>published</td>")
    );
    assert!(p.body.contains(&format!("href=\"/en/cases/{id}\"")));
    let fr = ada.get(&format!("/fr/admin/journal?entity={id}")).await;
    assert!(fr.body.contains("Modification — situation"));
    assert!(fr.body.contains(&format!("Seulement les entrées sur {id}")));
    // Sign-ins and accounts are audited too.
    let all = ada
        .bearer(Method::GET, "/api/v1/audit?limit=200", None)
        .await
        .json();
    let actions: Vec<&str> = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"sign_in"));
    assert!(
        actions.iter().filter(|a| **a == "create").count() >= 5,
        "{actions:?}"
    );
    // Paging: `before` walks back.
    let page1 = ada
        .bearer(Method::GET, "/api/v1/audit?limit=2", None)
        .await
        .json();
    let next = page1["next_before"].as_i64().unwrap();
    let page2 = ada
        .bearer(
            Method::GET,
            &format!("/api/v1/audit?limit=2&before={next}"),
            None,
        )
        .await
        .json();
    assert!(page2["entries"][0]["seq"].as_i64().unwrap() < next);
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_trail_sqlite() {
    audit_trail("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_trail_postgres() {
    audit_trail("postgres").await;
}

async fn recheck_on_start(backend: &str) {
    use passerelle_store::{Entry, PackStamp, RuleText};
    let w = World::new(backend).await;
    let rid = w.result(SCENARIO).await;
    let sami = w.browser(&w.specialist).await;
    let id = create(
        &sami,
        &rid,
        json!({"title": "Recorded under an older pack", "narrative": "n", "lang": "en", "status": "published"}),
    )
    .await;
    // Make it look recorded with an older version: one obligation missing (added now), one
    // worded differently (changed), one rule that no longer applies (removed).
    let mut s = w.app.store.situation(&id).await.unwrap().unwrap();
    let old_stamp = vec![PackStamp {
        id: "gc-digital".into(),
        version: "0.0.1".into(),
        digest: "old".into(),
    }];
    s.checked = old_stamp.clone();
    s.verdict.packs = old_stamp;
    let added = s.verdict.obligations.remove(0);
    let changed = s.verdict.obligations[0].clone();
    let mut texts = w
        .app
        .store
        .rule_texts(&[changed.fp.as_str()])
        .await
        .unwrap();
    let mut old = texts.remove(0);
    old.text_en = "An older wording of this rule.".into();
    old.fp = "00000000000000aa".into();
    let retired = RuleText {
        fp: "00000000000000bb".into(),
        kind: "obligation".into(),
        id: "retired-rule".into(),
        pack: "gc-digital".into(),
        text_en: "A rule that no longer applies.".into(),
        text_fr: "Une règle qui ne s'applique plus.".into(),
        verdict: String::new(),
        citations: old.citations.clone(),
    };
    w.app
        .store
        .put_rule_texts(&[old.clone(), retired.clone()])
        .await
        .unwrap();
    s.verdict.obligations[0].fp = old.fp.clone();
    s.verdict.obligations.push(Entry {
        id: "retired-rule".into(),
        fp: retired.fp.clone(),
    });
    w.app
        .store
        .import_situation(&s, "system:test", "2026-06-02T00:00:00Z")
        .await
        .unwrap();
    // What `passerelle serve` does at start.
    let handle = passerelle_web::cases::spawn_recheck(std::sync::Arc::clone(&w.app))
        .await
        .unwrap()
        .expect("a re-check runs");
    handle.await.unwrap();
    let after = w.app.store.situation(&id).await.unwrap().unwrap();
    assert_eq!(after.status.word(), "needs_review");
    let changes: Vec<(String, String)> = after
        .review
        .as_ref()
        .unwrap()
        .changes
        .iter()
        .map(|c| (c.change.clone(), c.id.clone()))
        .collect();
    assert!(
        changes.contains(&("added".into(), added.id.clone())),
        "{changes:?}"
    );
    assert!(changes.contains(&("changed".into(), changed.id.clone())));
    assert!(changes.contains(&("removed".into(), "retired-rule".into())));
    // Nothing more to re-check.
    assert!(
        passerelle_web::cases::spawn_recheck(std::sync::Arc::clone(&w.app))
            .await
            .unwrap()
            .is_none()
    );
    // The page shows the differences with the texts before and after and their citations;
    // no longer published, it is hidden from anonymous people.
    let page = sami.get(&format!("/en/cases/{id}")).await;
    assert!(page.body.contains("Differences found by the re-check"));
    assert!(page.body.contains("obligations — added"));
    assert!(page.body.contains("obligations — removed"));
    assert!(page.body.contains("obligations — changed"));
    assert!(page.body.contains("An older wording of this rule."));
    assert!(
        page.body
            .contains(&html_escape(&rule_text(&w, &changed.id, Lang::En)))
    );
    assert!(page.body.contains("A rule that no longer applies."));
    assert!(page.body.contains("pw-change--removed"));
    let fr = sami.get(&format!("/fr/cas/{id}")).await;
    assert!(fr.body.contains("Une règle qui ne s&#39;applique plus."));
    assert!(fr.body.contains("obligations — retirés"));
    assert_eq!(
        w.anonymous().get(&format!("/en/cases/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // The search index saw the change (no longer in the published list).
    let list = w.anonymous().get("/en/cases").await;
    assert!(!list.body.contains(&id));
    w.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recheck_on_start_sqlite() {
    recheck_on_start("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recheck_on_start_postgres() {
    recheck_on_start("postgres").await;
}
