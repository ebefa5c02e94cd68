//! Generated documents in the web service: the "Documents" section of the results page, the
//! files in every format and language, the page that asks the missing facts, and the API.
//! Results are seeded straight into the store from the scenarios of packs/gc-digital.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::*;
use passerelle_store::SavedResult;
use passerelle_web::{App, router};
use serde_json::{Value as J, json};
use std::process::Command;
use std::sync::Arc;

const SCENARIO: &str = "remote-usability-test-us-tool";

/// The facts only documents need (`for_documents` in packs/gc-digital/documents.md).
const DOC_FACTS: [(&str, &str); 13] = [
    ("institution_name", "Example Department"),
    ("institution_name_fr", "Ministère exemple"),
    ("study_title", "Testing the booking page"),
    ("study_title_fr", "Essai de la page de réservation"),
    (
        "study_purpose",
        "We want to learn whether people can book without help.",
    ),
    (
        "study_purpose_fr",
        "Nous voulons savoir si les gens peuvent réserver sans aide.",
    ),
    ("legal_authority", "the Example Department Act, section 4"),
    (
        "legal_authority_fr",
        "la Loi sur le ministère exemple, article 4",
    ),
    ("pib_reference", "Outreach Activities (PSU 938)"),
    ("pib_reference_fr", "Activités de sensibilisation (POU 938)"),
    ("retention_period", "for two years"),
    ("retention_period_fr", "pendant deux ans"),
    ("contact_email", "research@example.invalid"),
];

/// The service over `pack`, and the app to seed results into.
async fn service(pack: std::path::PathBuf) -> (Router, Arc<App>) {
    let app = Arc::new(App::load(&[pack], "sqlite::memory:").await.unwrap());
    (router(app.clone()), app)
}

/// Saves a result with the answers of a scenario plus `extra`; returns its id.
async fn seed(app: &App, scenario: &str, extra: &[(&str, &str)]) -> String {
    let m = &app.pack.model;
    let s = m
        .scenarios
        .iter()
        .find(|s| s.id == scenario)
        .unwrap_or_else(|| panic!("no scenario {scenario}"));
    let mut answers = passerelle_check::answers::to_json(m, &s.given);
    for (k, v) in extra {
        answers[*k] = J::String((*v).to_string());
    }
    seed_json(app, answers).await
}

async fn seed_json(app: &App, answers: J) -> String {
    let id = passerelle_web::new_id().unwrap();
    app.store
        .create_result(&SavedResult {
            id: id.clone(),
            answers,
            journey: Some("plan-user-research".into()),
            as_of: "2026-12-01".into(),
            packs: app.stamps.clone(),
            created_at: passerelle_web::now(),
        })
        .await
        .unwrap();
    id
}

/// Every `href` of a page that matches `part`.
fn hrefs(body: &str, part: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.contains(part))
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

/// The `<a …>…</a>` whose `href` is `href`.
fn link<'a>(body: &'a str, href: &str) -> &'a str {
    let i = body
        .find(&format!("href=\"{href}\""))
        .unwrap_or_else(|| panic!("no link to {href}"));
    let start = body[..i].rfind("<a ").unwrap();
    let end = i + body[i..].find("</a>").unwrap() + 4;
    &body[start..end]
}

fn section(body: &str) -> &str {
    let i = body
        .find("<section aria-labelledby=\"documents\"")
        .expect("a Documents section");
    let j = i + body[i..].find("</section>").unwrap();
    &body[i..j]
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("passerelle-web-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.pdf", passerelle_web::new_id().unwrap()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) must be installed");
    assert!(out.status.success());
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout)
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Downloads bytes (the body of `Res` is text).
async fn get_bytes(r: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let res = r
        .clone()
        .oneshot(
            axum::http::Request::builder()
                .uri(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

fn header(h: &axum::http::HeaderMap, k: &str) -> String {
    h.get(k)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn results_page_lists_every_document_in_both_languages_and_each_file_downloads() {
    let (r, app) = service(research()).await;
    let id = seed(&app, SCENARIO, &DOC_FACTS).await;
    let page = get(&r, &format!("/en/results/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<a href=\"#documents\">Documents</a> (3)")
    );
    let docs = section(&page.body);
    for title in [
        "Privacy notice for research participants",
        "Consent form",
        "What the rules require: results report",
    ] {
        assert!(docs.contains(&format!("<h3>{title}</h3>")), "{title}");
    }
    let files = hrefs(docs, "/documents/");
    assert_eq!(files.len(), 18, "{files:?}");
    for (i, kind) in ["consent-form", "privacy-notice", "results-report"]
        .iter()
        .enumerate()
    {
        for (j, lang) in ["en", "fr"].iter().enumerate() {
            for (k, ext) in ["pdf", "html", "md"].iter().enumerate() {
                assert_eq!(
                    files[i * 6 + j * 3 + k],
                    format!("/en/results/{id}/documents/{kind}/{lang}.{ext}")
                );
            }
        }
    }
    // The links: lang and hreflang of the file, its type, and its format and size in words.
    let a = link(
        docs,
        &format!("/en/results/{id}/documents/privacy-notice/fr.pdf"),
    );
    assert!(
        a.contains("hreflang=\"fr\" lang=\"fr\" type=\"application/pdf\""),
        "{a}"
    );
    assert!(
        a.contains("Avis de confidentialité pour les participants à la recherche, </span>PDF, "),
        "{a}"
    );
    assert!(a.ends_with("\u{a0}Ko</a>"), "{a}");
    let a = link(
        docs,
        &format!("/en/results/{id}/documents/consent-form/en.md"),
    );
    assert!(
        a.contains("hreflang=\"en\" lang=\"en\" type=\"text/markdown"),
        "{a}"
    );
    assert!(a.contains("Consent form, </span>Markdown, "), "{a}");
    assert!(
        !docs.contains(" download"),
        "plain links, no download attribute"
    );

    for href in &files {
        let (status, h, body) = get_bytes(&r, href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        assert!(!body.is_empty(), "{href}");
        let lang = if href.contains("/fr.") { "fr" } else { "en" };
        assert_eq!(header(&h, "content-language"), lang, "{href}");
        // The size shown in the link is the file's.
        let kb = body.len().div_ceil(1024).max(1);
        let text = link(docs, href);
        let unit = if lang == "fr" { "Ko" } else { "KB" };
        assert!(
            text.ends_with(&format!(", {kb}\u{a0}{unit}</a>")),
            "{href}: {text} vs {} bytes",
            body.len()
        );
        let disposition = header(&h, "content-disposition");
        let name = href.rsplit('/').next().unwrap();
        let kind = href
            .split("/documents/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        match href.rsplit('.').next().unwrap() {
            "pdf" => {
                assert_eq!(header(&h, "content-type"), "application/pdf");
                assert_eq!(
                    disposition,
                    format!("attachment; filename=\"{kind}-{name}\"")
                );
                assert!(body.starts_with(b"%PDF"), "{href}");
                let text = pdftotext(&body);
                let title = if lang == "fr" {
                    "Essai de la page de réservation"
                } else {
                    "Testing the booking page"
                };
                assert!(text.contains(title), "{href}: {text}");
            }
            "html" => {
                assert_eq!(header(&h, "content-type"), "text/html; charset=utf-8");
                assert!(
                    disposition.starts_with("inline; filename="),
                    "{disposition}"
                );
                let html = String::from_utf8(body).unwrap();
                assert!(html.contains(&format!("<html lang=\"{lang}\">")));
                // The document's own policy: its stylesheet only, sandboxed, nothing else.
                let csp = header(&h, "content-security-policy");
                assert!(
                    csp.starts_with("default-src 'none'; style-src 'sha256-"),
                    "{csp}"
                );
                assert!(csp.ends_with("sandbox"), "{csp}");
                assert_eq!(header(&h, "x-content-type-options"), "nosniff");
            }
            "md" => {
                assert_eq!(header(&h, "content-type"), "text/markdown; charset=utf-8");
                assert_eq!(
                    disposition,
                    format!("attachment; filename=\"{kind}-{name}\"")
                );
                let md = String::from_utf8(body).unwrap();
                assert!(md.starts_with("# "), "{md}");
            }
            other => panic!("format {other}"),
        }
        assert_eq!(header(&h, "x-robots-tag"), "noindex, nofollow");
    }

    // The same section in French.
    let page = get(&r, &format!("/fr/resultats/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let docs = section(&page.body);
    for s in [
        "<h2 id=\"documents\">Documents</h2>",
        "<h3>Avis de confidentialité pour les participants à la recherche</h3>",
        "<h3>Ce que les règles exigent\u{a0}: rapport de résultats</h3>",
        "<span class=\"pw-document-lang\">Anglais</span>",
        "<span class=\"pw-document-lang\">Français</span>",
        "La version HTML s&#39;ouvre dans votre navigateur",
    ] {
        assert!(docs.contains(s), "{s}");
    }
    let en_pdf = link(
        docs,
        &format!("/fr/resultats/{id}/documents/consent-form/en.pdf"),
    );
    assert!(en_pdf.contains("lang=\"en\""), "{en_pdf}");
    assert!(en_pdf.ends_with("\u{a0}KB</a>"), "{en_pdf}");
}

#[tokio::test]
async fn missing_facts_are_links_to_the_questions_and_the_api_names_them() {
    let (r, app) = service(research()).await;
    let id = seed(&app, SCENARIO, &[]).await;
    let page = get(&r, &format!("/en/results/{id}")).await;
    let docs = section(&page.body);
    // The results report needs nothing: it is ready in both languages.
    assert_eq!(hrefs(docs, "/documents/results-report/").len(), 6, "{docs}");
    // The privacy notice and the consent form are not produced: the questions, as links.
    assert!(hrefs(docs, "/documents/privacy-notice/").is_empty());
    assert!(docs.contains("Not ready yet: some questions need an answer."));
    assert!(docs.contains("To produce this document, answer these questions first:"));
    let page_href = format!("/en/results/{id}/documents/privacy-notice");
    for fact in [
        "institution_name",
        "study_title",
        "study_purpose",
        "legal_authority",
        "contact_email",
        "institution_name_fr",
        "study_title_fr",
        "study_purpose_fr",
        "legal_authority_fr",
    ] {
        let a = link(docs, &format!("{page_href}#{fact}"));
        let question = app.pack.model.fact(match app.pack.model.names[fact] {
            passerelle_check::model::NameRef::Fact(f) => f,
            _ => panic!(),
        });
        assert!(a.contains(&question.question.en), "{a}");
    }
    assert!(!docs.contains("a question of the interview"));
    // The retention period and the bank are optional: not asked.
    assert!(!docs.contains("#retention_period"));

    // Every link lands on a field of the document's page.
    let doc_page = get(&r, &page_href).await;
    assert_eq!(doc_page.status, StatusCode::OK);
    for href in hrefs(docs, &format!("{page_href}#")) {
        let anchor = href.split('#').nth(1).unwrap();
        assert!(
            doc_page.body.contains(&format!("id=\"{anchor}\"")),
            "{anchor}"
        );
    }

    // The file addresses send to the page that asks.
    let file = get(&r, &format!("{page_href}/en.pdf")).await;
    assert_eq!(file.status, StatusCode::SEE_OTHER);
    assert_eq!(file.location(), page_href);

    // The API: 422 naming each fact, in both languages.
    let res = get(
        &r,
        &format!("/api/v1/documents/privacy-notice?result={id}&lang=fr&format=pdf"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let j = res.json();
    assert_eq!(j["status"], 422);
    assert!(j["title"]["fr"].as_str().unwrap().contains("réponses"));
    let missing = j["missing"].as_array().unwrap();
    let names: Vec<&str> = missing
        .iter()
        .map(|m| m["fact"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "institution_name_fr",
            "study_title_fr",
            "study_purpose_fr",
            "legal_authority_fr",
            "contact_email"
        ]
    );
    assert_eq!(
        missing[0]["question_en"],
        "What is the French name of your department or agency?"
    );
    assert_eq!(
        missing[0]["question_fr"],
        "Quel est le nom français de votre ministère ou organisme\u{a0}?"
    );
    assert_eq!(missing[0]["asked"], "documents");
    assert_eq!(
        missing[0]["href_fr"],
        format!("/fr/resultats/{id}/documents/privacy-notice#institution_name_fr")
    );
    assert_eq!(j["errors"][0]["pointer"], "/institution_name_fr");
    // The results report is produced by the API.
    let (status, h, body) = get_bytes(
        &r,
        &format!("/api/v1/documents/results-report?result={id}&lang=fr&format=md"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "text/markdown; charset=utf-8");
    assert!(String::from_utf8(body).unwrap().contains("Vos réponses"));
    // The list of a result's documents.
    let list = get(&r, &format!("/api/v1/results/{id}/documents")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    let kinds: Vec<&str> = list["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["consent-form", "privacy-notice", "results-report"]);
    assert_eq!(list["documents"][1]["versions"]["en"]["ready"], false);
    assert_eq!(list["documents"][2]["versions"]["fr"]["ready"], true);
    assert_eq!(
        list["documents"][2]["versions"]["fr"]["files"]["pdf"],
        format!("/api/v1/documents/results-report?result={id}&lang=fr&format=pdf")
    );
    assert_eq!(list["documents"][1]["missing"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn the_documents_page_validates_then_saves_a_new_result_with_the_document_ready() {
    let (r, app) = service(research()).await;
    let id = seed(&app, SCENARIO, &[]).await;
    let page_href = format!("/en/results/{id}/documents/consent-form");
    let page = get(&r, &page_href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.lang(), "en");
    assert!(page.body.contains("<h1>Consent form</h1>"));
    assert!(
        page.body
            .contains("<meta name=\"robots\" content=\"noindex, nofollow\">")
    );
    // The toggle: the same page in French.
    assert!(page.body.contains(&format!(
        "hreflang=\"fr\" href=\"/fr/resultats/{id}/documents/consent-form\""
    )));
    assert!(page.body.contains(&format!(
        "<a class=\"pw-back\" href=\"/en/results/{id}#doc-consent-form\">"
    )));
    // Exactly the missing facts, as the interview renders a text question.
    for fact in [
        "institution_name",
        "study_title",
        "contact_email",
        "institution_name_fr",
        "study_title_fr",
    ] {
        assert!(
            page.body.contains(&format!(
                "<input class=\"pw-input pw-input--wide\" id=\"{fact}\" name=\"{fact}\" type=\"text\""
            )),
            "{fact}"
        );
    }
    assert!(!page.body.contains("name=\"study_purpose\""));
    assert!(!page.body.contains("<script>"));

    // Nothing typed: 400, an error summary linked to each field, typed values kept.
    let res = post_form(
        &r,
        &page_href,
        &[
            ("action", "answer"),
            ("institution_name", "Example Department"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body
            .contains("<title>Error: Consent form — Passerelle</title>")
    );
    assert!(res.body.contains("class=\"pw-error-summary\""));
    for fact in [
        "study_title",
        "contact_email",
        "institution_name_fr",
        "study_title_fr",
    ] {
        assert!(
            res.body.contains(&format!("<a href=\"#{fact}\">")),
            "{fact}"
        );
        assert!(res.body.contains(&format!("id=\"{fact}-error\"")), "{fact}");
    }
    assert!(!res.body.contains("<a href=\"#institution_name\">"));
    assert!(res.body.contains("value=\"Example Department\""));
    // An unknown field is a bad form, and nothing is saved.
    let res = post_form(
        &r,
        &page_href,
        &[("action", "answer"), ("recording", "audio")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = post_form(&r, &page_href, &[("action", "nothing")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    // Everything: a new result, and its results page with the document ready.
    let mut fields = vec![("action", "answer")];
    for (k, v) in DOC_FACTS {
        if [
            "institution_name",
            "study_title",
            "contact_email",
            "institution_name_fr",
            "study_title_fr",
        ]
        .contains(&k)
        {
            fields.push((k, v));
        }
    }
    let res = post_form(&r, &page_href, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location();
    assert!(
        to.starts_with("/en/results/") && to.ends_with("#doc-consent-form"),
        "{to}"
    );
    let nid = to
        .trim_start_matches("/en/results/")
        .trim_end_matches("#doc-consent-form")
        .to_string();
    assert_ne!(nid, id);
    let page = get(&r, &format!("/en/results/{nid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let docs = section(&page.body);
    assert_eq!(hrefs(docs, "/documents/consent-form/").len(), 6);
    // The privacy notice still needs its own facts, which are now fewer.
    assert!(docs.contains(&format!(
        "/en/results/{nid}/documents/privacy-notice#study_purpose"
    )));
    assert!(!docs.contains(&format!(
        "/en/results/{nid}/documents/privacy-notice#institution_name\""
    )));
    let (status, _, pdf) = get_bytes(
        &r,
        &format!("/en/results/{nid}/documents/consent-form/fr.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdftotext(&pdf).contains("Ministère exemple"));
    let res = get(
        &r,
        &format!("/api/v1/documents/consent-form?result={nid}&lang=en&format=html"),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Testing the booking page"));
    // Results never change: the first one still lacks the answers.
    let old = get(&r, &format!("/en/results/{id}")).await;
    assert!(hrefs(section(&old.body), "/documents/consent-form/").is_empty());
    // Once ready, the document's page offers the files.
    let page = get(&r, &format!("/en/results/{nid}/documents/consent-form")).await;
    assert!(
        page.body
            .contains("This document is ready, in English and in French.")
    );
    assert_eq!(hrefs(&page.body, "/documents/consent-form/").len(), 6);
    // Sent twice: nothing left to ask, back to the results.
    let again = post_form(
        &r,
        &format!("/en/results/{nid}/documents/consent-form"),
        &fields,
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        again.location(),
        format!("/en/results/{nid}#doc-consent-form")
    );
}

#[tokio::test]
async fn the_documents_page_in_french() {
    let (r, app) = service(research()).await;
    let id = seed(&app, SCENARIO, &[]).await;
    let href = format!("/fr/resultats/{id}/documents/privacy-notice");
    let page = get(&r, &href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.lang(), "fr");
    for s in [
        "<h1>Avis de confidentialité pour les participants à la recherche</h1>",
        "Retour à vos résultats",
        "Répondez à ces questions pour remplir ce document. Elles servent seulement aux documents\u{a0}: elles ne changent pas ce qui s&#39;applique.",
        "Enregistrer et produire le document",
        "Quel est le nom de votre ministère ou organisme\u{a0}?",
        "Comment s&#39;appelle l&#39;étude\u{a0}?",
    ] {
        assert!(page.body.contains(s), "{s}");
    }
    let res = post_form(&r, &href, &[("action", "answer")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("<title>Erreur"), "{}", &res.body[..400]);
    assert!(res.body.contains("Il y a un problème"));
    // The results page's section in French, with its questions.
    let page = get(&r, &format!("/fr/resultats/{id}")).await;
    let docs = section(&page.body);
    assert!(
        docs.contains("Pour produire ce document, répondez d&#39;abord à ces questions\u{a0}:")
    );
    assert!(docs.contains("Pas encore prêt\u{a0}: certaines questions attendent une réponse."));
    assert!(docs.contains(&format!(
        "<a href=\"/fr/resultats/{id}/documents/privacy-notice#study_title_fr\">Comment s&#39;appelle l&#39;étude, en français\u{a0}?</a>"
    )));
}

#[tokio::test]
async fn unknown_documents_results_and_bad_parameters() {
    let (r, app) = service(research()).await;
    let id = seed(&app, SCENARIO, &DOC_FACTS).await;
    for uri in [
        format!("/en/results/{id}/documents/no-such-document"),
        format!("/fr/resultats/{id}/documents/no-such-document/fr.pdf"),
        format!("/en/results/{}/documents/privacy-notice", "0".repeat(32)),
        format!(
            "/en/results/{}/documents/privacy-notice/en.pdf",
            "0".repeat(32)
        ),
        "/en/results/not-an-id/documents/privacy-notice".to_string(),
        format!("/en/results/{id}/documents/privacy-notice/de.pdf"),
        format!("/en/results/{id}/documents/privacy-notice/en.docx"),
        format!("/en/results/{id}/documents/privacy-notice/en.pdf/x"),
    ] {
        let res = get(&r, &uri).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(res.lang(), &uri[1..3], "{uri}");
    }
    for uri in [
        format!("/api/v1/documents/no-such-document?result={id}"),
        format!("/api/v1/documents/privacy-notice?result={}", "0".repeat(32)),
        "/api/v1/documents/privacy-notice?result=x".to_string(),
        format!("/api/v1/results/{}/documents", "0".repeat(32)),
    ] {
        let res = get(&r, &uri).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{uri}");
        let j = res.json();
        assert!(
            j["title"]["en"].is_string() && j["title"]["fr"].is_string(),
            "{uri}"
        );
    }
    let res = get(
        &r,
        &format!("/api/v1/documents/privacy-notice?result={id}&lang=de&format=docx&x=1"),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let j = res.json();
    let params: Vec<&str> = j["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["parameter"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["lang", "format", "x"]);
    assert_eq!(
        j["errors"][1]["message"],
        json!({"en": "`docx` is not a format: use pdf, html or md",
               "fr": "«\u{a0}docx\u{a0}» n'est pas un format\u{a0}: utilisez pdf, html ou md"})
    );
    let res = get(&r, "/api/v1/documents/privacy-notice").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["errors"][0]["parameter"], "result");
    // The defaults: English, PDF.
    let (status, h, body) =
        get_bytes(&r, &format!("/api/v1/documents/privacy-notice?result={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "application/pdf");
    assert!(body.starts_with(b"%PDF"));
    assert!(pdftotext(&body).contains("research@example.invalid"));
    // A document that does not apply: no personal information, no privacy notice.
    let mut answers = passerelle_check::answers::to_json(
        &app.pack.model,
        &app.pack
            .model
            .scenarios
            .iter()
            .find(|s| s.id == SCENARIO)
            .unwrap()
            .given,
    );
    answers["keeps_identifiers"] = J::Bool(false);
    answers["recording"] = J::String("none".into());
    let plain = seed_json(&app, answers).await;
    let list = get(&r, &format!("/api/v1/results/{plain}/documents"))
        .await
        .json();
    let kinds: Vec<&str> = list["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["results-report"]);
    let res = get(
        &r,
        &format!("/api/v1/documents/privacy-notice?result={plain}&format=md"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["missing"], json!([]));
    let page = get(&r, &format!("/en/results/{plain}/documents/privacy-notice")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn html_typed_in_an_answer_is_text_in_every_format() {
    let (r, app) = service(research()).await;
    let mut facts = DOC_FACTS.to_vec();
    facts[2] = ("study_title", "<script>alert(1)</script> & <b>bold</b>");
    let id = seed(&app, SCENARIO, &facts).await;
    let (status, _, html) = get_bytes(
        &r,
        &format!("/en/results/{id}/documents/consent-form/en.html"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"),
        "{html}"
    );
    let (_, _, pdf) = get_bytes(
        &r,
        &format!("/en/results/{id}/documents/consent-form/en.pdf"),
    )
    .await;
    assert!(pdftotext(&pdf).contains("<script>alert(1)</script> & <b>bold</b>"));
    let page = get(&r, &format!("/en/results/{id}")).await;
    assert!(!page.body.contains("<script>alert"));
}

#[tokio::test]
async fn changing_an_answer_keeps_the_document_answers() {
    let (r, app) = service(research()).await;
    let id = seed(&app, SCENARIO, &DOC_FACTS).await;
    let res = post_form(&r, &format!("/en/results/{id}"), &[("action", "edit")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let check = res.location();
    assert!(check.contains("/check-answers/"), "{check}");
    let res = post_form(&r, &check, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let nid = res.location().rsplit('/').next().unwrap().to_string();
    let saved = get(&r, &format!("/api/v1/results/{nid}")).await.json();
    for (k, v) in DOC_FACTS {
        assert_eq!(saved["answers"][k], v, "{k}");
    }
    // (Only the answers on the interview's path count: this scenario's path stops at an
    // unanswered question, so the edit kept fewer interview answers, but every document one.)
    let res = get(
        &r,
        &format!("/api/v1/documents/results-report?result={nid}&format=md"),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .starts_with("# What the rules require: Testing the booking page")
    );
}

#[tokio::test]
async fn an_interview_question_a_document_needs_is_answered_in_the_interview() {
    // The fixture's "Project summary" applies when a_bool is yes and needs g_text, an
    // interview question.
    let (r, app) = service(all_types()).await;
    let id = seed_json(&app, json!({"a_bool": true, "b_enum": "red"})).await;
    let page = get(&r, &format!("/en/results/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let docs = section(&page.body);
    assert!(docs.contains("<h3>Project summary</h3>"));
    let doc_page = format!("/en/results/{id}/documents/summary");
    let a = link(docs, &format!("{doc_page}#interview-g_text"));
    assert!(a.contains("What is the project called?"), "{a}");
    assert!(docs.contains("(a question of the interview)"));
    let page = get(&r, &doc_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<li id=\"interview-g_text\">What is the project called?</li>")
    );
    assert!(page.body.contains("name=\"action\" value=\"interview\""));
    assert!(!page.body.contains("name=\"g_text\""));
    let j = get(
        &r,
        &format!("/api/v1/documents/summary?result={id}&format=md"),
    )
    .await
    .json();
    assert_eq!(j["missing"][0]["fact"], "g_text");
    assert_eq!(j["missing"][0]["asked"], "interview");
    // Continuing the interview: a new interview from this result, at its next question.
    let res = post_form(&r, &doc_page, &[("action", "interview")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let iv = res.location();
    assert!(iv.starts_with("/en/interview/"), "{iv}");
    let next = get(&r, &iv).await;
    assert_eq!(next.status, StatusCode::SEE_OTHER);
    let first = next.location();
    assert!(first.ends_with("/c_set"), "{first}");
    let check = answer_all(&r, &first).await;
    let res = post_form(&r, &check, &[]).await;
    let nid = res.location().rsplit('/').next().unwrap().to_string();
    let page = get(&r, &format!("/en/results/{nid}")).await;
    assert_eq!(hrefs(section(&page.body), "/documents/summary/").len(), 6);
    let (status, _, md) =
        get_bytes(&r, &format!("/fr/resultats/{nid}/documents/summary/fr.md")).await;
    assert_eq!(status, StatusCode::OK);
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("# Résumé du projet\u{a0}: Pilot"), "{md}");
    // A document that does not apply (a_bool is no) is not listed.
    let other = seed_json(&app, json!({"a_bool": false})).await;
    let page = get(&r, &format!("/en/results/{other}")).await;
    let docs = section(&page.body);
    assert!(docs.contains("No document applies to these answers."));
    let res = get(&r, &format!("/en/results/{other}/documents/summary")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pdfs_are_made_once_and_concurrent_requests_all_succeed() {
    let (r, app) = service(research()).await;
    assert!(app.docs.workers() >= 1);
    let id = seed(&app, SCENARIO, &DOC_FACTS).await;
    let uri = format!("/en/results/{id}/documents/privacy-notice/fr.pdf");
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let r = r.clone();
        let uri = uri.clone();
        tasks.push(tokio::spawn(async move { get_bytes(&r, &uri).await }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        let (status, _, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        bodies.push(body);
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "the same file each time"
    );
    // Meanwhile and after, the interview answers.
    let start = post_form(&r, "/en/interview", &[("journey", "plan-user-research")]).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
}
