//! People who may write to the case log, their sessions and failed sign-ins.
//!
//! Passwords are hashed with Argon2id (PHC strings, a random salt each); a session cookie
//! holds 32 random bytes and only their SHA-256 is stored, so a copy of the database does
//! not let anyone sign in. Each session carries its own CSRF token.

use crate::cases::{AuditRow, audit_in};
use crate::{Backend, Store, StoreError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// What a signed-in person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Writes situations and edits their own until published.
    Contributor,
    /// Also edits any situation, gives advice and publishes.
    PolicySpecialist,
    /// Also manages accounts and reads the audit trail.
    Admin,
}

impl Role {
    /// Every role, least first.
    pub const ALL: [Role; 3] = [Role::Contributor, Role::PolicySpecialist, Role::Admin];

    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::PolicySpecialist => "policy_specialist",
            Role::Admin => "admin",
        }
    }

    /// Reads a stored word.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.word() == s)
    }
}

/// An account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Random id.
    pub id: String,
    /// Lower-case sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// True when the account may not sign in.
    pub disabled: bool,
    /// "issuer subject" for OpenID Connect accounts.
    pub oidc_subject: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
}

/// A session found from its cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie token (hex).
    pub token_hash: String,
    /// Who.
    pub user: User,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// Ends (RFC 3339).
    pub expires_at: String,
}

/// `n` random bytes as lower-case hex (from the operating system's generator).
pub fn random_hex(n: usize) -> Result<String, StoreError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hex(&buf))
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Password(e.to_string()))
}

/// True when `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A fixed Argon2 hash checked when the user does not exist, so a sign-in takes as long
/// whether or not the name is known.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get_or_init(|| hash_password("passerelle-timing").ok()) {
        let _ = verify_password(password, h);
    }
}

const USER_COLUMNS: &str =
    "id, username, display_name, role, disabled, oidc_subject, created_at, updated_at";

macro_rules! read_user {
    ($r:expr) => {{
        let r = $r;
        let role: String = r.try_get("role")?;
        let disabled: i64 = r.try_get("disabled")?;
        Ok::<User, StoreError>(User {
            id: r.try_get("id")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
            role: Role::parse(&role).ok_or(StoreError::Corrupt {
                what: "users.role",
                value: role,
            })?,
            disabled: disabled != 0,
            oidc_subject: r.try_get("oidc_subject")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }};
}

/// Changes to an account (None: unchanged).
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    /// New role.
    pub role: Option<Role>,
    /// New name shown.
    pub display_name: Option<String>,
    /// New Argon2 hash.
    pub password_hash: Option<String>,
    /// Disable or enable.
    pub disabled: Option<bool>,
}

/// A new account.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    /// Sign-in name (stored lower-case).
    pub username: &'a str,
    /// Name shown.
    pub display_name: &'a str,
    /// Role.
    pub role: Role,
    /// Argon2 hash, or None for an OpenID Connect account.
    pub password_hash: Option<String>,
    /// "issuer subject" for an OpenID Connect account.
    pub oidc_subject: Option<String>,
}

impl Store {
    /// Creates an account. Fails with [`StoreError::Taken`] when the name is in use.
    pub async fn create_user(
        &self,
        u: &NewUser<'_>,
        actor: &str,
        at: &str,
    ) -> Result<User, StoreError> {
        let username = u.username.trim().to_lowercase();
        if self.user_by_name(&username).await?.is_some() {
            return Err(StoreError::Taken(username));
        }
        let user = User {
            id: random_hex(12)?,
            username,
            display_name: u.display_name.trim().to_string(),
            role: u.role,
            disabled: false,
            oidc_subject: u.oidc_subject.clone(),
            created_at: at.to_string(),
            updated_at: at.to_string(),
        };
        let after = serde_json::to_string(&user)?;
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, password_hash, oidc_subject, \
                 disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
            )
            .bind(&user.id)
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(user.role.word())
            .bind(&u.password_hash)
            .bind(&user.oidc_subject)
            .bind(at)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            audit_in!(tx, AuditRow {
                at,
                actor,
                action: "create",
                entity: "user",
                entity_id: &user.id,
                old_value: None,
                new_value: Some(after),
            });
            tx.commit().await?;
        });
        Ok(user)
    }

    /// An account by sign-in name.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let name = username.trim().to_lowercase();
        on!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&name).fetch_optional(pool).await? {
                Some(r) => Ok(Some(read_user!(&r)?)),
                None => Ok(None),
            }
        })
    }

    /// An account by id.
    pub async fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        on!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await? {
                Some(r) => Ok(Some(read_user!(&r)?)),
                None => Ok(None),
            }
        })
    }

    /// An account by OpenID Connect subject.
    pub async fn user_by_oidc(&self, subject: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE oidc_subject = $1");
        on!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(subject).fetch_optional(pool).await? {
                Some(r) => Ok(Some(read_user!(&r)?)),
                None => Ok(None),
            }
        })
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        on!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await?;
            rows.iter().map(|r| read_user!(r)).collect()
        })
    }

    /// The account whose name and password match, if it may sign in.
    pub async fn check_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let name = username.trim().to_lowercase();
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
        let found: Option<(User, Option<String>)> = on!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&name).fetch_optional(pool).await? {
                Some(r) => {
                    let h: Option<String> = r.try_get("password_hash")?;
                    Some((read_user!(&r)?, h))
                }
                None => None,
            }
        });
        match found {
            Some((u, Some(h))) if !u.disabled => Ok(verify_password(password, &h).then_some(u)),
            Some((_, Some(h))) => {
                let _ = verify_password(password, &h);
                Ok(None)
            }
            _ => {
                dummy_verify(password);
                Ok(None)
            }
        }
    }

    /// Changes an account's role, name, password or disabled flag (audited). Disabling an
    /// account or changing its password ends its sessions.
    pub async fn update_user(
        &self,
        id: &str,
        change: UserChange,
        actor: &str,
        at: &str,
    ) -> Result<Option<User>, StoreError> {
        let UserChange {
            role,
            display_name,
            password_hash,
            disabled,
        } = change;
        let Some(before) = self.user(id).await? else {
            return Ok(None);
        };
        let mut after = before.clone();
        if let Some(r) = role {
            after.role = r;
        }
        if let Some(d) = &display_name {
            after.display_name = d.trim().to_string();
        }
        if let Some(d) = disabled {
            after.disabled = d;
        }
        after.updated_at = at.to_string();
        let pw_changed = password_hash.is_some();
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE users SET role = $1, display_name = $2, disabled = $3, updated_at = $4, \
                 password_hash = COALESCE($5, password_hash) WHERE id = $6",
            )
            .bind(after.role.word())
            .bind(&after.display_name)
            .bind(i64::from(after.disabled))
            .bind(at)
            .bind(password_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if after.disabled || pw_changed {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            let mut new_value = serde_json::to_value(&after)?;
            if pw_changed && let Some(o) = new_value.as_object_mut() {
                o.insert("password".into(), serde_json::Value::String("changed".into()));
            }
            audit_in!(tx, AuditRow {
                at,
                actor,
                action: "update",
                entity: "user",
                entity_id: id,
                old_value: Some(serde_json::to_string(&before)?),
                new_value: Some(new_value.to_string()),
            });
            tx.commit().await?;
        });
        Ok(Some(after))
    }

    /// Opens a session for a user: returns the cookie token (kept only by the browser).
    pub async fn create_session(
        &self,
        user_id: &str,
        at: &str,
        expires_at: &str,
    ) -> Result<(String, String), StoreError> {
        let token = random_hex(32)?;
        let csrf = random_hex(32)?;
        let hash = token_hash(&token);
        on!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&hash)
            .bind(user_id)
            .bind(&csrf)
            .bind(at)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            audit_in!(tx, AuditRow {
                at,
                actor: user_id,
                action: "sign_in",
                entity: "user",
                entity_id: user_id,
                old_value: None,
                new_value: None,
            });
            tx.commit().await?;
        });
        Ok((token, csrf))
    }

    /// The live session of a cookie token at time `now` (expired and disabled: none).
    pub async fn session(&self, token: &str, now: &str) -> Result<Option<Session>, StoreError> {
        let hash = token_hash(token);
        let sql = format!(
            "SELECT s.token_hash, s.csrf, s.expires_at, {} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        on!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&hash).bind(now).fetch_optional(pool).await? {
                Some(r) => Ok(Some(Session {
                    token_hash: r.try_get("token_hash")?,
                    csrf: r.try_get("csrf")?,
                    expires_at: r.try_get("expires_at")?,
                    user: read_user!(&r)?,
                })),
                None => Ok(None),
            }
        })
    }

    /// Ends a session.
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        let hash = token_hash(token);
        on!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Removes sessions that ended before `now`, and sign-in failures older than `before`.
    pub async fn purge(&self, now: &str, failures_before: &str) -> Result<(), StoreError> {
        on!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await?;
            sqlx::query("DELETE FROM sign_in_failures WHERE at < $1").bind(failures_before).execute(pool).await?;
        });
        Ok(())
    }

    /// Records a failed sign-in under each key (`user:NAME`, `ip:ADDRESS`).
    pub async fn record_failure(&self, keys: &[&str], at: &str) -> Result<(), StoreError> {
        on!(self, pool => {
            for k in keys {
                sqlx::query("INSERT INTO sign_in_failures (key, at) VALUES ($1, $2)")
                    .bind(*k)
                    .bind(at)
                    .execute(pool)
                    .await?;
            }
        });
        Ok(())
    }

    /// Failed sign-ins under `key` at or after `since`.
    pub async fn failures_since(&self, key: &str, since: &str) -> Result<i64, StoreError> {
        on!(self, pool => {
            let r = sqlx::query("SELECT COUNT(*) AS n FROM sign_in_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(pool)
                .await?;
            Ok(r.try_get::<i64, _>("n")?)
        })
    }

    /// The earliest failed sign-in under `key` at or after `since` (RFC 3339), if any: when
    /// it leaves the window, one more attempt is allowed.
    pub async fn oldest_failure_since(
        &self,
        key: &str,
        since: &str,
    ) -> Result<Option<String>, StoreError> {
        on!(self, pool => {
            let r = sqlx::query("SELECT MIN(at) AS at FROM sign_in_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(pool)
                .await?;
            Ok(r.try_get::<Option<String>, _>("at")?)
        })
    }

    /// Forgets the failures under `key` (after a successful sign-in).
    pub async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        on!(self, pool => {
            sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key).execute(pool).await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_salts_differ() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("correct horse!", &a));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_hex(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32).unwrap());
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(token_hash("abc"), "abc");
    }

    #[test]
    fn roles_round_trip_and_order() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.word()), Some(r));
        }
        assert!(Role::Contributor < Role::PolicySpecialist && Role::PolicySpecialist < Role::Admin);
    }
}
