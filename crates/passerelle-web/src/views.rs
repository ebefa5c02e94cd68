//! The HTML templates (askama, compiled into the binary) and what each one shows.

use crate::i18n::Tr;
use askama::Template;

/// What every page's frame needs.
pub struct Layout<'a> {
    /// The catalog in the page's language.
    pub t: Tr<'a>,
    /// The page title (without the site name).
    pub title: String,
    /// The same page in the other language.
    pub alt_href: String,
    /// `en` / `fr` of the other language.
    pub other_code: &'static str,
    /// `<meta name="robots">`.
    pub robots: Option<&'static str>,
    /// Passerelle's version.
    pub version: &'static str,
    /// The page shows an error (the title starts with "Error:").
    pub has_error: bool,
    /// `gcds-footer contextual-links` (JSON).
    pub footer_links: String,
    /// Index pages.
    pub rules_href: String,
    /// Myths index.
    pub myths_href: String,
    /// Instruments index.
    pub instruments_href: String,
    /// Account links and the CSRF token of the page's forms.
    pub account: crate::auth::AccountNav,
}

/// An entry of an error summary.
pub struct ErrorLink {
    /// `#field` (empty: no link).
    pub href: String,
    /// The message.
    pub text: String,
}

/// A radio button or checkbox.
pub struct Choice {
    /// Element id.
    pub id: String,
    /// Submitted value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Selected.
    pub checked: bool,
}

/// One form field.
pub struct FieldInput {
    /// Element id and field name.
    pub id: String,
    /// bool | enum | set | integer | money | date | text.
    pub kind: &'static str,
    /// Question (label or legend).
    pub label: String,
    /// Help text.
    pub hint: String,
    /// The label or legend is the page's heading.
    pub heading: bool,
    /// Options.
    pub choices: Vec<Choice>,
    /// "None of these" is ticked (sets).
    pub none_checked: bool,
    /// Typed value.
    pub value: String,
    /// Date: year.
    pub year: String,
    /// Date: month.
    pub month: String,
    /// Date: day.
    pub day: String,
    /// Unit after a number.
    pub unit: Option<String>,
    /// The problem with the value.
    pub error: Option<String>,
}

impl FieldInput {
    /// `aria-describedby`: the hint, and the error when there is one.
    pub fn describedby(&self) -> String {
        match self.error {
            Some(_) => format!("{}-hint {}-error", self.id, self.id),
            None => format!("{}-hint", self.id),
        }
    }
}

/// `/`.
#[derive(Template)]
#[template(path = "splash.html")]
pub struct SplashPage {
    /// English tagline.
    pub en_tagline: String,
    /// French tagline.
    pub fr_tagline: String,
    /// Terms (English).
    pub en_terms: String,
    /// Terms (French).
    pub fr_terms: String,
    /// Version.
    pub version: &'static str,
}

/// A journey on the start page.
pub struct JourneyCard {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
}

/// `/en`.
#[derive(Template)]
#[template(path = "start.html")]
pub struct StartPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Journeys.
    pub journeys: Vec<JourneyCard>,
    /// POST here to start.
    pub new_action: String,
    /// Counts.
    pub n_rules: usize,
    /// Myths.
    pub n_myths: usize,
    /// Instruments.
    pub n_instruments: usize,
    /// Packs served.
    pub packs: Vec<String>,
}

/// One question.
#[derive(Template)]
#[template(path = "question.html")]
pub struct QuestionPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Back link.
    pub back: String,
    /// Error summary.
    pub errors: Vec<ErrorLink>,
    /// "Question 3".
    pub progress: String,
    /// Form action.
    pub action: String,
    /// Came from "check your answers".
    pub ret: bool,
    /// The field.
    pub field: FieldInput,
    /// Rules the answer settles.
    pub settles: Vec<String>,
    /// Myths it settles.
    pub settles_myths: Vec<String>,
}

/// An item of a group.
pub struct ItemRow {
    /// Index.
    pub index: usize,
    /// Label.
    pub label: String,
    /// (question, answer).
    pub details: Vec<(String, String)>,
}

/// A repeated group.
#[derive(Template)]
#[template(path = "group.html")]
pub struct GroupPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Back link.
    pub back: String,
    /// Error summary.
    pub errors: Vec<ErrorLink>,
    /// Progress line.
    pub progress: String,
    /// Form action.
    pub action: String,
    /// Came from "check your answers".
    pub ret: bool,
    /// The group's question.
    pub title: String,
    /// Help.
    pub help: String,
    /// Rules it settles.
    pub settles: Vec<String>,
    /// Myths it settles.
    pub settles_myths: Vec<String>,
    /// "Added so far (2)".
    pub items_heading: String,
    /// Items.
    pub items: Vec<ItemRow>,
    /// Under the item limit.
    pub can_add: bool,
    /// "Add an item".
    pub add_heading: String,
    /// Button.
    pub add_button: String,
    /// Fields of a new item.
    pub fields: Vec<FieldInput>,
    /// Text above "Continue".
    pub continue_note: String,
}

/// A row of "check your answers".
pub struct AnswerRow {
    /// The question.
    pub question: String,
    /// The answer (one line, or one per item).
    pub lines: Vec<String>,
    /// Change link.
    pub change: String,
}

/// "Check your answers".
#[derive(Template)]
#[template(path = "check.html")]
pub struct CheckPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Back link.
    pub back: String,
    /// Rows.
    pub rows: Vec<AnswerRow>,
    /// A question still to answer.
    pub pending: Option<String>,
    /// The journey's title.
    pub journey: Option<String>,
    /// POST here for results.
    pub action: String,
}

/// A citation.
pub struct CiteView {
    /// "Privacy Act, 5(2)".
    pub label: String,
    /// Official page.
    pub url: String,
    /// Paraphrase.
    pub paraphrase: String,
}

/// An obligation.
pub struct ObligationView {
    /// Anchor.
    pub anchor: String,
    /// must | must_not | may | should.
    pub kind: &'static str,
    /// For people.
    pub kind_label: String,
    /// Text.
    pub text: String,
    /// Intent.
    pub intent: String,
    /// "For Lookback".
    pub item: Option<String>,
    /// Who to ask.
    pub owner: Option<String>,
    /// Citations.
    pub citations: Vec<CiteView>,
    /// The rule's page.
    pub rule_href: String,
    /// The explanation, as escaped HTML.
    pub because_html: String,
}

/// A domain within a phase.
pub struct DomainGroup {
    /// Label.
    pub label: String,
    /// Obligations.
    pub items: Vec<ObligationView>,
}

/// A phase.
pub struct PhaseGroup {
    /// before | during | after.
    pub id: &'static str,
    /// Label.
    pub label: String,
    /// Number of obligations.
    pub count: usize,
    /// Domains.
    pub domains: Vec<DomainGroup>,
}

/// A rule to confirm.
pub struct ConfirmView {
    /// Text.
    pub text: String,
    /// Item.
    pub item: Option<String>,
    /// Why unverified.
    pub reason: String,
    /// Citations.
    pub citations: Vec<CiteView>,
}

/// A myth in results.
pub struct MythView {
    /// Its page.
    pub href: String,
    /// Claim.
    pub claim: String,
    /// Verdict word.
    pub verdict: &'static str,
    /// Verdict label.
    pub verdict_label: String,
    /// Explanation.
    pub explanation: String,
    /// Citations.
    pub citations: Vec<CiteView>,
}

/// A contact.
pub struct ContactView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// What to ask.
    pub ask: String,
    /// Web page.
    pub url: Option<String>,
}

/// Results.
#[derive(Template)]
#[template(path = "results.html")]
pub struct ResultsPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Result id.
    pub id: String,
    /// Summary line.
    pub summary: String,
    /// The packs changed since it was saved.
    pub changed: bool,
    /// Nothing undetermined.
    pub complete: bool,
    /// Obligations.
    pub phases: Vec<PhaseGroup>,
    /// To confirm.
    pub to_confirm: Vec<ConfirmView>,
    /// Undetermined rules.
    pub undetermined: Vec<String>,
    /// Displaced rules (text, why).
    pub displaced: Vec<(String, String)>,
    /// Myths.
    pub myths: Vec<MythView>,
    /// Contacts.
    pub contacts: Vec<ContactView>,
    /// Permanent link.
    pub permalink: String,
    /// Shown text of the link.
    pub permalink_text: String,
    /// JSON download.
    pub json_href: String,
    /// Generated documents.
    pub documents: crate::documents::Section,
    /// Others in your situation; save this situation.
    pub case_log: crate::cases::ResultsCaseLog,
}

/// A link in an index.
pub struct IndexLink {
    /// Target.
    pub href: String,
    /// Text.
    pub text: String,
    /// Small print.
    pub meta: String,
}

/// A section of an index.
pub struct IndexGroup {
    /// Anchor.
    pub id: String,
    /// Heading.
    pub label: String,
    /// Links.
    pub items: Vec<IndexLink>,
}

/// `/en/rules`.
#[derive(Template)]
#[template(path = "rules.html")]
pub struct RulesPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// By domain.
    pub domains: Vec<IndexGroup>,
    /// Exceptions.
    pub exceptions: Vec<IndexLink>,
}

/// `/en/rules/{id}`.
#[derive(Template)]
#[template(path = "rule.html")]
pub struct RulePage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Id.
    pub id: String,
    /// Kind word.
    pub kind: &'static str,
    /// Kind label.
    pub kind_label: String,
    /// Text.
    pub text: String,
    /// Intent.
    pub intent: String,
    /// Domain.
    pub domain: String,
    /// Phase.
    pub phase: String,
    /// Condition in words.
    pub condition: String,
    /// Per-item group.
    pub per_item: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Layer.
    pub layer: String,
    /// Period.
    pub period: String,
    /// Verification.
    pub status: String,
    /// (href, title).
    pub instrument: Option<(String, String)>,
    /// Citations.
    pub citations: Vec<CiteView>,
    /// Exceptions and rules that displace it.
    pub displaced_by: Vec<IndexLink>,
    /// Rules it displaces.
    pub displaces: Vec<IndexLink>,
}

/// `/en/myths`.
#[derive(Template)]
#[template(path = "myths.html")]
pub struct MythsPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Myths.
    pub myths: Vec<IndexLink>,
}

/// `/en/myths/{id}`.
#[derive(Template)]
#[template(path = "myth.html")]
pub struct MythPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Claim.
    pub claim: String,
    /// Verdict word.
    pub verdict: &'static str,
    /// Verdict label.
    pub verdict_label: String,
    /// Explanation.
    pub explanation: String,
    /// When it is relevant.
    pub relevant: String,
    /// Verification.
    pub status: String,
    /// Citations.
    pub citations: Vec<CiteView>,
}

/// `/en/instruments`.
#[derive(Template)]
#[template(path = "instruments.html")]
pub struct InstrumentsPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// By kind.
    pub kinds: Vec<IndexGroup>,
}

/// A provision.
pub struct ProvisionView {
    /// Section.
    pub section: String,
    /// Heading title.
    pub title: String,
    /// Paraphrase.
    pub paraphrase: String,
    /// Rules citing it.
    pub rules: Vec<IndexLink>,
}

/// `/en/instruments/{id}`.
#[derive(Template)]
#[template(path = "instrument.html")]
pub struct InstrumentPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Kind label.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Owner.
    pub owner: Option<String>,
    /// Period.
    pub period: String,
    /// Layer.
    pub layer: String,
    /// Official page.
    pub source: String,
    /// Provisions.
    pub provisions: Vec<ProvisionView>,
}

/// An error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Heading.
    pub heading: String,
    /// Message.
    pub message: String,
    /// Error summary (empty on most error pages).
    pub errors: Vec<ErrorLink>,
    /// A way back: (href, text).
    pub back: Option<(String, String)>,
}
