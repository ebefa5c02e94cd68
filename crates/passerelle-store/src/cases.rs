//! The case log's storage: situations, the rule texts their verdicts point to, and the
//! audit trail every change writes to in the same transaction.
//!
//! One SQL text serves both backends (`$1` placeholders work in SQLite too, JSON is kept as
//! text in both); the [`on!`](crate::on) macro runs it on whichever pool is open.

use crate::{Backend, PackStamp, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value as J;
use sqlx::Row;

/// Where a situation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Being written.
    Draft,
    /// Advice given.
    Answered,
    /// A pack change altered its verdict: someone must look again.
    NeedsReview,
    /// Readable by everyone, without an account.
    Published,
}

impl CaseStatus {
    /// Every status, in workflow order.
    pub const ALL: [CaseStatus; 4] = [
        CaseStatus::Draft,
        CaseStatus::Answered,
        CaseStatus::NeedsReview,
        CaseStatus::Published,
    ];

    /// The word stored and used in URLs and JSON.
    pub fn word(self) -> &'static str {
        match self {
            CaseStatus::Draft => "draft",
            CaseStatus::Answered => "answered",
            CaseStatus::NeedsReview => "needs_review",
            CaseStatus::Published => "published",
        }
    }

    /// Reads a stored word.
    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|x| x.word() == s)
    }
}

/// One thing that applied in a recorded verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The id as the verdict shows it: `rule` or `rule[2]` for an item of a group.
    pub id: String,
    /// Fingerprint of its text and citations at the time (a key of [`RuleText`]).
    pub fp: String,
}

impl Entry {
    /// The rule or myth id (the id without its item).
    pub fn rule(&self) -> &str {
        self.id.split('[').next().unwrap_or(&self.id)
    }
}

/// A verdict as recorded: which packs, which date, and what applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Packs used, base first.
    pub packs: Vec<PackStamp>,
    /// The date of the rules in force.
    pub as_of: String,
    /// Obligations, permissions and prohibitions that applied.
    pub obligations: Vec<Entry>,
    /// Myths that touched the situation.
    pub myths: Vec<Entry>,
    /// Unverified rules that would have applied.
    pub to_confirm: Vec<Entry>,
}

impl Snapshot {
    /// Every rule id in the snapshot (obligations, to confirm), sorted, without repeats.
    pub fn rule_ids(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .obligations
            .iter()
            .chain(&self.to_confirm)
            .map(|e| e.rule().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Every fingerprint it refers to.
    pub fn fingerprints(&self) -> impl Iterator<Item = &str> {
        self.obligations
            .iter()
            .chain(&self.myths)
            .chain(&self.to_confirm)
            .map(|e| e.fp.as_str())
    }
}

/// A citation as it read when a text was recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCitation {
    /// Instrument id.
    pub instrument: String,
    /// Section cited.
    pub section: String,
    /// Instrument title, English.
    pub title_en: String,
    /// Instrument title, French.
    pub title_fr: String,
    /// Source, English.
    pub url_en: String,
    /// Source, French.
    pub url_fr: String,
}

/// The text of a rule or myth as it was: what a recorded verdict shows after the pack has
/// moved on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleText {
    /// SHA-256 of everything below (hex).
    pub fp: String,
    /// `obligation` (a verified rule), `to_confirm` (unverified) or `myth`.
    pub kind: String,
    /// Rule or myth id.
    pub id: String,
    /// The pack it came from.
    pub pack: String,
    /// Text (a myth's claim), English.
    pub text_en: String,
    /// Text, French.
    pub text_fr: String,
    /// For a myth: what the rules really say (`myth`, `partly`, `true`…); empty otherwise.
    pub verdict: String,
    /// Citations.
    pub citations: Vec<RecordedCitation>,
}

/// How one entry differs between the recorded verdict and a re-check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// `obligations`, `myths` or `to_confirm`.
    pub list: String,
    /// `added`, `removed` or `changed` (same rule, different text or citations).
    pub change: String,
    /// The entry id (`rule` or `rule[2]`).
    pub id: String,
    /// Fingerprint before (removed, changed).
    pub before: Option<String>,
    /// Fingerprint after (added, changed).
    pub after: Option<String>,
}

/// The result of re-checking a situation whose verdict changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// When (RFC 3339, UTC).
    pub checked_at: String,
    /// The date of the rules in force it was evaluated with.
    pub as_of: String,
    /// What differs from the recorded verdict.
    pub changes: Vec<Change>,
}

/// A situation a team brought, its verdict at the time and the advice given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Situation {
    /// Unguessable id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// What the team is doing, in their words (no personal information).
    pub narrative: String,
    /// Language of title and narrative: `en` or `fr`.
    pub lang: String,
    /// Domains (privacy, official languages…), as the packs name them.
    pub domains: Vec<String>,
    /// Journey the interview started from.
    pub journey: Option<String>,
    /// The answers (the JSON object of `docs/language.md` §12).
    pub answers: J,
    /// Top pack id.
    pub pack: String,
    /// The verdict at the time.
    pub verdict: Snapshot,
    /// Advice given, English (may be empty).
    pub advice_en: String,
    /// Advice given, French (may be empty).
    pub advice_fr: String,
    /// Roles consulted (e.g. the ATIP office, the CIO's office).
    pub consulted: Vec<String>,
    /// Where it stands.
    pub status: CaseStatus,
    /// Rules linked by hand, besides those in the verdict.
    pub rules: Vec<String>,
    /// Myths linked by hand.
    pub myths: Vec<String>,
    /// Packs it was last checked against.
    pub checked: Vec<PackStamp>,
    /// Differences found by the last re-check that changed something.
    pub review: Option<Review>,
    /// User id of the author.
    pub created_by: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// User id of the last editor.
    pub updated_by: String,
    /// When it last changed.
    pub updated_at: String,
    /// Incremented on each change.
    pub revision: i64,
}

/// One row of the audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the trail.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who: a user id, or `system:…`.
    pub actor: String,
    /// What was done: `create`, `update`, `recheck`, `import`, `sign_in`…
    pub action: String,
    /// `situation`, `user`…
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// The value before (JSON), if any.
    pub old_value: Option<J>,
    /// The value after (JSON), if any.
    pub new_value: Option<J>,
}

/// What a re-check reads of a situation.
#[derive(Clone, Debug, PartialEq)]
pub struct RecheckRow {
    /// Id.
    pub id: String,
    /// Top pack id.
    pub pack: String,
    /// The answers.
    pub answers: J,
    /// The verdict at the time.
    pub verdict: Snapshot,
    /// Packs it was last checked against.
    pub checked: Vec<PackStamp>,
    /// The last review, if any.
    pub review: Option<Review>,
    /// Status.
    pub status: CaseStatus,
    /// Revision.
    pub revision: i64,
}

/// A re-check decision to record.
#[derive(Clone, Debug)]
pub struct RecheckUpdate {
    /// Situation id.
    pub id: String,
    /// The revision the re-check read.
    pub revision: i64,
    /// The status it had then.
    pub status: CaseStatus,
    /// Packs it was checked against.
    pub checked: Vec<PackStamp>,
    /// Set when the verdict changed: the situation becomes "needs review".
    pub review: Option<Review>,
}

/// Filters for listing situations straight from the database.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Only these statuses (empty: all).
    pub statuses: Vec<CaseStatus>,
    /// At most this many (0: no limit).
    pub limit: i64,
    /// Skip this many.
    pub offset: i64,
}

/// Columns of `situations`; the answers and the verdict, large and rarely changed, live in
/// `situation_data` so that status changes rewrite small rows.
const COLUMNS: &str = "id, title, narrative, lang, domains, journey, pack, advice_en, \
    advice_fr, consulted, status, rules, myths, checked, review, created_by, created_at, \
    updated_by, updated_at, revision";

/// A whole situation, for reading.
const SELECT: &str = "SELECT s.id AS id, s.title AS title, s.narrative AS narrative, \
    s.lang AS lang, s.domains AS domains, s.journey AS journey, d.answers AS answers, \
    s.pack AS pack, d.verdict AS verdict, s.advice_en AS advice_en, s.advice_fr AS advice_fr, \
    s.consulted AS consulted, s.status AS status, s.rules AS rules, s.myths AS myths, \
    s.checked AS checked, s.review AS review, s.created_by AS created_by, \
    s.created_at AS created_at, s.updated_by AS updated_by, s.updated_at AS updated_at, \
    s.revision AS revision FROM situations s JOIN situation_data d ON d.id = s.id";

macro_rules! read_situation {
    ($r:expr) => {{
        let r = $r;
        let status: String = r.try_get("status")?;
        let review: Option<String> = r.try_get("review")?;
        Ok::<Situation, StoreError>(Situation {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            narrative: r.try_get("narrative")?,
            lang: r.try_get("lang")?,
            domains: json_col(r, "domains")?,
            journey: r.try_get("journey")?,
            answers: json_col(r, "answers")?,
            pack: r.try_get("pack")?,
            verdict: json_col(r, "verdict")?,
            advice_en: r.try_get("advice_en")?,
            advice_fr: r.try_get("advice_fr")?,
            consulted: json_col(r, "consulted")?,
            status: CaseStatus::parse(&status).ok_or(StoreError::Corrupt {
                what: "situations.status",
                value: status,
            })?,
            rules: json_col(r, "rules")?,
            myths: json_col(r, "myths")?,
            checked: json_col(r, "checked")?,
            review: match review {
                Some(s) => Some(serde_json::from_str(&s)?),
                None => None,
            },
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            updated_by: r.try_get("updated_by")?,
            updated_at: r.try_get("updated_at")?,
            revision: r.try_get("revision")?,
        })
    }};
}

fn json_col<'r, R, T>(r: &'r R, col: &'static str) -> Result<T, StoreError>
where
    R: Row,
    &'static str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    T: serde::de::DeserializeOwned,
{
    let s: String = r.try_get(col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::CorruptJson {
        column: col,
        reason: e.to_string(),
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    Ok(serde_json::to_string(v)?)
}

/// A situation as its audit row keeps it, with the note (if any) under `note`.
fn noted(s: &Situation, note: Option<&J>) -> Result<String, StoreError> {
    match note {
        None => to_json(s),
        Some(n) => {
            let mut v = serde_json::to_value(s)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("note".into(), n.clone());
            }
            Ok(v.to_string())
        }
    }
}

/// The values bound for a situation's columns, in [`COLUMNS`] order, and its data.
struct Bound {
    cols: [Option<String>; 19],
    revision: i64,
    answers: String,
    verdict: String,
}

fn bound(s: &Situation) -> Result<Bound, StoreError> {
    Ok(Bound {
        cols: [
            Some(s.id.clone()),
            Some(s.title.clone()),
            Some(s.narrative.clone()),
            Some(s.lang.clone()),
            Some(to_json(&s.domains)?),
            s.journey.clone(),
            Some(s.pack.clone()),
            Some(s.advice_en.clone()),
            Some(s.advice_fr.clone()),
            Some(to_json(&s.consulted)?),
            Some(s.status.word().to_string()),
            Some(to_json(&s.rules)?),
            Some(to_json(&s.myths)?),
            Some(to_json(&s.checked)?),
            match &s.review {
                Some(r) => Some(to_json(r)?),
                None => None,
            },
            Some(s.created_by.clone()),
            Some(s.created_at.clone()),
            Some(s.updated_by.clone()),
            Some(s.updated_at.clone()),
        ],
        revision: s.revision,
        answers: s.answers.to_string(),
        verdict: to_json(&s.verdict)?,
    })
}

const DATA_INSERT: &str = "INSERT INTO situation_data (id, answers, verdict) VALUES ($1, $2, $3)";
const DATA_UPDATE: &str = "UPDATE situation_data SET answers = $2, verdict = $3 WHERE id = $1";

fn insert_sql() -> String {
    let n = COLUMNS.split(',').count();
    let ph: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO situations ({COLUMNS}) VALUES ({})",
        ph.join(", ")
    )
}

fn update_sql() -> String {
    // Every column but id and the revision, which the WHERE clause checks.
    let cols: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let sets: Vec<String> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != "id" && **c != "revision")
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let n = cols.len();
    format!(
        "UPDATE situations SET {}, revision = ${n} WHERE id = $1 AND revision = ${}",
        sets.join(", "),
        n + 1
    )
}

/// Why a write was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Written.
    Done,
    /// No such situation.
    NotFound,
    /// Someone else changed it since the revision given: nothing was written.
    Conflict {
        /// The revision now stored.
        current: i64,
    },
}

/// A change to append to the audit trail.
pub(crate) struct AuditRow<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

pub(crate) const AUDIT_INSERT: &str = "INSERT INTO audit (at, actor, action, entity, entity_id, old_value, new_value) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

macro_rules! audit_in {
    ($tx:expr, $row:expr) => {{
        let a = $row;
        sqlx::query($crate::cases::AUDIT_INSERT)
            .bind(a.at)
            .bind(a.actor)
            .bind(a.action)
            .bind(a.entity)
            .bind(a.entity_id)
            .bind(a.old_value)
            .bind(a.new_value)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use audit_in;

impl Store {
    /// Records a new situation (and its creation in the audit trail).
    pub async fn create_situation(&self, s: &Situation, action: &str) -> Result<(), StoreError> {
        self.create_situation_noted(s, action, None).await
    }

    /// [`Store::create_situation`] with a note kept in the audit row beside the value after,
    /// under the key `note` (e.g. the personal-information findings the author confirmed).
    pub async fn create_situation_noted(
        &self,
        s: &Situation,
        action: &str,
        note: Option<&J>,
    ) -> Result<(), StoreError> {
        let b = bound(s)?;
        let after = noted(s, note)?;
        let sql = insert_sql();
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for c in &b.cols {
                q = q.bind(c.clone());
            }
            q.bind(b.revision).execute(&mut *tx).await?;
            sqlx::query(DATA_INSERT).bind(&s.id).bind(&b.answers).bind(&b.verdict).execute(&mut *tx).await?;
            audit_in!(tx, AuditRow {
                at: &s.updated_at,
                actor: &s.updated_by,
                action,
                entity: "situation",
                entity_id: &s.id,
                old_value: None,
                new_value: Some(after),
            });
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records many new situations in one transaction (each with its audit row): for
    /// imports and generated data sets.
    pub async fn create_situations(
        &self,
        all: &[Situation],
        action: &str,
    ) -> Result<(), StoreError> {
        let sql = insert_sql();
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            for s in all {
                let b = bound(s)?;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for c in &b.cols {
                    q = q.bind(c.clone());
                }
                q.bind(b.revision).execute(&mut *tx).await?;
                sqlx::query(DATA_INSERT).bind(&s.id).bind(&b.answers).bind(&b.verdict).execute(&mut *tx).await?;
                audit_in!(tx, AuditRow {
                    at: &s.updated_at,
                    actor: &s.updated_by,
                    action,
                    entity: "situation",
                    entity_id: &s.id,
                    old_value: None,
                    new_value: Some(to_json(s)?),
                });
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces a situation if it is still at `expected` revision; the stored revision becomes
    /// `s.revision`. The audit trail gets the value before and after.
    pub async fn update_situation(
        &self,
        s: &Situation,
        expected: i64,
        action: &str,
    ) -> Result<WriteOutcome, StoreError> {
        self.update_situation_noted(s, expected, action, None).await
    }

    /// [`Store::update_situation`] with a note kept in the audit row (see
    /// [`Store::create_situation_noted`]).
    pub async fn update_situation_noted(
        &self,
        s: &Situation,
        expected: i64,
        action: &str,
        note: Option<&J>,
    ) -> Result<WriteOutcome, StoreError> {
        let b = bound(s)?;
        let sql = update_sql();
        let select = format!("{SELECT} WHERE s.id = $1");
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            let before = match sqlx::query(sqlx::AssertSqlSafe(select.as_str())).bind(&s.id).fetch_optional(&mut *tx).await? {
                Some(r) => read_situation!(&r)?,
                None => return Ok(WriteOutcome::NotFound),
            };
            if before.revision != expected {
                return Ok(WriteOutcome::Conflict { current: before.revision });
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for c in &b.cols {
                q = q.bind(c.clone());
            }
            let n = q.bind(b.revision).bind(expected).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(WriteOutcome::Conflict { current: before.revision });
            }
            sqlx::query(DATA_UPDATE).bind(&s.id).bind(&b.answers).bind(&b.verdict).execute(&mut *tx).await?;
            audit_in!(tx, AuditRow {
                at: &s.updated_at,
                actor: &s.updated_by,
                action,
                entity: "situation",
                entity_id: &s.id,
                old_value: Some(to_json(&before)?),
                new_value: Some(noted(s, note)?),
            });
            tx.commit().await?;
        });
        Ok(WriteOutcome::Done)
    }

    /// Writes a situation read from an export: replaces one with the same id, or adds it.
    pub async fn import_situation(
        &self,
        s: &Situation,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        let b = bound(s)?;
        let select = format!("{SELECT} WHERE s.id = $1");
        let insert = insert_sql();
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            let before = match sqlx::query(sqlx::AssertSqlSafe(select.as_str())).bind(&s.id).fetch_optional(&mut *tx).await? {
                Some(r) => Some(read_situation!(&r)?),
                None => None,
            };
            if before.as_ref() == Some(s) {
                return Ok(());
            }
            if before.is_some() {
                sqlx::query("DELETE FROM situation_data WHERE id = $1").bind(&s.id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM situations WHERE id = $1").bind(&s.id).execute(&mut *tx).await?;
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(insert.as_str()));
            for c in &b.cols {
                q = q.bind(c.clone());
            }
            q.bind(b.revision).execute(&mut *tx).await?;
            sqlx::query(DATA_INSERT).bind(&s.id).bind(&b.answers).bind(&b.verdict).execute(&mut *tx).await?;
            audit_in!(tx, AuditRow {
                at,
                actor,
                action: "import",
                entity: "situation",
                entity_id: &s.id,
                old_value: match &before { Some(x) => Some(to_json(x)?), None => None },
                new_value: Some(to_json(s)?),
            });
            tx.commit().await?;
        });
        Ok(())
    }

    /// A situation by id.
    pub async fn situation(&self, id: &str) -> Result<Option<Situation>, StoreError> {
        let sql = format!("{SELECT} WHERE s.id = $1");
        on!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await? {
                Some(r) => Ok(Some(read_situation!(&r)?)),
                None => Ok(None),
            }
        })
    }

    /// Several situations by id, in the order given (missing ones left out).
    pub async fn situations_by_ids(&self, ids: &[String]) -> Result<Vec<Situation>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = self.situation(id).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Situations, most recently changed first.
    pub async fn list_situations(&self, f: &ListFilter) -> Result<Vec<Situation>, StoreError> {
        let mut sql = SELECT.to_string();
        if !f.statuses.is_empty() {
            let words: Vec<String> = f
                .statuses
                .iter()
                .map(|s| format!("'{}'", s.word()))
                .collect();
            sql.push_str(&format!(" WHERE s.status IN ({})", words.join(", ")));
        }
        sql.push_str(" ORDER BY s.updated_at DESC, s.id");
        let limit = if f.limit > 0 { f.limit } else { i64::MAX };
        sql.push_str(" LIMIT $1 OFFSET $2");
        on!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(limit).bind(f.offset.max(0)).fetch_all(pool).await?;
            rows.iter().map(|r| read_situation!(r)).collect()
        })
    }

    /// Up to `n` situations whose id sorts after `after`, in id order: for walking through
    /// every situation without holding them all.
    pub async fn situations_after(
        &self,
        after: &str,
        n: i64,
    ) -> Result<Vec<Situation>, StoreError> {
        let sql = format!("{SELECT} WHERE s.id > $1 ORDER BY s.id LIMIT $2");
        on!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(after).bind(n).fetch_all(pool).await?;
            rows.iter().map(|r| read_situation!(r)).collect()
        })
    }

    /// What a re-check needs of up to `n` situations whose id sorts after `after`.
    pub async fn recheck_rows_after(
        &self,
        after: &str,
        n: i64,
    ) -> Result<Vec<RecheckRow>, StoreError> {
        let sql = "SELECT s.id AS id, s.pack AS pack, d.answers AS answers, d.verdict AS verdict, \
                   s.checked AS checked, s.review AS review, s.status AS status, \
                   s.revision AS revision FROM situations s JOIN situation_data d ON d.id = s.id \
                   WHERE s.id > $1 ORDER BY s.id LIMIT $2";
        on!(self, pool => {
            let rows = sqlx::query(sql).bind(after).bind(n).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let status: String = r.try_get("status")?;
                let review: Option<String> = r.try_get("review")?;
                out.push(RecheckRow {
                    id: r.try_get("id")?,
                    pack: r.try_get("pack")?,
                    answers: json_col(r, "answers")?,
                    verdict: json_col(r, "verdict")?,
                    checked: json_col(r, "checked")?,
                    review: match review {
                        Some(s) => Some(serde_json::from_str(&s)?),
                        None => None,
                    },
                    status: CaseStatus::parse(&status).ok_or(StoreError::Corrupt {
                        what: "situations.status",
                        value: status,
                    })?,
                    revision: r.try_get("revision")?,
                });
            }
            Ok(out)
        })
    }

    /// How many situations there are.
    pub async fn count_situations(&self) -> Result<i64, StoreError> {
        on!(self, pool => {
            let r = sqlx::query("SELECT COUNT(*) AS n FROM situations").fetch_one(pool).await?;
            Ok(r.try_get::<i64, _>("n")?)
        })
    }

    /// How many situations of top pack `pack` were last checked against other packs than
    /// `stamps`: those a re-check would evaluate.
    pub async fn count_unchecked(
        &self,
        pack: &str,
        stamps: &[PackStamp],
    ) -> Result<i64, StoreError> {
        let checked = to_json(&stamps)?;
        on!(self, pool => {
            let r = sqlx::query("SELECT COUNT(*) AS n FROM situations WHERE pack = $1 AND checked <> $2")
                .bind(pack)
                .bind(&checked)
                .fetch_one(pool)
                .await?;
            Ok(r.try_get::<i64, _>("n")?)
        })
    }

    /// Stores rule texts not stored yet.
    pub async fn put_rule_texts(&self, texts: &[RuleText]) -> Result<(), StoreError> {
        if texts.is_empty() {
            return Ok(());
        }
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            for t in texts {
                sqlx::query("INSERT INTO rule_texts (fp, body) VALUES ($1, $2) ON CONFLICT (fp) DO NOTHING")
                    .bind(&t.fp)
                    .bind(to_json(t)?)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Rule texts by fingerprint (unknown ones left out).
    pub async fn rule_texts(&self, fps: &[&str]) -> Result<Vec<RuleText>, StoreError> {
        let mut out = Vec::with_capacity(fps.len());
        on!(self, pool => {
            for fp in fps {
                if let Some(r) = sqlx::query("SELECT body FROM rule_texts WHERE fp = $1")
                    .bind(*fp)
                    .fetch_optional(pool)
                    .await?
                {
                    let body: String = r.try_get("body")?;
                    out.push(serde_json::from_str(&body)?);
                }
            }
        });
        Ok(out)
    }

    /// Every rule text, in fingerprint order.
    pub async fn all_rule_texts(&self) -> Result<Vec<RuleText>, StoreError> {
        on!(self, pool => {
            let rows = sqlx::query("SELECT body FROM rule_texts ORDER BY fp").fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let body: String = r.try_get("body")?;
                out.push(serde_json::from_str(&body)?);
            }
            Ok(out)
        })
    }

    /// Records the outcome of re-checks in one transaction: each situation still at the
    /// revision read gets its `checked` packs; those with a review become "needs review"
    /// (with an audit row). Returns how many were written (others changed meanwhile).
    pub async fn apply_rechecks(
        &self,
        updates: &[RecheckUpdate],
        at: &str,
        actor: &str,
    ) -> Result<usize, StoreError> {
        // Few statements, many rows each: one round trip per few hundred situations.
        let (flagged, unchanged): (Vec<&RecheckUpdate>, Vec<&RecheckUpdate>) =
            updates.iter().partition(|u| u.review.is_some());
        let mut written = 0usize;
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut by_stamps: std::collections::BTreeMap<String, Vec<&RecheckUpdate>> =
                std::collections::BTreeMap::new();
            for u in &unchanged {
                by_stamps.entry(to_json(&u.checked)?).or_default().push(u);
            }
            for (checked, list) in &by_stamps {
                for chunk in list.chunks(1_000) {
                    let pairs: Vec<String> = (0..chunk.len())
                        .map(|i| format!("(${}, ${})", 2 + 2 * i, 3 + 2 * i))
                        .collect();
                    let sql = format!(
                        "UPDATE situations SET checked = $1 WHERE (id, revision) IN (VALUES {})",
                        pairs.join(", ")
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(checked);
                    for u in chunk {
                        q = q.bind(&u.id).bind(u.revision);
                    }
                    written += usize::try_from(q.execute(&mut *tx).await?.rows_affected()).unwrap_or(0);
                }
            }
            for chunk in flagged.chunks(400) {
                let mut rows = Vec::with_capacity(chunk.len());
                let mut reviews = Vec::with_capacity(chunk.len());
                for (i, u) in chunk.iter().enumerate() {
                    rows.push(format!("(${}, ${}, ${}, ${})", 3 + 4 * i, 4 + 4 * i, 5 + 4 * i, 6 + 4 * i));
                    reviews.push(match &u.review {
                        Some(r) => to_json(r)?,
                        None => String::new(),
                    });
                }
                let sql = format!(
                    "UPDATE situations SET checked = v.column4, review = v.column3, \
                     status = 'needs_review', updated_at = $1, updated_by = $2, \
                     revision = situations.revision + 1 \
                     FROM (VALUES {}) AS v \
                     WHERE situations.id = v.column1 AND situations.revision = v.column2 \
                     RETURNING situations.id AS id",
                    rows.join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(at).bind(actor);
                for (u, review) in chunk.iter().zip(&reviews) {
                    q = q.bind(&u.id).bind(u.revision).bind(review).bind(to_json(&u.checked)?);
                }
                let done = q.fetch_all(&mut *tx).await?;
                let done: std::collections::HashSet<String> = done
                    .iter()
                    .map(|r| r.try_get::<String, _>("id"))
                    .collect::<Result<_, _>>()?;
                written += done.len();
                let audited: Vec<&&RecheckUpdate> = chunk.iter().filter(|u| done.contains(&u.id)).collect();
                if audited.is_empty() {
                    continue;
                }
                let values: Vec<String> = (0..audited.len())
                    .map(|i| format!("($1, $2, 'recheck', 'situation', ${}, ${}, ${})", 3 + 3 * i, 4 + 3 * i, 5 + 3 * i))
                    .collect();
                let sql = format!(
                    "INSERT INTO audit (at, actor, action, entity, entity_id, old_value, new_value) VALUES {}",
                    values.join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(at).bind(actor);
                for u in audited {
                    let changes = u.review.as_ref().map(|r| &r.changes);
                    q = q
                        .bind(&u.id)
                        .bind(serde_json::json!({ "status": u.status.word() }).to_string())
                        .bind(
                            serde_json::json!({ "status": "needs_review", "changes": changes })
                                .to_string(),
                        );
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(written)
    }

    /// Ids of situations changed by audit rows after `seq`, and the last seq seen.
    pub async fn situations_changed_since(
        &self,
        seq: i64,
    ) -> Result<(Vec<String>, i64), StoreError> {
        on!(self, pool => {
            let rows = sqlx::query(
                "SELECT seq, entity_id FROM audit WHERE entity = 'situation' AND seq > $1 ORDER BY seq",
            )
            .bind(seq)
            .fetch_all(pool)
            .await?;
            let mut last = seq;
            let mut ids = Vec::with_capacity(rows.len());
            for r in &rows {
                let s: i64 = r.try_get("seq")?;
                last = last.max(s);
                ids.push(r.try_get::<String, _>("entity_id")?);
            }
            ids.sort();
            ids.dedup();
            Ok((ids, last))
        })
    }

    /// The last seq in the audit trail (0 when empty).
    pub async fn last_audit_seq(&self) -> Result<i64, StoreError> {
        on!(self, pool => {
            let r = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS n FROM audit").fetch_one(pool).await?;
            Ok(r.try_get::<i64, _>("n")?)
        })
    }

    /// Appends one row to the audit trail on its own (its `seq` is ignored).
    pub async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            audit_in!(tx, AuditRow {
                at: &e.at,
                actor: &e.actor,
                action: &e.action,
                entity: &e.entity,
                entity_id: &e.entity_id,
                old_value: e.old_value.as_ref().map(J::to_string),
                new_value: e.new_value.as_ref().map(J::to_string),
            });
            tx.commit().await?;
        });
        Ok(())
    }

    /// Audit rows, newest first: up to `n` with seq below `before` (None: from the end),
    /// optionally for one entity.
    pub async fn audit_trail(
        &self,
        before: Option<i64>,
        n: i64,
        entity_id: Option<&str>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let before = before.unwrap_or(i64::MAX);
        let sql = if entity_id.is_some() {
            "SELECT seq, at, actor, action, entity, entity_id, old_value, new_value FROM audit \
             WHERE seq < $1 AND entity_id = $3 ORDER BY seq DESC LIMIT $2"
        } else {
            "SELECT seq, at, actor, action, entity, entity_id, old_value, new_value FROM audit \
             WHERE seq < $1 ORDER BY seq DESC LIMIT $2"
        };
        on!(self, pool => {
            let mut q = sqlx::query(sql).bind(before).bind(n);
            if let Some(e) = entity_id {
                q = q.bind(e);
            }
            let rows = q.fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let old: Option<String> = r.try_get("old_value")?;
                let new: Option<String> = r.try_get("new_value")?;
                out.push(AuditEntry {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    entity: r.try_get("entity")?,
                    entity_id: r.try_get("entity_id")?,
                    old_value: match old { Some(s) => Some(serde_json::from_str(&s)?), None => None },
                    new_value: match new { Some(s) => Some(serde_json::from_str(&s)?), None => None },
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.word()), Some(s));
        }
        assert_eq!(CaseStatus::parse("closed"), None);
    }

    #[test]
    fn update_binds_every_column_once() {
        let sql = update_sql();
        let n = COLUMNS.split(',').count();
        assert!(sql.contains(&format!(
            "revision = ${n} WHERE id = $1 AND revision = ${}",
            n + 1
        )));
        assert!(!sql.contains("id = $1,"));
        assert_eq!(insert_sql().matches('$').count(), n);
    }
}
