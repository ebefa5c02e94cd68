//! Saving a situation from a results page and editing one: the fields and their checks, the
//! screening for personal information, and the writes. The pages (this module) and the JSON
//! API ([`crate::cases_api`]) share [`resolve`], [`screen_changes`], [`create`] and
//! [`update`], and both ask [`crate::permissions::check_write`] before writing.
//!
//! **Screening.** Before a save, the title, narrative and advice that changed are screened
//! (`passerelle_cases::screen`). A finding blocks the save until the person decides, for each
//! one, to remove it (the server cuts that span, `screen::remove`) or to keep it because it is
//! not personal information about a person (an office's general number). The form comes back
//! with what was typed, an error summary listing each finding, and the choice beside each
//! field. Kept findings are recorded in the audit row (`note.pi_confirmed`). A decision names
//! the finding by field and byte span (`pi:narrative:12:24`) in the text as sent, so a
//! decision about text that was edited meanwhile does not count and is asked again.

use crate::auth::{self, to_sign_in, visitor};
use crate::cases::{
    CasePage, Row, contact_label, display_names, lang_attr, pack_domains, status_label,
};
use crate::i18n::Tr;
use crate::interview::{Form, load_answers};
use crate::pages::{html, not_found, server_error, tr};
use crate::permissions::{Denied, check_write, may_advise, may_edit, statuses_for};
use crate::route::Route;
use crate::views::{Choice, ErrorLink, Layout};
use crate::{App, is_id, new_id};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use passerelle_cases::screen::{self as pi, FieldFinding, Finding};
use passerelle_cases::snapshot::take;
use passerelle_check::answers::to_json;
use passerelle_check::model::{Domain, Model};
use passerelle_diag::Lang;
use passerelle_store::{CaseStatus, SavedResult, Situation, User, WriteOutcome};
use serde_json::{Value as J, json};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest narrative or advice, in characters.
pub const MAX_TEXT: usize = 20_000;
/// The fields screened for personal information.
pub const SCREENED: [&str; 4] = ["title", "narrative", "advice_en", "advice_fr"];

/// The fields of a situation a person writes, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseFields {
    /// Title.
    pub title: String,
    /// Narrative.
    pub narrative: String,
    /// Language of title and narrative.
    pub lang: String,
    /// Domains.
    pub domains: Vec<String>,
    /// Advice, English.
    pub advice_en: String,
    /// Advice, French.
    pub advice_fr: String,
    /// Contacts consulted (ids of the packs' contacts).
    pub consulted: Vec<String>,
    /// Status.
    pub status: CaseStatus,
    /// Rules linked.
    pub rules: Vec<String>,
    /// Myths linked.
    pub myths: Vec<String>,
}

impl CaseFields {
    /// A new situation's fields.
    pub fn blank(lang: Lang) -> CaseFields {
        CaseFields {
            title: String::new(),
            narrative: String::new(),
            lang: lang.code().to_string(),
            domains: Vec::new(),
            advice_en: String::new(),
            advice_fr: String::new(),
            consulted: Vec::new(),
            status: CaseStatus::Draft,
            rules: Vec::new(),
            myths: Vec::new(),
        }
    }

    /// A stored situation's fields.
    pub fn of(s: &Situation) -> CaseFields {
        CaseFields {
            title: s.title.clone(),
            narrative: s.narrative.clone(),
            lang: s.lang.clone(),
            domains: s.domains.clone(),
            advice_en: s.advice_en.clone(),
            advice_fr: s.advice_fr.clone(),
            consulted: s.consulted.clone(),
            status: s.status,
            rules: s.rules.clone(),
            myths: s.myths.clone(),
        }
    }

    fn text(&self, field: &str) -> &str {
        match field {
            "title" => &self.title,
            "narrative" => &self.narrative,
            "advice_en" => &self.advice_en,
            "advice_fr" => &self.advice_fr,
            _ => "",
        }
    }

    fn text_mut(&mut self, field: &str) -> Option<&mut String> {
        match field {
            "title" => Some(&mut self.title),
            "narrative" => Some(&mut self.narrative),
            "advice_en" => Some(&mut self.advice_en),
            "advice_fr" => Some(&mut self.advice_fr),
            _ => None,
        }
    }

    /// Writes the fields into a situation.
    pub fn apply_to(&self, s: &mut Situation) {
        s.title.clone_from(&self.title);
        s.narrative.clone_from(&self.narrative);
        s.lang.clone_from(&self.lang);
        s.domains.clone_from(&self.domains);
        s.advice_en.clone_from(&self.advice_en);
        s.advice_fr.clone_from(&self.advice_fr);
        s.consulted.clone_from(&self.consulted);
        s.status = self.status;
        s.rules.clone_from(&self.rules);
        s.myths.clone_from(&self.myths);
    }
}

/// What was sent for a situation; `None` keeps the value it has (or the default of a new one).
#[derive(Clone, Debug, Default)]
pub struct CaseInput {
    /// Title.
    pub title: Option<String>,
    /// Narrative.
    pub narrative: Option<String>,
    /// `en` or `fr`.
    pub lang: Option<String>,
    /// Domain words.
    pub domains: Option<Vec<String>>,
    /// Advice, English.
    pub advice_en: Option<String>,
    /// Advice, French.
    pub advice_fr: Option<String>,
    /// Contact ids.
    pub consulted: Option<Vec<String>>,
    /// Status word.
    pub status: Option<String>,
    /// Rule ids.
    pub rules: Option<Vec<String>>,
    /// Myth ids.
    pub myths: Option<Vec<String>>,
}

/// A problem with one field: the message id (`case-err-…`) and the value at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Field name.
    pub field: &'static str,
    /// Message id.
    pub id: &'static str,
    /// The value at fault, when the message names it.
    pub value: Option<String>,
}

impl Problem {
    fn new(field: &'static str, id: &'static str, value: Option<&str>) -> Problem {
        Problem {
            field,
            id,
            value: value.map(str::to_string),
        }
    }

    /// The message in a language.
    pub fn text(&self, t: &Tr<'_>) -> String {
        match &self.value {
            Some(v) => t.v(self.id, "value", v),
            None => t.s(self.id).into_owned(),
        }
    }
}

impl From<&Denied> for Problem {
    fn from(d: &Denied) -> Problem {
        match d {
            Denied::Forbidden { field, reason } => Problem::new(
                if field.is_empty() { "status" } else { field },
                reason,
                None,
            ),
            Denied::SignIn => Problem::new("status", "deny-sign-in", None),
            Denied::NotFound => Problem::new("status", "deny-edit-others", None),
        }
    }
}

/// Splits a list typed in one box: `a b, c`.
pub fn split_ids(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

/// Checks what was sent against the packs served, over `base` (the situation as it is, or
/// [`CaseFields::blank`]). Every problem at once.
pub fn resolve(
    m: &Model,
    input: &CaseInput,
    base: &CaseFields,
) -> Result<CaseFields, Vec<Problem>> {
    let mut f = base.clone();
    let mut errs = Vec::new();
    let text = |v: &Option<String>, old: &str| {
        v.as_deref()
            .map(clean_text)
            .unwrap_or_else(|| old.to_string())
    };
    f.title = text(&input.title, &base.title).replace('\n', " ");
    f.narrative = text(&input.narrative, &base.narrative);
    f.advice_en = text(&input.advice_en, &base.advice_en);
    f.advice_fr = text(&input.advice_fr, &base.advice_fr);
    if f.title.is_empty() {
        errs.push(Problem::new("title", "case-err-title", None));
    } else if f.title.chars().count() > MAX_TITLE {
        errs.push(Problem::new("title", "case-err-title-long", None));
    }
    if f.narrative.is_empty() {
        errs.push(Problem::new("narrative", "case-err-narrative", None));
    }
    for (field, v) in [
        ("narrative", &f.narrative),
        ("advice_en", &f.advice_en),
        ("advice_fr", &f.advice_fr),
    ] {
        if v.chars().count() > MAX_TEXT {
            errs.push(Problem::new(field, "case-err-too-long", None));
        }
    }
    if let Some(l) = &input.lang {
        match l.as_str() {
            "en" | "fr" => f.lang.clone_from(l),
            other => errs.push(Problem::new("lang", "case-err-lang", Some(other))),
        }
    }
    if let Some(d) = &input.domains {
        for w in d {
            if Domain::parse(w).is_none() {
                errs.push(Problem::new("domains", "case-err-domain", Some(w)));
            }
        }
        f.domains = dedup(d.clone());
    }
    if let Some(c) = &input.consulted {
        for id in c {
            if !m.contacts.iter().any(|x| x.id == *id) {
                errs.push(Problem::new("consulted", "case-err-consulted", Some(id)));
            }
        }
        f.consulted = dedup(c.clone());
    }
    if let Some(s) = &input.status {
        match CaseStatus::parse(s) {
            Some(st) => f.status = st,
            None => errs.push(Problem::new("status", "case-err-status", Some(s))),
        }
    }
    if let Some(r) = &input.rules {
        for id in r {
            if !m.rule_ids.contains_key(id) {
                errs.push(Problem::new("rules", "case-err-rule", Some(id)));
            }
        }
        f.rules = dedup(r.clone());
    }
    if let Some(r) = &input.myths {
        for id in r {
            if !m.myth_ids.contains_key(id) {
                errs.push(Problem::new("myths", "case-err-myth", Some(id)));
            }
        }
        f.myths = dedup(r.clone());
    }
    if errs.is_empty() { Ok(f) } else { Err(errs) }
}

/// What a person decided about a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Cut it out of the text.
    Remove,
    /// Keep it: not personal information about a person.
    Keep,
}

/// The outcome of screening.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screening {
    /// Findings kept on purpose (recorded in the audit trail).
    pub confirmed: Vec<FieldFinding>,
    /// Findings still waiting for a decision, in the texts as they are now (after the
    /// removals decided), with those already kept.
    pub pending: Vec<(FieldFinding, Option<Decision>)>,
}

/// Screens the texts of `fields` that differ from `before` (all of them for a new situation),
/// applies the removals decided, and says what still needs a decision. `decide` gives the
/// decision about a finding in a field, if any.
pub fn screen_changes(
    fields: &mut CaseFields,
    before: Option<&CaseFields>,
    decide: &dyn Fn(&str, &Finding) -> Option<Decision>,
) -> Screening {
    let mut out = Screening::default();
    let mut undecided = false;
    let mut screened = Vec::new();
    for field in SCREENED {
        if before.is_some_and(|b| b.text(field) == fields.text(field)) {
            continue;
        }
        screened.push(field);
        let Some(text) = fields.text_mut(field) else {
            continue;
        };
        let mut cut = Vec::new();
        for f in pi::screen(text) {
            match decide(field, &f) {
                Some(Decision::Remove) => cut.push(f),
                Some(Decision::Keep) => out.confirmed.push(FieldFinding {
                    field: field.to_string(),
                    finding: f,
                }),
                None => undecided = true,
            }
        }
        if !cut.is_empty() {
            *text = pi::remove(text, &cut).trim().to_string();
        }
    }
    // What remains after the removals: each finding must have been kept on purpose.
    let kept = |field: &str, f: &Finding| {
        out.confirmed
            .iter()
            .any(|c| c.field == field && c.finding.text == f.text)
    };
    let mut remaining = Vec::new();
    for field in screened {
        for f in pi::screen(fields.text(field)) {
            let k = kept(field, &f);
            undecided |= !k;
            remaining.push((
                FieldFinding {
                    field: field.to_string(),
                    finding: f,
                },
                k.then_some(Decision::Keep),
            ));
        }
    }
    if undecided {
        out.pending = remaining;
    }
    out
}

/// The audit note of a save: the findings kept on purpose.
pub fn note(confirmed: &[FieldFinding]) -> Option<J> {
    if confirmed.is_empty() {
        return None;
    }
    Some(json!({
        "pi_confirmed": confirmed
            .iter()
            .map(|c| json!({"field": c.field, "kind": c.finding.kind.as_str(), "text": c.finding.text}))
            .collect::<Vec<_>>()
    }))
}

/// Why a save did not happen.
#[derive(Debug)]
pub enum SaveError {
    /// Not allowed.
    Denied(Denied),
    /// Someone else changed it first: the version now stored.
    Conflict(Box<Situation>),
    /// No such situation.
    NotFound,
    /// The database failed.
    Failed(String),
}

/// Where a new situation's answers come from.
pub enum Origin {
    /// A saved result.
    Result(SavedResult),
    /// Answers sent to the API (checked), with the date of the rules in force.
    Answers {
        /// The answers (valid for the packs).
        answers: J,
        /// Journey, if any.
        journey: Option<String>,
        /// Rules in force on this date.
        as_of: jiff::civil::Date,
    },
}

/// Whether `user` may write `fields` into a new situation (`before` None) or over `before`:
/// asked before screening, so a refusal comes first.
pub fn precheck(
    user: &User,
    before: Option<&Situation>,
    fields: &CaseFields,
) -> Result<(), Denied> {
    let mut s = match before {
        Some(b) => b.clone(),
        None => Situation {
            id: String::new(),
            title: String::new(),
            narrative: String::new(),
            lang: String::new(),
            domains: Vec::new(),
            journey: None,
            answers: J::Null,
            pack: String::new(),
            verdict: passerelle_store::Snapshot::default(),
            advice_en: String::new(),
            advice_fr: String::new(),
            consulted: Vec::new(),
            status: CaseStatus::Draft,
            rules: Vec::new(),
            myths: Vec::new(),
            checked: Vec::new(),
            review: None,
            created_by: user.id.clone(),
            created_at: String::new(),
            updated_by: user.id.clone(),
            updated_at: String::new(),
            revision: 0,
        },
    };
    fields.apply_to(&mut s);
    check_write(Some(user), before, &s)
}

/// Records a new situation: the verdict worked out by the server for its answers at its
/// date, recorded by fingerprint.
pub async fn create(
    app: &App,
    user: &User,
    origin: Origin,
    fields: &CaseFields,
    note: Option<J>,
) -> Result<Situation, SaveError> {
    let m = &app.pack.model;
    let (answers, journey, date) = match origin {
        Origin::Result(r) => {
            let date =
                passerelle_check::answers::parse_date(&r.as_of).unwrap_or_else(passerelle::today);
            (r.answers, r.journey, date)
        }
        Origin::Answers {
            answers,
            journey,
            as_of,
        } => (answers, journey, as_of),
    };
    let (answers, _) = load_answers(m, &answers);
    let now = auth::now_stamp();
    let mut s = Situation {
        id: new_id().map_err(SaveError::Failed)?,
        title: String::new(),
        narrative: String::new(),
        lang: String::new(),
        domains: Vec::new(),
        journey,
        answers: to_json(m, &answers),
        pack: app.pack.top().0.to_string(),
        verdict: take(&app.pack, &app.cases.texts, &answers, date),
        advice_en: String::new(),
        advice_fr: String::new(),
        consulted: Vec::new(),
        status: CaseStatus::Draft,
        rules: Vec::new(),
        myths: Vec::new(),
        checked: app.cases.texts.stamps.clone(),
        review: None,
        created_by: user.id.clone(),
        created_at: now.clone(),
        updated_by: user.id.clone(),
        updated_at: now,
        revision: 1,
    };
    fields.apply_to(&mut s);
    check_write(Some(user), None, &s).map_err(SaveError::Denied)?;
    app.store
        .create_situation_noted(&s, "create", note.as_ref())
        .await
        .map_err(|e| SaveError::Failed(e.to_string()))?;
    app.cases.written(&s);
    Ok(s)
}

/// Writes a change to `before`, if it is still at `revision`.
pub async fn update(
    app: &App,
    user: &User,
    before: &Situation,
    revision: i64,
    fields: &CaseFields,
    note: Option<J>,
) -> Result<Situation, SaveError> {
    let mut after = before.clone();
    fields.apply_to(&mut after);
    after.updated_by = user.id.clone();
    after.updated_at = auth::now_stamp();
    after.revision = revision.saturating_add(1);
    check_write(Some(user), Some(before), &after).map_err(SaveError::Denied)?;
    match app
        .store
        .update_situation_noted(&after, revision, "update", note.as_ref())
        .await
    {
        Ok(WriteOutcome::Done) => {
            app.cases.written(&after);
            Ok(after)
        }
        Ok(WriteOutcome::NotFound) => Err(SaveError::NotFound),
        Ok(WriteOutcome::Conflict { .. }) => match app.store.situation(&before.id).await {
            Ok(Some(current)) => Err(SaveError::Conflict(Box::new(current))),
            Ok(None) => Err(SaveError::NotFound),
            Err(e) => Err(SaveError::Failed(e.to_string())),
        },
        Err(e) => Err(SaveError::Failed(e.to_string())),
    }
}

// ---------------------------------------------------------------- the form

/// A text box.
pub struct TextField {
    /// Id and name.
    pub id: &'static str,
    /// Label.
    pub label: String,
    /// Hint (may be empty).
    pub hint: String,
    /// Value.
    pub value: String,
    /// `textarea`.
    pub multiline: bool,
    /// `lang` of what is typed, when fixed.
    pub lang: Option<&'static str>,
    /// Problem.
    pub error: Option<String>,
    /// Findings of the screening in this field.
    pub findings: Vec<FindingView>,
}

impl TextField {
    /// `aria-describedby`.
    pub fn describedby(&self) -> String {
        let mut v = Vec::new();
        if !self.hint.is_empty() {
            v.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            v.push(format!("{}-error", self.id));
        }
        v.join(" ")
    }
}

/// A finding and the choice about it.
pub struct FindingView {
    /// `pi:field:start:end`.
    pub name: String,
    /// Id of the first radio button (`pi-field-start-end`).
    pub id: String,
    /// "“613-555-0199” looks like a phone number."
    pub question: String,
    /// Remove is chosen.
    pub remove: bool,
    /// Keep is chosen.
    pub keep: bool,
}

/// Radio buttons or checkboxes.
pub struct ChoiceGroup {
    /// Name (and id of the first input).
    pub id: &'static str,
    /// Legend.
    pub legend: String,
    /// Hint (may be empty).
    pub hint: String,
    /// `radio` or `checkbox`.
    pub kind: &'static str,
    /// Choices.
    pub choices: Vec<Choice>,
    /// Problem.
    pub error: Option<String>,
}

/// Someone else's version, shown after a conflicting edit.
pub struct ConflictView {
    /// What happened.
    pub message: String,
    /// Its title.
    pub title: String,
    /// Its narrative.
    pub narrative: String,
    /// Its `lang` when not the page's.
    pub text_lang: Option<&'static str>,
    /// Status, who and when.
    pub rows: Vec<Row>,
}

/// The form to save or edit a situation.
#[derive(Template)]
#[template(path = "case-form.html")]
pub struct CaseFormPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Back link.
    pub back: String,
    /// Error summary.
    pub errors: Vec<ErrorLink>,
    /// Heading.
    pub heading: String,
    /// What will be (or was) recorded of the verdict.
    pub recorded: Vec<Row>,
    /// After a conflicting edit.
    pub conflict: Option<ConflictView>,
    /// Form action.
    pub action: String,
    /// Hidden fields (result id or revision).
    pub hidden: Vec<(&'static str, String)>,
    /// Title and narrative.
    pub about: Vec<TextField>,
    /// Language of title and narrative.
    pub lang_group: ChoiceGroup,
    /// Domains.
    pub domains: ChoiceGroup,
    /// Contacts consulted.
    pub consulted: ChoiceGroup,
    /// Advice in each language (policy specialists).
    pub advice: Vec<TextField>,
    /// Why there is no advice field.
    pub advice_note: Option<String>,
    /// Status.
    pub status: ChoiceGroup,
    /// Rules and myths linked.
    pub links: Vec<TextField>,
    /// Submit button.
    pub submit: String,
}

/// What the form shows: the values typed (or stored), as text.
#[derive(Clone, Debug, Default)]
pub struct Shown {
    title: String,
    narrative: String,
    lang: String,
    domains: Vec<String>,
    advice_en: String,
    advice_fr: String,
    consulted: Vec<String>,
    status: String,
    rules: String,
    myths: String,
}

impl Shown {
    fn of(f: &CaseFields) -> Shown {
        Shown {
            title: f.title.clone(),
            narrative: f.narrative.clone(),
            lang: f.lang.clone(),
            domains: f.domains.clone(),
            advice_en: f.advice_en.clone(),
            advice_fr: f.advice_fr.clone(),
            consulted: f.consulted.clone(),
            status: f.status.word().to_string(),
            rules: f.rules.join(" "),
            myths: f.myths.join(" "),
        }
    }

    /// What was typed, over the values of `base` for fields the form did not have.
    fn typed(form: &Form, base: &CaseFields) -> Shown {
        let mut s = Shown::of(base);
        let get = |k: &str| form.get(k).map(str::to_string);
        if let Some(v) = get("title") {
            s.title = v;
        }
        if let Some(v) = get("narrative") {
            s.narrative = v.replace("\r\n", "\n");
        }
        if let Some(v) = get("lang") {
            s.lang = v;
        }
        s.domains = form
            .all("domains")
            .into_iter()
            .map(str::to_string)
            .collect();
        s.consulted = form
            .all("consulted")
            .into_iter()
            .map(str::to_string)
            .collect();
        if let Some(v) = get("advice_en") {
            s.advice_en = v.replace("\r\n", "\n");
        }
        if let Some(v) = get("advice_fr") {
            s.advice_fr = v.replace("\r\n", "\n");
        }
        if let Some(v) = get("status") {
            s.status = v;
        }
        if let Some(v) = get("rules") {
            s.rules = v;
        }
        if let Some(v) = get("myths") {
            s.myths = v;
        }
        s
    }
}

/// The input of a form post.
fn input_of(form: &Form) -> CaseInput {
    let get = |k: &str| form.get(k).map(str::to_string);
    CaseInput {
        title: Some(get("title").unwrap_or_default()),
        narrative: Some(get("narrative").unwrap_or_default()),
        lang: get("lang"),
        domains: Some(
            form.all("domains")
                .into_iter()
                .map(str::to_string)
                .collect(),
        ),
        advice_en: get("advice_en"),
        advice_fr: get("advice_fr"),
        consulted: Some(
            form.all("consulted")
                .into_iter()
                .map(str::to_string)
                .collect(),
        ),
        status: get("status"),
        rules: Some(split_ids(form.get("rules").unwrap_or(""))),
        myths: Some(split_ids(form.get("myths").unwrap_or(""))),
    }
}

/// The decisions of a form post, about findings in the text as sent.
fn form_decisions(form: &Form) -> impl Fn(&str, &Finding) -> Option<Decision> + '_ {
    move |field, f| match form.get(&format!("pi:{field}:{}:{}", f.start, f.end)) {
        Some("remove") => Some(Decision::Remove),
        Some("keep") => Some(Decision::Keep),
        _ => None,
    }
}

fn field_label(t: &Tr<'_>, field: &str) -> String {
    t.s(&format!("case-field-{}", field.replace('_', "-")))
        .into_owned()
}

/// How a form is being shown.
struct FormCtx<'x> {
    route: Route,
    user: &'x User,
    before: Option<&'x Situation>,
    hidden: Vec<(&'static str, String)>,
    recorded: Vec<Row>,
    conflict: Option<ConflictView>,
}

#[allow(clippy::too_many_arguments)]
fn render(
    app: &App,
    lang: Lang,
    ctx: FormCtx<'_>,
    shown: &Shown,
    problems: &[Problem],
    pending: &[(FieldFinding, Option<Decision>)],
    extra_error: Option<String>,
    status: StatusCode,
) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let err = |field: &str| {
        problems
            .iter()
            .filter(|p| p.field == field)
            .map(|p| p.text(&t))
            .next()
    };
    let mut errors: Vec<ErrorLink> = Vec::new();
    if let Some(e) = extra_error {
        errors.push(ErrorLink {
            href: String::new(),
            text: e,
        });
    }
    for p in problems {
        // A choice group's first input has the group's name as its id.
        errors.push(ErrorLink {
            href: format!("#{}", p.field),
            text: p.text(&t),
        });
    }
    let findings_of = |field: &str| -> Vec<FindingView> {
        pending
            .iter()
            .filter(|(f, _)| f.field == field)
            .map(|(f, d)| {
                let key = format!("{}:{}:{}", f.field, f.finding.start, f.finding.end);
                FindingView {
                    name: format!("pi:{key}"),
                    id: format!("pi-{}", key.replace(':', "-")),
                    question: t.cat.args(
                        lang,
                        "pi-question",
                        &[
                            ("text", crate::i18n::Arg::Str(&f.finding.text)),
                            (
                                "kind",
                                crate::i18n::Arg::Str(f.finding.kind.label(lang.code())),
                            ),
                        ],
                    ),
                    remove: *d == Some(Decision::Remove),
                    keep: *d == Some(Decision::Keep),
                }
            })
            .collect()
    };
    for (f, d) in pending {
        if d.is_none() {
            let key = format!("{}-{}-{}", f.field, f.finding.start, f.finding.end);
            errors.push(ErrorLink {
                href: format!("#pi-{key}"),
                text: t.cat.args(
                    lang,
                    "pi-summary",
                    &[
                        ("field", crate::i18n::Arg::Str(&field_label(&t, &f.field))),
                        ("text", crate::i18n::Arg::Str(&f.finding.text)),
                        (
                            "kind",
                            crate::i18n::Arg::Str(f.finding.kind.label(lang.code())),
                        ),
                    ],
                ),
            });
        }
    }
    let text_field =
        |id: &'static str, hint: &str, value: &str, multiline: bool, l: Option<&'static str>| {
            TextField {
                id,
                label: field_label(&t, id),
                hint: if hint.is_empty() {
                    String::new()
                } else {
                    t.s(hint).into_owned()
                },
                value: value.to_string(),
                multiline,
                lang: l,
                error: err(id),
                findings: findings_of(id),
            }
        };
    let about = vec![
        text_field("title", "case-hint-title", &shown.title, false, None),
        text_field(
            "narrative",
            "case-hint-narrative",
            &shown.narrative,
            true,
            None,
        ),
    ];
    let advising = may_advise(ctx.user);
    let advice = if advising {
        vec![
            text_field("advice_en", "", &shown.advice_en, true, Some("en")),
            text_field("advice_fr", "", &shown.advice_fr, true, Some("fr")),
        ]
    } else {
        Vec::new()
    };
    let links = vec![
        text_field("rules", "case-hint-rules", &shown.rules, false, None),
        text_field("myths", "case-hint-myths", &shown.myths, false, None),
    ];
    let group = |id: &'static str,
                 hint: &str,
                 kind: &'static str,
                 choices: Vec<(String, String)>,
                 checked: &dyn Fn(&str) -> bool| ChoiceGroup {
        id,
        legend: field_label(&t, id),
        hint: if hint.is_empty() {
            String::new()
        } else {
            t.s(hint).into_owned()
        },
        kind,
        choices: choices
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| Choice {
                id: if i == 0 {
                    id.to_string()
                } else {
                    format!("{id}-{value}")
                },
                checked: checked(&value),
                value,
                label,
            })
            .collect(),
        error: err(id),
    };
    let lang_group = group(
        "lang",
        "",
        "radio",
        vec![
            ("en".into(), t.s("case-lang-en").into_owned()),
            ("fr".into(), t.s("case-lang-fr").into_owned()),
        ],
        &|v| v == shown.lang,
    );
    let domains = group(
        "domains",
        "",
        "checkbox",
        pack_domains(m)
            .iter()
            .map(|(w, d)| ((*w).to_string(), d.label().get(lang).to_string()))
            .collect(),
        &|v| shown.domains.iter().any(|d| d == v),
    );
    let consulted = group(
        "consulted",
        "case-hint-consulted",
        "checkbox",
        m.contacts
            .iter()
            .map(|c| (c.id.clone(), contact_label(m, &c.id, lang)))
            .collect(),
        &|v| shown.consulted.iter().any(|d| d == v),
    );
    let status_choices = statuses_for(ctx.user, ctx.before.map(|b| b.status))
        .into_iter()
        .map(|s| (s.word().to_string(), status_label(&t, s)))
        .collect();
    let status_group = group(
        "status",
        "case-hint-status",
        "radio",
        status_choices,
        &|v| v == shown.status,
    );
    let (heading, submit, back) = match &ctx.route {
        Route::CaseLog(CasePage::Edit(id)) => (
            t.s("case-edit-title").into_owned(),
            t.s("case-edit-submit").into_owned(),
            Route::CaseLog(CasePage::View(id.clone())).path(lang),
        ),
        _ => (
            t.s("case-new-title").into_owned(),
            t.s("case-new-submit").into_owned(),
            ctx.hidden
                .iter()
                .find(|(k, _)| *k == "result")
                .map(|(_, r)| Route::Results(r.clone()).path(lang))
                .unwrap_or_else(|| Route::CaseLog(CasePage::List).path(lang)),
        ),
    };
    let alt = match &ctx.route {
        Route::CaseLog(CasePage::New) => ctx
            .hidden
            .iter()
            .find(|(k, _)| *k == "result")
            .map(|(_, r)| {
                format!(
                    "{}?result={}",
                    ctx.route.path(lang.other()),
                    auth::query_value(r)
                )
            })
            .unwrap_or_else(|| ctx.route.path(lang.other())),
        r => r.path(lang.other()),
    };
    let has_error = !errors.is_empty();
    let page = CaseFormPage {
        layout: crate::pages::layout_alt(app, lang, heading.clone(), alt, true, has_error),
        t,
        back,
        errors,
        heading,
        recorded: ctx.recorded,
        conflict: ctx.conflict,
        action: ctx.route.path(lang),
        hidden: ctx.hidden,
        about,
        lang_group,
        domains,
        consulted,
        advice,
        advice_note: (!advising).then(|| t.s("case-advice-specialists").into_owned()),
        status: status_group,
        links,
        submit,
    };
    html(status, Some(lang), page.render())
}

/// What the new situation will record of its result.
fn recorded_rows(app: &App, lang: Lang, r: &SavedResult) -> Vec<Row> {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let (answers, _) = load_answers(m, &r.answers);
    let date = passerelle_check::answers::parse_date(&r.as_of).unwrap_or_else(passerelle::today);
    let snap = take(&app.pack, &app.cases.texts, &answers, date);
    let row = |k: &str, v: String| Row {
        key: t.s(k).into_owned(),
        value: v,
        lang: None,
    };
    let mut rows = Vec::new();
    if let Some(j) = r
        .journey
        .as_ref()
        .and_then(|j| m.journeys.iter().find(|x| x.id == *j))
    {
        rows.push(row("case-journey", j.title.get(lang).to_string()));
    }
    rows.push(row("case-as-of", r.as_of.clone()));
    rows.push(row(
        "case-packs",
        snap.packs
            .iter()
            .map(|p| format!("{} {}", p.id, p.version))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    rows.push(row(
        "case-applied",
        t.cat.args(
            lang,
            "case-applied-counts",
            &[
                (
                    "obligations",
                    crate::i18n::Arg::Num(i64::try_from(snap.obligations.len()).unwrap_or(0)),
                ),
                (
                    "myths",
                    crate::i18n::Arg::Num(i64::try_from(snap.myths.len()).unwrap_or(0)),
                ),
                (
                    "confirm",
                    crate::i18n::Arg::Num(i64::try_from(snap.to_confirm.len()).unwrap_or(0)),
                ),
            ],
        ),
    ));
    rows
}

async fn load_result(app: &App, id: &str) -> Result<Option<SavedResult>, String> {
    if !is_id(id) {
        return Ok(None);
    }
    app.store.result(id).await.map_err(|e| e.to_string())
}

fn result_of_query(query: &str) -> String {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "result")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// GET `/en/cases/new?result=…`.
pub async fn new_get(app: &App, lang: Lang, query: &str) -> Response {
    let route = Route::CaseLog(CasePage::New);
    let v = visitor();
    let Some(user) = v.user() else {
        return to_sign_in(lang, &v.here);
    };
    let rid = result_of_query(query);
    let r = match load_result(app, &rid).await {
        Ok(Some(r)) => r,
        Ok(None) => return no_result(app, lang, &route),
        Err(e) => return server_error(app, lang, &e),
    };
    let ctx = FormCtx {
        route,
        user,
        before: None,
        recorded: recorded_rows(app, lang, &r),
        hidden: vec![("result", rid)],
        conflict: None,
    };
    render(
        app,
        lang,
        ctx,
        &Shown::of(&CaseFields::blank(lang)),
        &[],
        &[],
        None,
        StatusCode::OK,
    )
}

fn no_result(app: &App, lang: Lang, route: &Route) -> Response {
    let t = tr(app, lang);
    auth::message_page(
        app,
        lang,
        StatusCode::NOT_FOUND,
        "case-no-result-title",
        t.s("case-no-result-text").into_owned(),
        route,
        Some((
            Route::Start.path(lang),
            t.s("error-start-again").into_owned(),
        )),
    )
}

/// POST `/en/cases/new`.
pub async fn new_post(app: &App, lang: Lang, form: &Form) -> Response {
    let route = Route::CaseLog(CasePage::New);
    let v = visitor();
    let rid = form.get("result").unwrap_or("").to_string();
    let Some(user) = v.user() else {
        let back = format!("{}?result={}", route.path(lang), auth::query_value(&rid));
        return to_sign_in(lang, &back);
    };
    let r = match load_result(app, &rid).await {
        Ok(Some(r)) => r,
        Ok(None) => return no_result(app, lang, &route),
        Err(e) => return server_error(app, lang, &e),
    };
    let base = CaseFields::blank(lang);
    let ctx = |conflict| FormCtx {
        route: route.clone(),
        user,
        before: None,
        recorded: recorded_rows(app, lang, &r),
        hidden: vec![("result", rid.clone())],
        conflict,
    };
    let mut fields = match resolve(&app.pack.model, &input_of(form), &base) {
        Ok(f) => f,
        Err(problems) => {
            return render(
                app,
                lang,
                ctx(None),
                &Shown::typed(form, &base),
                &problems,
                &[],
                None,
                StatusCode::BAD_REQUEST,
            );
        }
    };
    if let Err(d) = precheck(user, None, &fields) {
        return render(
            app,
            lang,
            ctx(None),
            &Shown::of(&fields),
            &[Problem::from(&d)],
            &[],
            None,
            StatusCode::FORBIDDEN,
        );
    }
    let decide = form_decisions(form);
    let sc = screen_changes(&mut fields, None, &decide);
    if !sc.pending.is_empty() {
        return render(
            app,
            lang,
            ctx(None),
            &Shown::of(&fields),
            &[],
            &sc.pending,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match create(
        app,
        user,
        Origin::Result(r.clone()),
        &fields,
        note(&sc.confirmed),
    )
    .await
    {
        Ok(s) => crate::pages::see_other(&Route::CaseLog(CasePage::View(s.id)).path(lang)),
        Err(SaveError::Denied(d)) => render(
            app,
            lang,
            ctx(None),
            &Shown::of(&fields),
            &[Problem::from(&d)],
            &[],
            None,
            StatusCode::FORBIDDEN,
        ),
        Err(SaveError::Failed(e)) => server_error(app, lang, &e),
        Err(SaveError::NotFound | SaveError::Conflict(_)) => {
            server_error(app, lang, "a new situation conflicted")
        }
    }
}

/// The form again after a CSRF failure, with what was typed.
pub async fn new_csrf(app: &App, lang: Lang, form: &Form) -> Response {
    let route = Route::CaseLog(CasePage::New);
    let v = visitor();
    let Some(user) = v.user() else {
        return auth::csrf_page(app, lang, &route);
    };
    let rid = form.get("result").unwrap_or("").to_string();
    let r = match load_result(app, &rid).await {
        Ok(Some(r)) => r,
        Ok(None) => return no_result(app, lang, &route),
        Err(e) => return server_error(app, lang, &e),
    };
    let ctx = FormCtx {
        route,
        user,
        before: None,
        recorded: recorded_rows(app, lang, &r),
        hidden: vec![("result", rid)],
        conflict: None,
    };
    let t = tr(app, lang);
    render(
        app,
        lang,
        ctx,
        &Shown::typed(form, &CaseFields::blank(lang)),
        &[],
        &[],
        Some(t.s("csrf-form").into_owned()),
        StatusCode::FORBIDDEN,
    )
}

/// Loads a situation for its edit form: `Err` is the response (sign in, not found, not
/// allowed).
async fn editable(app: &App, lang: Lang, id: &str) -> Result<(User, Situation), Response> {
    let route = Route::CaseLog(CasePage::Edit(id.to_string()));
    let v = visitor();
    let Some(user) = v.user() else {
        return Err(to_sign_in(lang, &route.path(lang)));
    };
    match app.store.situation(id).await {
        Ok(Some(s)) if may_edit(Some(user), &s) => Ok((user.clone(), s)),
        Ok(Some(_)) => {
            let t = tr(app, lang);
            Err(auth::message_page(
                app,
                lang,
                StatusCode::FORBIDDEN,
                "deny-title",
                t.s("deny-edit-others").into_owned(),
                &route,
                Some((
                    Route::CaseLog(CasePage::View(id.to_string())).path(lang),
                    t.s("case-back-to-situation").into_owned(),
                )),
            ))
        }
        Ok(None) => Err(not_found(app, lang, route.path(lang.other()))),
        Err(e) => Err(server_error(app, lang, &e.to_string())),
    }
}

fn edit_ctx<'x>(
    app: &App,
    lang: Lang,
    user: &'x User,
    before: &'x Situation,
    revision: i64,
    conflict: Option<ConflictView>,
) -> FormCtx<'x> {
    let t = tr(app, lang);
    FormCtx {
        route: Route::CaseLog(CasePage::Edit(before.id.clone())),
        user,
        before: Some(before),
        recorded: vec![Row {
            key: t.s("case-as-of").into_owned(),
            value: before.verdict.as_of.clone(),
            lang: None,
        }],
        hidden: vec![("revision", revision.to_string())],
        conflict,
    }
}

/// GET `/en/cases/{id}/edit`.
pub async fn edit_get(app: &App, lang: Lang, id: &str) -> Response {
    let (user, s) = match editable(app, lang, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    render(
        app,
        lang,
        edit_ctx(app, lang, &user, &s, s.revision, None),
        &Shown::of(&CaseFields::of(&s)),
        &[],
        &[],
        None,
        StatusCode::OK,
    )
}

async fn conflict_view(app: &App, lang: Lang, current: &Situation) -> ConflictView {
    let t = tr(app, lang);
    let names = display_names(app, &[&current.updated_by]).await;
    let who = names
        .get(&current.updated_by)
        .cloned()
        .unwrap_or_else(|| current.updated_by.clone());
    ConflictView {
        message: t.n(
            "case-conflict",
            "revision",
            usize::try_from(current.revision).unwrap_or(0),
        ),
        title: current.title.clone(),
        narrative: current.narrative.clone(),
        text_lang: lang_attr(&current.lang, lang),
        rows: vec![
            Row {
                key: t.s("case-status").into_owned(),
                value: status_label(&t, current.status),
                lang: None,
            },
            Row {
                key: t.s("case-updated").into_owned(),
                value: t.cat.args(
                    lang,
                    "case-by-on",
                    &[
                        ("who", crate::i18n::Arg::Str(&who)),
                        ("when", crate::i18n::Arg::Str(&current.updated_at)),
                    ],
                ),
                lang: None,
            },
            Row {
                key: t.s("case-field-advice-en").into_owned(),
                value: current.advice_en.clone(),
                lang: lang_attr("en", lang),
            },
            Row {
                key: t.s("case-field-advice-fr").into_owned(),
                value: current.advice_fr.clone(),
                lang: lang_attr("fr", lang),
            },
        ],
    }
}

/// POST `/en/cases/{id}/edit`.
pub async fn edit_post(app: &App, lang: Lang, id: &str, form: &Form) -> Response {
    let (user, before) = match editable(app, lang, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let base = CaseFields::of(&before);
    let Some(revision) = form.get("revision").and_then(|r| r.parse::<i64>().ok()) else {
        return render(
            app,
            lang,
            edit_ctx(app, lang, &user, &before, before.revision, None),
            &Shown::typed(form, &base),
            &[Problem::new("title", "case-err-revision", None)],
            &[],
            None,
            StatusCode::BAD_REQUEST,
        );
    };
    let mut fields = match resolve(&app.pack.model, &input_of(form), &base) {
        Ok(f) => f,
        Err(problems) => {
            return render(
                app,
                lang,
                edit_ctx(app, lang, &user, &before, revision, None),
                &Shown::typed(form, &base),
                &problems,
                &[],
                None,
                StatusCode::BAD_REQUEST,
            );
        }
    };
    if let Err(d) = precheck(&user, Some(&before), &fields) {
        return render(
            app,
            lang,
            edit_ctx(app, lang, &user, &before, revision, None),
            &Shown::of(&fields),
            &[Problem::from(&d)],
            &[],
            None,
            StatusCode::FORBIDDEN,
        );
    }
    let decide = form_decisions(form);
    let sc = screen_changes(&mut fields, Some(&base), &decide);
    if !sc.pending.is_empty() {
        return render(
            app,
            lang,
            edit_ctx(app, lang, &user, &before, revision, None),
            &Shown::of(&fields),
            &[],
            &sc.pending,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match update(app, &user, &before, revision, &fields, note(&sc.confirmed)).await {
        Ok(s) => crate::pages::see_other(&Route::CaseLog(CasePage::View(s.id)).path(lang)),
        Err(SaveError::Conflict(current)) => {
            let c = conflict_view(app, lang, &current).await;
            render(
                app,
                lang,
                edit_ctx(app, lang, &user, &current, current.revision, Some(c)),
                &Shown::of(&fields),
                &[],
                &[],
                Some(tr(app, lang).n(
                    "case-conflict",
                    "revision",
                    usize::try_from(current.revision).unwrap_or(0),
                )),
                StatusCode::CONFLICT,
            )
        }
        Err(SaveError::Denied(d)) => render(
            app,
            lang,
            edit_ctx(app, lang, &user, &before, revision, None),
            &Shown::of(&fields),
            &[Problem::from(&d)],
            &[],
            None,
            StatusCode::FORBIDDEN,
        ),
        Err(SaveError::NotFound) => not_found(
            app,
            lang,
            Route::CaseLog(CasePage::View(id.to_string())).path(lang.other()),
        ),
        Err(SaveError::Failed(e)) => server_error(app, lang, &e),
    }
}

/// The edit form again after a CSRF failure, with what was typed.
pub async fn edit_csrf(app: &App, lang: Lang, id: &str, form: &Form) -> Response {
    let route = Route::CaseLog(CasePage::Edit(id.to_string()));
    if visitor().user().is_none() {
        return auth::csrf_page(app, lang, &route);
    }
    let (user, before) = match editable(app, lang, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let revision = form
        .get("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(before.revision);
    let t = tr(app, lang);
    render(
        app,
        lang,
        edit_ctx(app, lang, &user, &before, revision, None),
        &Shown::typed(form, &CaseFields::of(&before)),
        &[],
        &[],
        Some(t.s("csrf-form").into_owned()),
        StatusCode::FORBIDDEN,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> CaseFields {
        let mut f = CaseFields::blank(Lang::En);
        f.title = "Pilot".into();
        f.narrative = "Call 613-555-0199 or write to jo@example.ca today.".into();
        f
    }

    #[test]
    fn a_finding_blocks_until_decided() {
        let mut f = fields();
        let sc = screen_changes(&mut f, None, &|_, _| None);
        assert_eq!(sc.pending.len(), 2);
        assert!(sc.pending.iter().all(|(_, d)| d.is_none()));
        assert_eq!(f, fields(), "nothing changed");
    }

    #[test]
    fn remove_cuts_and_keep_is_recorded() {
        let mut f = fields();
        let sc = screen_changes(&mut f, None, &|_, x| {
            Some(if x.text.contains('@') {
                Decision::Remove
            } else {
                Decision::Keep
            })
        });
        assert!(sc.pending.is_empty(), "{sc:?}");
        assert_eq!(f.narrative, "Call 613-555-0199 or write to […] today.");
        assert_eq!(sc.confirmed.len(), 1);
        let n = note(&sc.confirmed).unwrap_or_default();
        assert_eq!(n["pi_confirmed"][0]["text"], "613-555-0199");
        assert_eq!(n["pi_confirmed"][0]["kind"], "phone");
    }

    #[test]
    fn a_partial_decision_applies_and_asks_for_the_rest() {
        let mut f = fields();
        let sc = screen_changes(&mut f, None, &|_, x| {
            x.text.contains('@').then_some(Decision::Remove)
        });
        assert_eq!(f.narrative, "Call 613-555-0199 or write to […] today.");
        assert_eq!(sc.pending.len(), 1);
        assert_eq!(sc.pending[0].0.finding.text, "613-555-0199");
    }

    #[test]
    fn unchanged_fields_are_not_screened_again() {
        let before = fields();
        let mut f = fields();
        f.title = "Pilot 2".into();
        let sc = screen_changes(&mut f, Some(&before), &|_, _| None);
        assert!(sc.pending.is_empty() && sc.confirmed.is_empty());
    }

    #[test]
    fn ids_split_on_spaces_and_commas() {
        assert_eq!(split_ids(" a, b;c\n d "), vec!["a", "b", "c", "d"]);
    }
}
