//! The interview: which questions are on the person's path, and reading their answers
//! from plain HTML form posts.
//!
//! The engine chooses the next question from the answers given so far. The path is
//! replayed from the start on every page: begin with no answers, ask the engine for its
//! question, take the stored answer to it if there is one, and go on. The answers on the
//! path are the ones that count; an answer that no longer matters (its question would not
//! be asked after a change) stays stored, out of the verdict, and comes back if the person
//! changes their mind again.

use passerelle::Pack;
use passerelle::verdict::{Raw, evaluate_raw_with};
use passerelle_check::answers::{parse_date, parse_money};
use passerelle_check::model::{Answers, Fact, FactId, FactType, GroupId, Model, NameRef, Value};
use passerelle_eval::next::{Next, Target};
use serde_json::{Map, Value as J};

/// The replayed path.
pub struct Walk {
    /// Questions answered on the path, in the order asked, each with what it settles.
    pub steps: Vec<Next>,
    /// The next question, unanswered.
    pub pending: Option<Next>,
    /// The answers on the path.
    pub answers: Answers,
    /// The evaluation of those answers.
    pub raw: Raw,
}

/// Whether a question has an answer.
pub fn answered(a: &Answers, t: Target) -> bool {
    match t {
        Target::Fact(f) => a.get(f).is_some(),
        Target::Group(g) => a.items(g).is_some(),
    }
}

fn copy(from: &Answers, to: &mut Answers, t: Target) {
    match t {
        Target::Fact(f) => to.set(f, from.get(f).cloned()),
        Target::Group(g) => {
            if let (Some(src), Some(dst)) = (from.groups.get(g.idx()), to.groups.get_mut(g.idx())) {
                dst.clone_from(src);
            }
        }
    }
}

/// Replays the path through the stored answers.
pub fn walk(pack: &Pack, all: &Answers, as_of: jiff::civil::Date) -> Walk {
    let m = &pack.model;
    let mut cur = Answers::empty(m);
    let mut steps: Vec<Next> = Vec::new();
    let limit = m.facts.len() + m.groups.len() + 1;
    // One evaluator and one asker for the whole replay: setting them up costs more than a step.
    let mut ev = pack.evaluator();
    let mut asker = pack.asker();
    loop {
        let raw = evaluate_raw_with(pack, &mut ev, &mut asker, &cur, as_of);
        let next = raw.next.clone();
        match next {
            Some(n) if answered(all, n.target) && steps.len() < limit => {
                if steps.iter().any(|s| s.target == n.target) {
                    // The engine asked again for an answered question: stop rather than loop.
                    return Walk {
                        steps,
                        pending: None,
                        answers: cur,
                        raw,
                    };
                }
                copy(all, &mut cur, n.target);
                steps.push(n);
            }
            pending => {
                return Walk {
                    steps,
                    pending,
                    answers: cur,
                    raw,
                };
            }
        }
    }
}

/// The name of a question.
pub fn target_name(m: &Model, t: Target) -> &str {
    match t {
        Target::Fact(f) => &m.fact(f).name,
        Target::Group(g) => &m.group(g).name,
    }
}

/// A question by name (top-level facts and groups).
pub fn target_by_name(m: &Model, name: &str) -> Option<Target> {
    match m.names.get(name)? {
        NameRef::Fact(f) if m.fact(*f).group.is_none() => Some(Target::Fact(*f)),
        NameRef::Group(g) => Some(Target::Group(*g)),
        _ => None,
    }
}

/// Reads stored answers, dropping any that no longer fit the packs (a pack changed since
/// they were given). Returns the answers and the JSON actually kept.
pub fn load_answers(m: &Model, json: &J) -> (Answers, J) {
    match passerelle_check::answers::from_json(m, json) {
        Ok(a) => (a, json.clone()),
        Err(errs) => {
            let mut obj = json.as_object().cloned().unwrap_or_default();
            for e in &errs {
                let key = e
                    .pointer
                    .trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .replace("~1", "/")
                    .replace("~0", "~");
                obj.remove(&key);
            }
            let kept = J::Object(obj);
            match passerelle_check::answers::from_json(m, &kept) {
                Ok(a) => (a, kept),
                Err(_) => (Answers::empty(m), J::Object(Map::new())),
            }
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Nothing chosen.
    ChooseOne,
    /// Nothing ticked.
    ChooseSome,
    /// "None of these" with an option.
    NoneAndOther,
    /// A value that is not an option (a tampered form).
    NotAnOption,
    /// Not a whole number.
    Number,
    /// Not an amount.
    Amount,
    /// Below the minimum (shown value).
    Min(String),
    /// Above the maximum (shown value).
    Max(String),
    /// Date fields missing.
    DateMissing,
    /// Not a real date.
    Date,
    /// Empty text.
    TextMissing,
    /// Longer than 10,000 characters.
    TextLong,
}

impl Problem {
    /// The message id in the catalog, and its variable.
    pub fn message(&self) -> (&'static str, Option<&str>) {
        match self {
            Problem::ChooseOne => ("err-choose-one", None),
            Problem::ChooseSome => ("err-choose-some", None),
            Problem::NoneAndOther => ("err-none-and-other", None),
            Problem::NotAnOption => ("err-not-an-option", None),
            Problem::Number => ("err-number", None),
            Problem::Amount => ("err-amount", None),
            Problem::Min(v) => ("err-min", Some(v)),
            Problem::Max(v) => ("err-max", Some(v)),
            Problem::DateMissing => ("err-date-missing", None),
            Problem::Date => ("err-date", None),
            Problem::TextMissing => ("err-text-missing", None),
            Problem::TextLong => ("err-text-long", None),
        }
    }
}

/// A form post: its fields in order.
#[derive(Clone, Debug, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// Parses `application/x-www-form-urlencoded`.
    pub fn parse(body: &[u8]) -> Form {
        Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of a field.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
    }

    /// Every value of a field.
    pub fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Field names not in `allowed`.
    pub fn unknown<'a>(&'a self, allowed: &[String]) -> Option<&'a str> {
        self.0
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| !allowed.iter().any(|a| a == k))
    }
}

/// The value meaning "none of these" for a set.
pub const NONE: &str = "__none";

/// The form field names of a fact (prefix: the field's id, e.g. `recording` or
/// `tools-hosting`).
pub fn field_names(f: &Fact, id: &str) -> Vec<String> {
    match f.ty {
        FactType::Date => vec![
            format!("{id}-year"),
            format!("{id}-month"),
            format!("{id}-day"),
        ],
        _ => vec![id.to_string()],
    }
}

fn shown(m: &Model, f: FactId, v: &Value, lang: passerelle_diag::Lang) -> String {
    passerelle::describe::value_label(m, f, v, lang)
}

/// Normalises an amount typed by a person: `$1,250.75`, `1 250,75 $`, `50`.
pub fn normalise_amount(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '$' && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    // A French decimal comma: one comma followed by one or two digits, and no point.
    if !t.contains('.')
        && let Some((whole, frac)) = t.rsplit_once(',')
        && !whole.contains(',')
        && (1..=2).contains(&frac.len())
    {
        return format!("{whole}.{frac}");
    }
    t.replace(',', "")
}

/// Reads one fact's answer from a form. `Ok(None)` never happens for a required answer:
/// every question needs an answer to go on.
pub fn read_fact(
    m: &Model,
    fid: FactId,
    id: &str,
    form: &Form,
    lang: passerelle_diag::Lang,
) -> Result<J, Problem> {
    let f = m.fact(fid);
    let one = form.get(id).map(str::trim).unwrap_or("");
    match f.ty {
        FactType::Bool => match one {
            "true" => Ok(J::Bool(true)),
            "false" => Ok(J::Bool(false)),
            "" => Err(Problem::ChooseOne),
            _ => Err(Problem::NotAnOption),
        },
        FactType::Enum => {
            if one.is_empty() {
                Err(Problem::ChooseOne)
            } else if f.option_index(one).is_some() {
                Ok(J::String(one.to_string()))
            } else {
                Err(Problem::NotAnOption)
            }
        }
        FactType::Set => {
            let vals = form.all(id);
            let none = vals.contains(&NONE);
            let picked: Vec<&str> = vals.into_iter().filter(|v| *v != NONE).collect();
            if none && !picked.is_empty() {
                return Err(Problem::NoneAndOther);
            }
            if !none && picked.is_empty() {
                return Err(Problem::ChooseSome);
            }
            if picked.iter().any(|v| f.option_index(v).is_none()) {
                return Err(Problem::NotAnOption);
            }
            // In declaration order, without repeats.
            let out: Vec<J> = f
                .options
                .iter()
                .filter(|o| picked.contains(&o.name.as_str()))
                .map(|o| J::String(o.name.clone()))
                .collect();
            Ok(J::Array(out))
        }
        FactType::Int => {
            let t: String = one
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '_' | '\u{a0}' | '\u{202f}'))
                .collect();
            if t.is_empty() {
                return Err(Problem::Number);
            }
            let n: i64 = t.parse().map_err(|_| Problem::Number)?;
            if let Some(Value::Int(min)) = f.min
                && n < min
            {
                return Err(Problem::Min(shown(m, fid, &Value::Int(min), lang)));
            }
            if let Some(Value::Int(max)) = f.max
                && n > max
            {
                return Err(Problem::Max(shown(m, fid, &Value::Int(max), lang)));
            }
            Ok(J::from(n))
        }
        FactType::Money => {
            let t = normalise_amount(one);
            if t.is_empty() {
                return Err(Problem::Amount);
            }
            let c = parse_money(&J::String(t)).ok_or(Problem::Amount)?;
            if let Some(Value::Money(min)) = f.min
                && c < min
            {
                return Err(Problem::Min(shown(m, fid, &Value::Money(min), lang)));
            }
            if let Some(Value::Money(max)) = f.max
                && c > max
            {
                return Err(Problem::Max(shown(m, fid, &Value::Money(max), lang)));
            }
            let sign = if c < 0 { "-" } else { "" };
            Ok(J::String(format!(
                "{sign}{}.{:02}",
                (c / 100).abs(),
                (c % 100).abs()
            )))
        }
        FactType::Date => {
            let y = form.get(&format!("{id}-year")).map(str::trim).unwrap_or("");
            let mo = form
                .get(&format!("{id}-month"))
                .map(str::trim)
                .unwrap_or("");
            let d = form.get(&format!("{id}-day")).map(str::trim).unwrap_or("");
            if y.is_empty() || mo.is_empty() || d.is_empty() {
                return Err(Problem::DateMissing);
            }
            let (Ok(y), Ok(mo), Ok(d)) = (y.parse::<u16>(), mo.parse::<u8>(), d.parse::<u8>())
            else {
                return Err(Problem::Date);
            };
            let s = format!("{y:04}-{mo:02}-{d:02}");
            match parse_date(&s) {
                Some(_) if (1000..=9999).contains(&y) => Ok(J::String(s)),
                _ => Err(Problem::Date),
            }
        }
        FactType::Text => {
            if one.is_empty() {
                Err(Problem::TextMissing)
            } else if one.chars().count() > 10_000 {
                Err(Problem::TextLong)
            } else {
                Ok(J::String(one.to_string()))
            }
        }
    }
}

/// The values a form shows for a fact: what was typed (after an error) or the stored answer.
#[derive(Clone, Debug, Default)]
pub struct Shown {
    /// Text inputs and the chosen radio: one value.
    pub value: String,
    /// Checkboxes: ticked values.
    pub ticked: Vec<String>,
    /// Date parts.
    pub year: String,
    /// Month.
    pub month: String,
    /// Day.
    pub day: String,
}

/// What a form shows from a stored JSON answer.
pub fn shown_from_json(f: &Fact, v: Option<&J>, lang: passerelle_diag::Lang) -> Shown {
    let mut s = Shown::default();
    let Some(v) = v else { return s };
    match f.ty {
        FactType::Bool => s.value = v.as_bool().map(|b| b.to_string()).unwrap_or_default(),
        FactType::Set => {
            s.ticked = v
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if v.as_array().is_some_and(Vec::is_empty) {
                s.ticked.push(NONE.to_string());
            }
        }
        FactType::Date => {
            if let Some(d) = v.as_str().and_then(parse_date) {
                s.year = format!("{:04}", d.year());
                s.month = d.month().to_string();
                s.day = d.day().to_string();
            }
        }
        FactType::Money => {
            if let Some(c) = parse_money(v) {
                let sign = if c < 0 { "-" } else { "" };
                let (w, cents) = ((c / 100).abs(), (c % 100).abs());
                s.value = match (lang, cents) {
                    (_, 0) => format!("{sign}{w}"),
                    (passerelle_diag::Lang::En, c) => format!("{sign}{w}.{c:02}"),
                    (passerelle_diag::Lang::Fr, c) => format!("{sign}{w},{c:02}"),
                };
            }
        }
        _ => {
            s.value = match v {
                J::String(x) => x.clone(),
                J::Number(n) => n.to_string(),
                _ => String::new(),
            }
        }
    }
    s
}

/// What a form shows after an error: what was typed.
pub fn shown_from_form(f: &Fact, id: &str, form: &Form) -> Shown {
    let mut s = Shown::default();
    match f.ty {
        FactType::Set => s.ticked = form.all(id).into_iter().map(str::to_string).collect(),
        FactType::Date => {
            s.year = form.get(&format!("{id}-year")).unwrap_or("").to_string();
            s.month = form.get(&format!("{id}-month")).unwrap_or("").to_string();
            s.day = form.get(&format!("{id}-day")).unwrap_or("").to_string();
        }
        _ => s.value = form.get(id).unwrap_or("").to_string(),
    }
    s
}

/// Items of a group being edited: the drafts, else the stored answer.
pub fn group_items(m: &Model, g: GroupId, answers: &J, drafts: &J) -> Vec<J> {
    let name = &m.group(g).name;
    drafts
        .get(name)
        .or_else(|| answers.get(name))
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(normalise_amount("$1,250.75"), "1250.75");
        assert_eq!(normalise_amount("1 250,75 $"), "1250.75");
        assert_eq!(normalise_amount("1\u{a0}250,5"), "1250.5");
        assert_eq!(normalise_amount("1,250"), "1250");
        assert_eq!(normalise_amount("50"), "50");
    }
}
