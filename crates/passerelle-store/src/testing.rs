//! Fresh, real databases for tests: a SQLite file in the temporary folder, or a new
//! database on the PostgreSQL server named by `PASSERELLE_TEST_POSTGRES` (`scripts/postgres`
//! starts one and prints its URL; `scripts/test` exports it).

use crate::{Store, StoreError};
use sqlx::Connection;

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "PASSERELLE_TEST_POSTGRES";

/// A database made for one test; [`TestDb::drop_db`] removes it.
pub struct TestDb {
    /// The store, migrated.
    pub store: Store,
    /// Its URL.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

/// A new SQLite file, migrated.
pub async fn sqlite() -> Result<TestDb, StoreError> {
    let name = format!("passerelle-test-{}.db", crate::accounts::random_hex(8)?);
    let path = std::env::temp_dir().join(name);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let store = Store::open(&url).await?;
    Ok(TestDb {
        store,
        url,
        cleanup: Cleanup::File(path),
    })
}

/// The PostgreSQL server URL for tests.
///
/// # Errors
/// When `PASSERELLE_TEST_POSTGRES` is not set: the message says how to start a server.
pub fn postgres_url() -> Result<String, String> {
    std::env::var(POSTGRES_ENV).map_err(|_| {
        format!(
            "{POSTGRES_ENV} is not set: run `export {POSTGRES_ENV}=$(scripts/postgres)` \
             (scripts/test does it)"
        )
    })
}

/// A new database on the test PostgreSQL server, migrated.
pub async fn postgres() -> Result<TestDb, StoreError> {
    let admin = postgres_url().map_err(StoreError::Url)?;
    let name = format!("passerelle_test_{}", crate::accounts::random_hex(8)?);
    let mut conn = sqlx::PgConnection::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let url = match admin.rfind('/') {
        Some(i) if admin[..i].contains("://") && i > admin.find("://").unwrap_or(0) + 2 => {
            format!("{}/{name}", &admin[..i])
        }
        _ => format!("{admin}/{name}"),
    };
    let store = Store::open(&url).await?;
    Ok(TestDb {
        store,
        url,
        cleanup: Cleanup::Postgres { admin, name },
    })
}

/// A fresh database of the backend named `sqlite` or `postgres`.
pub async fn fresh(backend: &str) -> Result<TestDb, StoreError> {
    match backend {
        "postgres" => postgres().await,
        _ => sqlite().await,
    }
}

impl TestDb {
    /// Closes the store and removes the database.
    pub async fn drop_db(self) -> Result<(), StoreError> {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut s = p.clone().into_os_string();
                    s.push(suffix);
                    let _ = std::fs::remove_file(s);
                }
            }
            Cleanup::Postgres { admin, name } => {
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Tries to rewrite and to delete audit rows, as an attacker with SQL access through the
    /// application's role would: `Ok` if either worked, the database's refusal otherwise.
    pub async fn tamper_with_audit_for_test(&self) -> Result<(), StoreError> {
        use crate::Backend;
        let update = on!(self, pool => {
            sqlx::query("UPDATE audit SET actor = 'someone else'").execute(pool).await.map(|_| ())
        });
        let delete = on!(self, pool => {
            sqlx::query("DELETE FROM audit").execute(pool).await.map(|_| ())
        });
        match (update, delete) {
            (Err(e), Err(_)) => Err(e.into()),
            _ => Ok(()),
        }
    }
}
