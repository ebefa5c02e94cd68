//! Answers as JSON: validation against the fact schema, and back.
//!
//! Every problem is reported at once, each with its JSON pointer and the expected type;
//! nothing panics on any JSON.

use crate::model::*;
use jiff::civil::Date;
use passerelle_diag::Bi;
use serde::Serialize;
use serde_json::{Map, Value as J};

/// One problem with the answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnswerError {
    /// JSON pointer to the value (`/tools/0/hosted_in`).
    pub pointer: String,
    /// What was expected.
    pub expected: String,
    /// The message.
    pub message: Bi,
}

fn ptr_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of an answer, written only when an error needs it (valid answers, the
/// usual case, build no strings).
#[derive(Clone, Copy)]
struct Ptr<'a> {
    key: &'a str,
    item: Option<(usize, Option<&'a str>)>,
}

impl<'a> Ptr<'a> {
    fn key(key: &'a str) -> Ptr<'a> {
        Ptr { key, item: None }
    }

    fn item(self, i: usize) -> Ptr<'a> {
        Ptr {
            item: Some((i, None)),
            ..self
        }
    }

    fn field(self, i: usize, field: &'a str) -> Ptr<'a> {
        Ptr {
            item: Some((i, Some(field))),
            ..self
        }
    }
}

impl std::fmt::Display for Ptr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "/{}", ptr_escape(self.key))?;
        match self.item {
            None => Ok(()),
            Some((i, None)) => write!(f, "/{i}"),
            Some((i, Some(field))) => write!(f, "/{i}/{}", ptr_escape(field)),
        }
    }
}

/// What a fact expects, in words.
pub fn expected(f: &Fact) -> String {
    match f.ty {
        FactType::Bool => "boolean".to_string(),
        FactType::Int => "integer".to_string(),
        FactType::Money => "money (\"1234.56\" or a number with at most two decimals)".to_string(),
        FactType::Date => "date (\"YYYY-MM-DD\")".to_string(),
        FactType::Text => "string".to_string(),
        FactType::Enum => format!(
            "one of: {}",
            f.options
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FactType::Set => format!(
            "array of: {}",
            f.options
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Parses an amount: a string `"1234.56"` / `"$1,234.56"` or a JSON number, at most two decimals.
pub fn parse_money(v: &J) -> Option<i64> {
    let s = match v {
        J::String(s) => s
            .trim()
            .trim_start_matches('$')
            .replace([',', '_', ' '], ""),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                return i.checked_mul(100);
            }
            n.to_string()
        }
        _ => return None,
    };
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s),
    };
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s.as_str(), ""),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * if frac.len() == 1 { 10 } else { 1 }
    };
    let cents = w.checked_mul(100)?.checked_add(f)?;
    Some(if neg { -cents } else { cents })
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = s.get(0..4)?.parse::<i16>().ok()?;
    let m = s.get(5..7)?.parse::<i8>().ok()?;
    let d = s.get(8..10)?.parse::<i8>().ok()?;
    Date::new(y, m, d).ok()
}

fn value_of(f: &Fact, v: &J, ptr: Ptr<'_>, errs: &mut Vec<AnswerError>) -> Option<Value> {
    let bad = |errs: &mut Vec<AnswerError>, why_en: String, why_fr: String| {
        errs.push(AnswerError {
            pointer: ptr.to_string(),
            expected: expected(f),
            message: Bi::new(why_en, why_fr),
        });
        None
    };
    if v.is_null() {
        return None;
    }
    match f.ty {
        FactType::Bool => match v {
            J::Bool(b) => Some(Value::Bool(*b)),
            _ => bad(
                errs,
                format!("`{}` must be true or false", f.name),
                format!("« {} » doit être true ou false", f.name),
            ),
        },
        FactType::Int => match v.as_i64() {
            Some(i) => {
                if let Some(Value::Int(min)) = f.min
                    && i < min
                {
                    return bad(
                        errs,
                        format!("`{}` must be at least {min}", f.name),
                        format!("« {} » doit être d'au moins {min}", f.name),
                    );
                }
                if let Some(Value::Int(max)) = f.max
                    && i > max
                {
                    return bad(
                        errs,
                        format!("`{}` must be at most {max}", f.name),
                        format!("« {} » doit être d'au plus {max}", f.name),
                    );
                }
                Some(Value::Int(i))
            }
            None => bad(
                errs,
                format!("`{}` must be a whole number", f.name),
                format!("« {} » doit être un nombre entier", f.name),
            ),
        },
        FactType::Money => match parse_money(v) {
            Some(c) => {
                if let Some(Value::Money(min)) = f.min
                    && c < min
                {
                    return bad(
                        errs,
                        format!("`{}` is below the minimum", f.name),
                        format!("« {} » est sous le minimum", f.name),
                    );
                }
                if let Some(Value::Money(max)) = f.max
                    && c > max
                {
                    return bad(
                        errs,
                        format!("`{}` is above the maximum", f.name),
                        format!("« {} » dépasse le maximum", f.name),
                    );
                }
                Some(Value::Money(c))
            }
            None => bad(
                errs,
                format!("`{}` must be an amount with at most two decimals", f.name),
                format!(
                    "« {} » doit être un montant d'au plus deux décimales",
                    f.name
                ),
            ),
        },
        FactType::Date => match v.as_str().and_then(parse_date) {
            Some(d) => Some(Value::Date(d)),
            None => bad(
                errs,
                format!("`{}` must be a date written YYYY-MM-DD", f.name),
                format!("« {} » doit être une date écrite AAAA-MM-JJ", f.name),
            ),
        },
        FactType::Text => match v {
            J::String(s) if s.len() <= 10_000 => Some(Value::Text(s.clone())),
            J::String(_) => bad(
                errs,
                format!("`{}` is longer than 10,000 characters", f.name),
                format!("« {} » dépasse 10 000 caractères", f.name),
            ),
            _ => bad(
                errs,
                format!("`{}` must be text", f.name),
                format!("« {} » doit être du texte", f.name),
            ),
        },
        FactType::Enum => match v.as_str().and_then(|s| f.option_index(s)) {
            Some(i) => Some(Value::Opt(i)),
            None => {
                let shown = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                bad(
                    errs,
                    format!("`{shown}` is not an option of `{}`", f.name),
                    format!("« {shown} » n'est pas une option de « {} »", f.name),
                )
            }
        },
        FactType::Set => match v {
            J::Array(items) => {
                let mut mask = 0u64;
                let mut ok = true;
                for (i, it) in items.iter().enumerate() {
                    match it.as_str().and_then(|s| f.option_index(s)) {
                        Some(o) => mask |= 1u64 << o,
                        None => {
                            ok = false;
                            let shown = it
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| it.to_string());
                            errs.push(AnswerError {
                                pointer: format!("{ptr}/{i}"),
                                expected: expected(f),
                                message: Bi::new(
                                    format!("`{shown}` is not an option of `{}`", f.name),
                                    format!("« {shown} » n'est pas une option de « {} »", f.name),
                                ),
                            });
                        }
                    }
                }
                ok.then_some(Value::Set(mask))
            }
            _ => bad(
                errs,
                format!("`{}` must be a list of options", f.name),
                format!("« {} » doit être une liste d'options", f.name),
            ),
        },
    }
}

/// Parses answers from JSON, checking every value against the schema.
pub fn from_json(m: &Model, v: &J) -> Result<Answers, Vec<AnswerError>> {
    let mut errs = Vec::new();
    let mut ans = Answers::empty(m);
    let Some(obj) = v.as_object() else {
        return Err(vec![AnswerError {
            pointer: String::new(),
            expected: "object".to_string(),
            message: Bi::new(
                "answers must be a JSON object keyed by fact name",
                "les réponses doivent être un objet JSON dont les clés sont les noms des faits",
            ),
        }]);
    };
    for (k, val) in obj {
        let ptr = Ptr::key(k);
        match m.names.get(k) {
            Some(NameRef::Fact(f)) => {
                if let Some(x) = value_of(m.fact(*f), val, ptr, &mut errs) {
                    ans.set(*f, Some(x));
                }
            }
            Some(NameRef::Group(g)) => {
                if val.is_null() {
                    continue;
                }
                let group = m.group(*g);
                let Some(items) = val.as_array() else {
                    errs.push(AnswerError {
                        pointer: ptr.to_string(),
                        expected: format!("array of {} records", group.name),
                        message: Bi::new(
                            format!("`{}` must be a list of records", group.name),
                            format!("« {} » doit être une liste d'enregistrements", group.name),
                        ),
                    });
                    continue;
                };
                if items.len() > 200 {
                    errs.push(AnswerError {
                        pointer: ptr.to_string(),
                        expected: "at most 200 items".to_string(),
                        message: Bi::new(
                            format!("`{}` has more than 200 items", group.name),
                            format!("« {} » compte plus de 200 éléments", group.name),
                        ),
                    });
                    continue;
                }
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    let Some(rec) = it.as_object() else {
                        errs.push(AnswerError {
                            pointer: ptr.item(i).to_string(),
                            expected: "object".to_string(),
                            message: Bi::new(
                                "each item must be an object",
                                "chaque élément doit être un objet",
                            ),
                        });
                        continue;
                    };
                    let mut item: ItemAnswers = vec![None; group.fields.len()];
                    for (fk, fv) in rec {
                        let fptr = ptr.field(i, fk);
                        match group.fields.iter().position(|x| m.fact(*x).name == *fk) {
                            Some(pos) => {
                                if let Some(x) =
                                    value_of(m.fact(group.fields[pos]), fv, fptr, &mut errs)
                                {
                                    item[pos] = Some(x);
                                }
                            }
                            None => errs.push(AnswerError {
                                pointer: fptr.to_string(),
                                expected: group
                                    .fields
                                    .iter()
                                    .map(|x| m.fact(*x).name.clone())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                message: Bi::new(
                                    format!("`{}` has no field `{fk}`", group.name),
                                    format!("« {} » n'a pas de champ « {fk} »", group.name),
                                ),
                            }),
                        }
                    }
                    out.push(item);
                }
                if let Some(slot) = ans.groups.get_mut(g.idx()) {
                    *slot = Some(out);
                }
            }
            Some(NameRef::Def(_)) => errs.push(AnswerError {
                pointer: ptr.to_string(),
                expected: "a fact".to_string(),
                message: Bi::new(
                    format!("`{k}` is worked out from other answers; it cannot be answered"),
                    format!("« {k} » est déduit d'autres réponses; on ne peut pas y répondre"),
                ),
            }),
            None => {
                let sugg = passerelle_diag::did_you_mean(k, m.names.keys().map(String::as_str));
                let (hint_en, hint_fr) = match sugg {
                    Some(s) => (
                        format!(" (did you mean `{s}`?)"),
                        format!(" (vouliez-vous dire « {s} » ?)"),
                    ),
                    None => (String::new(), String::new()),
                };
                errs.push(AnswerError {
                    pointer: ptr.to_string(),
                    expected: "a declared fact".to_string(),
                    message: Bi::new(
                        format!("unknown fact `{k}`{hint_en}"),
                        format!("fait inconnu « {k} »{hint_fr}"),
                    ),
                });
            }
        }
    }
    if errs.is_empty() { Ok(ans) } else { Err(errs) }
}

fn value_json(f: &Fact, v: &Value) -> J {
    match v {
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Money(c) => J::String(format!(
            "{}{}.{:02}",
            if *c < 0 { "-" } else { "" },
            (c / 100).abs(),
            (c % 100).abs()
        )),
        Value::Date(d) => J::String(d.to_string()),
        Value::Text(t) => J::String(t.clone()),
        Value::Opt(o) => J::String(
            f.options
                .get(*o as usize)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
        ),
        Value::Set(s) => J::Array(
            f.options
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && s & (1u64 << i) != 0)
                .map(|(_, o)| J::String(o.name.clone()))
                .collect(),
        ),
        Value::Duration(n, u) => J::String(format!("{n} {}", u.word(*n))),
    }
}

/// Answers back to JSON (only what is answered).
pub fn to_json(m: &Model, a: &Answers) -> J {
    let mut obj = Map::new();
    for (i, v) in a.facts.iter().enumerate() {
        if let (Some(v), Some(f)) = (v, m.facts.get(i))
            && f.group.is_none()
        {
            obj.insert(f.name.clone(), value_json(f, v));
        }
    }
    for (i, g) in a.groups.iter().enumerate() {
        let (Some(items), Some(group)) = (g, m.groups.get(i)) else {
            continue;
        };
        let arr = items
            .iter()
            .map(|item| {
                let mut o = Map::new();
                for (pos, v) in item.iter().enumerate() {
                    if let (Some(v), Some(fid)) = (v, group.fields.get(pos)) {
                        let f = m.fact(*fid);
                        o.insert(f.name.clone(), value_json(f, v));
                    }
                }
                J::Object(o)
            })
            .collect();
        obj.insert(group.name.clone(), J::Array(arr));
    }
    J::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_forms() {
        assert_eq!(parse_money(&J::from("1,234.5")), Some(123_450));
        assert_eq!(parse_money(&J::from("$50")), Some(5_000));
        assert_eq!(parse_money(&serde_json::json!(50.25)), Some(5_025));
        assert_eq!(parse_money(&serde_json::json!(50.255)), None);
        assert_eq!(parse_money(&J::from("abc")), None);
        assert_eq!(parse_money(&serde_json::json!(9.3e300)), None);
        assert_eq!(parse_money(&J::from("-3.1")), Some(-310));
    }

    #[test]
    fn pointers_escape_every_segment() {
        let key = Ptr::key("a/b~c");
        assert_eq!(key.to_string(), "/a~1b~0c");
        assert_eq!(key.item(3).to_string(), "/a~1b~0c/3");
        assert_eq!(key.field(0, "x/y").to_string(), "/a~1b~0c/0/x~1y");
        assert_eq!(format!("{}/{}", Ptr::key("set"), 2), "/set/2");
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-2-9").is_none());
        assert!(parse_date("ééééééééé").is_none());
    }
}
