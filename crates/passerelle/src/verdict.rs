//! The verdict: what applies, why, what is undetermined, the myths, the next question.
//! Its JSON form is the contract of the engine (`eval --format json`, `/api/v1/evaluate`).

use crate::describe::{defs_in, describe, facts_in, value_label};
use crate::pack::Pack;
use passerelle_check::model::{
    Answers, Citation, ContactId, Domain, Expr, Fact, FactId, FactType, GroupId, Model, Phase,
    Type, Value,
};
use passerelle_check::semantics::Tri;
use passerelle_diag::Lang;
use passerelle_eval::explain::{self, Kind, Node};
use passerelle_eval::next::{Asker, Next, Target};
use passerelle_eval::{Case, Evaluator, Outcome, Status};
use passerelle_ir::{SlotTy, date_to_days, days_to_date};
use serde::Serialize;

/// Pack identity.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PackRef {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// SHA-256 of its files.
    pub digest: String,
    /// Layer.
    pub layer: String,
    /// Title.
    pub title: String,
}

/// A citation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CitationOut {
    /// Instrument id.
    pub instrument: String,
    /// Official title.
    pub title: String,
    /// Section as numbered by the instrument.
    pub section: String,
    /// The official page.
    pub url: String,
    /// The paraphrase of the provision cited.
    pub paraphrase: String,
}

/// A policy centre.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ContactOut {
    /// Id.
    pub id: String,
    /// Role.
    pub role: String,
    /// Role, for people.
    pub role_label: String,
    /// Name.
    pub name: String,
    /// What to ask them.
    pub ask: String,
    /// Web page.
    pub url: Option<String>,
}

/// An item of a repeated group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ItemRef {
    /// Group name.
    pub group: String,
    /// Index from 0.
    pub index: usize,
    /// The item's label (e.g. the tool's name).
    pub label: String,
}

/// One answer behind a condition.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AnswerOut {
    /// Fact name.
    pub fact: String,
    /// Its question.
    pub question: String,
    /// The answer for people, or null when unanswered.
    pub answer: Option<String>,
    /// Whether the answer was given (false: set by a gate's `otherwise`, or unanswered).
    pub answered: bool,
}

/// A node of an explanation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExplanationNode {
    /// `all`, `any`, `not`, `condition` or `always`.
    pub op: &'static str,
    /// true, false, or null when undetermined.
    pub value: Option<bool>,
    /// The condition in words (leaves).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The answers it read (leaves).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerOut>,
    /// Derived values it read (leaves): label and value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<(String, Option<String>)>,
    /// Sub-conditions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ExplanationNode>,
}

/// An exception considered.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExceptionOut {
    /// Its id.
    pub id: String,
    /// Whether it holds (null: undetermined).
    pub holds: Option<bool>,
    /// What it says.
    pub text: String,
    /// Its citations.
    pub citations: Vec<CitationOut>,
}

/// Why an obligation applies (or not).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Because {
    /// The condition tree.
    pub condition: ExplanationNode,
    /// The exceptions that could displace it.
    pub exceptions: Vec<ExceptionOut>,
}

/// An obligation that applies.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Obligation {
    /// Rule id (with `[i]` for an item).
    pub id: String,
    /// must | must_not | may | should.
    pub kind: &'static str,
    /// The modality for people.
    pub kind_label: String,
    /// What to do.
    pub text: String,
    /// Why the rule exists.
    pub intent: String,
    /// Domain.
    pub domain: &'static str,
    /// Domain for people.
    pub domain_label: String,
    /// before | during | after.
    pub phase: &'static str,
    /// Phase for people.
    pub phase_label: String,
    /// Layer.
    pub layer: String,
    /// Item, for per-item obligations.
    pub item: Option<ItemRef>,
    /// Citations.
    pub citations: Vec<CitationOut>,
    /// Who to ask.
    pub owner: Option<ContactOut>,
    /// Explanation (absent when not requested).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<Because>,
}

/// A displaced rule.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Displaced {
    /// Rule id.
    pub id: String,
    /// What displaced it.
    pub by: String,
    /// The rule's text.
    pub text: String,
    /// Why it was displaced (the displacer's text).
    pub reason: String,
    /// Item, for per-item rules.
    pub item: Option<ItemRef>,
}

/// An undetermined rule.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Undetermined {
    /// Rule id.
    pub id: String,
    /// The rule's text.
    pub text: String,
    /// Unanswered facts it depends on.
    pub needs: Vec<String>,
    /// Item, for per-item rules.
    pub item: Option<ItemRef>,
}

/// A myth that touches the situation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MythOut {
    /// Id.
    pub id: String,
    /// The belief.
    pub claim: String,
    /// not_a_rule | partly_true | true.
    pub verdict: &'static str,
    /// Verdict for people.
    pub verdict_label: String,
    /// Why.
    pub explanation: String,
    /// Sources.
    pub citations: Vec<CitationOut>,
}

/// An option of a question.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OptionOut {
    /// Value in answers.
    pub value: String,
    /// Label.
    pub label: String,
}

/// A field of a group question.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FieldOut {
    /// Field name.
    pub fact: String,
    /// Its question.
    pub text: String,
    /// Help.
    pub help: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Options.
    pub options: Vec<OptionOut>,
}

/// The next question.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Question {
    /// Fact (or group) name.
    pub fact: String,
    /// The question.
    pub text: String,
    /// Help.
    pub help: String,
    /// bool | integer | money | date | text | enum | set | group.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Options (enum and set).
    pub options: Vec<OptionOut>,
    /// For groups: the fields of each item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldOut>,
    /// Rules (and myths) this answer can settle: ids.
    pub settles: Vec<String>,
    /// The same, in words.
    pub settles_text: Vec<String>,
}

/// An unverified rule that would apply.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ToConfirm {
    /// Rule id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// Why it is unverified.
    pub reason: String,
    /// Citations.
    pub citations: Vec<CitationOut>,
    /// Item, for per-item rules.
    pub item: Option<ItemRef>,
}

/// Who acts in a step.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ActorOut {
    /// Contact id, when a contact.
    pub contact: Option<String>,
    /// Role word.
    pub role: String,
    /// For people: the contact's name or the role.
    pub name: String,
}

/// One step of a plan.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PlanStep {
    /// Step id.
    pub id: String,
    /// What happens.
    pub title: String,
    /// Who acts.
    pub actor: ActorOut,
    /// What it produces.
    pub produces: String,
    /// Typical lead time.
    pub weeks: u32,
    /// Steps that come first (ids).
    pub after: Vec<String>,
    /// true: needed; null: may be needed (more answers required).
    pub needed: Option<bool>,
    /// Earliest start, in weeks from now.
    pub start_week: u32,
    /// Earliest end.
    pub end_week: u32,
    /// Sources.
    pub citations: Vec<CitationOut>,
    /// The step is not verified against its source.
    pub to_confirm: bool,
}

/// A process turned into a plan.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Plan {
    /// Process id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// before | during | after.
    pub phase: &'static str,
    /// true: applies; null: may apply.
    pub applies: Option<bool>,
    /// Steps that are or may be needed, in order.
    pub steps: Vec<PlanStep>,
    /// Lead time along the longest chain of needed steps.
    pub weeks: u32,
    /// The same if every step that may be needed is.
    pub weeks_if_all: u32,
    /// One sentence: how many steps and about how long.
    pub summary: String,
}

/// A threshold and its value on the as-of date.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ThresholdOut {
    /// Name.
    pub id: String,
    /// Label.
    pub label: String,
    /// The value in force, for people (null: none in force).
    pub value: Option<String>,
    /// First day of the period in force.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
    /// Source of the value in force.
    pub citations: Vec<CitationOut>,
}

/// A verdict.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    /// The top pack.
    pub pack: PackRef,
    /// Every pack used, base first.
    pub packs: Vec<PackRef>,
    /// The date the rules in force were taken from.
    pub as_of: String,
    /// Language of the texts.
    pub lang: Lang,
    /// True when nothing is undetermined.
    pub complete: bool,
    /// What applies.
    pub obligations: Vec<Obligation>,
    /// Rules displaced by exceptions or more specific rules.
    pub displaced: Vec<Displaced>,
    /// Rules that need more answers.
    pub undetermined: Vec<Undetermined>,
    /// Myths that touch the situation.
    pub myths: Vec<MythOut>,
    /// What to ask next.
    pub next_question: Option<Question>,
    /// Unverified rules that would apply.
    pub to_confirm: Vec<ToConfirm>,
    /// The policy centres behind the obligations.
    pub contacts: Vec<ContactOut>,
    /// Processes that apply, as plans.
    pub plans: Vec<Plan>,
    /// Dated thresholds and their values on the as-of date.
    pub thresholds: Vec<ThresholdOut>,
}

/// Evaluation options.
#[derive(Clone, Copy, Debug)]
pub struct EvalOptions {
    /// Build explanations.
    pub explain: bool,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions { explain: true }
    }
}

/// Today's date in UTC.
pub fn today() -> jiff::civil::Date {
    days_to_date(jiff::Timestamp::now().as_second().div_euclid(86_400))
}

/// The raw evaluation of answers: outcome and next question, for callers that need ids.
pub struct Raw {
    /// The answers laid out.
    pub case: Case,
    /// The outcome.
    pub outcome: Outcome,
    /// The next question.
    pub next: Option<Next>,
}

/// Citations as the verdict shows them, in one language.
pub fn citations_of(m: &Model, cs: &[Citation], lang: Lang) -> Vec<CitationOut> {
    cs.iter()
        .map(|c| {
            let inst = &m.instruments[c.instrument.idx()];
            CitationOut {
                instrument: inst.id.clone(),
                title: inst.title.get(lang).to_string(),
                section: c.section.clone(),
                url: inst.source.get(lang).to_string(),
                paraphrase: inst
                    .provisions
                    .get(c.provision)
                    .map(|p| p.paraphrase.get(lang).to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// What applies, by index into the model: the skeleton of a verdict without its texts, for
/// callers that compare many verdicts (the case log's re-check).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomeIds {
    /// Verified rules that apply: (index in `model.rules`, item of its group).
    pub obligations: Vec<(usize, Option<usize>)>,
    /// Unverified rules that would apply.
    pub to_confirm: Vec<(usize, Option<usize>)>,
    /// Myths that touch the situation (index in `model.myths`).
    pub myths: Vec<usize>,
}

/// The entries of the verdict [`build`] would make, as indexes: the same rules, items and
/// myths, in the same order.
pub fn outcome_ids(pack: &Pack, raw: &Raw) -> OutcomeIds {
    outcome_ids_of(pack, &raw.outcome)
}

/// [`outcome_ids`] of an outcome.
pub fn outcome_ids_of(pack: &Pack, o: &Outcome) -> OutcomeIds {
    let m = &pack.model;
    let p = &pack.program;
    let mut out = OutcomeIds::default();
    for (ri, r) in m.rules.iter().enumerate() {
        let ci = p.rule_index[ri] as usize;
        if r.modal().is_none() {
            continue;
        }
        let mut push = |item: Option<usize>, status: Status| {
            if status == Status::Applies {
                if r.status.is_verified() {
                    out.obligations.push((ri, item));
                } else {
                    out.to_confirm.push((ri, item));
                }
            }
        };
        match r.per_item {
            None => push(None, o.status[ci]),
            Some(_) => {
                for it in o.items.iter().filter(|x| x.rule as usize == ci) {
                    push(it.item.map(|x| x as usize), it.status);
                }
            }
        }
    }
    for (mi, _) in m.myths.iter().enumerate() {
        if o.myths[mi] == Tri::True {
            out.myths.push(mi);
        }
    }
    out
}

/// Evaluates many sets of answers with one evaluator, without choosing a next question:
/// for callers that only need what applies (re-checks of the case log, impact analysis).
pub struct BatchEvaluator<'a> {
    pack: &'a Pack,
    ev: Evaluator<'a>,
}

impl<'a> BatchEvaluator<'a> {
    /// An evaluator for a pack.
    pub fn new(pack: &'a Pack) -> BatchEvaluator<'a> {
        BatchEvaluator {
            pack,
            ev: pack.evaluator(),
        }
    }

    /// The pack.
    pub fn pack(&self) -> &'a Pack {
        self.pack
    }

    /// What applies to one set of answers.
    pub fn ids(&mut self, answers: &Answers, as_of: jiff::civil::Date) -> OutcomeIds {
        let case = Case::from_answers(&self.pack.program, &self.pack.model, answers);
        let o = self.ev.run(&case, date_to_days(as_of));
        outcome_ids_of(self.pack, o)
    }
}

/// Evaluates answers without building the verdict.
pub fn evaluate_raw(pack: &Pack, answers: &Answers, as_of: jiff::civil::Date) -> Raw {
    // As `evaluate_raw_with`, but the outcome is moved out of the one-off evaluator.
    let p = &pack.program;
    let case = Case::from_answers(p, &pack.model, answers);
    let mut ev = pack.evaluator();
    ev.run(&case, date_to_days(as_of));
    let next = pack.asker().next(&case, ev.outcome());
    Raw {
        case,
        outcome: ev.into_outcome(),
        next,
    }
}

/// [`evaluate_raw`] with an evaluator and an asker made once for `pack.program` and reused
/// across calls (setting them up costs more than one evaluation: an interview replaying its
/// path evaluates once per step).
pub fn evaluate_raw_with(
    pack: &Pack,
    ev: &mut Evaluator<'_>,
    asker: &mut Asker<'_>,
    answers: &Answers,
    as_of: jiff::civil::Date,
) -> Raw {
    let case = Case::from_answers(&pack.program, &pack.model, answers);
    let outcome = ev.run(&case, date_to_days(as_of)).clone();
    let next = asker.next(&case, &outcome);
    Raw {
        case,
        outcome,
        next,
    }
}

pub(crate) struct Builder<'a> {
    pub(crate) pack: &'a Pack,
    pub(crate) m: &'a Model,
    pub(crate) lang: Lang,
    pub(crate) answers: &'a Answers,
    pub(crate) raw: &'a Raw,
}

/// The packs a verdict was made with, in load order (the top pack last).
pub(crate) fn pack_refs(pack: &Pack, lang: Lang) -> Vec<PackRef> {
    pack.model
        .packs
        .iter()
        .zip(&pack.digests)
        .map(|(x, d)| PackRef {
            id: x.id.clone(),
            version: x.version.clone(),
            digest: d.clone(),
            layer: x.layer.label(),
            title: x.title.get(lang).to_string(),
        })
        .collect()
}

pub(crate) fn tri_opt(t: Tri) -> Option<bool> {
    match t {
        Tri::True => Some(true),
        Tri::False => Some(false),
        Tri::Unknown => None,
    }
}

impl Builder<'_> {
    pub(crate) fn citations(&self, cs: &[Citation]) -> Vec<CitationOut> {
        citations_of(self.m, cs, self.lang)
    }

    pub(crate) fn contact(&self, c: ContactId) -> ContactOut {
        let x = &self.m.contacts[c.idx()];
        ContactOut {
            id: x.id.clone(),
            role: x.role.word().to_string(),
            role_label: x.role.label().get(self.lang).to_string(),
            name: x.name.get(self.lang).to_string(),
            ask: x.ask.get(self.lang).to_string(),
            url: x.url.clone(),
        }
    }

    fn item_ref(&self, g: GroupId, index: usize) -> ItemRef {
        ItemRef {
            group: self.m.group(g).name.clone(),
            index,
            label: self.item_label(g, index),
        }
    }

    /// The label of an item of a group: its label field's answer, or "Item N".
    pub(crate) fn item_label(&self, g: GroupId, index: usize) -> String {
        let group = self.m.group(g);
        group
            .label_field
            .and_then(|lf| {
                let pos = self.m.field_position(lf)?;
                let v = self.answers.items(g)?.get(index)?.get(pos)?.as_ref()?;
                Some(value_label(self.m, lf, v, self.lang))
            })
            .unwrap_or_else(|| match self.lang {
                Lang::En => format!("Item {}", index + 1),
                Lang::Fr => format!("Élément {}", index + 1),
            })
    }

    /// The effective value of a top-level fact (after its gate).
    pub(crate) fn effective(&self, f: FactId) -> (Option<Value>, bool) {
        let answered = self.answers.get(f).is_some();
        let p = &self.pack.program;
        let Some(Some(slot)) = p.fact_slot.get(f.idx()) else {
            return (None, answered);
        };
        let o = &self.raw.outcome;
        if !o.slot_known(*slot) {
            return (None, answered);
        }
        let fact = self.m.fact(f);
        let v = o.vals[*slot as usize];
        let val = match (fact.ty, p.slot_ty[*slot as usize]) {
            (_, SlotTy::Text) => self.answers.get(f).cloned(),
            (FactType::Bool, _) => Some(Value::Bool(v != 0)),
            (FactType::Int, _) => Some(Value::Int(v)),
            (FactType::Money, _) => Some(Value::Money(v)),
            (FactType::Date, _) => Some(Value::Date(days_to_date(v))),
            (FactType::Enum, _) => u32::try_from(v).ok().map(Value::Opt),
            (FactType::Set, _) => Some(Value::Set(v as u64)),
            (FactType::Text, _) => self.answers.get(f).cloned(),
        };
        (val, answered)
    }

    fn answers_of(&self, e: &Expr, item: Option<(GroupId, usize)>) -> Vec<AnswerOut> {
        facts_in(e)
            .into_iter()
            .map(|(f, var)| {
                let fact = self.m.fact(f);
                let (val, answered) = self.answer_value(f, var.is_some(), item);
                AnswerOut {
                    fact: fact.name.clone(),
                    question: fact.question.get(self.lang).to_string(),
                    answer: val.as_ref().map(|v| value_label(self.m, f, v, self.lang)),
                    answered,
                }
            })
            .collect()
    }

    /// The value of a fact behind a condition (an item's field when `var`), and whether it
    /// was answered.
    pub(crate) fn answer_value(
        &self,
        f: FactId,
        var: bool,
        item: Option<(GroupId, usize)>,
    ) -> (Option<Value>, bool) {
        match (var, item) {
            (true, Some((g, i))) => {
                let v = self
                    .m
                    .field_position(f)
                    .and_then(|pos| self.answers.items(g)?.get(i)?.get(pos)?.clone());
                let a = v.is_some();
                (v, a)
            }
            (true, None) => (None, false),
            (false, _) => self.effective(f),
        }
    }

    fn derived_of(&self, e: &Expr) -> Vec<(String, Option<String>)> {
        defs_in(e)
            .into_iter()
            .map(|d| {
                let def = self.m.def(d);
                (def.label.get(self.lang).to_string(), self.derived_value(d))
            })
            .collect()
    }

    /// A derived value for people (None: unknown).
    pub(crate) fn derived_value(&self, d: passerelle_check::model::DefId) -> Option<String> {
        let p = &self.pack.program;
        let o = &self.raw.outcome;
        let def = self.m.def(d);
        let slot = p.as_of_slot as usize - self.m.defs.len() + d.idx();
        if o.slot_known(slot as u32) {
            let v = o.vals[slot];
            Some(match def.ty {
                Type::Bool => {
                    crate::describe::value_label(self.m, FactId(0), &Value::Bool(v != 0), self.lang)
                }
                Type::Money => crate::describe::format_money(v, self.lang),
                Type::Date => days_to_date(v).to_string(),
                _ => v.to_string(),
            })
        } else {
            None
        }
    }

    fn tree(&self, nodes: &[Node], i: usize, item: Option<(GroupId, usize)>) -> ExplanationNode {
        let n = nodes[i];
        let children: Vec<ExplanationNode> = explain::children(nodes, i)
            .map(|c| self.tree(nodes, c, item))
            .collect();
        let (op, text, answers, derived) = match n.kind {
            Kind::Always => ("always", None, Vec::new(), Vec::new()),
            Kind::All => ("all", None, Vec::new(), Vec::new()),
            Kind::Any => ("any", None, Vec::new(), Vec::new()),
            Kind::Not => ("not", None, Vec::new(), Vec::new()),
            Kind::Leaf(l) => match self.pack.program.leaves.get(l as usize) {
                Some(e) => (
                    "condition",
                    Some(describe(self.m, e, self.lang)),
                    self.answers_of(e, item),
                    self.derived_of(e),
                ),
                None => ("condition", None, Vec::new(), Vec::new()),
            },
        };
        ExplanationNode {
            op,
            value: tri_opt(n.value),
            text,
            answers,
            derived,
            children,
        }
    }

    fn because(&self, ci: usize, item: Option<(GroupId, usize)>) -> Because {
        let p = &self.pack.program;
        let o = &self.raw.outcome;
        let mut nodes = Vec::new();
        let root = match item {
            Some((_, i)) => explain::item(p, o, &self.raw.case, ci, i, &mut nodes),
            None => explain::rule(p, o, ci, &mut nodes),
        };
        let condition = self.tree(&nodes, root, item);
        let exceptions = p.rules[ci]
            .displacers
            .iter()
            .map(|&d| {
                let mr = self.m.rule(p.rules[d as usize].id);
                ExceptionOut {
                    id: mr.id.clone(),
                    holds: tri_opt(self.exception_holds(d, item)),
                    text: mr.text.get(self.lang).to_string(),
                    citations: self.citations(&mr.citations),
                }
            })
            .collect();
        Because {
            condition,
            exceptions,
        }
    }

    /// Whether a displacer (compiled index) holds, for a rule or one of its items.
    pub(crate) fn exception_holds(&self, d: u32, item: Option<(GroupId, usize)>) -> Tri {
        let p = &self.pack.program;
        let o = &self.raw.outcome;
        if p.rules[d as usize].per_item.is_some() {
            item.and_then(|(_, i)| {
                o.items
                    .iter()
                    .find(|x| x.rule == d && x.item == u32::try_from(i).ok())
                    .map(|x| match x.status {
                        Status::Applies | Status::Displaced => Tri::True,
                        Status::Undetermined => Tri::Unknown,
                        _ => Tri::False,
                    })
            })
            .unwrap_or(Tri::Unknown)
        } else {
            o.holds(d as usize)
        }
    }

    pub(crate) fn needs(&self, ci: usize) -> Vec<String> {
        let p = &self.pack.program;
        let o = &self.raw.outcome;
        let mut out = Vec::new();
        let add_deps = |d: &passerelle_ir::Deps, out: &mut Vec<String>| {
            for &s in &d.slots {
                if (s as usize) < p.n_fact_slots && !o.slot_known(s) {
                    let name = self.m.fact(p.slot_fact[s as usize]).name.clone();
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
            for g in &d.groups {
                if self.answers.items(*g).is_none() {
                    let name = self.m.group(*g).name.clone();
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        };
        add_deps(&p.rules[ci].deps, &mut out);
        for &d in &p.rules[ci].displacers {
            add_deps(&p.rules[d as usize].deps, &mut out);
        }
        out
    }

    fn actor(&self, a: passerelle_check::model::Actor) -> ActorOut {
        match a {
            passerelle_check::model::Actor::Contact(c) => {
                let x = &self.m.contacts[c.idx()];
                ActorOut {
                    contact: Some(x.id.clone()),
                    role: x.role.word().to_string(),
                    name: x.name.get(self.lang).to_string(),
                }
            }
            passerelle_check::model::Actor::Role(r) => ActorOut {
                contact: None,
                role: r.word().to_string(),
                name: r.label().get(self.lang).to_string(),
            },
        }
    }

    pub(crate) fn plans(&self) -> Vec<Plan> {
        let o = &self.raw.outcome;
        let mut out = Vec::new();
        for (pi, pr) in self.m.processes.iter().enumerate() {
            let applies = o.processes.get(pi).copied().unwrap_or(Tri::False);
            if applies == Tri::False {
                continue;
            }
            let n = pr.steps.len();
            let need: Vec<Tri> = (0..n)
                .map(|si| {
                    applies.and(
                        o.steps
                            .get(pi)
                            .and_then(|s| s.get(si))
                            .copied()
                            .unwrap_or(Tri::False),
                    )
                })
                .collect();
            // Earliest start and end, in declaration order repeated until stable (steps
            // are few and `after` is acyclic).
            let schedule = |count_maybe: bool| -> (Vec<u32>, Vec<u32>) {
                let mut start = vec![0u32; n];
                let mut end = vec![0u32; n];
                for _ in 0..=n {
                    let mut changed = false;
                    for si in 0..n {
                        let s = pr.steps[si]
                            .after
                            .iter()
                            .map(|&a| end.get(a).copied().unwrap_or(0))
                            .max()
                            .unwrap_or(0);
                        let counted =
                            need[si] == Tri::True || (count_maybe && need[si] == Tri::Unknown);
                        let e = s + if counted { pr.steps[si].weeks } else { 0 };
                        if s != start[si] || e != end[si] {
                            start[si] = s;
                            end[si] = e;
                            changed = true;
                        }
                    }
                    if !changed {
                        break;
                    }
                }
                (start, end)
            };
            let (start, end) = schedule(false);
            let (_, end_all) = schedule(true);
            let weeks = (0..n)
                .filter(|&i| need[i] == Tri::True)
                .map(|i| end[i])
                .max()
                .unwrap_or(0);
            let weeks_if_all = (0..n)
                .filter(|&i| need[i] != Tri::False)
                .map(|i| end_all[i])
                .max()
                .unwrap_or(0);
            let steps: Vec<PlanStep> = (0..n)
                .filter(|&i| need[i] != Tri::False)
                .map(|i| {
                    let s = &pr.steps[i];
                    PlanStep {
                        id: s.id.clone(),
                        title: s.title.get(self.lang).to_string(),
                        actor: self.actor(s.actor),
                        produces: s.produces.get(self.lang).to_string(),
                        weeks: s.weeks,
                        after: s
                            .after
                            .iter()
                            .filter_map(|&a| pr.steps.get(a).map(|x| x.id.clone()))
                            .collect(),
                        needed: tri_opt(need[i]),
                        start_week: start[i],
                        end_week: end[i],
                        citations: self.citations(&s.citations),
                        to_confirm: !s.status.is_verified(),
                    }
                })
                .collect();
            let needed = steps.iter().filter(|s| s.needed == Some(true)).count();
            let phase = pr.phase.label().get(self.lang).to_string();
            let summary = match self.lang {
                Lang::En => format!(
                    "{phase}: {needed} step{} — expect about {weeks} week{}{}.",
                    if needed == 1 { "" } else { "s" },
                    if weeks == 1 { "" } else { "s" },
                    if weeks_if_all > weeks {
                        format!(" (up to {weeks_if_all} if the steps that may be needed are)")
                    } else {
                        String::new()
                    }
                ),
                Lang::Fr => format!(
                    "{phase} : {needed} étape{} — prévoyez environ {weeks} semaine{}{}.",
                    if needed > 1 { "s" } else { "" },
                    if weeks > 1 { "s" } else { "" },
                    if weeks_if_all > weeks {
                        format!(
                            " (jusqu'à {weeks_if_all} si les étapes possibles sont nécessaires)"
                        )
                    } else {
                        String::new()
                    }
                ),
            };
            out.push(Plan {
                id: pr.id.clone(),
                title: pr.title.get(self.lang).to_string(),
                description: pr
                    .description
                    .as_ref()
                    .map(|d| d.get(self.lang).to_string()),
                phase: pr.phase.word(),
                applies: tri_opt(applies),
                steps,
                weeks,
                weeks_if_all,
                summary: passerelle_diag::french_spacing(&summary),
            });
        }
        out
    }

    fn thresholds(&self, as_of: jiff::civil::Date) -> Vec<ThresholdOut> {
        let mut out = Vec::new();
        for d in &self.m.defs {
            if d.periods.is_empty() {
                continue;
            }
            let current = d.periods.iter().find(|p| p.period.contains(as_of));
            out.push(self.threshold(d, current));
        }
        out
    }

    /// A dated threshold with the period in force (None: none in force).
    pub(crate) fn threshold(
        &self,
        d: &passerelle_check::model::Def,
        current: Option<&passerelle_check::model::ThresholdPeriod>,
    ) -> ThresholdOut {
        let value = current
            .filter(|p| p.status.is_verified())
            .map(|p| match &p.value {
                Value::Money(c) => crate::describe::format_money(*c, self.lang),
                Value::Int(i) => i.to_string(),
                other => format!("{other:?}"),
            });
        ThresholdOut {
            id: d.name.clone(),
            label: d.label.get(self.lang).to_string(),
            value,
            from: current.and_then(|p| p.period.from).map(|x| x.to_string()),
            to: current.and_then(|p| p.period.to).map(|x| x.to_string()),
            citations: current
                .map(|p| self.citations(&p.citations))
                .unwrap_or_default(),
        }
    }

    pub(crate) fn question(&self, n: &Next) -> Question {
        let mut settles: Vec<String> = n
            .settles_rules
            .iter()
            .map(|r| self.m.rule(*r).id.clone())
            .collect();
        settles.extend(
            n.settles_myths
                .iter()
                .map(|x| self.m.myths[x.idx()].id.clone()),
        );
        let mut settles_text: Vec<String> = n
            .settles_rules
            .iter()
            .map(|r| self.m.rule(*r).text.get(self.lang).to_string())
            .collect();
        settles_text.extend(
            n.settles_myths
                .iter()
                .map(|x| self.m.myths[x.idx()].claim.get(self.lang).to_string()),
        );
        for &(pi, si) in &n.settles_steps {
            if let Some(s) = self.m.processes.get(pi).and_then(|p| p.steps.get(si)) {
                settles.push(format!("{}.{}", self.m.processes[pi].id, s.id));
                settles_text.push(s.title.get(self.lang).to_string());
            }
        }
        self.question_for(n.target, settles, settles_text)
    }

    /// The next question about a target, with what it settles.
    pub(crate) fn question_for(
        &self,
        target: Target,
        settles: Vec<String>,
        settles_text: Vec<String>,
    ) -> Question {
        let options = |f: &Fact| -> Vec<OptionOut> {
            f.options
                .iter()
                .map(|o| OptionOut {
                    value: o.name.clone(),
                    label: o.label.get(self.lang).to_string(),
                })
                .collect()
        };
        match target {
            Target::Fact(f) => {
                let fact = self.m.fact(f);
                Question {
                    fact: fact.name.clone(),
                    text: fact.question.get(self.lang).to_string(),
                    help: fact.help.get(self.lang).to_string(),
                    ty: fact.ty.word(),
                    options: options(fact),
                    fields: Vec::new(),
                    settles,
                    settles_text,
                }
            }
            Target::Group(g) => {
                let group = self.m.group(g);
                Question {
                    fact: group.name.clone(),
                    text: group.question.get(self.lang).to_string(),
                    help: group.help.get(self.lang).to_string(),
                    ty: "group",
                    options: Vec::new(),
                    fields: group
                        .fields
                        .iter()
                        .map(|f| {
                            let fact = self.m.fact(*f);
                            FieldOut {
                                fact: fact.name.clone(),
                                text: fact.question.get(self.lang).to_string(),
                                help: fact.help.get(self.lang).to_string(),
                                ty: fact.ty.word(),
                                options: options(fact),
                            }
                        })
                        .collect(),
                    settles,
                    settles_text,
                }
            }
        }
    }
}

/// Evaluates answers into a verdict.
pub fn evaluate(
    pack: &Pack,
    answers: &Answers,
    as_of: jiff::civil::Date,
    lang: Lang,
    opts: EvalOptions,
) -> Verdict {
    let raw = evaluate_raw(pack, answers, as_of);
    build(pack, answers, &raw, as_of, lang, opts)
}

/// Builds the verdict from a raw evaluation.
pub fn build(
    pack: &Pack,
    answers: &Answers,
    raw: &Raw,
    as_of: jiff::civil::Date,
    lang: Lang,
    opts: EvalOptions,
) -> Verdict {
    let m = &pack.model;
    let p = &pack.program;
    let b = Builder {
        pack,
        m,
        lang,
        answers,
        raw,
    };
    let o = &raw.outcome;
    let packs = pack_refs(pack, lang);
    let mut obligations = Vec::new();
    let mut displaced = Vec::new();
    let mut undetermined = Vec::new();
    let mut to_confirm = Vec::new();
    let mut contact_ids: Vec<ContactId> = Vec::new();
    for (ri, r) in m.rules.iter().enumerate() {
        let ci = p.rule_index[ri] as usize;
        let Some(modal) = r.modal() else { continue };
        let mut results: Vec<(Option<usize>, Status, u32)> = Vec::new();
        match r.per_item {
            None => results.push((None, o.status[ci], o.by[ci])),
            Some(_) => {
                for it in o.items.iter().filter(|x| x.rule as usize == ci) {
                    results.push((it.item.map(|x| x as usize), it.status, it.by));
                }
            }
        }
        for (item, status, by) in results {
            let item_ref = match (&r.per_item, item) {
                (Some((_, g)), Some(i)) => Some(b.item_ref(*g, i)),
                _ => None,
            };
            let id = match item {
                Some(i) => format!("{}[{i}]", r.id),
                None => r.id.clone(),
            };
            match status {
                Status::Applies if r.status.is_verified() => {
                    if let Some(c) = r.owner
                        && !contact_ids.contains(&c)
                    {
                        contact_ids.push(c);
                    }
                    let g_item = match (&r.per_item, item) {
                        (Some((_, g)), Some(i)) => Some((*g, i)),
                        _ => None,
                    };
                    obligations.push(Obligation {
                        id,
                        kind: modal.word(),
                        kind_label: modal.label().get(lang).to_string(),
                        text: r.text.get(lang).to_string(),
                        intent: r
                            .intent
                            .as_ref()
                            .map(|i| i.get(lang).to_string())
                            .unwrap_or_default(),
                        domain: r.domain.map(Domain::word).unwrap_or(""),
                        domain_label: r
                            .domain
                            .map(|d| d.label().get(lang).to_string())
                            .unwrap_or_default(),
                        phase: r.phase.map(Phase::word).unwrap_or(""),
                        phase_label: r
                            .phase
                            .map(|d| d.label().get(lang).to_string())
                            .unwrap_or_default(),
                        layer: r.layer.label(),
                        item: item_ref,
                        citations: b.citations(&r.citations),
                        owner: r.owner.map(|c| b.contact(c)),
                        because: opts.explain.then(|| b.because(ci, g_item)),
                    });
                }
                Status::Applies => to_confirm.push(ToConfirm {
                    id,
                    text: r.text.get(lang).to_string(),
                    reason: match &r.status {
                        passerelle_check::model::Status::Unverified(why) => {
                            why.get(lang).to_string()
                        }
                        _ => String::new(),
                    },
                    citations: b.citations(&r.citations),
                    item: item_ref,
                }),
                Status::Displaced => {
                    let by_rule = p.rules.get(by as usize).map(|x| m.rule(x.id));
                    displaced.push(Displaced {
                        id,
                        by: by_rule.map(|x| x.id.clone()).unwrap_or_default(),
                        text: r.text.get(lang).to_string(),
                        reason: by_rule
                            .map(|x| x.text.get(lang).to_string())
                            .unwrap_or_default(),
                        item: item_ref,
                    })
                }
                Status::Undetermined if r.status.is_verified() => undetermined.push(Undetermined {
                    id,
                    text: r.text.get(lang).to_string(),
                    needs: b.needs(ci),
                    item: item_ref,
                }),
                _ => {}
            }
        }
    }
    let mut myths = Vec::new();
    let mut myth_open = false;
    for (mi, my) in m.myths.iter().enumerate() {
        match o.myths[mi] {
            Tri::True => myths.push(MythOut {
                id: my.id.clone(),
                claim: my.claim.get(lang).to_string(),
                verdict: my.verdict.word(),
                verdict_label: my.verdict.label().get(lang).to_string(),
                explanation: my.explanation.get(lang).to_string(),
                citations: b.citations(&my.citations),
            }),
            Tri::Unknown => myth_open = true,
            Tri::False => {}
        }
    }
    let next_question = raw.next.as_ref().map(|n| b.question(n));
    let plans = b.plans();
    let thresholds = b.thresholds(as_of);
    let (id, version, digest) = pack.top();
    let top = packs.last().cloned().unwrap_or(PackRef {
        id: id.to_string(),
        version: version.to_string(),
        digest: digest.to_string(),
        layer: String::new(),
        title: String::new(),
    });
    Verdict {
        pack: top,
        packs,
        as_of: as_of.to_string(),
        lang,
        complete: undetermined.is_empty() && !myth_open,
        obligations,
        displaced,
        undetermined,
        myths,
        next_question,
        to_confirm,
        contacts: contact_ids.into_iter().map(|c| b.contact(c)).collect(),
        plans,
        thresholds,
    }
}
