//! `passerelle doc`: a generated document from answers.

use super::load_or_report;
use passerelle_diag::Lang;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(
    kind: &str,
    packs: &[PathBuf],
    facts: &Path,
    format: &str,
    as_of: Option<&str>,
    output: Option<&Path>,
    lang: Lang,
) -> u8 {
    let Some(fmt) = passerelle_docs::Format::parse(format) else {
        match lang {
            Lang::En => eprintln!("error: --format is html, md or pdf"),
            Lang::Fr => eprintln!("erreur : --format vaut html, md ou pdf"),
        }
        return 2;
    };
    let Some(pack) = load_or_report(packs, lang) else {
        return 1;
    };
    let as_of = match as_of {
        Some(s) => match crate::commands::eval::parse_date_arg(s, lang) {
            Some(d) => d,
            None => return 2,
        },
        None => passerelle::today(),
    };
    let answers = match crate::commands::eval::read_input(facts)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()))
    {
        Ok(json) => match passerelle_check::answers::from_json(&pack.model, &json) {
            Ok(a) => a,
            Err(errs) => {
                for e in &errs {
                    eprintln!(
                        "{}: {} ({})",
                        if e.pointer.is_empty() {
                            "/"
                        } else {
                            &e.pointer
                        },
                        e.message.get(lang),
                        e.expected
                    );
                }
                return 1;
            }
        },
        Err(e) => {
            match lang {
                Lang::En => eprintln!("error: cannot read the answers: {e}"),
                Lang::Fr => eprintln!("erreur : impossible de lire les réponses : {e}"),
            }
            return 1;
        }
    };
    // Templates of every pack in the stack; the top pack's win.
    let mut map = pack.map.clone();
    let mut diags = Vec::new();
    let mut templates = passerelle_docs::Templates::default();
    for d in pack.dirs.iter().rev() {
        let t = passerelle_docs::load_templates(d, &mut map, &mut diags);
        for item in t.items {
            if templates.get(&item.document, item.lang).is_none() {
                templates.items.push(item);
            }
        }
    }
    let verdict = passerelle::evaluate(
        &pack,
        &answers,
        as_of,
        lang,
        passerelle::EvalOptions::default(),
    );
    match passerelle_docs::render(
        &pack, &templates, &answers, &verdict, as_of, kind, lang, fmt,
    ) {
        Ok(doc) => {
            let res = match output {
                Some(p) => std::fs::write(p, &doc.bytes),
                None => std::io::stdout().write_all(&doc.bytes),
            };
            if let Err(e) = res {
                eprintln!("{e}");
                return 1;
            }
            0
        }
        Err(e) => {
            match lang {
                Lang::En => eprintln!("error: {}", e.message(&pack).get(lang)),
                Lang::Fr => eprintln!("erreur : {}", e.message(&pack).get(lang)),
            }
            if let passerelle_docs::DocError::Missing(fs) = &e {
                for f in fs {
                    let fact = pack.model.fact(*f);
                    eprintln!("  - {}: {}", fact.name, fact.question.get(lang));
                }
            }
            1
        }
    }
}
