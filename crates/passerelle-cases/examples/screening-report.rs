//! Prints the precision and recall of the personal-information screen on the labelled set
//! (`tests/data/pi-labelled.jsonl`), per kind and overall, with every disagreement:
//!
//! ```text
//! cargo run -p passerelle-cases --example screening-report
//! ```

use passerelle_cases::screen::eval;
use std::process::ExitCode;

const LABELLED: &str = include_str!("../tests/data/pi-labelled.jsonl");

fn main() -> ExitCode {
    match eval::parse_jsonl(LABELLED) {
        Ok(set) => {
            print!("{}", eval::score(&set));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
