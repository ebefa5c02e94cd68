//! Prints official provisions, lists sections, or compares two versions of a text.
//!
//! ```text
//! cargo run -p passerelle-sources --example show -- DIR laws/eng/P-21.xml "5(2)" "8(2)(a)"
//! cargo run -p passerelle-sources --example show -- DIR laws/eng/P-21.xml --sections
//! cargo run -p passerelle-sources --example show -- DIR laws/history/P-21.eng.2024-10-24.xml --diff laws/eng/P-21.xml
//! ```

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use passerelle_sources::SourceSet;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, doc, rest @ ..] = args.as_slice() else {
        return Err("usage: show DIR DOCUMENT [SECTION… | --sections | --diff OTHER]".into());
    };
    let set = SourceSet::open(Path::new(dir))?;
    // Write errors (a closed pipe) end the program quietly instead of panicking.
    let mut out = std::io::stdout().lock();
    let text = set.document(doc)?;
    writeln!(
        out,
        "{} [{}] {:?}, {} provisions",
        text.title(),
        text.language().code(),
        text.dates(),
        text.provisions().len()
    )?;
    for warning in text.warnings() {
        writeln!(out, "warning: {warning}")?;
    }
    match rest {
        [flag] if flag == "--sections" => {
            for section in text.sections() {
                writeln!(out, "{section}")?;
            }
        }
        [flag, other] if flag == "--diff" => {
            let other = set.document(other)?;
            for p in text.provisions() {
                match other.provision(&p.section) {
                    None => writeln!(out, "- {}", p.section)?,
                    Some(q) if q.fingerprint() != p.fingerprint() => {
                        let (before, after) = (p.text.len(), q.text.len());
                        writeln!(out, "~ {} ({before} → {after} chars)", p.section)?;
                    }
                    Some(_) => {}
                }
            }
            for q in other.provisions() {
                if text.provision(&q.section).is_none() {
                    writeln!(out, "+ {}", q.section)?;
                }
            }
        }
        sections => {
            for section in sections {
                match text.provision(section) {
                    Some(p) => {
                        let heading = p.heading.as_deref().unwrap_or("");
                        writeln!(out, "\n{} ({:?}) {heading}", p.section, p.kind)?;
                        writeln!(out, "{}", p.text)?;
                        writeln!(out, "{}", p.fingerprint())?;
                    }
                    None => writeln!(
                        out,
                        "\n{section}: no such provision; did you mean {:?}?",
                        text.nearest(section, 5)
                    )?,
                }
            }
        }
    }
    Ok(())
}
