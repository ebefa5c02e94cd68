//! HTML pages: every page type in both languages, the language toggle, bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::*;

#[tokio::test]
async fn splash_and_start_pages() {
    let r = app(all_types()).await;
    let s = get(&r, "/").await;
    assert_eq!(s.status, StatusCode::OK);
    assert!(s.body.contains("noindex, follow"));
    assert!(s.body.contains("href=\"/en\"") && s.body.contains("href=\"/fr\""));
    for (lang, other) in [("en", "/fr"), ("fr", "/en")] {
        let p = get(&r, &format!("/{lang}")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert_eq!(p.lang(), lang);
        assert!(
            p.body.contains(&format!("lang-href=\"{other}\"")),
            "toggle to {other}"
        );
        assert!(p.body.contains("value=\"every-type\""), "journey listed");
        assert!(p.body.contains("gcds-date-modified type=\"version\""));
        assert!(p.body.contains("skip-to-href=\"#main-content\""));
        assert!(p.body.contains("id=\"main-content\""));
    }
    let fr = get(&r, "/fr/").await;
    assert_eq!(fr.status, StatusCode::OK);
}

#[tokio::test]
async fn every_page_type_in_both_languages() {
    let r = app(all_types()).await;
    for lang in ["en", "fr"] {
        let first = start(&r, lang, "every-type").await;
        let check = answer_all(&r, &first).await;
        let c = get(&r, &check).await;
        assert_eq!(c.status, StatusCode::OK);
        assert_eq!(c.lang(), lang);
        assert!(c.body.contains("Survey tool"));
        assert!(c.body.contains("?change=1"));
        // Money typed the French way is read as 1,250.50.
        assert!(
            c.body.contains("1,250.50") || c.body.contains("1\u{a0}250,50"),
            "{}",
            c.body
        );
        let res = post_form(&r, &check, &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let results = res.location();
        let page = get(&r, &results).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.lang(), lang);
        assert!(page.body.contains("id=\"phase-before\""));
        assert!(page.body.contains("<details class=\"pw-details\">"));
        assert!(page.body.contains("/api/v1/results/"));
        let rid = results.rsplit('/').next().unwrap();
        let j = get(&r, &format!("/api/v1/results/{rid}?lang={lang}")).await;
        assert_eq!(j.status, StatusCode::OK);
        assert_eq!(j.json()["verdict"]["lang"], lang);
        assert!(
            !j.json()["verdict"]["obligations"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    let pages = [
        ("/en/rules", "/fr/regles"),
        ("/en/rules/r-money", "/fr/regles/r-money"),
        ("/en/myths", "/fr/mythes"),
        ("/en/instruments", "/fr/instruments"),
        (
            "/en/instruments/test-instrument",
            "/fr/instruments/test-instrument",
        ),
    ];
    for (en, fr) in pages {
        let e = get(&r, en).await;
        assert_eq!(e.status, StatusCode::OK, "{en}");
        assert_eq!(e.lang(), "en");
        assert!(
            e.body.contains(&format!("lang-href=\"{fr}\"")),
            "{en} toggles to {fr}"
        );
        let f = get(&r, fr).await;
        assert_eq!(f.status, StatusCode::OK, "{fr}");
        assert_eq!(f.lang(), "fr");
        assert!(
            f.body.contains(&format!("lang-href=\"{en}\"")),
            "{fr} toggles to {en}"
        );
    }
}

#[tokio::test]
async fn each_question_type_renders_its_controls() {
    let r = app(all_types()).await;
    let first = start(&r, "en", "every-type").await;
    let mut at = first;
    let mut seen = Vec::new();
    while !at.contains("check-answers") {
        let fact = at.rsplit('/').next().unwrap().to_string();
        let p = get(&r, &at).await;
        assert_eq!(p.status, StatusCode::OK);
        let control = match fact.as_str() {
            "a_bool" => "type=\"radio\" id=\"a_bool\" name=\"a_bool\" value=\"true\"",
            "b_enum" => "type=\"radio\" id=\"b_enum\" name=\"b_enum\" value=\"red\"",
            "c_set" => "type=\"checkbox\" id=\"c_set\" name=\"c_set\" value=\"monday\"",
            "d_integer" => "inputmode=\"numeric\"",
            "e_money" => "inputmode=\"decimal\"",
            "f_date" => "name=\"f_date-year\"",
            "g_text" => "id=\"g_text\" name=\"g_text\" type=\"text\"",
            "h_tools" => "name=\"h_tools-name\"",
            _ => panic!("{fact}"),
        };
        assert!(p.body.contains(control), "{fact}: {control}");
        if fact != "h_tools" {
            assert!(
                p.body.contains("<legend") || p.body.contains("<label"),
                "{fact} labelled"
            );
            assert!(
                p.body
                    .contains(&format!("aria-describedby=\"{fact}-hint\"")),
                "{fact} hint"
            );
        }
        seen.push(fact.clone());
        let res = if fact == "h_tools" {
            post_form(&r, &at, &[("action", "continue")]).await
        } else {
            post_form(&r, &at, &fixture_answer(&fact)).await
        };
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        at = res.location();
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
}

#[tokio::test]
async fn language_toggle_keeps_the_step_and_the_answers() {
    let r = app(all_types()).await;
    let q1 = start(&r, "en", "every-type").await;
    let res = post_form(&r, &q1, &[("a_bool", "true")]).await;
    let q2 = res.location();
    let res = post_form(&r, &q2, &[("b_enum", "blue")]).await;
    let q3 = res.location();
    assert!(q3.ends_with("/c_set"));
    let page = get(&r, &q3).await;
    let fr = q3.replace("/en/interview/", "/fr/entrevue/");
    assert!(
        page.body.contains(&format!("lang-href=\"{fr}\"")),
        "toggle goes to {fr}"
    );
    assert!(
        page.body
            .contains(&format!("hreflang=\"fr\" href=\"{fr}\""))
    );
    let f = get(&r, &fr).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(f.lang(), "fr");
    assert!(
        f.body.contains("Quels jours travaillerez-vous?")
            || f.body.contains("Quels jours travaillerez-vous\u{a0}?")
    );
    // The back link leads to the previous question, in French, still answered.
    let prev = fr.replace("/c_set", "/b_enum");
    assert!(f.body.contains(&format!("href=\"{prev}\"")));
    let p = get(&r, &prev).await;
    assert!(p.body.contains("value=\"blue\" checked"), "answer kept");
    // Private pages are not indexed.
    assert!(f.body.contains("noindex, nofollow"));
}

#[tokio::test]
async fn change_from_check_answers_returns_there() {
    let r = app(all_types()).await;
    let first = start(&r, "en", "every-type").await;
    let check = answer_all(&r, &first).await;
    let id = interview_id(&check);
    let q = format!("/en/interview/{id}/b_enum");
    let page = get(&r, &format!("{q}?change=1")).await;
    assert!(page.body.contains("name=\"return\" value=\"check\""));
    assert!(page.body.contains("value=\"red\" checked"));
    let res = post_form(&r, &q, &[("b_enum", "green"), ("return", "check")]).await;
    assert_eq!(res.location(), check);
    let c = get(&r, &check).await;
    assert!(c.body.contains("Green"));
}

#[tokio::test]
async fn group_items_are_added_and_removed_one_at_a_time() {
    let r = app(all_types()).await;
    let first = start(&r, "en", "every-type").await;
    let mut at = first;
    while !at.ends_with("/h_tools") {
        let fact = at.rsplit('/').next().unwrap().to_string();
        at = post_form(&r, &at, &fixture_answer(&fact)).await.location();
    }
    for name in ["One", "Two", "Three"] {
        let res = post_form(
            &r,
            &at,
            &[
                ("action", "add"),
                ("h_tools-name", name),
                ("h_tools-hosted", "canada"),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(res.location().starts_with(&at));
    }
    let page = get(&r, &at).await;
    assert!(page.body.contains("One") && page.body.contains("Two") && page.body.contains("Three"));
    let res = post_form(&r, &at, &[("action", "remove"), ("index", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = get(&r, &at).await;
    assert!(
        page.body.contains("One") && !page.body.contains(">Two<") && page.body.contains("Three")
    );
    // A missing field: 400 with an error summary linked to the field, the typed value kept.
    let bad = post_form(&r, &at, &[("action", "add"), ("h_tools-name", "Four")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("href=\"#h_tools-hosted\""));
    assert!(bad.body.contains("value=\"Four\""));
    // Removing an item that does not exist.
    let bad = post_form(&r, &at, &[("action", "remove"), ("index", "9")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let res = post_form(&r, &at, &[("action", "continue")]).await;
    assert!(res.location().contains("/check-answers/"));
    let c = get(&r, &res.location()).await;
    assert!(c.body.contains("One") && c.body.contains("Three"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_message_in_the_page_language() {
    let r = app(all_types()).await;
    let q1 = start(&r, "fr", "every-type").await;
    let q2 = post_form(&r, &q1, &[("a_bool", "true")]).await.location();
    assert!(q2.starts_with("/fr/entrevue/"));
    // No answer.
    let res = post_form(&r, &q2, &[]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.lang(), "fr");
    assert!(res.body.contains("Il y a un problème"));
    assert!(res.body.contains("href=\"#b_enum\""));
    assert!(res.body.contains("<title>Erreur"));
    // A value outside the options.
    let res = post_form(&r, &q2, &[("b_enum", "purple")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body
            .contains("Sélectionnez l'une des réponses proposées")
            || res
                .body
                .contains("Sélectionnez l&#39;une des réponses proposées")
    );
    // An unknown field (a malformed post).
    let res = post_form(&r, &q2, &[("b_enum", "red"), ("admin", "1")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.lang(), "fr");
    // Not a form at all.
    let res = send(
        &r,
        Request::builder()
            .method(Method::POST)
            .uri(&q2)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.lang(), "fr");
    // A huge body.
    let huge = "x".repeat(passerelle_web::BODY_LIMIT + 10);
    let res = post_form(&r, &q2, &[("b_enum", &huge)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.lang(), "fr");
    assert!(res.body.contains("trop volumineux"));
    // An unknown question, an unknown interview, an unknown page.
    let id = interview_id(&q2);
    let res = get(&r, &format!("/fr/entrevue/{id}/nope")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.lang(), "fr");
    let res = get(&r, "/fr/entrevue/0123456789abcdef0123456789abcdef/a_bool").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = get(&r, "/fr/nulle-part").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.lang(), "fr");
    assert!(res.body.contains("Page introuvable"));
    let res = get(&r, "/en/nowhere").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.lang(), "en");
    let res = get(&r, "/nowhere").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // An unknown journey.
    let res = post_form(&r, "/en/interview", &[("journey", "nope")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Another method.
    let res = send(
        &r,
        Request::builder()
            .method(Method::PUT)
            .uri("/en/rules")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    // Through all this the first answer was kept.
    let p = get(&r, &q1).await;
    assert!(p.body.contains("value=\"true\" checked"));
}

#[tokio::test]
async fn a_question_off_the_path_redirects_to_the_current_step() {
    let r = app(all_types()).await;
    let q1 = start(&r, "en", "every-type").await;
    let id = interview_id(&q1);
    let res = get(&r, &format!("/en/interview/{id}/g_text")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), q1);
}

#[tokio::test]
async fn results_survive_a_restart() {
    let mut path = std::env::temp_dir();
    path.push(format!("passerelle-web-test-{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let results = {
        let r = app_with(all_types(), &url).await;
        let first = start(&r, "en", "every-type").await;
        let check = answer_all(&r, &first).await;
        post_form(&r, &check, &[]).await.location()
    };
    let r = app_with(all_types(), &url).await;
    let page = get(&r, &results).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Survey tool"));
    // Changing the answers of a saved result starts a new interview from them.
    let res = post_form(&r, &results, &[("action", "edit")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().contains("/check-answers/"));
    let c = get(&r, &res.location()).await;
    assert!(c.body.contains("Pilot"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let r = app(all_types()).await;
    for uri in [
        "/",
        "/en",
        "/fr/regles",
        "/en/nope",
        "/api/v1/packs",
        "/api/v1/nope",
        "/assets/gcds/gcds.css",
        "/assets/nope.css",
    ] {
        let res = get(&r, uri).await;
        let h = &res.headers;
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{uri}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert_eq!(
            h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff",
            "{uri}"
        );
        assert_eq!(
            h.get(header::REFERRER_POLICY).unwrap(),
            "no-referrer",
            "{uri}"
        );
        assert_eq!(h.get(header::X_FRAME_OPTIONS).unwrap(), "DENY", "{uri}");
    }
    // No inline script in any page.
    let p = get(&r, "/en").await;
    assert!(!p.body.contains("<script>") && !p.body.contains("onclick"));
}

#[tokio::test]
async fn assets_are_embedded_and_self_hosted() {
    let r = app(all_types()).await;
    let css = get(&r, "/assets/gcds/gcds.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(
        css.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/css; charset=utf-8"
    );
    assert!(!css.body.contains("googleapis") && !css.body.contains("cdn.design-system"));
    let fonts = get(&r, "/assets/fonts/fonts.css").await;
    assert!(fonts.body.contains("/assets/fonts/noto-sans/"));
    for url in fonts.body.split("url(\"").skip(1) {
        let path = url.split('"').next().unwrap();
        assert_eq!(get(&r, path).await.status, StatusCode::OK, "{path}");
    }
    let js = get(&r, "/assets/gcds/gcds.esm.js").await;
    assert_eq!(js.status, StatusCode::OK);
    let etag = css.headers.get(header::ETAG).unwrap().clone();
    let again = send(
        &r,
        Request::builder()
            .uri("/assets/gcds/gcds.css")
            .header(header::IF_NONE_MATCH, etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        get(&r, "/assets/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
}
