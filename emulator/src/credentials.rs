//! Who is calling and which account a call reads, from its access key id; and the credentials
//! `AssumeRole` issues.
//!
//! An issued access key id names its account: `ASIA`, the twelve-digit account id, and four
//! characters numbering the session (20 characters, as AWS's are). The store remembers every
//! issued key with its session token and assumed-role identity, so that `GetCallerIdentity` can
//! answer `arn:aws:sts::<account>:assumed-role/<role>/<session>` and a key presented without its
//! own session token is refused, as AWS refuses it. A key of the issued form that was never issued
//! is refused too. Any other access key id is a static credential of the management account.
//!
//! Issued credentials expire: a call signed with them after their `Expiration` is refused with
//! `ExpiredTokenException` (STS: `ExpiredToken`). Keys are numbered modulo 36⁴, so after
//! 1,679,616 sessions a new session of an account can take an older one's key.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::api_error::ApiError;
use super::organization::Organization;
use super::seed::{SplitMix, fnv1a, mix64};

const ISSUED_PREFIX: &str = "ASIA";
const UPPER_ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE36_DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The IAM user of static credentials, in the management account.
const STATIC_USER: &str = "wsql-emulator";

/// Who signed a call, as `GetCallerIdentity` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The account whose data the call reads.
    pub(crate) account_id: String,
    /// `arn:aws:iam::<account>:user/...` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub(crate) arn: String,
    /// `AIDA...` for a user, `AROA...:<session>` for an assumed role.
    pub(crate) user_id: String,
}

/// Credentials issued by `AssumeRole`, with the identity they carry.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    /// The identity of the session: `arn` and `user_id` are `AssumedRoleUser`'s `Arn` and
    /// `AssumedRoleId`.
    pub(crate) caller: Caller,
}

/// The credentials issued so far.
#[derive(Debug, Default)]
pub(crate) struct CredentialStore {
    sessions: Mutex<HashMap<String, Session>>,
    issued: AtomicU64,
}

#[derive(Debug)]
struct Session {
    secret_access_key: String,
    session_token: String,
    caller: Caller,
    /// Epoch seconds.
    expires_at: i64,
}

impl CredentialStore {
    /// Issues credentials for `session_name` in `role_name` of `account_id`, valid until
    /// `expires_at` (epoch seconds).
    pub(crate) fn issue(
        &self,
        account_id: &str,
        role_name: &str,
        session_name: &str,
        expires_at: i64,
    ) -> Issued {
        let number = self.issued.fetch_add(1, Ordering::Relaxed);
        let mut rng = SplitMix::new(mix64(number ^ fnv1a(account_id.as_bytes())));
        let issued = Issued {
            access_key_id: format!("{ISSUED_PREFIX}{account_id}{}", base36(number, 4)),
            secret_access_key: rng.chars(40, SECRET_ALPHABET),
            session_token: rng.chars(160, SECRET_ALPHABET),
            caller: Caller {
                account_id: account_id.to_string(),
                arn: format!("arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"),
                user_id: format!("{}:{session_name}", role_id(account_id, role_name)),
            },
        };
        let session = Session {
            secret_access_key: issued.secret_access_key.clone(),
            session_token: issued.session_token.clone(),
            caller: issued.caller.clone(),
            expires_at,
        };
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(issued.access_key_id.clone(), session);
        issued
    }

    /// The secret access key and the session token of every session issued so far, for tests
    /// that check a client never shows them.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions
            .values()
            .flat_map(|s| [s.secret_access_key.clone(), s.session_token.clone()])
            .collect()
    }

    /// The caller of a request signed with `access_key_id` and carrying `session_token`
    /// (`X-Amz-Security-Token`) at `now` (epoch seconds): `UnrecognizedClientException` for
    /// credentials the emulator did not issue, `ExpiredTokenException` for expired ones.
    pub(crate) fn caller(
        &self,
        organization: &Organization,
        access_key_id: &str,
        session_token: Option<&str>,
        now: i64,
    ) -> Result<Caller, ApiError> {
        if !looks_issued(access_key_id) {
            return Ok(static_caller(organization, access_key_id));
        }
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let session = sessions
            .get(access_key_id)
            .filter(|s| session_token == Some(s.session_token.as_str()))
            .ok_or_else(ApiError::invalid_client_token)?;
        if now >= session.expires_at {
            return Err(ApiError::expired_token());
        }
        Ok(session.caller.clone())
    }
}

/// `ASIA`, twelve digits, four more letters or digits.
fn looks_issued(access_key_id: &str) -> bool {
    let key = access_key_id.as_bytes();
    key.len() == 20
        && key.starts_with(ISSUED_PREFIX.as_bytes())
        && key[4..16].iter().all(u8::is_ascii_digit)
        && key[16..].iter().all(|b| BASE36_DIGITS.contains(b))
}

/// A static credential: an IAM user of the management account, its id derived from the key.
fn static_caller(organization: &Organization, access_key_id: &str) -> Caller {
    let account_id = organization.management().id();
    let mut rng = SplitMix::new(fnv1a(access_key_id.as_bytes()));
    Caller {
        account_id: account_id.to_string(),
        arn: format!("arn:aws:iam::{account_id}:user/{STATIC_USER}"),
        user_id: format!("AIDA{}", rng.chars(17, UPPER_ALPHANUMERIC)),
    }
}

/// `AROA` and 17 letters or digits, the same for a role every time.
fn role_id(account_id: &str, role_name: &str) -> String {
    let mut rng = SplitMix::new(fnv1a(format!("{account_id}/{role_name}").as_bytes()));
    format!("AROA{}", rng.chars(17, UPPER_ALPHANUMERIC))
}

/// The last `digits` base-36 digits of `n`, upper case.
fn base36(n: u64, digits: u32) -> String {
    let mut rest = n % 36u64.pow(digits);
    let mut text = vec![b'0'; digits as usize];
    for slot in text.iter_mut().rev() {
        *slot = BASE36_DIGITS[(rest % 36) as usize];
        rest /= 36;
    }
    String::from_utf8(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fleet;

    const NOW: i64 = 1_800_000_000;
    const LATER: i64 = NOW + 3600;

    fn organization() -> Organization {
        Organization::seeded(4, 3, &["us-east-1"], 1)
    }

    #[test]
    fn issued_keys_name_their_account_and_map_back_to_their_session() {
        let org = organization();
        let member = org.accounts()[1].id();
        let store = CredentialStore::default();
        let issued = store.issue(member, "OrganizationAccountAccessRole", "wsql", LATER);
        assert_eq!(issued.access_key_id.len(), 20);
        assert!(issued.access_key_id.starts_with(&format!("ASIA{member}")));
        assert!(looks_issued(&issued.access_key_id));
        let caller = store
            .caller(
                &org,
                &issued.access_key_id,
                Some(&issued.session_token),
                NOW,
            )
            .expect("issued");
        assert_eq!(caller.account_id, member);
        assert_eq!(
            caller.arn,
            format!("arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/wsql")
        );
        assert!(caller.user_id.starts_with("AROA") && caller.user_id.ends_with(":wsql"));
        let again = store.issue(member, "OrganizationAccountAccessRole", "wsql", LATER);
        assert_ne!(again.access_key_id, issued.access_key_id);
        assert_ne!(again.session_token, issued.session_token);
        assert_eq!(again.caller.user_id, caller.user_id, "one role id per role");
    }

    #[test]
    fn issued_keys_need_their_own_token() {
        let org = organization();
        let store = CredentialStore::default();
        let first = store.issue(org.accounts()[1].id(), "R", "a1", LATER);
        let second = store.issue(org.accounts()[2].id(), "R", "a2", LATER);
        for token in [None, Some("forged"), Some(second.session_token.as_str())] {
            let err = store
                .caller(&org, &first.access_key_id, token, NOW)
                .expect_err("wrong token");
            assert_eq!(err.code, "UnrecognizedClientException");
        }
        let never_issued = format!("ASIA{}ZZZZ", org.accounts()[1].id());
        assert!(store.caller(&org, &never_issued, Some("t"), NOW).is_err());
    }

    #[test]
    fn issued_credentials_expire() {
        let org = organization();
        let store = CredentialStore::default();
        let issued = store.issue(org.accounts()[1].id(), "R", "s", LATER);
        let token = Some(issued.session_token.as_str());
        assert!(
            store
                .caller(&org, &issued.access_key_id, token, LATER - 1)
                .is_ok()
        );
        let err = store
            .caller(&org, &issued.access_key_id, token, LATER)
            .expect_err("expired");
        assert_eq!(err.code, "ExpiredTokenException");
    }

    #[test]
    fn other_keys_are_static_credentials_of_the_management_account() {
        let org = organization();
        let store = CredentialStore::default();
        let management = org.management().id();
        for key in ["AKIDEMULATORTEST", "test", "ASIAEXAMPLEKEY123456"] {
            let caller = store
                .caller(&org, key, Some("ignored"), NOW)
                .expect("static");
            assert_eq!(caller.account_id, management, "{key}");
            assert_eq!(
                caller.arn,
                format!("arn:aws:iam::{management}:user/wsql-emulator")
            );
            assert!(caller.user_id.starts_with("AIDA") && caller.user_id.len() == 21);
        }
        let single = Organization::of_fleet(Fleet::seeded(1, &["us-east-1"], 1));
        let caller = store.caller(&single, "AKID", None, NOW).expect("static");
        assert_eq!(caller.account_id, single.management().id());
    }

    #[test]
    fn base36_counts_in_four_characters() {
        assert_eq!(base36(0, 4), "0000");
        assert_eq!(base36(35, 4), "000Z");
        assert_eq!(base36(36, 4), "0010");
        assert_eq!(base36(36u64.pow(4), 4), "0000");
    }
}
