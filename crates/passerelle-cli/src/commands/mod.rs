//! One module per command.

pub mod ask;
pub mod cases;
pub mod check;
pub mod doc;
pub mod eval;
pub mod fmt;
pub mod info;
pub mod sources;
pub mod test;

use crate::Format;
use passerelle_diag::{Diag, Lang, SourceMap, Style, render_human, render_json_line};
use std::io::IsTerminal;

/// Prints diagnostics in the chosen format.
pub fn print_diags<'a>(
    diags: impl IntoIterator<Item = &'a Diag>,
    map: &SourceMap,
    format: Format,
    lang: Lang,
) {
    let style = if std::io::stderr().is_terminal() {
        Style::Fancy
    } else {
        Style::Plain
    };
    for d in diags {
        match format {
            Format::Json => println!("{}", render_json_line(d, map, lang)),
            Format::Human => eprintln!("{}", render_human(d, map, lang, style)),
            Format::Plain => eprintln!("{}", render_human(d, map, lang, Style::Narrated)),
        }
    }
}

/// "N errors, M warnings" in a language.
pub fn summary(errors: usize, warnings: usize, lang: Lang) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match lang {
        Lang::En => format!(
            "{}, {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        ),
        Lang::Fr => format!(
            "{}, {}",
            if errors <= 1 {
                format!("{errors} erreur")
            } else {
                format!("{errors} erreurs")
            },
            if warnings <= 1 {
                format!("{warnings} avertissement")
            } else {
                format!("{warnings} avertissements")
            }
        ),
    }
}

/// Loads packs or prints why not.
pub fn load_or_report(dirs: &[std::path::PathBuf], lang: Lang) -> Option<passerelle::Pack> {
    match passerelle::Pack::load(dirs) {
        Ok(p) => Some(p),
        Err(e) => {
            print_diags(
                e.diags.iter().filter(|d| d.is_error()),
                &e.map,
                Format::Human,
                lang,
            );
            eprintln!(
                "{}",
                summary(e.diags.error_count(), e.diags.warning_count(), lang)
            );
            None
        }
    }
}
