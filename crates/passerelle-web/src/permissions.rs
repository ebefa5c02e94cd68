//! Who may do what with the case log: the one place the web pages and the JSON API ask.
//!
//! | | anonymous | contributor | policy specialist | admin |
//! |---|---|---|---|---|
//! | read published situations | yes | yes | yes | yes |
//! | read other situations | no (404) | yes | yes | yes |
//! | create a situation | no | draft or answered, no advice | any status, advice | same |
//! | edit a situation | no | their own while not published: draft or answered, no advice | any, any status, advice | same |
//! | accounts, audit trail | no | no | no | yes |
//!
//! A situation an anonymous person may not read is "not found", never "forbidden", so that
//! its existence is not revealed. A contributor's edit of a situation they may read but not
//! change is "forbidden", naming the field at fault.

use passerelle_store::{CaseStatus, Role, Situation, User};

/// Why something was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denied {
    /// Sign in first (pages: the sign-in page; API: 401).
    SignIn,
    /// Not for this role (403): the field at fault and the message id of the reason.
    Forbidden {
        /// The field (`status`, `advice_en`…), or empty when the whole action is refused.
        field: &'static str,
        /// Message id in the catalogs (`deny-…`).
        reason: &'static str,
    },
    /// Hidden from this person (404).
    NotFound,
}

fn forbidden(field: &'static str, reason: &'static str) -> Denied {
    Denied::Forbidden { field, reason }
}

/// Whether a person (None: anonymous) may read a situation.
pub fn can_read(user: Option<&User>, s: &Situation) -> bool {
    s.status == CaseStatus::Published || user.is_some()
}

/// The statuses a person may list (empty: every status).
pub fn visible_statuses(user: Option<&User>) -> Vec<CaseStatus> {
    match user {
        Some(_) => Vec::new(),
        None => vec![CaseStatus::Published],
    }
}

/// Whether a person may give advice (write the advice fields).
pub fn may_advise(user: &User) -> bool {
    user.role >= Role::PolicySpecialist
}

/// The statuses a person may set, given the status a situation has now (None: a new one).
/// A status kept unchanged is always allowed.
pub fn statuses_for(user: &User, now: Option<CaseStatus>) -> Vec<CaseStatus> {
    if user.role >= Role::PolicySpecialist {
        return CaseStatus::ALL.to_vec();
    }
    let mut v = vec![CaseStatus::Draft, CaseStatus::Answered];
    if let Some(s) = now
        && !v.contains(&s)
    {
        v.push(s);
    }
    v
}

/// Whether a person may open the edit form of a situation (not whether every change is
/// allowed: [`check_write`] decides that).
pub fn may_edit(user: Option<&User>, s: &Situation) -> bool {
    match user {
        None => false,
        Some(u) if u.role >= Role::PolicySpecialist => true,
        Some(u) => s.created_by == u.id && s.status != CaseStatus::Published,
    }
}

/// Whether a person may create situations.
pub fn may_create(user: Option<&User>) -> Result<&User, Denied> {
    user.ok_or(Denied::SignIn)
}

/// Whether a person may manage accounts and read the audit trail.
pub fn may_admin(user: Option<&User>) -> Result<&User, Denied> {
    match user {
        None => Err(Denied::SignIn),
        Some(u) if u.role == Role::Admin => Ok(u),
        Some(_) => Err(forbidden("", "deny-admin")),
    }
}

/// Whether a person may write `after`, a new situation (`before` None) or a change to
/// `before`. Every write of the pages and the API passes here.
pub fn check_write(
    user: Option<&User>,
    before: Option<&Situation>,
    after: &Situation,
) -> Result<(), Denied> {
    let Some(u) = user else {
        return Err(match before {
            Some(b) if !can_read(None, b) => Denied::NotFound,
            _ => Denied::SignIn,
        });
    };
    if let Some(b) = before
        && !may_edit(Some(u), b)
    {
        return Err(if b.status == CaseStatus::Published {
            forbidden("", "deny-edit-published")
        } else {
            forbidden("", "deny-edit-others")
        });
    }
    if !statuses_for(u, before.map(|b| b.status)).contains(&after.status) {
        return Err(forbidden("status", "deny-status"));
    }
    if !may_advise(u) {
        let (en, fr) = before
            .map(|b| (b.advice_en.as_str(), b.advice_fr.as_str()))
            .unwrap_or(("", ""));
        if after.advice_en != en {
            return Err(forbidden("advice_en", "deny-advice"));
        }
        if after.advice_fr != fr {
            return Err(forbidden("advice_fr", "deny-advice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_store::Snapshot;

    fn user(id: &str, role: Role) -> User {
        User {
            id: id.into(),
            username: id.into(),
            display_name: id.into(),
            role,
            disabled: false,
            oidc_subject: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn situation(by: &str, status: CaseStatus) -> Situation {
        Situation {
            id: "s".into(),
            title: "t".into(),
            narrative: "n".into(),
            lang: "en".into(),
            domains: vec![],
            journey: None,
            answers: serde_json::json!({}),
            pack: "p".into(),
            verdict: Snapshot::default(),
            advice_en: String::new(),
            advice_fr: String::new(),
            consulted: vec![],
            status,
            rules: vec![],
            myths: vec![],
            checked: vec![],
            review: None,
            created_by: by.into(),
            created_at: String::new(),
            updated_by: by.into(),
            updated_at: String::new(),
            revision: 1,
        }
    }

    #[test]
    fn the_matrix() {
        let c = user("c", Role::Contributor);
        let p = user("p", Role::PolicySpecialist);
        let a = user("a", Role::Admin);
        let draft = situation("c", CaseStatus::Draft);
        let published = situation("c", CaseStatus::Published);
        let others = situation("someone", CaseStatus::Draft);
        assert!(can_read(None, &published) && !can_read(None, &draft));
        assert!(can_read(Some(&c), &draft));
        // Anonymous: nothing, and an unpublished situation is not found.
        assert_eq!(check_write(None, None, &draft), Err(Denied::SignIn));
        assert_eq!(
            check_write(None, Some(&draft), &draft),
            Err(Denied::NotFound)
        );
        // Contributor: own, draft or answered, no advice, not once published.
        let mut answered = draft.clone();
        answered.status = CaseStatus::Answered;
        assert_eq!(check_write(Some(&c), Some(&draft), &answered), Ok(()));
        assert_eq!(check_write(Some(&c), None, &draft), Ok(()));
        let mut pubd = draft.clone();
        pubd.status = CaseStatus::Published;
        assert_eq!(
            check_write(Some(&c), Some(&draft), &pubd),
            Err(forbidden("status", "deny-status"))
        );
        assert_eq!(
            check_write(Some(&c), None, &pubd),
            Err(forbidden("status", "deny-status"))
        );
        let mut advised = draft.clone();
        advised.advice_fr = "x".into();
        assert_eq!(
            check_write(Some(&c), Some(&draft), &advised),
            Err(forbidden("advice_fr", "deny-advice"))
        );
        assert_eq!(
            check_write(Some(&c), Some(&others), &others),
            Err(forbidden("", "deny-edit-others"))
        );
        assert_eq!(
            check_write(Some(&c), Some(&published), &published),
            Err(forbidden("", "deny-edit-published"))
        );
        // A contributor keeps "needs review" on their own situation, or sets draft/answered.
        let mut review = draft.clone();
        review.status = CaseStatus::NeedsReview;
        assert_eq!(check_write(Some(&c), Some(&review), &review), Ok(()));
        // Policy specialist and admin: anything.
        for u in [&p, &a] {
            assert_eq!(check_write(Some(u), Some(&others), &pubd), Ok(()));
            assert_eq!(check_write(Some(u), Some(&published), &advised), Ok(()));
            assert_eq!(check_write(Some(u), None, &advised), Ok(()));
        }
        assert!(may_admin(Some(&a)).is_ok());
        assert_eq!(may_admin(Some(&p)).err(), Some(forbidden("", "deny-admin")));
        assert_eq!(may_admin(None).err(), Some(Denied::SignIn));
        assert_eq!(visible_statuses(None), vec![CaseStatus::Published]);
        assert!(visible_statuses(Some(&c)).is_empty());
    }
}
