//! `passerelle cases` (the case log) and `passerelle users` (accounts).

use super::load_or_report;
use crate::OutFormat;
use passerelle_cases::jsonl;
use passerelle_cases::recheck::{RecheckOptions, change_label, list_label, recheck};
use passerelle_cases::search::{SearchIndex, SearchQuery};
use passerelle_cases::snapshot::PackTexts;
use passerelle_diag::Lang;
use passerelle_store::{CaseStatus, ListFilter, NewUser, Role, Situation, Store, accounts};
use std::path::{Path, PathBuf};

/// The default database, as `passerelle serve` uses it.
pub const DEFAULT_DB: &str = "sqlite://passerelle.db?mode=rwc";

fn say(lang: Lang, en: &str, fr: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Fr => fr.to_string(),
    }
}

fn fail(lang: Lang, en: String, fr: String) -> u8 {
    match lang {
        Lang::En => eprintln!("error: {en}"),
        Lang::Fr => eprintln!("erreur : {fr}"),
    }
    1
}

fn runtime(lang: Lang) -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => Some(r),
        Err(e) => {
            fail(
                lang,
                format!("cannot start the runtime: {e}"),
                format!("impossible de démarrer l'environnement d'exécution : {e}"),
            );
            None
        }
    }
}

async fn open(db: Option<&str>, lang: Lang) -> Option<Store> {
    let url = db.unwrap_or(DEFAULT_DB);
    match Store::open(url).await {
        Ok(s) => Some(s),
        Err(e) => {
            fail(
                lang,
                format!("cannot open the database {url}: {e}"),
                format!("impossible d'ouvrir la base de données {url} : {e}"),
            );
            None
        }
    }
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn status_label(s: CaseStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (CaseStatus::Draft, Lang::En) => "draft",
        (CaseStatus::Draft, Lang::Fr) => "ébauche",
        (CaseStatus::Answered, Lang::En) => "answered",
        (CaseStatus::Answered, Lang::Fr) => "répondue",
        (CaseStatus::NeedsReview, Lang::En) => "needs review",
        (CaseStatus::NeedsReview, Lang::Fr) => "à revoir",
        (CaseStatus::Published, Lang::En) => "published",
        (CaseStatus::Published, Lang::Fr) => "publiée",
    }
}

/// Reads `--status` values.
pub fn parse_statuses(words: &[String], lang: Lang) -> Result<Vec<CaseStatus>, u8> {
    let mut out = Vec::new();
    for w in words {
        match CaseStatus::parse(w) {
            Some(s) => out.push(s),
            None => {
                return Err(fail(
                    lang,
                    format!("--status `{w}`: use draft, answered, needs_review or published"),
                    format!(
                        "--status « {w} » : utilisez draft, answered, needs_review ou published"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn print_list(list: &[Situation], total: usize, format: OutFormat, lang: Lang) {
    match format {
        OutFormat::Json => {
            let v = serde_json::json!({ "total": total, "situations": list });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        OutFormat::Text => {
            for s in list {
                println!(
                    "{}  {:<12}  {}  {}",
                    s.id,
                    status_label(s.status, lang),
                    s.updated_at.get(..10).unwrap_or(&s.updated_at),
                    s.title
                );
            }
            println!(
                "{}",
                match lang {
                    Lang::En => format!("{} shown, {total} in all", list.len()),
                    Lang::Fr => format!("{} affichées, {total} en tout", list.len()),
                }
            );
        }
    }
}

/// `cases list`.
pub fn list(
    db: Option<&str>,
    statuses: &[String],
    search: Option<&str>,
    limit: usize,
    format: OutFormat,
    lang: Lang,
) -> u8 {
    let statuses = match parse_statuses(statuses, lang) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let result = match search {
            None => {
                let f = ListFilter {
                    statuses,
                    limit: i64::try_from(limit).unwrap_or(i64::MAX),
                    offset: 0,
                };
                match (
                    store.list_situations(&f).await,
                    store.count_situations().await,
                ) {
                    (Ok(l), Ok(n)) => Ok((l, usize::try_from(n).unwrap_or(0))),
                    (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
                }
            }
            Some(text) => match SearchIndex::build(&store).await {
                Ok(idx) => match idx.search(&SearchQuery {
                    text: text.to_string(),
                    statuses,
                    limit,
                    ..SearchQuery::default()
                }) {
                    Ok(r) => {
                        let ids: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
                        store
                            .situations_by_ids(&ids)
                            .await
                            .map(|l| (l, r.total))
                            .map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.to_string()),
            },
        };
        store.close().await;
        match result {
            Ok((l, total)) => {
                print_list(&l, total, format, lang);
                0
            }
            Err(e) => fail(lang, e.clone(), e),
        }
    })
}

/// `cases show`.
pub fn show(db: Option<&str>, id: &str, format: OutFormat, lang: Lang) -> u8 {
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let s = match store.situation(id).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                return fail(
                    lang,
                    format!("no situation `{id}`"),
                    format!("aucune situation « {id} »"),
                );
            }
            Err(e) => return fail(lang, e.to_string(), e.to_string()),
        };
        let mut fps: Vec<&str> = s.verdict.fingerprints().collect();
        if let Some(r) = &s.review {
            fps.extend(
                r.changes
                    .iter()
                    .flat_map(|c| c.before.iter().chain(&c.after))
                    .map(String::as_str),
            );
        }
        let texts = store.rule_texts(&fps).await.unwrap_or_default();
        store.close().await;
        let text_of = |fp: &str| -> String {
            texts
                .iter()
                .find(|t| t.fp == fp)
                .map(|t| {
                    let cites: Vec<String> = t
                        .citations
                        .iter()
                        .map(|c| format!("{} {}", c.instrument, c.section))
                        .collect();
                    let body = if lang == Lang::Fr {
                        &t.text_fr
                    } else {
                        &t.text_en
                    };
                    if cites.is_empty() {
                        body.clone()
                    } else {
                        format!("{body} [{}]", cites.join("; "))
                    }
                })
                .unwrap_or_default()
        };
        match format {
            OutFormat::Json => {
                let v = serde_json::json!({ "situation": s, "rule_texts": texts });
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            }
            OutFormat::Text => {
                println!("{} — {}", s.title, status_label(s.status, lang));
                println!("{}\n", s.narrative);
                let packs: Vec<String> = s
                    .verdict
                    .packs
                    .iter()
                    .map(|p| format!("{} {}", p.id, p.version))
                    .collect();
                println!(
                    "{} {} ({})",
                    say(lang, "Verdict on", "Verdict au"),
                    s.verdict.as_of,
                    packs.join(", ")
                );
                for (title, list) in [
                    (
                        say(lang, "What applies", "Ce qui s'applique"),
                        &s.verdict.obligations,
                    ),
                    (say(lang, "Myths", "Mythes"), &s.verdict.myths),
                    (
                        say(lang, "To confirm", "À confirmer"),
                        &s.verdict.to_confirm,
                    ),
                ] {
                    if list.is_empty() {
                        continue;
                    }
                    println!("\n{title}:");
                    for e in list {
                        println!("  - {}: {}", e.id, text_of(&e.fp));
                    }
                }
                let advice =
                    if lang == Lang::Fr && !s.advice_fr.is_empty() || s.advice_en.is_empty() {
                        &s.advice_fr
                    } else {
                        &s.advice_en
                    };
                if !advice.is_empty() {
                    println!(
                        "\n{}:\n{advice}",
                        say(lang, "Advice given", "Conseil donné")
                    );
                }
                if let Some(r) = &s.review {
                    println!(
                        "\n{} ({}):",
                        say(
                            lang,
                            "Changed since, under the packs now loaded",
                            "Changements depuis, selon les règles chargées"
                        ),
                        r.checked_at
                    );
                    for c in &r.changes {
                        println!(
                            "  {} {}: {}",
                            list_label(&c.list, lang),
                            change_label(&c.change, lang),
                            c.id
                        );
                        if let Some(b) = &c.before {
                            println!("      {} {}", say(lang, "before:", "avant :"), text_of(b));
                        }
                        if let Some(a) = &c.after {
                            println!("      {} {}", say(lang, "now:", "maintenant :"), text_of(a));
                        }
                    }
                }
            }
        }
        0
    })
}

/// `cases export`.
pub fn export(db: Option<&str>, output: Option<&Path>, lang: Lang) -> u8 {
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let mut buf = Vec::new();
        let r = jsonl::export(&store, &mut buf).await;
        store.close().await;
        let n = match r {
            Ok(n) => n,
            Err(e) => return fail(lang, e.to_string(), e.to_string()),
        };
        let written = match output {
            Some(p) => std::fs::write(p, &buf).map_err(|e| format!("{}: {e}", p.display())),
            None => {
                use std::io::Write;
                std::io::stdout().write_all(&buf).map_err(|e| e.to_string())
            }
        };
        if let Err(e) = written {
            return fail(lang, e.clone(), e);
        }
        eprintln!(
            "{}",
            match lang {
                Lang::En => format!("{n} situations exported"),
                Lang::Fr => format!("{n} situations exportées"),
            }
        );
        0
    })
}

/// `cases import`.
pub fn import(db: Option<&str>, file: &Path, lang: Lang) -> u8 {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return fail(
                lang,
                format!("cannot read {}: {e}", file.display()),
                format!("impossible de lire {} : {e}", file.display()),
            );
        }
    };
    let records = match jsonl::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            return fail(
                lang,
                format!(
                    "{}:{}:{}: {} (nothing was imported)",
                    file.display(),
                    e.line,
                    e.column,
                    e.reason
                ),
                format!(
                    "{}:{}:{} : {} (rien n'a été importé)",
                    file.display(),
                    e.line,
                    e.column,
                    e.reason
                ),
            );
        }
    };
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let r = jsonl::import(&store, &records, "system:cli-import", &now()).await;
        store.close().await;
        match r {
            Ok(done) => {
                println!(
                    "{}",
                    match lang {
                        Lang::En => format!(
                            "{} situations and {} rule texts imported",
                            done.situations, done.rule_texts
                        ),
                        Lang::Fr => format!(
                            "{} situations et {} textes de règles importés",
                            done.situations, done.rule_texts
                        ),
                    }
                );
                0
            }
            Err(e) => fail(lang, e.to_string(), e.to_string()),
        }
    })
}

/// `cases recheck`.
pub fn recheck_all(
    db: Option<&str>,
    packs: &[PathBuf],
    as_of: Option<&str>,
    force: bool,
    format: OutFormat,
    lang: Lang,
) -> u8 {
    let packs = if packs.is_empty() {
        vec![PathBuf::from("packs/gc-digital")]
    } else {
        packs.to_vec()
    };
    let as_of = match as_of {
        Some(s) => match super::eval::parse_date_arg(s, lang) {
            Some(d) => d,
            None => return 2,
        },
        None => passerelle::today(),
    };
    let Some(pack) = load_or_report(&packs, lang) else {
        return 1;
    };
    let texts = PackTexts::new(&pack);
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let r = recheck(
            &store,
            &pack,
            &texts,
            &RecheckOptions {
                as_of,
                force,
                at: now(),
                actor: "system:recheck".into(),
            },
        )
        .await;
        store.close().await;
        match r {
            Ok(sum) => {
                match format {
                    OutFormat::Json => {
                        println!("{}", serde_json::to_string_pretty(&sum).unwrap_or_default())
                    }
                    OutFormat::Text => print!("{}", sum.describe(lang)),
                }
                0
            }
            Err(e) => fail(lang, e.to_string(), e.to_string()),
        }
    })
}

/// Reads a password from `PASSERELLE_PASSWORD` or asks for it twice.
fn password(lang: Lang) -> Option<String> {
    if let Ok(p) = std::env::var("PASSERELLE_PASSWORD") {
        return Some(p);
    }
    let prompt = say(
        lang,
        "Password (at least 12 characters):",
        "Mot de passe (au moins 12 caractères) :",
    );
    let confirm = say(lang, "Again:", "Encore une fois :");
    inquire::Password::new(&prompt)
        .with_custom_confirmation_message(&confirm)
        .prompt()
        .ok()
}

/// Checks an OpenID Connect identity, "ISSUER SUBJECT": the issuer an http(s) address, a
/// space, a subject (at most 255 characters, as OpenID Connect allows).
pub fn check_oidc_identity(s: &str) -> Option<String> {
    let s = s.trim();
    let (issuer, subject) = s.split_once(' ')?;
    let subject = subject.trim();
    let url_ok = (issuer.starts_with("https://") || issuer.starts_with("http://"))
        && issuer.len() > "https://".len()
        && !issuer.chars().any(char::is_control);
    let sub_ok =
        !subject.is_empty() && subject.len() <= 255 && !subject.chars().any(char::is_control);
    (url_ok && sub_ok).then(|| format!("{issuer} {subject}"))
}

/// `users add`.
pub fn add_user(
    db: Option<&str>,
    username: &str,
    role: &str,
    display_name: Option<&str>,
    oidc: Option<&str>,
    lang: Lang,
) -> u8 {
    let Some(role) = Role::parse(role) else {
        return fail(
            lang,
            format!("--role `{role}`: use contributor, policy_specialist or admin"),
            format!("--role « {role} » : utilisez contributor, policy_specialist ou admin"),
        );
    };
    if username.trim().is_empty() || username.chars().any(char::is_whitespace) {
        return fail(
            lang,
            "the user name must be one word".into(),
            "le nom d'utilisateur doit être un seul mot".into(),
        );
    }
    let oidc_subject = match oidc {
        Some(o) => match check_oidc_identity(o) {
            Some(id) => Some(id),
            None => {
                return fail(
                    lang,
                    format!(
                        "--oidc `{o}`: give \"ISSUER SUBJECT\", e.g. \"https://id.example.ca 24400320\""
                    ),
                    format!(
                        "--oidc « {o} » : donnez « ÉMETTEUR SUJET », p. ex. « https://id.example.ca 24400320 »"
                    ),
                );
            }
        },
        None => None,
    };
    // An OpenID Connect account has no password: it signs in only with its provider.
    let hash = if oidc_subject.is_some() {
        None
    } else {
        let Some(pw) = password(lang) else { return 1 };
        if pw.chars().count() < 12 {
            return fail(
                lang,
                "the password must have at least 12 characters".into(),
                "le mot de passe doit compter au moins 12 caractères".into(),
            );
        }
        match accounts::hash_password(&pw) {
            Ok(h) => Some(h),
            Err(e) => return fail(lang, e.to_string(), e.to_string()),
        }
    };
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let r = store
            .create_user(
                &NewUser {
                    username,
                    display_name: display_name.unwrap_or(username),
                    role,
                    password_hash: hash,
                    oidc_subject,
                },
                "system:cli",
                &now(),
            )
            .await;
        store.close().await;
        match r {
            Ok(u) => {
                println!(
                    "{}",
                    match lang {
                        Lang::En => format!("account {} created ({})", u.username, u.role.word()),
                        Lang::Fr => format!("compte {} créé ({})", u.username, u.role.word()),
                    }
                );
                0
            }
            Err(passerelle_store::StoreError::Taken(n)) => fail(
                lang,
                format!("the user name `{n}` is taken"),
                format!("le nom d'utilisateur « {n} » est déjà pris"),
            ),
            Err(e) => fail(lang, e.to_string(), e.to_string()),
        }
    })
}

/// `users list`.
pub fn list_users(db: Option<&str>, lang: Lang) -> u8 {
    let Some(rt) = runtime(lang) else { return 1 };
    rt.block_on(async {
        let Some(store) = open(db, lang).await else {
            return 1;
        };
        let r = store.users().await;
        store.close().await;
        match r {
            Ok(users) => {
                for u in users {
                    println!(
                        "{:<20} {:<18} {}{}{}",
                        u.username,
                        u.role.word(),
                        u.display_name,
                        match &u.oidc_subject {
                            Some(id) => format!(" [OpenID Connect: {id}]"),
                            None => String::new(),
                        },
                        if u.disabled {
                            say(lang, " (disabled)", " (désactivé)")
                        } else {
                            String::new()
                        }
                    );
                }
                0
            }
            Err(e) => fail(lang, e.to_string(), e.to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::check_oidc_identity;

    #[test]
    fn oidc_identities_are_issuer_space_subject() {
        assert_eq!(
            check_oidc_identity(" https://id.example.ca  24400320 ").as_deref(),
            Some("https://id.example.ca 24400320")
        );
        assert_eq!(
            check_oidc_identity("http://127.0.0.1:9000 sub-1").as_deref(),
            Some("http://127.0.0.1:9000 sub-1")
        );
        for bad in [
            "",
            "https://id.example.ca",
            "id.example.ca 24400320",
            "https:// x",
            &format!("https://id.example.ca {}", "x".repeat(256)),
        ] {
            assert_eq!(check_oidc_identity(bad), None, "{bad}");
        }
    }
}
