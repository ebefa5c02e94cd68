//! The verdict's JSON written directly into one buffer, without building a [`Verdict`].
//!
//! Everything that depends only on the pack and the language (a rule's text, intent and
//! citations, a myth, a contact, the pack identities, a condition in words…) is serialized
//! once per pack and language into [`Fragments`] and copied; what depends on the answers
//! (statuses, items, explanations, plans, the next question) is written by a small writer
//! with the same escaping as `serde_json`. The output is byte for byte what
//! `serde_json::to_vec(&verdict::evaluate(…))` gives: the serde path is the reference, and
//! `tests/verdict_json.rs` compares the two on every scenario of every pack, on generated
//! partial answers, in both languages, with and without explanations.
//!
//! [`Verdict`]: crate::verdict::Verdict

use crate::describe::{defs_in, describe, facts_in, value_label};
use crate::pack::Pack;
use crate::verdict::{
    Builder, CitationOut, ContactOut, EvalOptions, MythOut, PackRef, Raw, citations_of,
    evaluate_raw, tri_opt,
};
use passerelle_check::model::{Answers, Domain, FactId, GroupId, Phase, Value};
use passerelle_check::semantics::Tri;
use passerelle_diag::Lang;
use passerelle_eval::Status;
use passerelle_eval::explain::{self, Kind, Node};
use passerelle_eval::next::{Next, Target};
use serde::Serialize;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fragments of one pack, built on first use for each language.
#[derive(Default)]
pub struct Cache {
    en: OnceLock<Fragments>,
    fr: OnceLock<Fragments>,
    /// The largest verdict written so far (the next buffer's capacity).
    size_hint: AtomicUsize,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("en", &self.en.get().is_some())
            .field("fr", &self.fr.get().is_some())
            .finish()
    }
}

impl Cache {
    /// The fragments of a pack in a language (built at the first call).
    pub fn get(&self, pack: &Pack, lang: Lang) -> &Fragments {
        match lang {
            Lang::En => self.en.get_or_init(|| Fragments::new(pack, lang)),
            Lang::Fr => self.fr.get_or_init(|| Fragments::new(pack, lang)),
        }
    }
}

/// One rule (or exception), by index in `model.rules`.
struct RuleF {
    /// The id, escaped, without quotes.
    id: String,
    /// `"id"`.
    id_json: String,
    /// `"text"`.
    text_json: String,
    /// `,"kind":…,"layer":"…"` of an obligation.
    obl_mid: String,
    /// `,"citations":[…],"owner":…` of an obligation.
    obl_tail: String,
    /// `,"text":…,"reason":…,"citations":[…]` of a rule to confirm.
    tc_mid: String,
    /// `,"text":…,"citations":[…]}` of an exception considered.
    exc_tail: String,
}

/// One fact read by a written condition.
struct LeafFact {
    fact: FactId,
    /// Read from an item (a field of the rule's group).
    var: bool,
    /// `{"fact":…,"question":…,"answer":`.
    head: String,
}

/// One written condition (`program.leaves`).
struct LeafF {
    /// `,"text":"…"`.
    text: String,
    facts: Vec<LeafFact>,
    /// Derived values read: the definition and `["label",`.
    defs: Vec<(passerelle_check::model::DefId, String)>,
}

/// The static JSON of a pack in one language.
pub struct Fragments {
    /// `{"pack":…,"packs":[…],"as_of":"`.
    head: String,
    /// `","lang":"en","complete":`.
    lang: String,
    rules: Vec<RuleF>,
    leaves: Vec<LeafF>,
    /// Myths, whole objects.
    myths: Vec<String>,
    /// Contacts, whole objects.
    contacts: Vec<String>,
    /// `{"group":"…","index":` per group.
    groups: Vec<String>,
    /// Option labels, escaped with quotes, per fact.
    options: Vec<Vec<String>>,
    /// Dated thresholds: each definition with periods, and its object for each period in
    /// force, then for none.
    thresholds: Vec<(passerelle_check::model::DefId, Vec<String>)>,
    /// The next question about each fact, then each group, up to `"settles":` (None: the
    /// question is written by serde).
    questions: Vec<Option<String>>,
    /// Myth ids, `"id"`.
    myth_ids: Vec<String>,
    /// Myth claims, `"claim"`.
    myth_claims: Vec<String>,
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The members of a serialized object, without its braces.
fn members<T: Serialize>(v: &T) -> String {
    let s = json(v);
    s.get(1..s.len().saturating_sub(1))
        .unwrap_or_default()
        .to_string()
}

#[derive(Serialize)]
struct OblMid<'a> {
    kind: &'static str,
    kind_label: &'a str,
    text: &'a str,
    intent: &'a str,
    domain: &'static str,
    domain_label: &'a str,
    phase: &'static str,
    phase_label: &'a str,
    layer: String,
}

#[derive(Serialize)]
struct OblTail {
    citations: Vec<CitationOut>,
    owner: Option<ContactOut>,
}

#[derive(Serialize)]
struct TcMid<'a> {
    text: &'a str,
    reason: &'a str,
    citations: Vec<CitationOut>,
}

#[derive(Serialize)]
struct ExcTail<'a> {
    text: &'a str,
    citations: Vec<CitationOut>,
}

#[derive(Serialize)]
struct Head<'a> {
    pack: &'a PackRef,
    packs: &'a [PackRef],
}

#[derive(Serialize)]
struct AnswerHead<'a> {
    fact: &'a str,
    question: &'a str,
}

impl Fragments {
    /// Serializes everything static of a pack in a language.
    pub fn new(pack: &Pack, lang: Lang) -> Fragments {
        let m = &pack.model;
        let p = &pack.program;
        let packs = crate::verdict::pack_refs(pack, lang);
        let (id, version, digest) = pack.top();
        let top = packs.last().cloned().unwrap_or(PackRef {
            id: id.to_string(),
            version: version.to_string(),
            digest: digest.to_string(),
            layer: String::new(),
            title: String::new(),
        });
        let mut head = json(&Head {
            pack: &top,
            packs: &packs,
        });
        head.pop();
        head.push_str(",\"as_of\":\"");
        let lang_frag = format!("\",\"lang\":{},\"complete\":", json(&lang));
        // A builder without answers: only its static helpers are used here.
        let empty = Answers::empty(m);
        let raw = evaluate_raw(pack, &empty, crate::verdict::today());
        let b = Builder {
            pack,
            m,
            lang,
            answers: &empty,
            raw: &raw,
        };
        let rules = m
            .rules
            .iter()
            .map(|r| {
                let id_json = json(&r.id);
                let text = r.text.get(lang);
                let cites = || citations_of(m, &r.citations, lang);
                let domain_label = r.domain.map(|d| d.label().get(lang).to_string());
                let phase_label = r.phase.map(|d| d.label().get(lang).to_string());
                let obl_mid = match r.modal() {
                    Some(modal) => format!(
                        ",{}",
                        members(&OblMid {
                            kind: modal.word(),
                            kind_label: modal.label().get(lang),
                            text,
                            intent: r.intent.as_ref().map(|i| i.get(lang)).unwrap_or_default(),
                            domain: r.domain.map(Domain::word).unwrap_or(""),
                            domain_label: domain_label.as_deref().unwrap_or_default(),
                            phase: r.phase.map(Phase::word).unwrap_or(""),
                            phase_label: phase_label.as_deref().unwrap_or_default(),
                            layer: r.layer.label(),
                        })
                    ),
                    None => String::new(),
                };
                let reason = match &r.status {
                    passerelle_check::model::Status::Unverified(why) => why.get(lang),
                    _ => "",
                };
                RuleF {
                    id: id_json
                        .get(1..id_json.len().saturating_sub(1))
                        .unwrap_or_default()
                        .to_string(),
                    text_json: json(text),
                    obl_mid,
                    obl_tail: format!(
                        ",{}",
                        members(&OblTail {
                            citations: cites(),
                            owner: r.owner.map(|c| b.contact(c)),
                        })
                    ),
                    tc_mid: format!(
                        ",{}",
                        members(&TcMid {
                            text,
                            reason,
                            citations: cites(),
                        })
                    ),
                    exc_tail: format!(
                        ",{}}}",
                        members(&ExcTail {
                            text,
                            citations: cites(),
                        })
                    ),
                    id_json,
                }
            })
            .collect();
        let leaves = p
            .leaves
            .iter()
            .map(|e| LeafF {
                text: format!(",\"text\":{}", json(&describe(m, e, lang))),
                facts: facts_in(e)
                    .into_iter()
                    .map(|(f, var)| {
                        let fact = m.fact(f);
                        let mut head = json(&AnswerHead {
                            fact: &fact.name,
                            question: fact.question.get(lang),
                        });
                        head.pop();
                        head.push_str(",\"answer\":");
                        LeafFact {
                            fact: f,
                            var: var.is_some(),
                            head,
                        }
                    })
                    .collect(),
                defs: defs_in(e)
                    .into_iter()
                    .map(|d| (d, format!("[{},", json(m.def(d).label.get(lang)))))
                    .collect(),
            })
            .collect();
        let myths = m
            .myths
            .iter()
            .map(|my| {
                json(&MythOut {
                    id: my.id.clone(),
                    claim: my.claim.get(lang).to_string(),
                    verdict: my.verdict.word(),
                    verdict_label: my.verdict.label().get(lang).to_string(),
                    explanation: my.explanation.get(lang).to_string(),
                    citations: citations_of(m, &my.citations, lang),
                })
            })
            .collect();
        let contacts = (0..m.contacts.len())
            .map(|i| json(&b.contact(passerelle_check::model::ContactId(i as u32))))
            .collect();
        let groups = m
            .groups
            .iter()
            .map(|g| format!("{{\"group\":{},\"index\":", json(&g.name)))
            .collect();
        let options = m
            .facts
            .iter()
            .map(|f| f.options.iter().map(|o| json(o.label.get(lang))).collect())
            .collect();
        let thresholds = m
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.periods.is_empty())
            .map(|(i, d)| {
                let mut v: Vec<String> = d
                    .periods
                    .iter()
                    .map(|p| json(&b.threshold(d, Some(p))))
                    .collect();
                v.push(json(&b.threshold(d, None)));
                (passerelle_check::model::DefId(i as u32), v)
            })
            .collect();
        let question = |t: Target| {
            json(&b.question_for(t, Vec::new(), Vec::new()))
                .strip_suffix("\"settles\":[],\"settles_text\":[]}")
                .map(|x| format!("{x}\"settles\":"))
        };
        let questions = (0..m.facts.len())
            .map(|f| question(Target::Fact(FactId(f as u32))))
            .chain((0..m.groups.len()).map(|g| question(Target::Group(GroupId(g as u32)))))
            .collect();
        let myth_ids = m.myths.iter().map(|x| json(&x.id)).collect();
        let myth_claims = m.myths.iter().map(|x| json(x.claim.get(lang))).collect();
        Fragments {
            questions,
            myth_ids,
            myth_claims,
            thresholds,
            head,
            lang: lang_frag,
            rules,
            leaves,
            myths,
            contacts,
            groups,
            options,
        }
    }
}

/// Writes JSON text into a byte buffer, with `serde_json`'s compact layout and escaping.
struct W<'a>(&'a mut Vec<u8>);

const HEX: &[u8; 16] = b"0123456789abcdef";

impl W<'_> {
    #[inline]
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    /// A string, quoted and escaped as `serde_json` does: `"` and `\`, the control
    /// characters (the short forms `\b \t \n \f \r`, otherwise `\u00XX`), nothing else.
    fn str(&mut self, s: &str) {
        let out = &mut *self.0;
        out.push(b'"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &c) in bytes.iter().enumerate() {
            if c >= 0x20 && c != b'"' && c != b'\\' {
                continue;
            }
            out.extend_from_slice(&bytes[start..i]);
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x09 => out.extend_from_slice(b"\\t"),
                0x0a => out.extend_from_slice(b"\\n"),
                0x0c => out.extend_from_slice(b"\\f"),
                0x0d => out.extend_from_slice(b"\\r"),
                _ => out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 0xf)],
                ]),
            }
            start = i + 1;
        }
        out.extend_from_slice(&bytes[start..]);
        out.push(b'"');
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }

    fn uint(&mut self, mut n: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.0.extend_from_slice(&buf[i..]);
    }

    fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    fn tri(&mut self, t: Tri) {
        self.raw(match tri_opt(t) {
            Some(true) => "true",
            Some(false) => "false",
            None => "null",
        });
    }

    /// A list separator before every element but the first.
    #[inline]
    fn sep(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.byte(b',');
        }
    }

    /// A value serialized by `serde_json` (the dynamic parts not worth writing by hand).
    fn serde<T: Serialize + ?Sized>(&mut self, v: &T) {
        // Writing into a Vec cannot fail, and these types have no map with non-string keys.
        let _ = serde_json::to_writer(&mut *self.0, v);
    }
}

/// Evaluates answers into the verdict's JSON: the same bytes as serializing
/// [`crate::verdict::evaluate`]'s result with `serde_json::to_vec`.
pub fn evaluate_json(
    pack: &Pack,
    answers: &Answers,
    as_of: jiff::civil::Date,
    lang: Lang,
    opts: EvalOptions,
) -> Vec<u8> {
    let raw = evaluate_raw(pack, answers, as_of);
    let hint = pack.json.size_hint.load(Ordering::Relaxed);
    let mut out = Vec::with_capacity(hint.clamp(4096, 4 << 20));
    write(pack, answers, &raw, as_of, lang, opts, &mut out);
    if out.len() > hint {
        pack.json.size_hint.fetch_max(out.len(), Ordering::Relaxed);
    }
    out
}

/// One result of a rule: its item, status and displacer.
type RuleResult = (Option<usize>, Status, u32);

/// Writes the verdict of a raw evaluation (as [`crate::verdict::build`] would make it) as
/// JSON at the end of `out`.
pub fn write(
    pack: &Pack,
    answers: &Answers,
    raw: &Raw,
    as_of: jiff::civil::Date,
    lang: Lang,
    opts: EvalOptions,
    out: &mut Vec<u8>,
) {
    let fr = pack.json.get(pack, lang);
    let m = &pack.model;
    let p = &pack.program;
    let o = &raw.outcome;
    let b = Builder {
        pack,
        m,
        lang,
        answers,
        raw,
    };
    let mut w = W(out);
    // Every result of every rule with a modality, in the verdict's order.
    let mut results: Vec<(usize, RuleResult)> = Vec::new();
    for (ri, r) in m.rules.iter().enumerate() {
        if r.modal().is_none() {
            continue;
        }
        let ci = p.rule_index[ri] as usize;
        match r.per_item {
            None => results.push((ri, (None, o.status[ci], o.by[ci]))),
            Some(_) => {
                for it in o.items.iter().filter(|x| x.rule as usize == ci) {
                    results.push((ri, (it.item.map(|x| x as usize), it.status, it.by)));
                }
            }
        }
    }
    let undetermined = |r: &passerelle_check::model::Rule, s: Status| {
        s == Status::Undetermined && r.status.is_verified()
    };
    let complete = !results
        .iter()
        .any(|(ri, (_, s, _))| undetermined(&m.rules[*ri], *s))
        && !o
            .myths
            .iter()
            .take(m.myths.len())
            .any(|t| *t == Tri::Unknown);

    w.raw(&fr.head);
    w.raw(&as_of.to_string());
    w.raw(&fr.lang);
    w.bool(complete);

    // Obligations.
    w.raw(",\"obligations\":[");
    let mut contacts: Vec<u32> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut first = true;
    for &(ri, (item, status, _)) in &results {
        let r = &m.rules[ri];
        if status != Status::Applies || !r.status.is_verified() {
            continue;
        }
        if let Some(c) = r.owner
            && !contacts.contains(&c.0)
        {
            contacts.push(c.0);
        }
        let f = &fr.rules[ri];
        let g_item = match (&r.per_item, item) {
            (Some((_, g)), Some(i)) => Some((*g, i)),
            _ => None,
        };
        w.sep(&mut first);
        w.raw("{\"id\":");
        id(&mut w, f, item);
        w.raw(&f.obl_mid);
        w.raw(",\"item\":");
        item_ref(&mut w, fr, &b, g_item);
        w.raw(&f.obl_tail);
        if opts.explain {
            let ci = p.rule_index[ri] as usize;
            because(&mut w, fr, &b, ci, g_item, &mut nodes);
        }
        w.byte(b'}');
    }

    // Displaced.
    w.raw("],\"displaced\":[");
    let mut first = true;
    for &(ri, (item, status, by)) in &results {
        if status != Status::Displaced {
            continue;
        }
        let f = &fr.rules[ri];
        let by = p.rules.get(by as usize).map(|x| &fr.rules[x.id.idx()]);
        w.sep(&mut first);
        w.raw("{\"id\":");
        id(&mut w, f, item);
        w.raw(",\"by\":");
        w.raw(by.map_or("\"\"", |x| &x.id_json));
        w.raw(",\"text\":");
        w.raw(&f.text_json);
        w.raw(",\"reason\":");
        w.raw(by.map_or("\"\"", |x| &x.text_json));
        w.raw(",\"item\":");
        item_ref(&mut w, fr, &b, group_item(&m.rules[ri], item));
        w.byte(b'}');
    }

    // Undetermined.
    w.raw("],\"undetermined\":[");
    let mut first = true;
    for &(ri, (item, status, _)) in &results {
        let r = &m.rules[ri];
        if !undetermined(r, status) {
            continue;
        }
        let f = &fr.rules[ri];
        w.sep(&mut first);
        w.raw("{\"id\":");
        id(&mut w, f, item);
        w.raw(",\"text\":");
        w.raw(&f.text_json);
        w.raw(",\"needs\":[");
        let mut first_need = true;
        for n in b.needs(p.rule_index[ri] as usize) {
            w.sep(&mut first_need);
            w.str(&n);
        }
        w.raw("],\"item\":");
        item_ref(&mut w, fr, &b, group_item(r, item));
        w.byte(b'}');
    }

    // Myths.
    w.raw("],\"myths\":[");
    let mut first = true;
    for (mi, s) in fr.myths.iter().enumerate() {
        if o.myths.get(mi) == Some(&Tri::True) {
            w.sep(&mut first);
            w.raw(s);
        }
    }

    w.raw("],\"next_question\":");
    match raw.next.as_ref() {
        Some(n) => question(&mut w, fr, &b, n),
        None => w.raw("null"),
    }

    // To confirm.
    w.raw(",\"to_confirm\":[");
    let mut first = true;
    for &(ri, (item, status, _)) in &results {
        let r = &m.rules[ri];
        if status != Status::Applies || r.status.is_verified() {
            continue;
        }
        let f = &fr.rules[ri];
        w.sep(&mut first);
        w.raw("{\"id\":");
        id(&mut w, f, item);
        w.raw(&f.tc_mid);
        w.raw(",\"item\":");
        item_ref(&mut w, fr, &b, group_item(r, item));
        w.byte(b'}');
    }

    w.raw("],\"contacts\":[");
    let mut first = true;
    for c in contacts {
        w.sep(&mut first);
        w.raw(fr.contacts.get(c as usize).map_or("null", String::as_str));
    }

    w.raw("],\"plans\":");
    w.serde(&b.plans());
    w.raw(",\"thresholds\":[");
    let mut first = true;
    for (d, objects) in &fr.thresholds {
        let periods = &m.def(*d).periods;
        let current = periods
            .iter()
            .position(|p| p.period.contains(as_of))
            .unwrap_or(periods.len());
        w.sep(&mut first);
        w.raw(objects.get(current).map_or("null", String::as_str));
    }
    w.raw("]}");
}

/// The next question: its static head, then what it settles.
fn question(w: &mut W<'_>, fr: &Fragments, b: &Builder<'_>, n: &Next) {
    let m = b.m;
    let head = match n.target {
        Target::Fact(f) => fr.questions.get(f.idx()),
        Target::Group(g) => fr.questions.get(m.facts.len() + g.idx()),
    };
    let Some(Some(head)) = head else {
        w.serde(&b.question(n));
        return;
    };
    let steps = || {
        n.settles_steps.iter().filter_map(|&(pi, si)| {
            let pr = m.processes.get(pi)?;
            Some((pr, pr.steps.get(si)?))
        })
    };
    w.raw(head);
    w.byte(b'[');
    let mut first = true;
    for r in &n.settles_rules {
        w.sep(&mut first);
        w.raw(&fr.rules[r.idx()].id_json);
    }
    for x in &n.settles_myths {
        w.sep(&mut first);
        w.raw(&fr.myth_ids[x.idx()]);
    }
    for (pr, s) in steps() {
        w.sep(&mut first);
        w.str(&format!("{}.{}", pr.id, s.id));
    }
    w.raw("],\"settles_text\":[");
    let mut first = true;
    for r in &n.settles_rules {
        w.sep(&mut first);
        w.raw(&fr.rules[r.idx()].text_json);
    }
    for x in &n.settles_myths {
        w.sep(&mut first);
        w.raw(&fr.myth_claims[x.idx()]);
    }
    for (_, s) in steps() {
        w.sep(&mut first);
        w.str(s.title.get(b.lang));
    }
    w.raw("]}");
}

fn group_item(r: &passerelle_check::model::Rule, item: Option<usize>) -> Option<(GroupId, usize)> {
    match (&r.per_item, item) {
        (Some((_, g)), Some(i)) => Some((*g, i)),
        _ => None,
    }
}

/// A rule's id, with `[i]` for an item.
fn id(w: &mut W<'_>, f: &RuleF, item: Option<usize>) {
    match item {
        Some(i) => {
            w.byte(b'"');
            w.raw(&f.id);
            w.byte(b'[');
            w.uint(i as u64);
            w.raw("]\"");
        }
        None => w.raw(&f.id_json),
    }
}

fn item_ref(w: &mut W<'_>, fr: &Fragments, b: &Builder<'_>, item: Option<(GroupId, usize)>) {
    match item {
        Some((g, i)) => {
            w.raw(&fr.groups[g.idx()]);
            w.uint(i as u64);
            w.raw(",\"label\":");
            w.str(&b.item_label(g, i));
            w.byte(b'}');
        }
        None => w.raw("null"),
    }
}

fn because(
    w: &mut W<'_>,
    fr: &Fragments,
    b: &Builder<'_>,
    ci: usize,
    item: Option<(GroupId, usize)>,
    nodes: &mut Vec<Node>,
) {
    let p = &b.pack.program;
    let o = &b.raw.outcome;
    nodes.clear();
    let root = match item {
        Some((_, i)) => explain::item(p, o, &b.raw.case, ci, i, nodes),
        None => explain::rule(p, o, ci, nodes),
    };
    w.raw(",\"because\":{\"condition\":");
    tree(w, fr, b, nodes, root, item);
    w.raw(",\"exceptions\":[");
    let mut first = true;
    for &d in &p.rules[ci].displacers {
        let f = &fr.rules[p.rules[d as usize].id.idx()];
        w.sep(&mut first);
        w.raw("{\"id\":");
        w.raw(&f.id_json);
        w.raw(",\"holds\":");
        w.tri(b.exception_holds(d, item));
        w.raw(&f.exc_tail);
    }
    w.raw("]}");
}

fn tree(
    w: &mut W<'_>,
    fr: &Fragments,
    b: &Builder<'_>,
    nodes: &[Node],
    i: usize,
    item: Option<(GroupId, usize)>,
) {
    let n = nodes[i];
    let op = match n.kind {
        Kind::Always => "always",
        Kind::All => "all",
        Kind::Any => "any",
        Kind::Not => "not",
        Kind::Leaf(_) => "condition",
    };
    w.raw("{\"op\":\"");
    w.raw(op);
    w.raw("\",\"value\":");
    w.tri(n.value);
    if let Kind::Leaf(l) = n.kind
        && let Some(leaf) = fr.leaves.get(l as usize)
    {
        w.raw(&leaf.text);
        if !leaf.facts.is_empty() {
            w.raw(",\"answers\":[");
            let mut first = true;
            for lf in &leaf.facts {
                w.sep(&mut first);
                w.raw(&lf.head);
                let (val, answered) = b.answer_value(lf.fact, lf.var, item);
                match val {
                    Some(v) => label(w, fr, b, lf.fact, &v),
                    None => w.raw("null"),
                }
                w.raw(",\"answered\":");
                w.bool(answered);
                w.byte(b'}');
            }
            w.byte(b']');
        }
        if !leaf.defs.is_empty() {
            w.raw(",\"derived\":[");
            let mut first = true;
            for (d, head) in &leaf.defs {
                w.sep(&mut first);
                w.raw(head);
                w.opt_str(b.derived_value(*d).as_deref());
                w.byte(b']');
            }
            w.byte(b']');
        }
    }
    let mut children = explain::children(nodes, i).peekable();
    if children.peek().is_some() {
        w.raw(",\"children\":[");
        let mut first = true;
        for c in children {
            w.sep(&mut first);
            tree(w, fr, b, nodes, c, item);
        }
        w.byte(b']');
    }
    w.byte(b'}');
}

/// A value for people, as [`value_label`] writes it (booleans and options from the
/// fragments).
fn label(w: &mut W<'_>, fr: &Fragments, b: &Builder<'_>, f: FactId, v: &Value) {
    match (v, b.lang) {
        (Value::Bool(true), Lang::En) => w.raw("\"Yes\""),
        (Value::Bool(false), Lang::En) => w.raw("\"No\""),
        (Value::Bool(true), Lang::Fr) => w.raw("\"Oui\""),
        (Value::Bool(false), Lang::Fr) => w.raw("\"Non\""),
        (Value::Opt(x), _) => match fr.options.get(f.idx()).and_then(|o| o.get(*x as usize)) {
            Some(s) => w.raw(s),
            None => w.raw("\"\""),
        },
        _ => w.str(&value_label(b.m, f, v, b.lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::W;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_does(s in any::<String>(), n in any::<u64>()) {
            let mut out = Vec::new();
            W(&mut out).str(&s);
            prop_assert_eq!(&out, &serde_json::to_vec(&s).unwrap_or_default());
            let mut out = Vec::new();
            W(&mut out).uint(n);
            prop_assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn every_control_character() {
        for c in 0u8..0x80 {
            let s = (c as char).to_string();
            let mut out = Vec::new();
            W(&mut out).str(&s);
            assert_eq!(out, serde_json::to_vec(&s).unwrap_or_default(), "{c:#x}");
        }
    }
}
