//! Passerelle's storage: interview state and saved results.
//!
//! One [`Store`] serves both backends: an embedded SQLite file (the default, opened with
//! write-ahead logging) or PostgreSQL for several instances. Each backend has its own
//! versioned migrations (`migrations/sqlite`, `migrations/postgres`), embedded in the binary
//! and run when the store opens. Queries are written at run time (no compile-time database),
//! once per backend where the SQL differs.
//!
//! **Architecture invariant:** the store knows nothing of packs or the engine: answers are
//! the JSON object of `docs/language.md` §12, validated by the caller.

use serde::{Deserialize, Serialize};
use serde_json::Value as J;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Row};
use std::str::FromStr;
use std::time::Duration;

/// Runs the same code on whichever pool is open: one SQL text serves both backends.
macro_rules! on {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

pub mod accounts;
pub mod cases;
pub mod testing;

pub use accounts::{NewUser, Role, Session, User, UserChange};
pub use cases::{
    AuditEntry, CaseStatus, Change, Entry, ListFilter, RecheckRow, RecheckUpdate, RecordedCitation,
    Review, RuleText, Situation, Snapshot, WriteOutcome,
};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A stored value is not one the schema allows.
    #[error("stored value `{value}` in {what} is not valid")]
    Corrupt {
        /// Table and column.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// A stored JSON column could not be read.
    #[error("stored JSON in column {column} could not be read: {reason}")]
    CorruptJson {
        /// The column.
        column: &'static str,
        /// Why.
        reason: String,
    },
    /// The operating system's random generator failed.
    #[error("no random numbers: {0}")]
    Random(String),
    /// A password could not be hashed.
    #[error("password hashing failed: {0}")]
    Password(String),
    /// The user name is in use.
    #[error("the user name `{0}` is taken")]
    Taken(String),
    /// The database URL is not `sqlite:…` or `postgres:…`.
    #[error("unsupported database URL `{0}`: use sqlite://FILE or postgres://…")]
    Url(String),
    /// The database refused an operation.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored JSON value could not be read.
    #[error("stored JSON could not be read: {0}")]
    Json(#[from] serde_json::Error),
}

/// Identity of a pack used for an interview or a result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PackStamp {
    /// Pack id.
    pub id: String,
    /// Version.
    pub version: String,
    /// SHA-256 of its files.
    pub digest: String,
}

/// An interview in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Interview {
    /// Unguessable id.
    pub id: String,
    /// Answers so far (a JSON object keyed by fact name).
    pub answers: J,
    /// Group items being added, not confirmed yet (a JSON object keyed by group name).
    pub drafts: J,
    /// The journey it started from.
    pub journey: Option<String>,
    /// Rules in force on this date (`None`: the day of each evaluation).
    pub as_of: Option<String>,
    /// Packs when it started.
    pub packs: Vec<PackStamp>,
    /// When it started (RFC 3339, UTC).
    pub created_at: String,
    /// Last change (RFC 3339, UTC).
    pub updated_at: String,
}

/// A saved result: what a permanent link shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedResult {
    /// Unguessable id.
    pub id: String,
    /// The answers.
    pub answers: J,
    /// The journey.
    pub journey: Option<String>,
    /// The date of the rules in force.
    pub as_of: String,
    /// The packs the verdict was worked out with.
    pub packs: Vec<PackStamp>,
    /// When it was saved (RFC 3339, UTC).
    pub created_at: String,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

fn packs_json(p: &[PackStamp]) -> Result<String, StoreError> {
    Ok(serde_json::to_string(p)?)
}

impl Store {
    /// Opens (and creates, for SQLite) the database and runs its migrations.
    ///
    /// `sqlite://passerelle.db?mode=rwc`, `sqlite::memory:` or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(if memory {
                    SqliteJournalMode::Memory
                } else {
                    SqliteJournalMode::Wal
                })
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                // New files: 8 KiB pages hold a situation without overflow pages, so
                // re-checks rewrite one page per situation (an existing file keeps its size).
                .pragma("page_size", "8192")
                .disable_statement_logging();
            // An in-memory database lives as long as its one connection.
            let pool = if memory {
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(opts)
                    .await?
            } else {
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(opts)
                    .await?
            };
            SQLITE_MIGRATIONS.run(&pool).await?;
            Ok(Store {
                backend: Backend::Sqlite(pool),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Ok(Store {
                backend: Backend::Postgres(pool),
            })
        } else {
            Err(StoreError::Url(url.to_string()))
        }
    }

    /// Which backend: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, else each problem it
    /// found. `None` for PostgreSQL, whose server guards its own files (WAL, checksums).
    pub async fn integrity_check(&self) -> Result<Option<Vec<String>>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
                    .fetch_all(p)
                    .await?;
                Ok(Some(rows.into_iter().map(|r| r.0).collect()))
            }
            Backend::Postgres(_) => Ok(None),
        }
    }

    /// Closes the connections.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => p.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }

    /// Records a new interview.
    pub async fn create_interview(&self, i: &Interview) -> Result<(), StoreError> {
        let answers = i.answers.to_string();
        let drafts = i.drafts.to_string();
        let packs = packs_json(&i.packs)?;
        match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO interviews (id, answers, drafts, journey, as_of, packs, created_at, updated_at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&i.id)
                .bind(answers)
                .bind(drafts)
                .bind(&i.journey)
                .bind(&i.as_of)
                .bind(packs)
                .bind(&i.created_at)
                .bind(&i.updated_at)
                .execute(pool)
                .await?;
            }
            Backend::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO interviews (id, answers, drafts, journey, as_of, packs, created_at, updated_at) \
                     VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6::jsonb, $7, $8)",
                )
                .bind(&i.id)
                .bind(answers)
                .bind(drafts)
                .bind(&i.journey)
                .bind(&i.as_of)
                .bind(packs)
                .bind(&i.created_at)
                .bind(&i.updated_at)
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// An interview by id.
    pub async fn interview(&self, id: &str) -> Result<Option<Interview>, StoreError> {
        let row = match &self.backend {
            Backend::Sqlite(pool) => sqlx::query(
                "SELECT id, answers, drafts, journey, as_of, packs, created_at, updated_at \
                 FROM interviews WHERE id = ?",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| read_interview_sqlite(&r)),
            Backend::Postgres(pool) => sqlx::query(
                "SELECT id, answers::text AS answers, drafts::text AS drafts, journey, as_of, \
                 packs::text AS packs, created_at, updated_at FROM interviews WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| read_interview_pg(&r)),
        };
        row.transpose()
    }

    /// Replaces an interview's answers and drafts. Returns false when there is no such
    /// interview.
    pub async fn update_interview(
        &self,
        id: &str,
        answers: &J,
        drafts: &J,
        updated_at: &str,
    ) -> Result<bool, StoreError> {
        let n = match &self.backend {
            Backend::Sqlite(pool) => sqlx::query(
                "UPDATE interviews SET answers = ?, drafts = ?, updated_at = ? WHERE id = ?",
            )
            .bind(answers.to_string())
            .bind(drafts.to_string())
            .bind(updated_at)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected(),
            Backend::Postgres(pool) => sqlx::query(
                "UPDATE interviews SET answers = $1::jsonb, drafts = $2::jsonb, updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(answers.to_string())
            .bind(drafts.to_string())
            .bind(updated_at)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected(),
        };
        Ok(n > 0)
    }

    /// Saves a result.
    pub async fn create_result(&self, r: &SavedResult) -> Result<(), StoreError> {
        let answers = r.answers.to_string();
        let packs = packs_json(&r.packs)?;
        match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO results (id, answers, journey, as_of, packs, created_at) \
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(&r.id)
                .bind(answers)
                .bind(&r.journey)
                .bind(&r.as_of)
                .bind(packs)
                .bind(&r.created_at)
                .execute(pool)
                .await?;
            }
            Backend::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO results (id, answers, journey, as_of, packs, created_at) \
                     VALUES ($1, $2::jsonb, $3, $4, $5::jsonb, $6)",
                )
                .bind(&r.id)
                .bind(answers)
                .bind(&r.journey)
                .bind(&r.as_of)
                .bind(packs)
                .bind(&r.created_at)
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// A saved result by id.
    pub async fn result(&self, id: &str) -> Result<Option<SavedResult>, StoreError> {
        let row = match &self.backend {
            Backend::Sqlite(pool) => sqlx::query(
                "SELECT id, answers, journey, as_of, packs, created_at FROM results WHERE id = ?",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| read_result_sqlite(&r)),
            Backend::Postgres(pool) => sqlx::query(
                "SELECT id, answers::text AS answers, journey, as_of, packs::text AS packs, \
                 created_at FROM results WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| read_result_pg(&r)),
        };
        row.transpose()
    }
}

macro_rules! reader {
    ($interview:ident, $result:ident, $row:ty) => {
        fn $interview(r: &$row) -> Result<Interview, StoreError> {
            let answers: String = r.try_get("answers")?;
            let drafts: String = r.try_get("drafts")?;
            let packs: String = r.try_get("packs")?;
            Ok(Interview {
                id: r.try_get("id")?,
                answers: serde_json::from_str(&answers)?,
                drafts: serde_json::from_str(&drafts)?,
                journey: r.try_get("journey")?,
                as_of: r.try_get("as_of")?,
                packs: serde_json::from_str(&packs)?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        fn $result(r: &$row) -> Result<SavedResult, StoreError> {
            let answers: String = r.try_get("answers")?;
            let packs: String = r.try_get("packs")?;
            Ok(SavedResult {
                id: r.try_get("id")?,
                answers: serde_json::from_str(&answers)?,
                journey: r.try_get("journey")?,
                as_of: r.try_get("as_of")?,
                packs: serde_json::from_str(&packs)?,
                created_at: r.try_get("created_at")?,
            })
        }
    };
}

reader!(
    read_interview_sqlite,
    read_result_sqlite,
    sqlx::sqlite::SqliteRow
);
reader!(read_interview_pg, read_result_pg, sqlx::postgres::PgRow);
