//! `passerelle ask`: the interview in a terminal. One question at a time with its help and
//! "why we ask"; Esc goes back to the previous question; the verdict at the end, and the
//! answers can be saved as JSON.

use super::load_or_report;
use passerelle::verdict::Question;
use passerelle_check::model::{Answers, FactId, FactType, GroupId, Model, NameRef, Value};
use passerelle_diag::Lang;
use std::path::PathBuf;

enum Step {
    Fact(FactId),
    Group(GroupId),
}

fn t(lang: Lang, en: &str, fr: &str) -> String {
    if lang == Lang::En {
        en.to_string()
    } else {
        fr.to_string()
    }
}

enum Outcome<T> {
    Value(T),
    Back,
    Quit,
}

fn from<T>(r: Result<T, inquire::InquireError>) -> Outcome<T> {
    match r {
        Ok(v) => Outcome::Value(v),
        Err(inquire::InquireError::OperationCanceled) => Outcome::Back,
        Err(_) => Outcome::Quit,
    }
}

fn parse_for(ty: FactType, s: &str) -> Option<Value> {
    let s = s.trim();
    match ty {
        FactType::Int => s
            .replace([' ', '_', ','], "")
            .parse::<i64>()
            .ok()
            .map(Value::Int),
        FactType::Money => passerelle_check::answers::parse_money(&serde_json::Value::String(
            s.replace(' ', "").replace(',', "."),
        ))
        .map(Value::Money),
        FactType::Date => passerelle_check::answers::parse_date(s).map(Value::Date),
        FactType::Text => (!s.is_empty()).then(|| Value::Text(s.to_string())),
        _ => None,
    }
}

/// Asks one fact; `None` in the value means "back".
fn ask_fact(m: &Model, f: FactId, q: Option<&Question>, lang: Lang) -> Outcome<Option<Value>> {
    let fact = m.fact(f);
    let text = fact.question.get(lang).to_string();
    let help = fact.help.get(lang).to_string();
    let help_line = format!("{help}  [{}]", t(lang, "Esc: back", "Échap : retour"));
    if let Some(q) = q
        && !q.settles_text.is_empty()
    {
        println!(
            "{}",
            t(
                lang,
                "Why we ask: your answer settles, among others:",
                "Pourquoi cette question : votre réponse tranche, entre autres :"
            )
        );
        for s in q.settles_text.iter().take(3) {
            println!("  • {s}");
        }
        if q.settles_text.len() > 3 {
            let more = q.settles_text.len() - 3;
            println!(
                "  {}",
                if lang == Lang::En {
                    format!("(and {more} more)")
                } else {
                    format!("(et {more} autres)")
                }
            );
        }
    }
    match fact.ty {
        FactType::Bool => {
            let yes = t(lang, "Yes", "Oui");
            let no = t(lang, "No", "Non");
            match from(
                inquire::Select::new(&text, vec![yes.clone(), no])
                    .with_help_message(&help_line)
                    .prompt(),
            ) {
                Outcome::Value(v) => Outcome::Value(Some(Value::Bool(v == yes))),
                Outcome::Back => Outcome::Back,
                Outcome::Quit => Outcome::Quit,
            }
        }
        FactType::Enum => {
            let labels: Vec<String> = fact
                .options
                .iter()
                .map(|o| o.label.get(lang).to_string())
                .collect();
            match from(
                inquire::Select::new(&text, labels.clone())
                    .with_help_message(&help_line)
                    .prompt(),
            ) {
                Outcome::Value(v) => {
                    let i = labels.iter().position(|l| *l == v).unwrap_or(0);
                    Outcome::Value(Some(Value::Opt(u32::try_from(i).unwrap_or(0))))
                }
                Outcome::Back => Outcome::Back,
                Outcome::Quit => Outcome::Quit,
            }
        }
        FactType::Set => {
            let labels: Vec<String> = fact
                .options
                .iter()
                .map(|o| o.label.get(lang).to_string())
                .collect();
            match from(
                inquire::MultiSelect::new(&text, labels.clone())
                    .with_help_message(&help_line)
                    .prompt(),
            ) {
                Outcome::Value(v) => {
                    let mut mask = 0u64;
                    for chosen in v {
                        if let Some(i) = labels.iter().position(|l| *l == chosen) {
                            mask |= 1u64 << i;
                        }
                    }
                    Outcome::Value(Some(Value::Set(mask)))
                }
                Outcome::Back => Outcome::Back,
                Outcome::Quit => Outcome::Quit,
            }
        }
        ty => {
            let hint = match (ty, lang) {
                (FactType::Money, Lang::En) => " ($)",
                (FactType::Money, Lang::Fr) => " ($)",
                (FactType::Date, Lang::En) => " (YYYY-MM-DD)",
                (FactType::Date, Lang::Fr) => " (AAAA-MM-JJ)",
                _ => "",
            };
            let invalid = t(
                lang,
                "Please enter a valid answer",
                "Veuillez entrer une réponse valide",
            );
            let validator = move |s: &str| -> Result<
                inquire::validator::Validation,
                inquire::CustomUserError,
            > {
                Ok(if parse_for(ty, s).is_some() {
                    inquire::validator::Validation::Valid
                } else {
                    inquire::validator::Validation::Invalid(invalid.clone().into())
                })
            };
            let prompt = format!("{text}{hint}");
            match from(
                inquire::Text::new(&prompt)
                    .with_help_message(&help_line)
                    .with_validator(validator)
                    .prompt(),
            ) {
                Outcome::Value(v) => Outcome::Value(parse_for(ty, &v)),
                Outcome::Back => Outcome::Back,
                Outcome::Quit => Outcome::Quit,
            }
        }
    }
}

fn ask_group(m: &Model, g: GroupId, lang: Lang) -> Outcome<Vec<Vec<Option<Value>>>> {
    let group = m.group(g);
    println!("{}", group.question.get(lang));
    println!("  {}", group.help.get(lang));
    let mut items = Vec::new();
    loop {
        let add = if items.is_empty() {
            t(lang, "Add an item", "Ajouter un élément")
        } else {
            t(lang, "Add another item", "Ajouter un autre élément")
        };
        let done = if items.is_empty() {
            t(lang, "None", "Aucun")
        } else {
            t(lang, "That is all", "C'est tout")
        };
        match from(
            inquire::Select::new(
                &format!("{} ({})", group.question.get(lang), items.len()),
                vec![add.clone(), done],
            )
            .prompt(),
        ) {
            Outcome::Value(v) if v == add => {
                let mut item = Vec::new();
                for f in &group.fields {
                    match ask_fact(m, *f, None, lang) {
                        Outcome::Value(v) => item.push(v),
                        Outcome::Back => return Outcome::Back,
                        Outcome::Quit => return Outcome::Quit,
                    }
                }
                items.push(item);
            }
            Outcome::Value(_) => return Outcome::Value(items),
            Outcome::Back => return Outcome::Back,
            Outcome::Quit => return Outcome::Quit,
        }
    }
}

pub fn run(packs: &[PathBuf], answers_file: Option<&std::path::Path>, lang: Lang) -> u8 {
    let Some(pack) = load_or_report(packs, lang) else {
        return 1;
    };
    let m = &pack.model;
    let mut answers = Answers::empty(m);
    if let Some(path) = answers_file {
        let parsed = crate::commands::eval::read_input(path)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .map(|j| passerelle_check::answers::from_json(m, &j));
        match parsed {
            Some(Ok(a)) => answers = a,
            _ => {
                eprintln!(
                    "{}",
                    t(
                        lang,
                        "error: cannot read the answers file",
                        "erreur : impossible de lire le fichier de réponses"
                    )
                );
                return 1;
            }
        }
    }
    let today = passerelle::today();
    let mut history: Vec<Step> = Vec::new();
    println!(
        "{}",
        t(
            lang,
            "Passerelle — answer a few questions about your project. Esc goes back; Ctrl+C stops.",
            "Passerelle — répondez à quelques questions sur votre projet. Échap pour revenir; Ctrl+C pour arrêter."
        )
    );
    loop {
        let v = passerelle::evaluate(
            &pack,
            &answers,
            today,
            lang,
            passerelle::EvalOptions { explain: false },
        );
        let Some(q) = v.next_question.clone() else {
            let full = passerelle::evaluate(
                &pack,
                &answers,
                today,
                lang,
                passerelle::EvalOptions::default(),
            );
            println!();
            print!("{}", passerelle::text::render(&full, lang));
            break;
        };
        println!();
        let step = match m.names.get(&q.fact) {
            Some(NameRef::Fact(f)) => Step::Fact(*f),
            Some(NameRef::Group(g)) => Step::Group(*g),
            _ => break,
        };
        let outcome = match &step {
            Step::Fact(f) => match ask_fact(m, *f, Some(&q), lang) {
                Outcome::Value(v) => {
                    answers.set(*f, v);
                    Outcome::Value(())
                }
                Outcome::Back => Outcome::Back,
                Outcome::Quit => Outcome::Quit,
            },
            Step::Group(g) => match ask_group(m, *g, lang) {
                Outcome::Value(items) => {
                    if let Some(slot) = answers.groups.get_mut(g.idx()) {
                        *slot = Some(items);
                    }
                    Outcome::Value(())
                }
                Outcome::Back => Outcome::Back,
                Outcome::Quit => Outcome::Quit,
            },
        };
        match outcome {
            Outcome::Value(()) => history.push(step),
            Outcome::Back => match history.pop() {
                Some(Step::Fact(f)) => answers.set(f, None),
                Some(Step::Group(g)) => {
                    if let Some(slot) = answers.groups.get_mut(g.idx()) {
                        *slot = None;
                    }
                }
                None => {}
            },
            Outcome::Quit => return 130,
        }
    }
    let save = inquire::Text::new(&t(
        lang,
        "Save your answers as JSON (file name, empty to skip):",
        "Enregistrer vos réponses en JSON (nom de fichier, vide pour passer) :",
    ))
    .prompt();
    if let Ok(path) = save {
        let path = path.trim();
        if !path.is_empty() {
            let json = passerelle_check::answers::to_json(m, &answers);
            let body = serde_json::to_string_pretty(&json).unwrap_or_default();
            match std::fs::write(path, body) {
                Ok(()) => println!("{} {path}", t(lang, "Saved to", "Enregistré dans")),
                Err(e) => {
                    eprintln!(
                        "{}: {e}",
                        t(
                            lang,
                            "error: cannot write the file",
                            "erreur : impossible d'écrire le fichier"
                        )
                    );
                    return 1;
                }
            }
        }
    }
    0
}
