//! The research pack (packs/gc-digital): a whole interview through the router, in both
//! languages, answering each question with its first option.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]

mod common;

use axum::http::StatusCode;
use common::*;
use scrape::first_choice;

mod scrape {
    /// The first `name="…" value="…"` of a radio or checkbox in a page.
    pub fn first_choice(body: &str) -> Option<(String, String, bool)> {
        for kind in ["radio", "checkbox"] {
            let marker = format!("type=\"{kind}\" id=\"");
            if let Some(i) = body.find(&marker) {
                let rest = &body[i..];
                let name = rest.split("name=\"").nth(1)?.split('"').next()?.to_string();
                let value = rest
                    .split("value=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .to_string();
                return Some((name, value, kind == "checkbox"));
            }
        }
        None
    }
}

#[tokio::test]
async fn research_journey_in_both_languages() {
    let r = app(research()).await;
    for lang in ["en", "fr"] {
        let start_page = get(&r, &format!("/{lang}")).await;
        assert_eq!(start_page.status, StatusCode::OK);
        let mut at = start(&r, lang, "plan-user-research").await;
        let mut n = 0;
        while at.contains("/interview/") || at.contains("/entrevue/") {
            n += 1;
            assert!(n < 60, "too many questions");
            let page = get(&r, &at).await;
            assert_eq!(page.status, StatusCode::OK, "{at}");
            assert_eq!(page.lang(), lang);
            let res = if page.body.contains("name=\"action\" value=\"add\"") {
                post_form(&r, &at, &[("action", "continue")]).await
            } else if let Some((name, value, _)) = first_choice(&page.body) {
                post_form(&r, &at, &[(&name, &value)]).await
            } else {
                let fact = at.rsplit('/').next().unwrap().to_string();
                post_form(&r, &at, &[(&fact, "10")]).await
            };
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{at}: {}", res.body);
            at = res.location();
        }
        let check = get(&r, &at).await;
        assert_eq!(check.status, StatusCode::OK);
        let results = post_form(&r, &at, &[]).await.location();
        let page = get(&r, &results).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.lang(), lang);
    }
    let rules = get(&r, "/api/v1/rules").await.json();
    for rule in rules["rules"].as_array().unwrap().iter().take(400) {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            get(&r, &format!("/en/rules/{id}")).await.status,
            StatusCode::OK,
            "{id}"
        );
        assert_eq!(
            get(&r, &format!("/fr/regles/{id}")).await.status,
            StatusCode::OK,
            "{id}"
        );
    }
    let myths = get(&r, "/api/v1/myths").await.json();
    for m in myths["myths"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        assert_eq!(
            get(&r, &format!("/en/myths/{id}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            get(&r, &format!("/fr/mythes/{id}")).await.status,
            StatusCode::OK
        );
    }
    let insts = get(&r, "/api/v1/instruments").await.json();
    for i in insts["instruments"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        assert_eq!(
            get(&r, &format!("/en/instruments/{id}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            get(&r, &format!("/fr/instruments/{id}")).await.status,
            StatusCode::OK
        );
    }
}
