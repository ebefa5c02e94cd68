//! What templates read.

use passerelle::Pack;
use passerelle::describe::value_label;
use passerelle::verdict::Verdict;
use passerelle_check::model::Answers;
use passerelle_diag::Lang;
use serde_json::{Map, Value, json};

/// The template context for answers and their verdict, in a language.
pub fn context(
    pack: &Pack,
    answers: &Answers,
    verdict: &Verdict,
    lang: Lang,
    document: &str,
) -> Value {
    let m = &pack.model;
    let mut labels = Map::new();
    for (i, v) in answers.facts.iter().enumerate() {
        let (Some(v), Some(f)) = (v, m.facts.get(i)) else {
            continue;
        };
        if f.group.is_none() {
            labels.insert(
                f.name.clone(),
                Value::String(value_label(
                    m,
                    passerelle_check::model::FactId(u32::try_from(i).unwrap_or(0)),
                    v,
                    lang,
                )),
            );
        }
    }
    let mut answered = Vec::new();
    for (fid, f) in m.top_facts() {
        if let Some(v) = answers.get(fid) {
            answered.push(json!({
                "fact": f.name,
                "question": f.question.get(lang),
                "answer": value_label(m, fid, v, lang),
            }));
        }
    }
    let raw = passerelle_check::answers::to_json(m, answers);
    let mut groups = Map::new();
    for (gi, g) in m.groups.iter().enumerate() {
        let Some(items) = answers.groups.get(gi).and_then(Option::as_ref) else {
            continue;
        };
        let list: Vec<Value> = items
            .iter()
            .map(|item| {
                let mut o = Map::new();
                for (pos, v) in item.iter().enumerate() {
                    if let (Some(v), Some(fid)) = (v, g.fields.get(pos)) {
                        o.insert(
                            m.fact(*fid).name.clone(),
                            Value::String(value_label(m, *fid, v, lang)),
                        );
                    }
                }
                Value::Object(o)
            })
            .collect();
        groups.insert(g.name.clone(), Value::Array(list));
    }
    let applies: Vec<String> = verdict.obligations.iter().map(|o| o.id.clone()).collect();
    let myths: Vec<String> = verdict.myths.iter().map(|x| x.id.clone()).collect();
    json!({
        "answers": labels,
        "answered": answered,
        "values": raw,
        "groups": groups,
        "applies": applies,
        "myths": myths,
        "verdict": serde_json::to_value(verdict).unwrap_or(Value::Null),
        "pack": { "id": verdict.pack.id, "title": verdict.pack.title, "version": verdict.pack.version },
        "as_of": verdict.as_of,
        "lang": lang.code(),
        "document": document,
    })
}
