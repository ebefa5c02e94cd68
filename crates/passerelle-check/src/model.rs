//! The checked model: every declaration of every loaded pack, resolved and typed.
//!
//! **Architecture invariant:** a `Model` without error diagnostics is internally
//! consistent: every id resolves, every expression is well typed, every text a person reads
//! has English and French, definitions and displacements are acyclic.

use jiff::civil::Date;
use passerelle_diag::{Bi, FileId, Span};
use passerelle_syntax::Unit;
use std::collections::HashMap;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        /// Index into the model's table of the same name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            /// As a `usize` index.
            pub fn idx(self) -> usize { self.0 as usize }
        }
    )*};
}
id_type!(
    PackId,
    InstrumentId,
    ContactId,
    FactId,
    GroupId,
    DefId,
    RuleId,
    MythId,
    JourneyId,
    ScenarioId
);

/// Converts a table length into an id (tables never exceed `u32::MAX` entries: the loader
/// limits file sizes long before that).
pub(crate) fn id32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A pack's place in the hierarchy of authority.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Government-wide.
    GcWide,
    /// A department's own layer.
    Department(String),
    /// A partner department's requirements.
    Partner(String),
}

impl Layer {
    /// 0 for government-wide, 1 for departmental, 2 for partner: lower is higher authority.
    pub fn rank(&self) -> u8 {
        match self {
            Layer::GcWide => 0,
            Layer::Department(_) => 1,
            Layer::Partner(_) => 2,
        }
    }

    /// The kind word used by `delegates`.
    pub fn kind_word(&self) -> &'static str {
        match self {
            Layer::GcWide => "gc-wide",
            Layer::Department(_) => "department",
            Layer::Partner(_) => "partner",
        }
    }

    /// Parses `gc-wide`, `department:<id>`, `partner:<id>`.
    pub fn parse(s: &str) -> Option<Layer> {
        match s.split_once(':') {
            None if s == "gc-wide" => Some(Layer::GcWide),
            Some(("department", id)) if !id.is_empty() => Some(Layer::Department(id.to_string())),
            Some(("partner", id)) if !id.is_empty() => Some(Layer::Partner(id.to_string())),
            _ => None,
        }
    }

    /// As written in `pack.toml`.
    pub fn label(&self) -> String {
        match self {
            Layer::GcWide => "gc-wide".to_string(),
            Layer::Department(d) => format!("department:{d}"),
            Layer::Partner(p) => format!("partner:{p}"),
        }
    }
}

/// An effective period: both ends inclusive, open when `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Period {
    /// First day in force.
    pub from: Option<Date>,
    /// Last day in force.
    pub to: Option<Date>,
}

impl Period {
    /// Whether `d` falls inside.
    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }

    /// The intersection of two periods.
    pub fn intersect(&self, o: &Period) -> Period {
        Period {
            from: match (self.from, o.from) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            to: match (self.to, o.to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

/// A loaded pack's manifest.
#[derive(Clone, Debug)]
pub struct PackMeta {
    /// `id` from `pack.toml`.
    pub id: String,
    /// `version`.
    pub version: String,
    /// `title`.
    pub title: Bi,
    /// `layer`.
    pub layer: Layer,
    /// Ids of the packs it builds on.
    pub builds_on: Vec<String>,
    /// The folder, as shown to people.
    pub dir: String,
    /// The manifest file.
    pub manifest: Option<FileId>,
}

/// Kinds of instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstrumentKind {
    /// An Act of Parliament.
    Act,
    /// A regulation.
    Regulation,
    /// A Treasury Board policy.
    Policy,
    /// A directive.
    Directive,
    /// A standard.
    Standard,
    /// A guideline or guide.
    Guideline,
    /// A department's own instrument.
    Departmental,
    /// A partner department's instrument.
    Partner,
}

impl InstrumentKind {
    /// Parses the front-matter word.
    pub fn parse(s: &str) -> Option<InstrumentKind> {
        Some(match s {
            "act" => InstrumentKind::Act,
            "regulation" => InstrumentKind::Regulation,
            "policy" => InstrumentKind::Policy,
            "directive" => InstrumentKind::Directive,
            "standard" => InstrumentKind::Standard,
            "guideline" => InstrumentKind::Guideline,
            "departmental" => InstrumentKind::Departmental,
            "partner" => InstrumentKind::Partner,
            _ => return None,
        })
    }

    /// The front-matter word.
    pub fn word(self) -> &'static str {
        match self {
            InstrumentKind::Act => "act",
            InstrumentKind::Regulation => "regulation",
            InstrumentKind::Policy => "policy",
            InstrumentKind::Directive => "directive",
            InstrumentKind::Standard => "standard",
            InstrumentKind::Guideline => "guideline",
            InstrumentKind::Departmental => "departmental",
            InstrumentKind::Partner => "partner",
        }
    }

    /// The kind in a language, for people.
    pub fn label(self) -> Bi {
        match self {
            InstrumentKind::Act => Bi::new("Act", "Loi"),
            InstrumentKind::Regulation => Bi::new("Regulation", "Règlement"),
            InstrumentKind::Policy => Bi::new("Policy", "Politique"),
            InstrumentKind::Directive => Bi::new("Directive", "Directive"),
            InstrumentKind::Standard => Bi::new("Standard", "Norme"),
            InstrumentKind::Guideline => Bi::new("Guideline", "Ligne directrice"),
            InstrumentKind::Departmental => {
                Bi::new("Departmental instrument", "Instrument ministériel")
            }
            InstrumentKind::Partner => Bi::new("Partner instrument", "Instrument d'un partenaire"),
        }
    }
}

/// A provision heading of an instrument file.
#[derive(Clone, Debug)]
pub struct ProvisionInfo {
    /// Section as numbered by the instrument.
    pub section: String,
    /// Heading title.
    pub title: String,
    /// Paraphrase.
    pub paraphrase: Bi,
    /// The heading.
    pub span: Span,
}

/// Where the official machine-readable text lives, relative to a sources folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfficialPaths {
    /// English text.
    pub en: Option<String>,
    /// French text.
    pub fr: Option<String>,
}

/// An instrument: Act, regulation, policy, directive…
#[derive(Clone, Debug)]
pub struct Instrument {
    /// Id used in citations.
    pub id: String,
    /// Kind.
    pub kind: InstrumentKind,
    /// Official title.
    pub title: Bi,
    /// Owner (a contact).
    pub owner: Option<ContactId>,
    /// Period in force.
    pub period: Period,
    /// Official pages.
    pub source: Bi,
    /// Official machine-readable text.
    pub official: OfficialPaths,
    /// Earlier section numbers → current ones.
    pub aliases: Vec<(String, String)>,
    /// Layer.
    pub layer: Layer,
    /// Pack.
    pub pack: PackId,
    /// Its provisions.
    pub provisions: Vec<ProvisionInfo>,
    /// The file.
    pub file: FileId,
    /// The front matter.
    pub span: Span,
}

impl Instrument {
    /// Resolves a cited section to the provision heading it falls under (exact, through an
    /// alias, or as a sub-provision), returning the canonical section.
    pub fn resolve_section(&self, section: &str) -> Option<(String, usize)> {
        let canonical = self
            .aliases
            .iter()
            .find_map(|(old, new)| {
                if section == old {
                    Some(new.clone())
                } else {
                    section
                        .strip_prefix(old.as_str())
                        .filter(|rest| rest.starts_with(['.', '(']))
                        .map(|rest| format!("{new}{rest}"))
                }
            })
            .unwrap_or_else(|| section.to_string());
        let mut best: Option<usize> = None;
        for (i, p) in self.provisions.iter().enumerate() {
            let under = canonical == p.section
                || canonical
                    .strip_prefix(p.section.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '(']));
            if under && best.is_none_or(|b| self.provisions[b].section.len() < p.section.len()) {
                best = Some(i);
            }
        }
        best.map(|b| (canonical, b))
    }
}

/// Policy-centre roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Privacy.
    Privacy,
    /// Access to information and privacy.
    Atip,
    /// Information management.
    Im,
    /// Information technology.
    It,
    /// Security.
    Security,
    /// Procurement.
    Procurement,
    /// Communications.
    Communications,
    /// Official languages.
    OfficialLanguages,
    /// Accessibility.
    Accessibility,
    /// Finance.
    Finance,
    /// Legal services.
    Legal,
}

impl Role {
    /// All roles with their words.
    pub const ALL: &'static [(&'static str, Role)] = &[
        ("privacy", Role::Privacy),
        ("atip", Role::Atip),
        ("im", Role::Im),
        ("it", Role::It),
        ("security", Role::Security),
        ("procurement", Role::Procurement),
        ("communications", Role::Communications),
        ("official_languages", Role::OfficialLanguages),
        ("accessibility", Role::Accessibility),
        ("finance", Role::Finance),
        ("legal", Role::Legal),
    ];

    /// The word.
    pub fn word(self) -> &'static str {
        Role::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map(|(w, _)| *w)
            .unwrap_or("privacy")
    }

    /// For people.
    pub fn label(self) -> Bi {
        match self {
            Role::Privacy => Bi::new("Privacy", "Protection des renseignements personnels"),
            Role::Atip => Bi::new(
                "Access to information and privacy",
                "Accès à l'information et protection des renseignements personnels",
            ),
            Role::Im => Bi::new("Information management", "Gestion de l'information"),
            Role::It => Bi::new("Information technology", "Technologie de l'information"),
            Role::Security => Bi::new("Security", "Sécurité"),
            Role::Procurement => Bi::new("Procurement", "Approvisionnement"),
            Role::Communications => Bi::new("Communications", "Communications"),
            Role::OfficialLanguages => Bi::new("Official languages", "Langues officielles"),
            Role::Accessibility => Bi::new("Accessibility", "Accessibilité"),
            Role::Finance => Bi::new("Finance", "Finances"),
            Role::Legal => Bi::new("Legal services", "Services juridiques"),
        }
    }
}

/// A policy centre.
#[derive(Clone, Debug)]
pub struct Contact {
    /// Id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Name.
    pub name: Bi,
    /// What to ask them.
    pub ask: Bi,
    /// An optional web page.
    pub url: Option<String>,
    /// Where declared.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// Fact types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FactType {
    /// Yes or no.
    Bool,
    /// Whole number.
    Int,
    /// Amount in cents.
    Money,
    /// Calendar date.
    Date,
    /// Free text.
    Text,
    /// One option.
    Enum,
    /// Several options.
    Set,
}

impl FactType {
    /// Parses a type word.
    pub fn parse(s: &str) -> Option<FactType> {
        Some(match s {
            "bool" => FactType::Bool,
            "integer" => FactType::Int,
            "money" => FactType::Money,
            "date" => FactType::Date,
            "text" => FactType::Text,
            "enum" => FactType::Enum,
            "set" => FactType::Set,
            _ => return None,
        })
    }

    /// The word.
    pub fn word(self) -> &'static str {
        match self {
            FactType::Bool => "bool",
            FactType::Int => "integer",
            FactType::Money => "money",
            FactType::Date => "date",
            FactType::Text => "text",
            FactType::Enum => "enum",
            FactType::Set => "set",
        }
    }
}

/// An answer option.
#[derive(Clone, Debug)]
pub struct OptionDecl {
    /// Name used in rules and JSON.
    pub name: String,
    /// Label for people.
    pub label: Bi,
    /// Where.
    pub span: Span,
}

/// A question.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: FactType,
    /// The question.
    pub question: Bi,
    /// Help text.
    pub help: Bi,
    /// Options (enum and set).
    pub options: Vec<OptionDecl>,
    /// Ask only when this holds.
    pub gate: Option<Expr>,
    /// Value when the gate is false.
    pub otherwise: Option<Value>,
    /// Smallest accepted value.
    pub min: Option<Value>,
    /// Largest accepted value.
    pub max: Option<Value>,
    /// Unit shown after a number.
    pub unit: Option<Bi>,
    /// The group it belongs to.
    pub group: Option<GroupId>,
    /// Asked only to fill generated documents (`for_documents`), not in the interview.
    pub for_documents: bool,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

impl Fact {
    /// The index of an option by name.
    pub fn option_index(&self, name: &str) -> Option<u32> {
        self.options.iter().position(|o| o.name == name).map(id32)
    }
}

/// A repeated group.
#[derive(Clone, Debug)]
pub struct Group {
    /// Name.
    pub name: String,
    /// The question ("Which tools…").
    pub question: Bi,
    /// Help.
    pub help: Bi,
    /// The field naming an item.
    pub label_field: Option<FactId>,
    /// Fields, in order.
    pub fields: Vec<FactId>,
    /// Ask only when this holds.
    pub gate: Option<Expr>,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// Value types of expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Boolean.
    Bool,
    /// Integer.
    Int,
    /// Money.
    Money,
    /// Date.
    Date,
    /// Duration.
    Duration,
    /// Text.
    Text,
    /// An option of the fact's enum.
    Enum(FactId),
    /// A subset of the fact's options.
    Set(FactId),
    /// A repeated group.
    Group(GroupId),
    /// One item of a group.
    Item(GroupId),
    /// A list literal.
    List,
    /// Already reported.
    Error,
}

/// A derived value.
#[derive(Clone, Debug)]
pub struct Def {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: Type,
    /// For people.
    pub label: Bi,
    /// `case cond => value`, in order.
    pub cases: Vec<(Expr, Expr)>,
    /// `default` or `value`.
    pub default: Expr,
    /// For thresholds: the dated values (the cases are derived from them).
    pub periods: Vec<ThresholdPeriod>,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// One dated value of a threshold.
#[derive(Clone, Debug)]
pub struct ThresholdPeriod {
    /// When it is in force.
    pub period: Period,
    /// The value.
    pub value: Value,
    /// Its source.
    pub citations: Vec<Citation>,
    /// Verification status.
    pub status: Status,
    /// Where.
    pub span: Span,
}

/// Who acts in a process step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A contact of the pack.
    Contact(ContactId),
    /// A role.
    Role(Role),
}

/// One step of a process.
#[derive(Clone, Debug)]
pub struct Step {
    /// Id within the process.
    pub id: String,
    /// What happens.
    pub title: Bi,
    /// When the step is needed.
    pub when: Option<Expr>,
    /// Who acts.
    pub actor: Actor,
    /// What it produces.
    pub produces: Bi,
    /// Typical lead time in weeks.
    pub weeks: u32,
    /// Steps (indexes in the process) that must be finished first.
    pub after: Vec<usize>,
    /// Sources.
    pub citations: Vec<Citation>,
    /// Verification.
    pub status: Status,
    /// Where.
    pub span: Span,
}

/// A process: the steps behind obligations.
#[derive(Clone, Debug)]
pub struct Process {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Bi,
    /// Description.
    pub description: Option<Bi>,
    /// When it applies.
    pub when: Option<Expr>,
    /// Phase.
    pub phase: Phase,
    /// Steps, in their usual order.
    pub steps: Vec<Step>,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// Deontic modality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modal {
    /// Must.
    Must,
    /// Must not.
    MustNot,
    /// May.
    May,
    /// Should.
    Should,
}

impl Modal {
    /// Parses the word.
    pub fn parse(s: &str) -> Option<Modal> {
        Some(match s {
            "must" => Modal::Must,
            "must_not" => Modal::MustNot,
            "may" => Modal::May,
            "should" => Modal::Should,
            _ => return None,
        })
    }

    /// The word.
    pub fn word(self) -> &'static str {
        match self {
            Modal::Must => "must",
            Modal::MustNot => "must_not",
            Modal::May => "may",
            Modal::Should => "should",
        }
    }

    /// For people.
    pub fn label(self) -> Bi {
        match self {
            Modal::Must => Bi::new("Must", "Obligatoire"),
            Modal::MustNot => Bi::new("Must not", "Interdit"),
            Modal::May => Bi::new("May", "Permis"),
            Modal::Should => Bi::new("Should", "Recommandé"),
        }
    }
}

/// Obligation or exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// An obligation with its modality.
    Obligation(Modal),
    /// An exception: only displaces.
    Exception,
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident => $w:literal, $en:literal, $fr:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = $en] $v,)* }
        impl $name {
            /// All values with their words.
            pub const ALL: &'static [(&'static str, $name)] = &[$(($w, $name::$v),)*];
            /// Parses the word.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().find(|(w, _)| *w == s).map(|(_, v)| *v)
            }
            /// The word.
            pub fn word(self) -> &'static str {
                match self { $($name::$v => $w,)* }
            }
            /// For people.
            pub fn label(self) -> Bi {
                match self { $($name::$v => Bi::new($en, $fr),)* }
            }
        }
    };
}

word_enum!(
    /// Policy domains.
    Domain {
        Privacy => "privacy", "Privacy", "Protection des renseignements personnels";
        Security => "security", "Security", "Sécurité";
        It => "it", "Information technology", "Technologie de l'information";
        Im => "im", "Information management", "Gestion de l'information";
        Procurement => "procurement", "Procurement", "Approvisionnement";
        Communications => "communications", "Communications", "Communications";
        OfficialLanguages => "official_languages", "Official languages", "Langues officielles";
        Accessibility => "accessibility", "Accessibility", "Accessibilité";
        Finance => "finance", "Finance", "Finances";
    }
);

word_enum!(
    /// When in the project an obligation bites.
    Phase {
        Before => "before", "Before you start", "Avant de commencer";
        During => "during", "While you work", "Pendant le travail";
        After => "after", "When you finish", "À la fin";
    }
);

word_enum!(
    /// What a myth turns out to be.
    MythVerdict {
        NotARule => "not_a_rule", "Not a rule", "Ce n'est pas une règle";
        PartlyTrue => "partly_true", "Partly true", "En partie vrai";
        True => "true", "True", "Vrai";
    }
);

/// Verification status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Checked against the source text on that day.
    Verified(Date),
    /// Not checked, and why (in both languages).
    Unverified(Bi),
}

impl Status {
    /// Whether verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Status::Verified(_))
    }
}

/// A resolved citation.
#[derive(Clone, Debug)]
pub struct Citation {
    /// The instrument.
    pub instrument: InstrumentId,
    /// The section as written.
    pub section: String,
    /// The section after aliases.
    pub canonical: String,
    /// Index of the provision heading it falls under.
    pub provision: usize,
    /// Where it is written (or the heading, for implicit citations).
    pub span: Span,
}

/// An obligation or an exception.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Id.
    pub id: String,
    /// Obligation or exception.
    pub kind: RuleKind,
    /// Condition (`None`: always).
    pub when: Option<Expr>,
    /// Text (for exceptions, the `because`).
    pub text: Bi,
    /// The spirit of the rule.
    pub intent: Option<Bi>,
    /// Citations.
    pub citations: Vec<Citation>,
    /// Domain.
    pub domain: Option<Domain>,
    /// Phase.
    pub phase: Option<Phase>,
    /// Owner.
    pub owner: Option<ContactId>,
    /// Verification status.
    pub status: Status,
    /// In force (own period ∩ instrument's).
    pub period: Period,
    /// One obligation per item of this group; the binder is variable 0.
    pub per_item: Option<(String, GroupId)>,
    /// Rules this one displaces.
    pub displaces: Vec<RuleId>,
    /// Layers allowed to relax it.
    pub delegates: Vec<String>,
    /// Layer.
    pub layer: Layer,
    /// Instrument whose file holds it.
    pub instrument: Option<InstrumentId>,
    /// Where.
    pub span: Span,
    /// Where the id is written.
    pub name_span: Span,
    /// Where `displaces` is written (for diagnostics).
    pub displaces_span: Option<Span>,
    /// Pack.
    pub pack: PackId,
}

impl Rule {
    /// The modality, for obligations.
    pub fn modal(&self) -> Option<Modal> {
        match self.kind {
            RuleKind::Obligation(m) => Some(m),
            RuleKind::Exception => None,
        }
    }
}

/// A myth.
#[derive(Clone, Debug)]
pub struct Myth {
    /// Id.
    pub id: String,
    /// The belief.
    pub claim: Bi,
    /// What it really is.
    pub verdict: MythVerdict,
    /// Why.
    pub explanation: Bi,
    /// Sources.
    pub citations: Vec<Citation>,
    /// When it is relevant.
    pub relevant_when: Option<Expr>,
    /// Verification.
    pub status: Status,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// A starting point of the interview.
#[derive(Clone, Debug)]
pub struct Journey {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Bi,
    /// Description.
    pub description: Bi,
    /// Preset answers.
    pub preset: Answers,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// A reference to an obligation, possibly for one item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleRef {
    /// The rule.
    pub rule: RuleId,
    /// The item, for per-item rules.
    pub item: Option<usize>,
    /// Where written.
    pub span: Span,
}

/// A test.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Id.
    pub id: String,
    /// What it tests.
    pub description: String,
    /// Evaluation date.
    pub as_of: Option<Date>,
    /// Answers.
    pub given: Answers,
    /// Obligations expected.
    pub expect_applies: Vec<RuleRef>,
    /// Obligations expected absent.
    pub expect_not_applies: Vec<RuleRef>,
    /// Rules expected displaced.
    pub expect_displaced: Vec<RuleRef>,
    /// Rules expected undetermined.
    pub expect_undetermined: Vec<RuleRef>,
    /// Unverified rules expected under to-confirm.
    pub expect_to_confirm: Vec<RuleRef>,
    /// Myths expected.
    pub expect_myths: Vec<(MythId, Span)>,
    /// Myths expected absent.
    pub expect_no_myths: Vec<(MythId, Span)>,
    /// Next question: `Some(None)` for "none".
    pub expect_next: Option<(Option<NextRef>, Span)>,
    /// Process steps expected in the plan: (process index, step index).
    pub expect_steps: Vec<(usize, usize, Span)>,
    /// Process steps expected absent.
    pub expect_no_steps: Vec<(usize, usize, Span)>,
    /// Total lead time of the plan in weeks.
    pub expect_weeks: Option<(u32, Span)>,
    /// Whether the verdict is complete.
    pub expect_complete: Option<bool>,
    /// Where.
    pub span: Span,
    /// Pack.
    pub pack: PackId,
}

/// What a next question may be: a fact or a whole group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NextRef {
    /// A fact.
    Fact(FactId),
    /// A group.
    Group(GroupId),
}

/// A value: an answer or a literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Yes/no.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Cents.
    Money(i64),
    /// Date.
    Date(Date),
    /// Text.
    Text(String),
    /// Option index.
    Opt(u32),
    /// Bit set of option indexes.
    Set(u64),
    /// A duration literal.
    Duration(i64, Unit),
}

/// Answers for one item of a group: by position of the field in the group.
pub type ItemAnswers = Vec<Option<Value>>;

/// A (possibly partial) set of answers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answers {
    /// By fact id (group fields stay `None` here).
    pub facts: Vec<Option<Value>>,
    /// By group id: `None` when unanswered.
    pub groups: Vec<Option<Vec<ItemAnswers>>>,
}

impl Answers {
    /// Empty answers sized for a model.
    pub fn empty(m: &Model) -> Answers {
        Answers {
            facts: vec![None; m.facts.len()],
            groups: vec![None; m.groups.len()],
        }
    }

    /// The answer to a fact.
    pub fn get(&self, f: FactId) -> Option<&Value> {
        self.facts.get(f.idx()).and_then(Option::as_ref)
    }

    /// Sets an answer (ignored when out of range).
    pub fn set(&mut self, f: FactId, v: Option<Value>) {
        if let Some(slot) = self.facts.get_mut(f.idx()) {
            *slot = v;
        }
    }

    /// The items of a group.
    pub fn items(&self, g: GroupId) -> Option<&Vec<ItemAnswers>> {
        self.groups.get(g.idx()).and_then(Option::as_ref)
    }

    /// Overlays `other` on `self` (answers in `other` win).
    pub fn overlay(&mut self, other: &Answers) {
        for (i, v) in other.facts.iter().enumerate() {
            if let (Some(v), Some(slot)) = (v, self.facts.get_mut(i)) {
                *slot = Some(v.clone());
            }
        }
        for (i, g) in other.groups.iter().enumerate() {
            if let (Some(g), Some(slot)) = (g, self.groups.get_mut(i)) {
                *slot = Some(g.clone());
            }
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Cmp {
    /// As written.
    pub fn text(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }

    /// Applies to an ordering.
    pub fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => o == Equal,
            Cmp::Ne => o != Equal,
            Cmp::Lt => o == Less,
            Cmp::Le => o != Greater,
            Cmp::Gt => o == Greater,
            Cmp::Ge => o != Less,
        }
    }

    /// The comparison with operands swapped (`a < b` ⇔ `b > a`).
    pub fn flip(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            c => c,
        }
    }

    /// The negated comparison.
    pub fn negate(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
            Cmp::Lt => Cmp::Ge,
            Cmp::Le => Cmp::Gt,
            Cmp::Gt => Cmp::Le,
            Cmp::Ge => Cmp::Lt,
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arith {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` by a non-zero constant.
    Div,
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where.
    pub span: Span,
}

/// Typed expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Lit(Value),
    /// A fact's answer.
    Fact(FactId),
    /// A definition's value.
    Def(DefId),
    /// The evaluation date.
    AsOf,
    /// No value (a threshold outside its periods).
    Unknown,
    /// A field of a bound item: variable index (0 = outermost binder) and field fact.
    ItemField(u32, FactId),
    /// `not`.
    Not(Box<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// `and`.
    And(Box<Expr>, Box<Expr>),
    /// `or`.
    Or(Box<Expr>, Box<Expr>),
    /// Comparison.
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    /// Arithmetic.
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// `date ± duration` (`true` for minus).
    Shift(Box<Expr>, i64, Unit, bool),
    /// An enum value is one of the options in the mask.
    InOptions(Box<Expr>, u64),
    /// A set contains the option(s) in the mask (any of them).
    SetHas(Box<Expr>, u64),
    /// `is known` (true) / `is unknown` (false).
    Known(Box<Expr>, bool),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `any(x in g: p)`: new variable index, group, predicate.
    Any(u32, GroupId, Box<Expr>),
    /// `all(x in g: p)`.
    All(u32, GroupId, Box<Expr>),
    /// `count(x in g: p)`.
    Count(u32, GroupId, Box<Expr>),
    /// `count(set)`.
    CountSet(Box<Expr>),
}

impl Expr {
    /// Visits every sub-expression, parents first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Lit(_)
            | ExprKind::Fact(_)
            | ExprKind::Def(_)
            | ExprKind::AsOf
            | ExprKind::Unknown
            | ExprKind::ItemField(..) => {}
            ExprKind::Not(a)
            | ExprKind::Neg(a)
            | ExprKind::Shift(a, ..)
            | ExprKind::InOptions(a, _)
            | ExprKind::SetHas(a, _)
            | ExprKind::Known(a, _)
            | ExprKind::Any(_, _, a)
            | ExprKind::All(_, _, a)
            | ExprKind::Count(_, _, a)
            | ExprKind::CountSet(a) => a.walk(f),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::Arith(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::If(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
        }
    }

    /// A literal `true` at a span.
    pub fn truth(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Lit(Value::Bool(true)),
            ty: Type::Bool,
            span,
        }
    }
}

/// Names that expressions can refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRef {
    /// A top-level fact.
    Fact(FactId),
    /// A group.
    Group(GroupId),
    /// A definition.
    Def(DefId),
}

/// Everything loaded and checked.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Packs, base first.
    pub packs: Vec<PackMeta>,
    /// Instruments.
    pub instruments: Vec<Instrument>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Facts (top-level and group fields), in declaration order.
    pub facts: Vec<Fact>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Definitions, in declaration order.
    pub defs: Vec<Def>,
    /// Definitions in dependency order (a definition after those it uses).
    pub def_order: Vec<DefId>,
    /// Rules and exceptions.
    pub rules: Vec<Rule>,
    /// Myths.
    pub myths: Vec<Myth>,
    /// Journeys.
    pub journeys: Vec<Journey>,
    /// Scenarios.
    pub scenarios: Vec<Scenario>,
    /// Processes.
    pub processes: Vec<Process>,
    /// Fact, group and definition names.
    pub names: HashMap<String, NameRef>,
    /// Rule and exception ids.
    pub rule_ids: HashMap<String, RuleId>,
    /// Myth ids.
    pub myth_ids: HashMap<String, MythId>,
    /// Instrument ids.
    pub instrument_ids: HashMap<String, InstrumentId>,
    /// Contact ids.
    pub contact_ids: HashMap<String, ContactId>,
    /// For each rule, the rules and exceptions that displace it.
    pub displaced_by: Vec<Vec<RuleId>>,
}

impl Model {
    /// A fact by id.
    pub fn fact(&self, f: FactId) -> &Fact {
        &self.facts[f.idx()]
    }

    /// A rule by id.
    pub fn rule(&self, r: RuleId) -> &Rule {
        &self.rules[r.idx()]
    }

    /// A group by id.
    pub fn group(&self, g: GroupId) -> &Group {
        &self.groups[g.idx()]
    }

    /// A definition by id.
    pub fn def(&self, d: DefId) -> &Def {
        &self.defs[d.idx()]
    }

    /// Top-level facts (not group fields), in declaration order.
    pub fn top_facts(&self) -> impl Iterator<Item = (FactId, &Fact)> {
        self.facts
            .iter()
            .enumerate()
            .filter(|(_, f)| f.group.is_none())
            .map(|(i, f)| (FactId(id32(i)), f))
    }

    /// The top pack (the last loaded).
    pub fn top_pack(&self) -> Option<&PackMeta> {
        self.packs.last()
    }

    /// Position of a field inside its group.
    pub fn field_position(&self, f: FactId) -> Option<usize> {
        let g = self.facts.get(f.idx())?.group?;
        self.groups
            .get(g.idx())?
            .fields
            .iter()
            .position(|x| *x == f)
    }
}
