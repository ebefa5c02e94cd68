//! Re-checking recorded situations against the packs loaded now.
//!
//! A situation records the packs (id, version, digest) its verdict was worked out with, and
//! the packs it was last checked against. When those differ from the loaded packs, its
//! answers are evaluated again; if obligations, myths or the to-confirm list differ from
//! the verdict the advice was given on, it becomes "needs review" and keeps the differences
//! (added, removed, changed, with the texts and citations on both sides, kept by
//! fingerprint). Otherwise only the packs it was checked against are updated. Every
//! situation is read and written in pages, so memory stays flat whatever the number.

use crate::snapshot::{PackTexts, diff, take_with};
use passerelle::{BatchEvaluator, Pack};
use passerelle_check::answers::from_json;
use passerelle_store::{Change, RecheckRow, RecheckUpdate, Review, Store, StoreError};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How many situations are read and written per transaction.
const PAGE: i64 = 2_000;

/// Options.
#[derive(Clone, Debug)]
pub struct RecheckOptions {
    /// The date of the rules in force to evaluate with.
    pub as_of: jiff::civil::Date,
    /// Re-evaluate even situations already checked against these packs.
    pub force: bool,
    /// When (RFC 3339) and by whom, for the audit trail.
    pub at: String,
    /// Actor recorded in the audit trail.
    pub actor: String,
}

/// What a re-check did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecheckSummary {
    /// Situations in the store.
    pub total: usize,
    /// Re-evaluated.
    pub evaluated: usize,
    /// Already checked against the loaded packs: left alone.
    pub current: usize,
    /// Recorded with another top pack than the one loaded: left alone.
    pub other_pack: usize,
    /// Verdict unchanged.
    pub unchanged: usize,
    /// Verdict changed: now "needs review".
    pub flagged: usize,
    /// Changed meanwhile by someone else: left for the next re-check.
    pub raced: usize,
    /// Count of each kind of change: "obligations added" → n.
    pub changes: BTreeMap<String, usize>,
    /// Rules and myths involved in changes → how many situations.
    pub rules: BTreeMap<String, usize>,
    /// Time taken, milliseconds.
    pub millis: u128,
    /// Of which reading from the database.
    pub read_millis: u128,
    /// Of which evaluating and comparing.
    pub eval_millis: u128,
    /// Of which writing to the database.
    pub write_millis: u128,
}

/// Why a re-check stopped.
#[derive(Debug, thiserror::Error)]
pub enum RecheckError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A background task failed.
    #[error("re-check task failed: {0}")]
    Task(String),
}

/// The differences for answers that the pack no longer accepts.
fn answer_changes(errors: &[passerelle_check::answers::AnswerError]) -> Vec<Change> {
    errors
        .iter()
        .map(|e| Change {
            list: "answers".into(),
            change: "invalid".into(),
            id: format!(
                "{}: {}",
                e.pointer,
                e.message.get(passerelle_diag::Lang::En)
            ),
            before: None,
            after: None,
        })
        .collect()
}

/// How one situation's verdict differs under the loaded packs.
fn evaluate_one(
    ev: &mut BatchEvaluator<'_>,
    texts: &PackTexts,
    as_of: jiff::civil::Date,
    s: &RecheckRow,
) -> Vec<Change> {
    match from_json(&ev.pack().model, &s.answers) {
        Ok(answers) => diff(&s.verdict, &take_with(ev, texts, &answers, as_of)),
        Err(errors) => answer_changes(&errors),
    }
}

/// Evaluates situations on every core.
fn evaluate_all(
    pack: &Pack,
    texts: &PackTexts,
    as_of: jiff::civil::Date,
    todo: &[&RecheckRow],
) -> Vec<Vec<Change>> {
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 8);
    if threads == 1 || todo.len() < 64 {
        let mut ev = BatchEvaluator::new(pack);
        return todo
            .iter()
            .map(|s| evaluate_one(&mut ev, texts, as_of, s))
            .collect();
    }
    let chunk = todo.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut ev = BatchEvaluator::new(pack);
                    part.iter()
                        .map(|s| evaluate_one(&mut ev, texts, as_of, s))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(todo.len());
        for h in handles {
            match h.join() {
                Ok(v) => out.extend(v),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

/// Re-checks every situation of the loaded pack's stack.
pub async fn recheck(
    store: &Store,
    pack: &Pack,
    texts: &PackTexts,
    opts: &RecheckOptions,
) -> Result<RecheckSummary, RecheckError> {
    let started = Instant::now();
    let mut sum = RecheckSummary::default();
    store.put_rule_texts(&texts.all()).await?;
    let (top, _, _) = pack.top();
    // The next page is read while this one is evaluated and written.
    let read = |after: String| {
        let store = store.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            let page = store.recheck_rows_after(&after, PAGE).await;
            (page, t.elapsed().as_millis())
        })
    };
    let mut next = read(String::new());
    loop {
        let t = Instant::now();
        let (page, millis) = next.await.map_err(|e| RecheckError::Task(e.to_string()))?;
        let page = page?;
        // Time spent waiting for the page (the rest overlapped with the previous page).
        sum.read_millis += t.elapsed().as_millis().min(millis);
        let t = Instant::now();
        let Some(last) = page.last() else { break };
        next = read(last.id.clone());
        // Evaluate in parallel (the evaluation is pure), then decide in order.
        let todo: Vec<&RecheckRow> = page
            .iter()
            .filter(|s| {
                sum.total += 1;
                if s.pack != top {
                    sum.other_pack += 1;
                    false
                } else if !opts.force && s.checked == texts.stamps {
                    sum.current += 1;
                    false
                } else {
                    true
                }
            })
            .collect();
        let results = evaluate_all(pack, texts, opts.as_of, &todo);
        let mut updates = Vec::with_capacity(todo.len());
        for (s, changes) in todo.iter().zip(results) {
            sum.evaluated += 1;
            let review = if changes.is_empty() {
                sum.unchanged += 1;
                None
            } else {
                sum.flagged += 1;
                for c in &changes {
                    *sum.changes
                        .entry(format!("{} {}", c.list, c.change))
                        .or_default() += 1;
                    let rule = c.id.split('[').next().unwrap_or(&c.id).to_string();
                    if c.list != "answers" {
                        *sum.rules.entry(rule).or_default() += 1;
                    }
                }
                let same_as_before = s
                    .review
                    .as_ref()
                    .is_some_and(|r| r.changes == changes && r.as_of == opts.as_of.to_string());
                if same_as_before {
                    None
                } else {
                    Some(Review {
                        checked_at: opts.at.clone(),
                        as_of: opts.as_of.to_string(),
                        changes,
                    })
                }
            };
            updates.push(RecheckUpdate {
                id: s.id.clone(),
                revision: s.revision,
                status: s.status,
                checked: texts.stamps.clone(),
                review,
            });
        }
        sum.eval_millis += t.elapsed().as_millis();
        let t = Instant::now();
        let written = store
            .apply_rechecks(&updates, &opts.at, &opts.actor)
            .await?;
        sum.raced += updates.len() - written;
        sum.write_millis += t.elapsed().as_millis();
        // Freeing thousands of parsed answers takes time: let another thread do it.
        drop(tokio::task::spawn_blocking(move || drop(page)));
    }
    sum.millis = started.elapsed().as_millis();
    Ok(sum)
}

impl RecheckSummary {
    /// The summary in words.
    pub fn describe(&self, lang: passerelle_diag::Lang) -> String {
        let mut out = String::new();
        let fr = lang == passerelle_diag::Lang::Fr;
        let secs =
            Duration::from_millis(u64::try_from(self.millis).unwrap_or(u64::MAX)).as_secs_f64();
        if fr {
            out.push_str(&format!(
                "{} situations : {} réévaluées, {} déjà à jour, {} d'un autre ensemble de règles.\n\
                 {} inchangées, {} à revoir, {} modifiées entre-temps (à revérifier) ; {:.2} s.\n",
                self.total,
                self.evaluated,
                self.current,
                self.other_pack,
                self.unchanged,
                self.flagged,
                self.raced,
                secs
            ));
        } else {
            out.push_str(&format!(
                "{} situations: {} re-evaluated, {} already current, {} from another pack.\n\
                 {} unchanged, {} need review, {} changed meanwhile (check again); {:.2} s.\n",
                self.total,
                self.evaluated,
                self.current,
                self.other_pack,
                self.unchanged,
                self.flagged,
                self.raced,
                secs
            ));
        }
        if !self.changes.is_empty() {
            out.push_str(if fr { "Changements :\n" } else { "Changes:\n" });
            for (k, n) in &self.changes {
                let (list, change) = k.split_once(' ').unwrap_or((k.as_str(), ""));
                out.push_str(&format!(
                    "  {} {}: {n}\n",
                    list_label(list, lang),
                    change_label(change, lang)
                ));
            }
        }
        if !self.rules.is_empty() {
            out.push_str(if fr {
                "Règles et mythes en cause (situations) :\n"
            } else {
                "Rules and myths involved (situations):\n"
            });
            let mut v: Vec<(&String, &usize)> = self.rules.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (r, n) in v.into_iter().take(20) {
                out.push_str(&format!("  {r}: {n}\n"));
            }
        }
        out
    }
}

/// A list's name for people.
pub fn list_label(list: &str, lang: passerelle_diag::Lang) -> &'static str {
    let fr = lang == passerelle_diag::Lang::Fr;
    match (list, fr) {
        ("obligations", false) => "obligations",
        ("obligations", true) => "obligations",
        ("myths", false) => "myths",
        ("myths", true) => "mythes",
        ("to_confirm", false) => "to confirm",
        ("to_confirm", true) => "à confirmer",
        (_, false) => "answers",
        (_, true) => "réponses",
    }
}

/// A change's name for people.
pub fn change_label(change: &str, lang: passerelle_diag::Lang) -> &'static str {
    let fr = lang == passerelle_diag::Lang::Fr;
    match (change, fr) {
        ("added", false) => "added",
        ("added", true) => "ajoutés",
        ("removed", false) => "removed",
        ("removed", true) => "retirés",
        ("changed", false) => "changed",
        ("changed", true) => "modifiés",
        (_, false) => "no longer valid",
        (_, true) => "plus valides",
    }
}
