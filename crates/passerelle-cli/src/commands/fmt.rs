//! `passerelle fmt`.

use super::print_diags;
use crate::Format;
use passerelle_diag::{FileId, Lang, SourceMap};
use std::path::{Path, PathBuf};

fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let Ok(entries) = std::fs::read_dir(p) else {
            return;
        };
        let mut v: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        v.sort();
        for e in v {
            let hidden = e
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                collect(&e, out);
            }
        }
    } else if p.extension().is_some_and(|e| e == "md") {
        out.push(p.to_path_buf());
    }
}

/// Formats the rule blocks of one text; `None` when it has syntax errors (reported).
pub fn format_text(map: &mut SourceMap, name: &str, text: &str, lang: Lang) -> Option<String> {
    let id: FileId = map.add(name.to_string(), text.to_string());
    let mut diags = Vec::new();
    let pf = passerelle_syntax::split(id, text, &mut diags);
    if diags.iter().any(|d| d.is_error()) {
        print_diags(diags.iter(), map, Format::Human, lang);
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    for b in &pf.blocks {
        let (s, e) = (b.content.start as usize, b.content.end as usize);
        if s < pos || e > text.len() {
            return None;
        }
        out.push_str(&text[pos..s]);
        out.push_str(&passerelle_syntax::fmt::format_body(&b.body, text));
        pos = e;
    }
    out.push_str(&text[pos..]);
    Some(out)
}

pub fn run(paths: &[PathBuf], check: bool, lang: Lang) -> u8 {
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for r in &roots {
        if !r.exists() {
            match lang {
                Lang::En => eprintln!("error[missing-folder]: {} does not exist", r.display()),
                Lang::Fr => eprintln!("erreur[missing-folder] : {} n'existe pas", r.display()),
            }
            return 1;
        }
        collect(r, &mut files);
    }
    let mut map = SourceMap::new();
    let mut changed = 0usize;
    let mut failed = false;
    for f in files {
        let name = f.display().to_string();
        let Ok(text) = std::fs::read_to_string(&f) else {
            match lang {
                Lang::En => eprintln!("error[io]: cannot read {name} as UTF-8 text"),
                Lang::Fr => eprintln!("erreur[io] : impossible de lire {name} comme texte UTF-8"),
            }
            failed = true;
            continue;
        };
        let Some(new) = format_text(&mut map, &name, &text, lang) else {
            failed = true;
            continue;
        };
        if new != text {
            changed += 1;
            if check {
                match lang {
                    Lang::En => println!("would reformat {name}"),
                    Lang::Fr => println!("mise en forme à refaire : {name}"),
                }
            } else if std::fs::write(&f, new).is_err() {
                match lang {
                    Lang::En => eprintln!("error[io]: cannot write {name}"),
                    Lang::Fr => eprintln!("erreur[io] : impossible d'écrire {name}"),
                }
                failed = true;
            }
        }
    }
    if !check {
        match lang {
            Lang::En => eprintln!("{changed} file(s) reformatted"),
            Lang::Fr => eprintln!("{changed} fichier(s) remis en forme"),
        }
    }
    if failed || (check && changed > 0) {
        1
    } else {
        0
    }
}
