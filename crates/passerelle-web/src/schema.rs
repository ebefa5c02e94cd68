//! The fact schema: the questions of the packs, for other services that build forms.
//! [`facts`] is Passerelle's own description (bilingual texts, options, groups, journeys);
//! [`json_schema`] is a JSON Schema (2020-12) of the answers object (`docs/language.md` §12).

use passerelle_check::answers::to_json;
use passerelle_check::model::{Fact, FactType, Model, Value};
use serde_json::{Map, Value as J, json};

fn bound(v: &Option<Value>) -> J {
    match v {
        Some(Value::Int(i)) => J::from(*i),
        Some(Value::Money(c)) => J::String(format!(
            "{}{}.{:02}",
            if *c < 0 { "-" } else { "" },
            (c / 100).abs(),
            (c % 100).abs()
        )),
        _ => J::Null,
    }
}

fn fact_json(f: &Fact) -> J {
    let mut o = Map::new();
    o.insert("name".into(), J::String(f.name.clone()));
    o.insert("type".into(), J::String(f.ty.word().to_string()));
    o.insert(
        "question".into(),
        json!({"en": f.question.en, "fr": f.question.fr}),
    );
    o.insert("help".into(), json!({"en": f.help.en, "fr": f.help.fr}));
    if !f.options.is_empty() {
        o.insert(
            "options".into(),
            J::Array(
                f.options
                    .iter()
                    .map(
                        |x| json!({"value": x.name, "label": {"en": x.label.en, "fr": x.label.fr}}),
                    )
                    .collect(),
            ),
        );
    }
    if f.min.is_some() {
        o.insert("min".into(), bound(&f.min));
    }
    if f.max.is_some() {
        o.insert("max".into(), bound(&f.max));
    }
    if let Some(u) = &f.unit {
        o.insert("unit".into(), json!({"en": u.en, "fr": u.fr}));
    }
    o.insert("gated".into(), J::Bool(f.gate.is_some()));
    J::Object(o)
}

/// Passerelle's description of the questions.
pub fn facts(m: &Model) -> J {
    let facts: Vec<J> = m.top_facts().map(|(_, f)| fact_json(f)).collect();
    let groups: Vec<J> = m
        .groups
        .iter()
        .map(|g| {
            json!({
                "name": g.name,
                "type": "group",
                "question": {"en": g.question.en, "fr": g.question.fr},
                "help": {"en": g.help.en, "fr": g.help.fr},
                "label_field": g.label_field.map(|f| m.fact(f).name.clone()),
                "gated": g.gate.is_some(),
                "max_items": 200,
                "fields": g.fields.iter().map(|f| fact_json(m.fact(*f))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let journeys: Vec<J> = m
        .journeys
        .iter()
        .map(|j| {
            json!({
                "id": j.id,
                "title": {"en": j.title.en, "fr": j.title.fr},
                "description": {"en": j.description.en, "fr": j.description.fr},
                "preset": to_json(m, &j.preset),
            })
        })
        .collect();
    json!({ "facts": facts, "groups": groups, "journeys": journeys })
}

fn value_schema(f: &Fact) -> J {
    let mut s = match f.ty {
        FactType::Bool => json!({"type": ["boolean", "null"]}),
        FactType::Int => {
            let mut s = json!({"type": ["integer", "null"]});
            if let (Some(Value::Int(min)), Some(o)) = (&f.min, s.as_object_mut()) {
                o.insert("minimum".into(), J::from(*min));
            }
            if let (Some(Value::Int(max)), Some(o)) = (&f.max, s.as_object_mut()) {
                o.insert("maximum".into(), J::from(*max));
            }
            s
        }
        FactType::Money => json!({
            "description": "Canadian dollars with at most two decimals: a string such as \"1250.75\" or \"$1,250.75\", or a number",
            "anyOf": [
                {"type": "string", "pattern": "^\\s*\\$?-?[0-9][0-9,_ ]*(\\.[0-9]{1,2})?\\s*$"},
                {"type": "number", "multipleOf": 0.01},
                {"type": "null"}
            ]
        }),
        FactType::Date => {
            json!({"type": ["string", "null"], "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        }
        FactType::Text => json!({"type": ["string", "null"], "maxLength": 10000}),
        FactType::Enum => {
            let mut opts: Vec<J> = f
                .options
                .iter()
                .map(|o| J::String(o.name.clone()))
                .collect();
            opts.push(J::Null);
            json!({"enum": opts})
        }
        FactType::Set => json!({
            "type": ["array", "null"],
            "uniqueItems": true,
            "items": {"enum": f.options.iter().map(|o| o.name.clone()).collect::<Vec<_>>()}
        }),
    };
    if let Some(o) = s.as_object_mut() {
        o.insert("title".into(), J::String(f.question.en.clone()));
        o.insert("description".into(), J::String(f.help.en.clone()));
        o.insert(
            "x-passerelle-question".into(),
            json!({"en": f.question.en, "fr": f.question.fr}),
        );
        o.insert(
            "x-passerelle-help".into(),
            json!({"en": f.help.en, "fr": f.help.fr}),
        );
        if !f.options.is_empty() {
            o.insert(
                "x-passerelle-options".into(),
                J::Array(
                    f.options
                        .iter()
                        .map(|x| json!({"value": x.name, "label": {"en": x.label.en, "fr": x.label.fr}}))
                        .collect(),
                ),
            );
        }
    }
    s
}

/// A JSON Schema (2020-12) of the answers object.
pub fn json_schema(m: &Model) -> J {
    let mut props = Map::new();
    for (_, f) in m.top_facts() {
        props.insert(f.name.clone(), value_schema(f));
    }
    for g in &m.groups {
        let mut fields = Map::new();
        for f in &g.fields {
            let fact = m.fact(*f);
            fields.insert(fact.name.clone(), value_schema(fact));
        }
        props.insert(
            g.name.clone(),
            json!({
                "title": g.question.en,
                "description": g.help.en,
                "x-passerelle-question": {"en": g.question.en, "fr": g.question.fr},
                "x-passerelle-help": {"en": g.help.en, "fr": g.help.fr},
                "type": ["array", "null"],
                "maxItems": 200,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": fields,
                }
            }),
        );
    }
    let title = m.top_pack().map(|p| p.title.en.clone()).unwrap_or_default();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "/api/v1/schema/json-schema",
        "title": format!("Answers: {title}"),
        "description": "Answers keyed by fact name; a missing key or null means unanswered (docs/language.md §12).",
        "type": "object",
        "additionalProperties": false,
        "properties": props,
    })
}
