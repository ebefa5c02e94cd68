//! The case log in the web service: its addresses, the state each instance keeps (the
//! fingerprinted texts of the packs served and the search index), and the pages that list,
//! search and show situations. Saving and editing are in [`crate::case_form`], accounts
//! in [`crate::auth`] and [`crate::admin`], who may do what in [`crate::permissions`].
//!
//! **Search across instances.** The index is a cache in each instance's memory
//! (`passerelle_cases::search`). An instance updates it right after its own writes; before a
//! search it catches up with what other instances wrote (from the audit trail) when more than
//! [`REFRESH_AFTER`] passed since it last did.

use crate::auth::{self, visitor};
use crate::i18n::Tr;
use crate::interview::{Form, load_answers, walk};
use crate::pages::{answer_lines, html, not_found, server_error, tr};
use crate::permissions::{self, can_read, may_edit, visible_statuses};
use crate::route::{Route, encode};
use crate::views::{CiteView, ErrorLink, IndexLink, Layout};
use crate::{App, admin, case_form};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use passerelle::Pack;
use passerelle_cases::recheck::{RecheckOptions, change_label, list_label, recheck};
use passerelle_cases::search::{SearchIndex, SearchQuery};
use passerelle_cases::snapshot::PackTexts;
use passerelle_check::model::{Domain, Model};
use passerelle_diag::Lang;
use passerelle_eval::next::Target;
use passerelle_store::{CaseStatus, RuleText, Situation, Store, User};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How stale the search index may be before a search catches up with other instances.
pub const REFRESH_AFTER: Duration = Duration::from_secs(2);
/// Situations per page of the list.
pub const PAGE_SIZE: usize = 20;
/// "Others in your situation" on a results page.
pub const RELATED: usize = 5;

// ---------------------------------------------------------------- addresses

/// The case log's pages (one variant of [`Route`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CasePage {
    /// `/en/sign-in`, `/fr/connexion`.
    SignIn,
    /// `/en/sign-in/oidc`, `/fr/connexion/oidc`: off to the OpenID Connect provider (GET).
    SignInOidc,
    /// `/en/sign-out`, `/fr/deconnexion` (POST).
    SignOut,
    /// `/en/cases`, `/fr/cas`: list and search.
    List,
    /// `/en/cases/new`, `/fr/cas/nouvelle`: save a situation from a result.
    New,
    /// `/en/cases/{id}`: one situation.
    View(String),
    /// `/en/cases/{id}/edit`, `/fr/cas/{id}/modifier`.
    Edit(String),
    /// `/en/admin/users`, `/fr/admin/utilisateurs`.
    Users,
    /// `/en/admin/users/{id}` (POST: change role, disable, enable).
    User(String),
    /// `/en/admin/audit`, `/fr/admin/journal`.
    Audit,
}

/// `(English, French)` slugs of the case log's pages.
const SLUGS: &[(&str, &str)] = &[
    ("sign-in", "connexion"),
    ("sign-out", "deconnexion"),
    ("oidc", "oidc"),
    ("cases", "cas"),
    ("new", "nouvelle"),
    ("edit", "modifier"),
    ("admin", "admin"),
    ("users", "utilisateurs"),
    ("audit", "journal"),
];

fn slug(en: &str, lang: Lang) -> &'static str {
    SLUGS
        .iter()
        .find(|(e, _)| *e == en)
        .map(|(e, f)| if lang == Lang::Fr { *f } else { *e })
        .unwrap_or("")
}

fn id_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 200 && s != "new" && s != "nouvelle"
}

impl CasePage {
    /// Reads the path segments after the language.
    pub fn parse(lang: Lang, segs: &[&str]) -> Option<CasePage> {
        let is = |seg: &str, en: &str| seg == slug(en, lang);
        Some(match segs {
            [a] if is(a, "sign-in") => CasePage::SignIn,
            [a, b] if is(a, "sign-in") && is(b, "oidc") => CasePage::SignInOidc,
            [a] if is(a, "sign-out") => CasePage::SignOut,
            [a] if is(a, "cases") => CasePage::List,
            [a, b] if is(a, "cases") && is(b, "new") => CasePage::New,
            [a, id] if is(a, "cases") && id_ok(id) => CasePage::View((*id).to_string()),
            [a, id, e] if is(a, "cases") && id_ok(id) && is(e, "edit") => {
                CasePage::Edit((*id).to_string())
            }
            [a, b] if is(a, "admin") && is(b, "users") => CasePage::Users,
            [a, b, id] if is(a, "admin") && is(b, "users") && id_ok(id) => {
                CasePage::User((*id).to_string())
            }
            [a, b] if is(a, "admin") && is(b, "audit") => CasePage::Audit,
            _ => return None,
        })
    }

    /// The page's path in a language.
    pub fn path(&self, lang: Lang) -> String {
        let l = lang.code();
        let s = |en: &str| slug(en, lang);
        match self {
            CasePage::SignIn => format!("/{l}/{}", s("sign-in")),
            CasePage::SignInOidc => format!("/{l}/{}/{}", s("sign-in"), s("oidc")),
            CasePage::SignOut => format!("/{l}/{}", s("sign-out")),
            CasePage::List => format!("/{l}/{}", s("cases")),
            CasePage::New => format!("/{l}/{}/{}", s("cases"), s("new")),
            CasePage::View(id) => format!("/{l}/{}/{}", s("cases"), encode(id)),
            CasePage::Edit(id) => format!("/{l}/{}/{}/{}", s("cases"), encode(id), s("edit")),
            CasePage::Users => format!("/{l}/{}/{}", s("admin"), s("users")),
            CasePage::User(id) => format!("/{l}/{}/{}/{}", s("admin"), s("users"), encode(id)),
            CasePage::Audit => format!("/{l}/{}/{}", s("admin"), s("audit")),
        }
    }

    /// Whether search engines should leave it alone (everything but published situations
    /// and their list).
    pub fn private(&self) -> bool {
        !matches!(self, CasePage::List | CasePage::View(_))
    }
}

// ---------------------------------------------------------------- state

/// What each instance keeps for the case log.
pub struct CaseLog {
    /// Fingerprinted texts of the packs served (what verdicts are recorded with).
    pub texts: PackTexts,
    index: RwLock<Arc<SearchIndex>>,
    refreshed: Mutex<Instant>,
}

impl std::fmt::Debug for CaseLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseLog")
            .field("texts", &self.texts.stamps)
            .finish_non_exhaustive()
    }
}

impl CaseLog {
    /// The texts of the packs and an empty index ([`CaseLog::start`] fills it).
    pub fn new(pack: &Pack) -> Result<CaseLog, String> {
        Ok(CaseLog {
            texts: PackTexts::new(pack),
            index: RwLock::new(Arc::new(SearchIndex::new().map_err(|e| e.to_string())?)),
            refreshed: Mutex::new(Instant::now()),
        })
    }

    /// Stores the rule texts of the packs served and builds the index from the store.
    pub async fn start(&self, store: &Store) -> Result<(), String> {
        store
            .put_rule_texts(&self.texts.all())
            .await
            .map_err(|e| format!("cannot store the rule texts: {e}"))?;
        let idx = SearchIndex::build(store)
            .await
            .map_err(|e| format!("cannot build the search index: {e}"))?;
        if let Ok(mut w) = self.index.write() {
            *w = Arc::new(idx);
        }
        if let Ok(mut r) = self.refreshed.lock() {
            *r = Instant::now();
        }
        Ok(())
    }

    fn current(&self) -> Option<Arc<SearchIndex>> {
        self.index.read().ok().map(|i| Arc::clone(&i))
    }

    /// The index, caught up with other instances' writes when it may be stale.
    pub async fn fresh(&self, store: &Store) -> Option<Arc<SearchIndex>> {
        let idx = self.current()?;
        let due = match self.refreshed.lock() {
            Ok(mut r) if r.elapsed() >= REFRESH_AFTER => {
                *r = Instant::now();
                true
            }
            _ => false,
        };
        if due && let Err(e) = idx.refresh(store).await {
            eprintln!("passerelle: refreshing the search index: {e}");
        }
        Some(idx)
    }

    /// Makes this instance's own write visible to the next search.
    pub fn written(&self, s: &Situation) {
        if let Some(idx) = self.current()
            && let Err(e) = idx.upsert(std::slice::from_ref(s))
        {
            eprintln!("passerelle: indexing situation {}: {e}", s.id);
        }
    }
}

/// When stored situations were checked against other versions of the packs served,
/// re-checks them in a background task and logs the summary.
pub async fn spawn_recheck(app: Arc<App>) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
    let (top, _, _) = app.pack.top();
    let n = app
        .store
        .count_unchecked(top, &app.cases.texts.stamps)
        .await
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Ok(None);
    }
    eprintln!("passerelle: re-checking {n} situation(s) against the packs served");
    Ok(Some(tokio::spawn(async move {
        let opts = RecheckOptions {
            as_of: passerelle::today(),
            force: false,
            at: auth::now_stamp(),
            actor: "system:recheck".to_string(),
        };
        match recheck(&app.store, &app.pack, &app.cases.texts, &opts).await {
            Ok(sum) => {
                eprint!("passerelle: re-check done. {}", sum.describe(Lang::En));
                if let Some(idx) = app.cases.current()
                    && let Err(e) = idx.refresh(&app.store).await
                {
                    eprintln!("passerelle: refreshing the search index: {e}");
                }
            }
            Err(e) => eprintln!("passerelle: re-check failed: {e}"),
        }
    })))
}

// ---------------------------------------------------------------- dispatch

/// GET of a case-log page.
pub async fn get(app: &App, lang: Lang, page: &CasePage, query: &str) -> Response {
    match page {
        CasePage::SignIn => auth::sign_in_get(app, lang, query),
        CasePage::SignInOidc => auth::sign_in_oidc_get(app, lang, query).await,
        CasePage::SignOut | CasePage::User(_) => crate::pages::error_page(
            app,
            lang,
            StatusCode::METHOD_NOT_ALLOWED,
            Route::CaseLog(page.clone()).path(lang.other()),
            None,
        ),
        CasePage::List => list_page(app, lang, query).await,
        CasePage::New => case_form::new_get(app, lang, query).await,
        CasePage::View(id) => view_page(app, lang, id).await,
        CasePage::Edit(id) => case_form::edit_get(app, lang, id).await,
        CasePage::Users => admin::users_get(app, lang).await,
        CasePage::Audit => admin::audit_get(app, lang, query).await,
    }
}

/// POST of a case-log page (the CSRF token already checked).
pub async fn post(app: &App, lang: Lang, page: &CasePage, form: &Form) -> Response {
    match page {
        CasePage::SignIn => auth::sign_in_post(app, lang, form).await,
        CasePage::SignOut => auth::sign_out_post(app, lang).await,
        CasePage::New => case_form::new_post(app, lang, form).await,
        CasePage::Edit(id) => case_form::edit_post(app, lang, id, form).await,
        CasePage::Users => admin::users_post(app, lang, form).await,
        CasePage::User(id) => admin::user_post(app, lang, id, form).await,
        CasePage::List | CasePage::View(_) | CasePage::Audit | CasePage::SignInOidc => {
            crate::pages::error_page(
                app,
                lang,
                StatusCode::METHOD_NOT_ALLOWED,
                Route::CaseLog(page.clone()).path(lang.other()),
                None,
            )
        }
    }
}

/// A POST whose CSRF token is missing or wrong: 403, and what was typed is not lost (the
/// case and sign-in forms come back filled in; elsewhere, the browser's Back keeps it).
pub async fn csrf_refused(app: &App, lang: Lang, route: &Route, form: &Form) -> Response {
    match route {
        Route::CaseLog(CasePage::SignIn) => auth::sign_in_csrf(app, lang, form),
        Route::CaseLog(CasePage::New) => case_form::new_csrf(app, lang, form).await,
        Route::CaseLog(CasePage::Edit(id)) => case_form::edit_csrf(app, lang, id, form).await,
        _ => auth::csrf_page(app, lang, route),
    }
}

// ---------------------------------------------------------------- shared bits

/// The name of a status for people.
pub fn status_label(t: &Tr<'_>, s: CaseStatus) -> String {
    t.s(&format!("case-status-{}", s.word().replace('_', "-")))
        .into_owned()
}

/// The domains a situation may be filed under: those the packs' rules use.
pub fn pack_domains(m: &Model) -> Vec<(&'static str, Domain)> {
    Domain::ALL
        .iter()
        .filter(|(_, d)| m.rules.iter().any(|r| r.domain == Some(*d)))
        .copied()
        .collect()
}

/// A domain word for people (unknown words as they are).
pub fn domain_label(word: &str, lang: Lang) -> String {
    Domain::parse(word)
        .map(|d| d.label().get(lang).to_string())
        .unwrap_or_else(|| word.to_string())
}

/// A contact id for people: "Name (role)".
pub fn contact_label(m: &Model, id: &str, lang: Lang) -> String {
    m.contacts
        .iter()
        .find(|c| c.id == id)
        .map(|c| format!("{} ({})", c.name.get(lang), c.role.label().get(lang)))
        .unwrap_or_else(|| id.to_string())
}

/// The `lang` attribute for text written in `text_lang` on a page in `page`.
pub fn lang_attr(text_lang: &str, page: Lang) -> Option<&'static str> {
    match text_lang {
        "en" if page != Lang::En => Some("en"),
        "fr" if page != Lang::Fr => Some("fr"),
        _ => None,
    }
}

/// The names of accounts, by id, for "created by" lines.
pub async fn display_names(app: &App, ids: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(*id) {
            continue;
        }
        let name = match app.store.user(id).await {
            Ok(Some(u)) => u.display_name,
            _ => (*id).to_string(),
        };
        out.insert((*id).to_string(), name);
    }
    out
}

/// Loads a situation a person may read (others are "not found").
pub enum Found {
    /// Readable.
    Yes(Box<Situation>),
    /// Missing, or hidden from this person.
    No,
    /// The database failed.
    Failed(String),
}

/// A situation if `user` may read it.
pub async fn readable(app: &App, user: Option<&User>, id: &str) -> Found {
    match app.store.situation(id).await {
        Ok(Some(s)) if can_read(user, &s) => Found::Yes(Box::new(s)),
        Ok(_) => Found::No,
        Err(e) => Found::Failed(e.to_string()),
    }
}

// ---------------------------------------------------------------- list and search

/// A checkbox or option.
pub struct Pick {
    /// Element id.
    pub id: String,
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Selected.
    pub checked: bool,
}

/// A situation in a list.
pub struct CaseItem {
    /// Its page.
    pub href: String,
    /// Title.
    pub title: String,
    /// `lang` of title and excerpt when not the page's.
    pub text_lang: Option<&'static str>,
    /// Status word (for the tag's style).
    pub status: &'static str,
    /// Status for people.
    pub status_label: String,
    /// Last change (date).
    pub updated: String,
    /// Domains for people.
    pub domains: String,
    /// The start of the narrative.
    pub excerpt: String,
}

/// `/en/cases`.
#[derive(Template)]
#[template(path = "case-list.html")]
pub struct CaseListPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Problems with the query.
    pub errors: Vec<ErrorLink>,
    /// Form action (this page).
    pub action: String,
    /// Words.
    pub q: String,
    /// Status checkboxes (signed-in people only).
    pub statuses: Vec<Pick>,
    /// Domain options.
    pub domains: Vec<Pick>,
    /// Rule cited.
    pub rule: String,
    /// Changed from (YYYY-MM-DD).
    pub from: String,
    /// Changed until.
    pub to: String,
    /// "3 situations".
    pub count: String,
    /// The page of results.
    pub items: Vec<CaseItem>,
    /// Previous page.
    pub prev: Option<String>,
    /// Next page.
    pub next: Option<String>,
    /// "Page 2 of 3".
    pub page_text: String,
    /// Anonymous people see published situations only.
    pub signed_in: bool,
}

/// What the list page was asked for.
#[derive(Default)]
struct ListQuery {
    q: String,
    statuses: Vec<String>,
    domain: String,
    rule: String,
    from: String,
    to: String,
    page: usize,
}

fn excerpt(s: &str, n: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= n {
        return flat;
    }
    let cut: String = flat.chars().take(n).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

/// One situation as a list item.
pub fn case_item(t: &Tr<'_>, s: &Situation) -> CaseItem {
    let lang = t.lang;
    CaseItem {
        href: Route::CaseLog(CasePage::View(s.id.clone())).path(lang),
        title: s.title.clone(),
        text_lang: lang_attr(&s.lang, lang),
        status: s.status.word(),
        status_label: status_label(t, s.status),
        updated: s.updated_at.get(..10).unwrap_or(&s.updated_at).to_string(),
        domains: s
            .domains
            .iter()
            .map(|d| domain_label(d, lang))
            .collect::<Vec<_>>()
            .join(", "),
        excerpt: excerpt(&s.narrative, 240),
    }
}

async fn list_page(app: &App, lang: Lang, query: &str) -> Response {
    let t = tr(app, lang);
    let v = visitor();
    let user = v.user();
    let mut lq = ListQuery {
        page: 1,
        ..ListQuery::default()
    };
    for (k, val) in form_urlencoded::parse(query.as_bytes()) {
        let val = val.trim().to_string();
        match k.as_ref() {
            "q" => lq.q = val.chars().take(500).collect(),
            "status" => lq.statuses.push(val),
            "domain" => lq.domain = val,
            "rule" => lq.rule = val.chars().take(200).collect(),
            "from" => lq.from = val,
            "to" => lq.to = val,
            "page" => lq.page = val.parse::<usize>().unwrap_or(1).clamp(1, 10_000),
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let mut date = |field: &str, s: &str| -> Option<jiff::civil::Date> {
        if s.is_empty() {
            return None;
        }
        let d = passerelle_check::answers::parse_date(s);
        if d.is_none() {
            errors.push(ErrorLink {
                href: format!("#{field}"),
                text: t.v("case-search-bad-date", "value", s),
            });
        }
        d
    };
    let from = date("from", &lq.from);
    let to = date("to", &lq.to);
    let mut statuses: Vec<CaseStatus> = lq
        .statuses
        .iter()
        .filter_map(|s| CaseStatus::parse(s))
        .collect();
    let forced = visible_statuses(user);
    if !forced.is_empty() {
        statuses = forced;
    }
    let domains: Vec<String> = if Domain::parse(&lq.domain).is_some() {
        vec![lq.domain.clone()]
    } else {
        Vec::new()
    };
    let q = SearchQuery {
        text: lq.q.clone(),
        statuses: statuses.clone(),
        domains,
        rules: if lq.rule.is_empty() {
            Vec::new()
        } else {
            vec![lq.rule.clone()]
        },
        from,
        to,
        limit: PAGE_SIZE,
        offset: (lq.page - 1) * PAGE_SIZE,
    };
    let Some(idx) = app.cases.fresh(&app.store).await else {
        return server_error(app, lang, "the search index is not available");
    };
    let found = match idx.search(&q) {
        Ok(r) => r,
        Err(e) => return server_error(app, lang, &e.to_string()),
    };
    let ids: Vec<String> = found.hits.iter().map(|h| h.id.clone()).collect();
    let list = match app.store.situations_by_ids(&ids).await {
        Ok(l) => l,
        Err(e) => return server_error(app, lang, &e.to_string()),
    };
    // The index may lag behind another instance's change: the store has the last word.
    let items: Vec<CaseItem> = list
        .iter()
        .filter(|s| can_read(user, s))
        .map(|s| case_item(&t, s))
        .collect();
    let pages = found.total.div_ceil(PAGE_SIZE).max(1);
    let here = Route::CaseLog(CasePage::List).path(lang);
    let page_link = |n: usize| {
        let mut pairs: Vec<(&str, String)> = vec![("q", lq.q.clone())];
        for s in &lq.statuses {
            pairs.push(("status", s.clone()));
        }
        pairs.extend([
            ("domain", lq.domain.clone()),
            ("rule", lq.rule.clone()),
            ("from", lq.from.clone()),
            ("to", lq.to.clone()),
            ("page", n.to_string()),
        ]);
        let qs: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        format!("{here}?{qs}")
    };
    let status_picks = if user.is_some() {
        CaseStatus::ALL
            .iter()
            .map(|s| Pick {
                id: format!("status-{}", s.word()),
                value: s.word().to_string(),
                label: status_label(&t, *s),
                checked: statuses.contains(s),
            })
            .collect()
    } else {
        Vec::new()
    };
    let domain_picks = pack_domains(&app.pack.model)
        .iter()
        .map(|(w, d)| Pick {
            id: String::new(),
            value: (*w).to_string(),
            label: d.label().get(lang).to_string(),
            checked: lq.domain == *w,
        })
        .collect();
    let alt = match query {
        "" => Route::CaseLog(CasePage::List).path(lang.other()),
        q => format!("{}?{q}", Route::CaseLog(CasePage::List).path(lang.other())),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = CaseListPage {
        layout: crate::pages::layout_alt(
            app,
            lang,
            t.s("cases-title").into_owned(),
            alt,
            user.is_some(),
            !errors.is_empty(),
        ),
        t,
        errors,
        action: here.clone(),
        q: lq.q.clone(),
        statuses: status_picks,
        domains: domain_picks,
        rule: lq.rule.clone(),
        from: lq.from.clone(),
        to: lq.to.clone(),
        count: t.n("cases-count", "count", found.total),
        items,
        prev: (lq.page > 1).then(|| page_link(lq.page - 1)),
        next: (lq.page < pages).then(|| page_link(lq.page + 1)),
        page_text: t.n2("cases-page", ("page", lq.page), ("pages", pages)),
        signed_in: user.is_some(),
    };
    html(status, Some(lang), page.render())
}

// ---------------------------------------------------------------- one situation

/// A recorded text (rule, myth or to-confirm) as it read then.
pub struct TextView {
    /// The text in the page's language.
    pub text: String,
    /// The rule or myth page, if the packs served still have it.
    pub href: Option<String>,
    /// "For item 2" when the entry is for one item of a group.
    pub item: Option<String>,
    /// For a myth: its verdict word.
    pub verdict: String,
    /// Citations as recorded.
    pub citations: Vec<CiteView>,
}

/// One difference found by a re-check.
pub struct ChangeView {
    /// `added`, `removed`, `changed` (for the style).
    pub change: String,
    /// "Obligations added".
    pub label: String,
    /// The entry id.
    pub id: String,
    /// Before.
    pub before: Option<TextView>,
    /// After.
    pub after: Option<TextView>,
}

/// A row of a summary list.
pub struct Row {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// `lang` of the value when not the page's.
    pub lang: Option<&'static str>,
}

/// `/en/cases/{id}`.
#[derive(Template)]
#[template(path = "case-view.html")]
pub struct CaseViewPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Back to the list.
    pub back: String,
    /// Title.
    pub title: String,
    /// `lang` of title and narrative when not the page's.
    pub text_lang: Option<&'static str>,
    /// Status word.
    pub status: &'static str,
    /// Status for people.
    pub status_label: String,
    /// A re-check found differences.
    pub needs_review: bool,
    /// Narrative, by paragraph.
    pub narrative: Vec<String>,
    /// Summary rows (domains, journey, consulted, who and when).
    pub facts: Vec<Row>,
    /// Advice: text, `lang` when not the page's, and a note saying it exists in one
    /// language only.
    pub advice: Vec<(String, Option<&'static str>)>,
    /// Note about the advice's language.
    pub advice_note: Option<String>,
    /// The re-check's differences.
    pub changes: Vec<ChangeView>,
    /// When the re-check ran and with what date.
    pub review_line: String,
    /// "Worked out on … with …".
    pub verdict_line: String,
    /// Packs: "id version", digest.
    pub packs: Vec<(String, String)>,
    /// Obligations recorded.
    pub obligations: Vec<TextView>,
    /// Myths recorded.
    pub myths: Vec<TextView>,
    /// To confirm.
    pub to_confirm: Vec<TextView>,
    /// The answers, as "check your answers" shows them.
    pub answers: Vec<(String, Vec<String>)>,
    /// Rules linked by hand.
    pub linked_rules: Vec<IndexLink>,
    /// Myths linked by hand.
    pub linked_myths: Vec<IndexLink>,
    /// Edit link (when allowed).
    pub edit: Option<String>,
    /// Its history in the audit trail (administrators).
    pub history: Option<String>,
}

/// The recorded texts of a situation (verdict and review), by fingerprint.
pub async fn texts_of(app: &App, s: &Situation) -> Result<HashMap<String, RuleText>, String> {
    let mut fps: Vec<&str> = s.verdict.fingerprints().collect();
    if let Some(r) = &s.review {
        fps.extend(
            r.changes
                .iter()
                .flat_map(|c| c.before.iter().chain(&c.after))
                .map(String::as_str),
        );
    }
    fps.sort_unstable();
    fps.dedup();
    let texts = app
        .store
        .rule_texts(&fps)
        .await
        .map_err(|e| e.to_string())?;
    Ok(texts.into_iter().map(|t| (t.fp.clone(), t)).collect())
}

fn text_view(
    m: &Model,
    t: &Tr<'_>,
    texts: &HashMap<String, RuleText>,
    id: &str,
    fp: &str,
) -> TextView {
    let lang = t.lang;
    let rule = id.split('[').next().unwrap_or(id);
    let item = id
        .split_once('[')
        .and_then(|(_, i)| i.trim_end_matches(']').parse::<usize>().ok())
        .map(|i| t.n("group-item", "number", i + 1));
    match texts.get(fp) {
        Some(rt) => {
            let href = if rt.kind == "myth" {
                m.myth_ids
                    .contains_key(rule)
                    .then(|| Route::Myth(rule.to_string()).path(lang))
            } else {
                m.rule_ids
                    .contains_key(rule)
                    .then(|| Route::Rule(rule.to_string()).path(lang))
            };
            TextView {
                text: if lang == Lang::Fr {
                    rt.text_fr.clone()
                } else {
                    rt.text_en.clone()
                },
                href,
                item,
                verdict: rt.verdict.clone(),
                citations: rt
                    .citations
                    .iter()
                    .map(|c| CiteView {
                        label: format!(
                            "{}, § {}",
                            if lang == Lang::Fr {
                                &c.title_fr
                            } else {
                                &c.title_en
                            },
                            c.section
                        ),
                        url: if lang == Lang::Fr {
                            c.url_fr.clone()
                        } else {
                            c.url_en.clone()
                        },
                        paraphrase: String::new(),
                    })
                    .collect(),
            }
        }
        None => TextView {
            text: t.v("case-text-missing", "id", id),
            href: None,
            item,
            verdict: String::new(),
            citations: Vec::new(),
        },
    }
}

/// The answers of a situation as "check your answers" shows them.
pub fn answer_rows(app: &App, lang: Lang, s: &Situation) -> Vec<(String, Vec<String>)> {
    let m = &app.pack.model;
    let (answers, _) = load_answers(m, &s.answers);
    let date =
        passerelle_check::answers::parse_date(&s.verdict.as_of).unwrap_or_else(passerelle::today);
    let w = walk(&app.pack, &answers, date);
    w.steps
        .iter()
        .map(|step| {
            let question = match step.target {
                Target::Fact(f) => m.fact(f).question.get(lang).to_string(),
                Target::Group(g) => m.group(g).question.get(lang).to_string(),
            };
            (question, answer_lines(app, lang, &w.answers, step.target))
        })
        .collect()
}

fn links(app: &App, lang: Lang, ids: &[String], myths: bool) -> Vec<IndexLink> {
    let m = &app.pack.model;
    ids.iter()
        .map(|id| {
            let found = if myths {
                m.myth_ids
                    .get(id)
                    .and_then(|i| m.myths.get(i.idx()))
                    .map(|x| (Route::Myth(id.clone()), x.claim.get(lang).to_string()))
            } else {
                m.rule_ids.get(id).map(|i| {
                    (
                        Route::Rule(id.clone()),
                        m.rule(*i).text.get(lang).to_string(),
                    )
                })
            };
            match found {
                Some((r, text)) => IndexLink {
                    href: r.path(lang),
                    text,
                    meta: id.clone(),
                },
                None => IndexLink {
                    href: String::new(),
                    text: id.clone(),
                    meta: String::new(),
                },
            }
        })
        .collect()
}

async fn view_page(app: &App, lang: Lang, id: &str) -> Response {
    let route = Route::CaseLog(CasePage::View(id.to_string()));
    let v = visitor();
    let user = v.user();
    let s = match readable(app, user, id).await {
        Found::Yes(s) => s,
        Found::No => return not_found(app, lang, route.path(lang.other())),
        Found::Failed(e) => return server_error(app, lang, &e),
    };
    let texts = match texts_of(app, &s).await {
        Ok(t) => t,
        Err(e) => return server_error(app, lang, &e),
    };
    let m = &app.pack.model;
    let t = tr(app, lang);
    let names = display_names(app, &[&s.created_by, &s.updated_by]).await;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut facts = vec![Row {
        key: t.s("case-status").into_owned(),
        value: status_label(&t, s.status),
        lang: None,
    }];
    if !s.domains.is_empty() {
        facts.push(Row {
            key: t.s("case-domains").into_owned(),
            value: s
                .domains
                .iter()
                .map(|d| domain_label(d, lang))
                .collect::<Vec<_>>()
                .join(", "),
            lang: None,
        });
    }
    if let Some(j) = &s.journey {
        facts.push(Row {
            key: t.s("case-journey").into_owned(),
            value: m
                .journeys
                .iter()
                .find(|x| x.id == *j)
                .map(|x| x.title.get(lang).to_string())
                .unwrap_or_else(|| j.clone()),
            lang: None,
        });
    }
    facts.push(Row {
        key: t.s("case-consulted").into_owned(),
        value: if s.consulted.is_empty() {
            t.s("case-consulted-none").into_owned()
        } else {
            s.consulted
                .iter()
                .map(|c| contact_label(m, c, lang))
                .collect::<Vec<_>>()
                .join(", ")
        },
        lang: None,
    });
    facts.push(Row {
        key: t.s("case-created").into_owned(),
        value: t.cat.args(
            lang,
            "case-by-on",
            &[
                ("who", crate::i18n::Arg::Str(&name(&s.created_by))),
                ("when", crate::i18n::Arg::Str(&s.created_at)),
            ],
        ),
        lang: None,
    });
    facts.push(Row {
        key: t.s("case-updated").into_owned(),
        value: t.cat.args(
            lang,
            "case-by-on",
            &[
                ("who", crate::i18n::Arg::Str(&name(&s.updated_by))),
                ("when", crate::i18n::Arg::Str(&s.updated_at)),
            ],
        ),
        lang: None,
    });
    facts.push(Row {
        key: t.s("case-revision").into_owned(),
        value: s.revision.to_string(),
        lang: None,
    });
    let (mine, other) = match lang {
        Lang::En => (&s.advice_en, (&s.advice_fr, "fr")),
        Lang::Fr => (&s.advice_fr, (&s.advice_en, "en")),
    };
    let (advice, advice_note) = if !mine.trim().is_empty() {
        (vec![(mine.clone(), None)], None)
    } else if !other.0.trim().is_empty() {
        (
            vec![(other.0.clone(), Some(other.1))],
            Some(t.s("case-advice-other-language").into_owned()),
        )
    } else {
        (Vec::new(), None)
    };
    let tv = |id: &str, fp: &str| text_view(m, &t, &texts, id, fp);
    let needs_review = s.status == CaseStatus::NeedsReview;
    let (changes, review_line) = match (&s.review, needs_review) {
        (Some(r), true) => (
            r.changes
                .iter()
                .map(|c| ChangeView {
                    change: c.change.clone(),
                    label: format!(
                        "{} — {}",
                        list_label(&c.list, lang),
                        change_label(&c.change, lang)
                    ),
                    id: c.id.clone(),
                    before: c.before.as_deref().map(|fp| tv(&c.id, fp)),
                    after: c.after.as_deref().map(|fp| tv(&c.id, fp)),
                })
                .collect(),
            t.cat.args(
                lang,
                "case-review-line",
                &[
                    ("when", crate::i18n::Arg::Str(&r.checked_at)),
                    ("date", crate::i18n::Arg::Str(&r.as_of)),
                ],
            ),
        ),
        _ => (Vec::new(), String::new()),
    };
    let verdict_line = t.v("case-verdict-line", "date", &s.verdict.as_of);
    let alt = route.path(lang.other());
    let title = s.title.clone();
    let page = CaseViewPage {
        layout: crate::pages::layout_alt(
            app,
            lang,
            title.clone(),
            alt,
            s.status != CaseStatus::Published,
            false,
        ),
        t,
        back: Route::CaseLog(CasePage::List).path(lang),
        title,
        text_lang: lang_attr(&s.lang, lang),
        status: s.status.word(),
        status_label: status_label(&t, s.status),
        needs_review,
        narrative: s
            .narrative
            .split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        facts,
        advice,
        advice_note,
        changes,
        review_line,
        verdict_line,
        packs: s
            .verdict
            .packs
            .iter()
            .map(|p| (format!("{} {}", p.id, p.version), p.digest.clone()))
            .collect(),
        obligations: s
            .verdict
            .obligations
            .iter()
            .map(|e| tv(&e.id, &e.fp))
            .collect(),
        myths: s.verdict.myths.iter().map(|e| tv(&e.id, &e.fp)).collect(),
        to_confirm: s
            .verdict
            .to_confirm
            .iter()
            .map(|e| tv(&e.id, &e.fp))
            .collect(),
        answers: answer_rows(app, lang, &s),
        linked_rules: links(app, lang, &s.rules, false),
        linked_myths: links(app, lang, &s.myths, true),
        edit: may_edit(user, &s).then(|| Route::CaseLog(CasePage::Edit(s.id.clone())).path(lang)),
        history: permissions::may_admin(user).is_ok().then(|| {
            format!(
                "{}?entity={}",
                Route::CaseLog(CasePage::Audit).path(lang),
                auth::query_value(&s.id)
            )
        }),
    };
    html(StatusCode::OK, Some(lang), page.render())
}

// ---------------------------------------------------------------- on the results page

/// What the results page shows of the case log.
pub struct ResultsCaseLog {
    /// "Others in your situation": published situations citing the same rules.
    pub related: Vec<CaseItem>,
    /// Save this situation (signed in) or sign in first (coming back to the form).
    pub save_href: String,
    /// Signed in.
    pub signed_in: bool,
}

/// The rule ids a verdict cites (obligations and rules to confirm).
pub fn verdict_rules(v: &passerelle::Verdict) -> Vec<String> {
    let mut ids: Vec<String> = v
        .obligations
        .iter()
        .map(|o| o.id.as_str())
        .chain(v.to_confirm.iter().map(|c| c.id.as_str()))
        .map(|id| id.split('[').next().unwrap_or(id).to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Published situations that cited the same rules, most in common first.
pub async fn related(
    app: &App,
    rules: &[String],
    except: Option<&str>,
    n: usize,
) -> Result<Vec<Situation>, String> {
    let Some(idx) = app.cases.fresh(&app.store).await else {
        return Ok(Vec::new());
    };
    let hits = idx
        .related(rules, &[CaseStatus::Published], except, n)
        .map_err(|e| e.to_string())?;
    let ids: Vec<String> = hits.into_iter().map(|h| h.id).collect();
    let list = app
        .store
        .situations_by_ids(&ids)
        .await
        .map_err(|e| e.to_string())?;
    Ok(list
        .into_iter()
        .filter(|s| s.status == CaseStatus::Published)
        .collect())
}

/// The case log's part of a results page.
pub async fn results_extras(
    app: &App,
    lang: Lang,
    result_id: &str,
    v: &passerelle::Verdict,
) -> ResultsCaseLog {
    let t = tr(app, lang);
    let related = match related(app, &verdict_rules(v), None, RELATED).await {
        Ok(l) => l.iter().map(|s| case_item(&t, s)).collect(),
        Err(e) => {
            eprintln!("passerelle: others in your situation: {e}");
            Vec::new()
        }
    };
    let form = format!(
        "{}?result={}",
        Route::CaseLog(CasePage::New).path(lang),
        auth::query_value(result_id)
    );
    let signed_in = visitor().user().is_some();
    ResultsCaseLog {
        related,
        save_href: if signed_in {
            form
        } else {
            format!(
                "{}?return={}",
                Route::CaseLog(CasePage::SignIn).path(lang),
                auth::query_value(&form)
            )
        },
        signed_in,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip() {
        let pages = [
            CasePage::SignIn,
            CasePage::SignInOidc,
            CasePage::SignOut,
            CasePage::List,
            CasePage::New,
            CasePage::View("0123abcd".into()),
            CasePage::Edit("0123abcd".into()),
            CasePage::Users,
            CasePage::User("u1".into()),
            CasePage::Audit,
        ];
        for p in pages {
            for lang in [Lang::En, Lang::Fr] {
                let path = Route::CaseLog(p.clone()).path(lang);
                assert_eq!(
                    Route::parse(&path),
                    (Some(lang), Some(Route::CaseLog(p.clone()))),
                    "{path}"
                );
            }
        }
        assert_eq!(CasePage::List.path(Lang::Fr), "/fr/cas");
        assert_eq!(CasePage::SignIn.path(Lang::Fr), "/fr/connexion");
        assert_eq!(
            CasePage::Edit("x".into()).path(Lang::Fr),
            "/fr/cas/x/modifier"
        );
        assert_eq!(Route::parse("/en/cas"), (Some(Lang::En), None));
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("a  b\nc", 10), "a b c");
        assert_eq!(excerpt("alpha beta gamma", 12), "alpha beta…");
    }
}
