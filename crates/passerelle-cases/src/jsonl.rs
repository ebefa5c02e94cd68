//! Export and import of the case log as JSON Lines.
//!
//! The first line names the format; then every recorded rule text (by fingerprint), then
//! every situation (by id), each a one-key object: `{"rule_text": {…}}`,
//! `{"situation": {…}}`. Exporting, importing into an empty database and exporting again
//! gives the same bytes. An import reads and checks the whole file before writing anything,
//! and names the line and column of the first problem.

use passerelle_store::{RuleText, Situation, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// The format's name in the first line.
pub const FORMAT: &str = "passerelle-cases";
/// The format's version.
pub const VERSION: u32 = 1;

/// One line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// The first line.
    Header {
        /// Always [`FORMAT`].
        format: String,
        /// [`VERSION`].
        version: u32,
    },
    /// A rule text.
    RuleText(RuleText),
    /// A situation.
    Situation(Box<Situation>),
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("line {line}, column {column}: {reason}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Why.
    pub reason: String,
}

/// Why an export or import failed.
#[derive(Debug, thiserror::Error)]
pub enum JsonlError {
    /// The file is not a case-log export.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing failed.
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    /// A value could not be written as JSON.
    #[error("cannot encode: {0}")]
    Json(#[from] serde_json::Error),
}

/// Reads an export: every line is checked before anything is returned.
pub fn parse(text: &str) -> Result<Vec<Record>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if out.is_empty()
            && serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .is_some_and(|v| v.get("header").is_none())
        {
            return Err(ParseError {
                line: i + 1,
                column: 1,
                reason: format!(
                    "the first line must be the header {{\"header\": {{\"format\": \"{FORMAT}\", \"version\": {VERSION}}}}}"
                ),
            });
        }
        let rec: Record = serde_json::from_str(line).map_err(|e| ParseError {
            line: i + 1,
            column: e.column().max(1),
            reason: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
        })?;
        if out.is_empty() {
            match &rec {
                Record::Header { format, version } if format == FORMAT && *version == VERSION => {}
                Record::Header { format, version } => {
                    return Err(ParseError {
                        line: i + 1,
                        column: 1,
                        reason: format!(
                            "this is {format} version {version}; this program reads {FORMAT} version {VERSION}"
                        ),
                    });
                }
                _ => {
                    return Err(ParseError {
                        line: i + 1,
                        column: 1,
                        reason: format!(
                            "the first line must be the header {{\"header\": {{\"format\": \"{FORMAT}\", \"version\": {VERSION}}}}}"
                        ),
                    });
                }
            }
        } else if matches!(rec, Record::Header { .. }) {
            return Err(ParseError {
                line: i + 1,
                column: 1,
                reason: "a second header".into(),
            });
        }
        out.push(rec);
    }
    if out.is_empty() {
        return Err(ParseError {
            line: 1,
            column: 1,
            reason: "the file is empty".into(),
        });
    }
    Ok(out)
}

fn line<W: Write>(w: &mut W, r: &Record) -> Result<(), JsonlError> {
    serde_json::to_writer(&mut *w, r)?;
    w.write_all(b"\n")?;
    Ok(())
}

/// Writes the whole case log; returns the number of situations.
pub async fn export<W: Write>(store: &Store, w: &mut W) -> Result<usize, JsonlError> {
    line(
        w,
        &Record::Header {
            format: FORMAT.into(),
            version: VERSION,
        },
    )?;
    for t in store.all_rule_texts().await? {
        line(w, &Record::RuleText(t))?;
    }
    let mut n = 0;
    let mut after = String::new();
    loop {
        let page = store.situations_after(&after, 1_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        for s in page {
            n += 1;
            line(w, &Record::Situation(Box::new(s)))?;
        }
    }
    Ok(n)
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Rule texts read.
    pub rule_texts: usize,
    /// Situations written (added or replaced).
    pub situations: usize,
}

/// Writes records read by [`parse`]: rule texts, then situations (replacing those with the
/// same id; each write in the audit trail under `actor`).
pub async fn import(
    store: &Store,
    records: &[Record],
    actor: &str,
    at: &str,
) -> Result<Imported, JsonlError> {
    let texts: Vec<RuleText> = records
        .iter()
        .filter_map(|r| match r {
            Record::RuleText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    store.put_rule_texts(&texts).await?;
    let mut n = 0;
    for r in records {
        if let Record::Situation(s) = r {
            store.import_situation(s, actor, at).await?;
            n += 1;
        }
    }
    Ok(Imported {
        rule_texts: texts.len(),
        situations: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("{\"header\": {\"format\": \"passerelle-cases\", \"version\": 1}}\n{\"situation\": 3}\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.column > 1, "{e}");
        let e = parse("{\"rule_text\": {}}\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.reason.contains("header"), "{e}");
        assert!(parse("").is_err());
        let e =
            parse("{\"header\": {\"format\": \"passerelle-cases\", \"version\": 9}}").unwrap_err();
        assert!(e.reason.contains("version 9"), "{e}");
    }
}
