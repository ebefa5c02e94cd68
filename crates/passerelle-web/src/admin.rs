//! Administrators' pages: accounts (list, create, change role, disable or enable) and the
//! audit trail (newest first, paged, each change with its before and after as a field diff).
//! Both are refused to everyone else ([`crate::permissions::may_admin`]).

use crate::App;
use crate::auth::{self, MIN_PASSWORD, to_sign_in, visitor};
use crate::cases::{CasePage, display_names};
use crate::i18n::Tr;
use crate::interview::Form;
use crate::pages::{html, see_other, server_error, tr};
use crate::permissions::{Denied, may_admin};
use crate::route::Route;
use crate::views::{Choice, ErrorLink, Layout};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use passerelle_diag::Lang;
use passerelle_store::{AuditEntry, NewUser, Role, StoreError, User, UserChange};
use serde_json::Value as J;

/// Audit entries per page.
pub const AUDIT_PAGE: i64 = 25;

/// A role for people.
pub fn role_label(t: &Tr<'_>, r: Role) -> String {
    t.s(&format!("role-{}", r.word().replace('_', "-")))
        .into_owned()
}

/// The response when someone who is not an administrator asks.
fn refused(app: &App, lang: Lang, route: &Route, d: &Denied) -> Response {
    match d {
        Denied::SignIn => to_sign_in(lang, &route.path(lang)),
        _ => {
            let t = tr(app, lang);
            auth::message_page(
                app,
                lang,
                StatusCode::FORBIDDEN,
                "deny-title",
                t.s("deny-admin").into_owned(),
                route,
                None,
            )
        }
    }
}

// ---------------------------------------------------------------- accounts

/// An account in the list.
pub struct UserRow {
    /// POST here to change it.
    pub action: String,
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role for people.
    pub role: String,
    /// Role choices for the change form.
    pub roles: Vec<Choice>,
    /// Disabled.
    pub disabled: bool,
    /// Its OpenID Connect identity ("issuer subject"), for accounts that sign in that way.
    pub oidc: Option<String>,
    /// The administrator looking at the page.
    pub is_self: bool,
    /// Element id prefix.
    pub key: String,
}

/// `/en/admin/users`.
#[derive(Template)]
#[template(path = "admin-users.html")]
pub struct UsersPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Error summary (of the create form).
    pub errors: Vec<ErrorLink>,
    /// Accounts.
    pub users: Vec<UserRow>,
    /// POST here to create one.
    pub create_action: String,
    /// Typed name.
    pub username: String,
    /// Typed display name.
    pub display_name: String,
    /// Role choices.
    pub roles: Vec<Choice>,
    /// Problem per field of the create form.
    pub field_errors: Vec<(&'static str, String)>,
}

impl UsersPage<'_> {
    /// The problem with a field of the create form.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.field_errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    }
}

fn role_choices(t: &Tr<'_>, prefix: &str, selected: Option<Role>) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice {
            id: format!("{prefix}-{}", r.word()),
            value: r.word().to_string(),
            label: role_label(t, *r),
            checked: selected == Some(*r),
        })
        .collect()
}

async fn users_page(
    app: &App,
    lang: Lang,
    me: &User,
    typed: (&str, &str, Option<Role>),
    problems: Vec<(&'static str, String)>,
    status: StatusCode,
) -> Response {
    let t = tr(app, lang);
    let route = Route::CaseLog(CasePage::Users);
    let users = match app.store.users().await {
        Ok(u) => u,
        Err(e) => return server_error(app, lang, &e.to_string()),
    };
    let rows = users
        .iter()
        .map(|u| UserRow {
            action: Route::CaseLog(CasePage::User(u.id.clone())).path(lang),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: role_label(&t, u.role),
            roles: role_choices(&t, &format!("role-{}", u.id), Some(u.role)),
            disabled: u.disabled,
            oidc: u.oidc_subject.clone(),
            is_self: u.id == me.id,
            key: u.id.clone(),
        })
        .collect();
    let errors = problems
        .iter()
        .map(|(f, e)| ErrorLink {
            href: format!("#new-{f}"),
            text: e.clone(),
        })
        .collect::<Vec<_>>();
    let page = UsersPage {
        layout: crate::pages::layout(
            app,
            lang,
            t.s("users-title").into_owned(),
            &route,
            !errors.is_empty(),
        ),
        t,
        errors,
        users: rows,
        create_action: route.path(lang),
        username: typed.0.to_string(),
        display_name: typed.1.to_string(),
        roles: role_choices(&t, "new-role", Some(typed.2.unwrap_or(Role::Contributor))),
        field_errors: problems,
    };
    html(status, Some(lang), page.render())
}

/// GET `/en/admin/users`.
pub async fn users_get(app: &App, lang: Lang) -> Response {
    let route = Route::CaseLog(CasePage::Users);
    let v = visitor();
    let me = match may_admin(v.user()) {
        Ok(u) => u.clone(),
        Err(d) => return refused(app, lang, &route, &d),
    };
    users_page(app, lang, &me, ("", "", None), Vec::new(), StatusCode::OK).await
}

/// Why a new account was refused: (field, message id).
pub fn check_new_user(
    username: &str,
    display_name: &str,
    role: Option<Role>,
    password: &str,
) -> Vec<(&'static str, &'static str)> {
    let mut errs = Vec::new();
    let name = username.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        errs.push(("username", "user-err-username"));
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 200 {
        errs.push(("display_name", "user-err-display-name"));
    }
    if role.is_none() {
        errs.push(("role", "user-err-role"));
    }
    if password.chars().count() < MIN_PASSWORD || password.len() > 1024 {
        errs.push(("password", "user-err-password"));
    }
    errs
}

/// Creates an account (checked); `Err` lists (field, message id).
pub async fn create_user(
    app: &App,
    me: &User,
    username: &str,
    display_name: &str,
    role: Option<Role>,
    password: &str,
) -> Result<Result<User, Vec<(&'static str, &'static str)>>, String> {
    let errs = check_new_user(username, display_name, role, password);
    let Some(role) = role.filter(|_| errs.is_empty()) else {
        return Ok(Err(errs));
    };
    let hash = passerelle_store::accounts::hash_password(password).map_err(|e| e.to_string())?;
    match app
        .store
        .create_user(
            &NewUser {
                username,
                display_name,
                role,
                password_hash: Some(hash),
                oidc_subject: None,
            },
            &me.id,
            &auth::now_stamp(),
        )
        .await
    {
        Ok(u) => Ok(Ok(u)),
        Err(StoreError::Taken(_)) => Ok(Err(vec![("username", "user-err-taken")])),
        Err(e) => Err(e.to_string()),
    }
}

/// POST `/en/admin/users`: create an account.
pub async fn users_post(app: &App, lang: Lang, form: &Form) -> Response {
    let route = Route::CaseLog(CasePage::Users);
    let v = visitor();
    let me = match may_admin(v.user()) {
        Ok(u) => u.clone(),
        Err(d) => return refused(app, lang, &route, &d),
    };
    let username = form.get("username").unwrap_or("").trim();
    let display = form.get("display_name").unwrap_or("").trim();
    let role = form.get("role").and_then(Role::parse);
    let password = form.get("password").unwrap_or("");
    match create_user(app, &me, username, display, role, password).await {
        Ok(Ok(_)) => see_other(&route.path(lang)),
        Ok(Err(errs)) => {
            let t = tr(app, lang);
            let problems = errs
                .iter()
                .map(|(f, id)| (*f, t.s(id).into_owned()))
                .collect();
            users_page(
                app,
                lang,
                &me,
                (username, display, role),
                problems,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => server_error(app, lang, &e),
    }
}

/// A change to an account by an administrator: `Err` names the message id of the refusal.
pub async fn change_user(
    app: &App,
    me: &User,
    id: &str,
    change: UserChange,
) -> Result<Result<Option<User>, &'static str>, String> {
    if id == me.id && (change.role.is_some_and(|r| r != me.role) || change.disabled == Some(true)) {
        return Ok(Err("user-err-self"));
    }
    app.store
        .update_user(id, change, &me.id, &auth::now_stamp())
        .await
        .map(Ok)
        .map_err(|e| e.to_string())
}

/// POST `/en/admin/users/{id}`: `action=role&role=…`, `action=disable`, `action=enable`.
pub async fn user_post(app: &App, lang: Lang, id: &str, form: &Form) -> Response {
    let route = Route::CaseLog(CasePage::User(id.to_string()));
    let v = visitor();
    let me = match may_admin(v.user()) {
        Ok(u) => u.clone(),
        Err(d) => return refused(app, lang, &route, &d),
    };
    let t = tr(app, lang);
    let change = match (form.get("action"), form.get("role").and_then(Role::parse)) {
        (Some("role"), Some(r)) => UserChange {
            role: Some(r),
            ..UserChange::default()
        },
        (Some("disable"), _) => UserChange {
            disabled: Some(true),
            ..UserChange::default()
        },
        (Some("enable"), _) => UserChange {
            disabled: Some(false),
            ..UserChange::default()
        },
        _ => {
            return users_page(
                app,
                lang,
                &me,
                ("", "", None),
                vec![("username", t.s("user-err-action").into_owned())],
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    match change_user(app, &me, id, change).await {
        Ok(Ok(Some(_))) => see_other(&Route::CaseLog(CasePage::Users).path(lang)),
        Ok(Ok(None)) => crate::pages::not_found(app, lang, route.path(lang.other())),
        Ok(Err(msg)) => {
            users_page(
                app,
                lang,
                &me,
                ("", "", None),
                vec![("username", t.s(msg).into_owned())],
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => server_error(app, lang, &e),
    }
}

// ---------------------------------------------------------------- audit trail

/// A field that changed.
pub struct DiffRow {
    /// Field.
    pub field: String,
    /// Before (empty: absent).
    pub before: String,
    /// After (empty: absent).
    pub after: String,
}

/// One entry of the audit trail.
pub struct AuditView {
    /// Position.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who.
    pub who: String,
    /// What was done.
    pub action: String,
    /// `situation`, `user`.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Its page.
    pub entity_href: Option<String>,
    /// Fields changed (before and after both objects).
    pub diff: Vec<DiffRow>,
    /// The value, as indented JSON, when there is nothing to compare with.
    pub json: Option<String>,
}

/// `/en/admin/audit`.
#[derive(Template)]
#[template(path = "admin-audit.html")]
pub struct AuditPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Entries.
    pub entries: Vec<AuditView>,
    /// Older entries.
    pub older: Option<String>,
    /// Back to the newest.
    pub newest: Option<String>,
    /// Only this entity (empty: all).
    pub entity: String,
}

/// A JSON value for people: text as it is, the rest as compact JSON.
pub fn readable(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => other.to_string(),
    }
}

/// The fields that differ between two JSON objects, in key order.
pub fn field_diff(before: &J, after: &J) -> Option<Vec<DiffRow>> {
    let (b, a) = (before.as_object()?, after.as_object()?);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    Some(
        keys.into_iter()
            .filter(|k| b.get(*k) != a.get(*k))
            .map(|k| DiffRow {
                field: k.clone(),
                before: b.get(k).map(readable).unwrap_or_default(),
                after: a.get(k).map(readable).unwrap_or_default(),
            })
            .collect(),
    )
}

fn action_label(t: &Tr<'_>, action: &str) -> String {
    let id = format!("audit-action-{}", action.replace('_', "-"));
    if t.cat.has(t.lang, &id) {
        t.s(&id).into_owned()
    } else {
        action.to_string()
    }
}

/// GET `/en/admin/audit?before=SEQ&entity=ID`.
pub async fn audit_get(app: &App, lang: Lang, query: &str) -> Response {
    let route = Route::CaseLog(CasePage::Audit);
    let v = visitor();
    if let Err(d) = may_admin(v.user()) {
        return refused(app, lang, &route, &d);
    }
    let mut before: Option<i64> = None;
    let mut entity = String::new();
    for (k, val) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "before" => before = val.parse().ok(),
            "entity" => entity = val.chars().take(200).collect(),
            _ => {}
        }
    }
    let rows = match app
        .store
        .audit_trail(
            before,
            AUDIT_PAGE,
            (!entity.is_empty()).then_some(entity.as_str()),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return server_error(app, lang, &e.to_string()),
    };
    let t = tr(app, lang);
    let actors: Vec<&str> = rows.iter().map(|r| r.actor.as_str()).collect();
    let names = display_names(app, &actors).await;
    let entries = rows.iter().map(|e| audit_view(&t, &names, e)).collect();
    let base = route.path(lang);
    let with_entity = |mut q: String| {
        if !entity.is_empty() {
            q.push_str(&format!("&entity={}", auth::query_value(&entity)));
        }
        q
    };
    let older = (rows.len() as i64 == AUDIT_PAGE)
        .then(|| {
            rows.last()
                .map(|l| with_entity(format!("{base}?before={}", l.seq)))
        })
        .flatten();
    let newest = before.map(|_| {
        if entity.is_empty() {
            base.clone()
        } else {
            format!("{base}?entity={}", auth::query_value(&entity))
        }
    });
    let alt = match query {
        "" => route.path(lang.other()),
        q => format!("{}?{q}", route.path(lang.other())),
    };
    let page = AuditPage {
        layout: crate::pages::layout_alt(
            app,
            lang,
            t.s("audit-title").into_owned(),
            alt,
            true,
            false,
        ),
        t,
        entries,
        older,
        newest,
        entity,
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn audit_view(
    t: &Tr<'_>,
    names: &std::collections::HashMap<String, String>,
    e: &AuditEntry,
) -> AuditView {
    let lang = t.lang;
    let (diff, json) = match (&e.old_value, &e.new_value) {
        (Some(b), Some(a)) => match field_diff(b, a) {
            Some(d) => (d, None),
            None => (Vec::new(), serde_json::to_string_pretty(a).ok()),
        },
        (None, Some(v)) | (Some(v), None) => (Vec::new(), serde_json::to_string_pretty(v).ok()),
        (None, None) => (Vec::new(), None),
    };
    AuditView {
        seq: e.seq,
        at: e.at.clone(),
        who: names
            .get(&e.actor)
            .cloned()
            .unwrap_or_else(|| e.actor.clone()),
        action: action_label(t, &e.action),
        entity: {
            let id = format!("audit-entity-{}", e.entity);
            if t.cat.has(lang, &id) {
                t.s(&id).into_owned()
            } else {
                e.entity.clone()
            }
        },
        entity_id: e.entity_id.clone(),
        entity_href: match e.entity.as_str() {
            "situation" => Some(Route::CaseLog(CasePage::View(e.entity_id.clone())).path(lang)),
            "user" => Some(Route::CaseLog(CasePage::Users).path(lang)),
            _ => None,
        },
        diff,
        json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_name_the_fields_that_changed() {
        let d = field_diff(
            &json!({"title": "A", "status": "draft", "revision": 1, "gone": true}),
            &json!({"title": "A", "status": "published", "revision": 2, "note": {"x": 1}}),
        )
        .unwrap_or_default();
        let fields: Vec<&str> = d.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(fields, ["gone", "note", "revision", "status"]);
        assert_eq!(d[3].before, "draft");
        assert_eq!(d[3].after, "published");
        assert_eq!(d[1].after, "{\"x\":1}");
        assert!(field_diff(&json!(1), &json!({})).is_none());
    }

    #[test]
    fn new_accounts_are_checked() {
        assert!(check_new_user("ana", "Ana", Some(Role::Admin), "twelve chars!").is_empty());
        let errs = check_new_user("a b", "", None, "short");
        let fields: Vec<&str> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["username", "display_name", "role", "password"]);
    }
}
