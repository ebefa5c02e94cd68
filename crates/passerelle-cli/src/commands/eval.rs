//! `passerelle eval`.

use super::load_or_report;
use crate::OutFormat;
use passerelle_diag::Lang;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Reads a file or standard input (`-`), at most 8 MiB.
pub fn read_input(path: &Path) -> Result<String, String> {
    let mut buf = String::new();
    let limit = 8 * 1024 * 1024;
    let res = if path.as_os_str() == "-" {
        std::io::stdin().take(limit + 1).read_to_string(&mut buf)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_string(&mut buf))
    };
    match res {
        Ok(n) if n as u64 > limit => Err(format!("{} > 8 MiB", path.display())),
        Ok(_) => Ok(buf),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

pub fn parse_date_arg(s: &str, lang: Lang) -> Option<jiff::civil::Date> {
    let d = passerelle_check::answers::parse_date(s);
    if d.is_none() {
        match lang {
            Lang::En => eprintln!("error: --as-of `{s}` is not a date written YYYY-MM-DD"),
            Lang::Fr => eprintln!("erreur : --as-of « {s} » n'est pas une date écrite AAAA-MM-JJ"),
        }
    }
    d
}

pub fn run(
    packs: &[PathBuf],
    facts: &Path,
    as_of: Option<&str>,
    format: OutFormat,
    explain: bool,
    lang: Lang,
) -> u8 {
    let Some(pack) = load_or_report(packs, lang) else {
        return 1;
    };
    let as_of = match as_of {
        Some(s) => match parse_date_arg(s, lang) {
            Some(d) => d,
            None => return 2,
        },
        None => passerelle::today(),
    };
    let text = match read_input(facts) {
        Ok(t) => t,
        Err(e) => {
            match lang {
                Lang::En => eprintln!("error: cannot read the answers: {e}"),
                Lang::Fr => eprintln!("erreur : impossible de lire les réponses : {e}"),
            }
            return 1;
        }
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            match lang {
                Lang::En => eprintln!(
                    "error: the answers are not valid JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
                Lang::Fr => eprintln!(
                    "erreur : les réponses ne sont pas du JSON valide : {e} (ligne {}, colonne {})",
                    e.line(),
                    e.column()
                ),
            }
            return 1;
        }
    };
    let answers = match passerelle_check::answers::from_json(&pack.model, &json) {
        Ok(a) => a,
        Err(errs) => {
            match format {
                OutFormat::Json => {
                    let body = serde_json::json!({ "errors": errs.iter().map(|e| serde_json::json!({
                        "pointer": e.pointer, "expected": e.expected, "message": e.message.get(lang)
                    })).collect::<Vec<_>>() });
                    println!("{body}");
                }
                OutFormat::Text => {
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
                }
            }
            return 1;
        }
    };
    let v = passerelle::evaluate(
        &pack,
        &answers,
        as_of,
        lang,
        passerelle::EvalOptions { explain },
    );
    match format {
        OutFormat::Json => match serde_json::to_string_pretty(&v) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        },
        OutFormat::Text => print!("{}", passerelle::text::render(&v, lang)),
    }
    0
}
