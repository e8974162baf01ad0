//! Access tokens: issued for an API key and secret, renewed by each use, purged once expired.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{NaiveDateTime, TimeDelta};
use rand::RngCore;

use super::error::{ApiError, Problem};
use super::{Caller, Sandbox};

/// An access token and the seconds it stays valid after its last use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// 128 random bits written as a UUID: 8-4-4-4-12 lowercase hex digits.
    pub access_token: String,
    /// Seconds the token stays valid after its last use.
    pub expires_in: i64,
}

/// Maximum number of access tokens held. Without a cap, a partner that requests a token for
/// every call would grow the store by one token per call for a whole `token_ttl`.
pub const MAX_ACCESS_TOKENS: usize = 10_000;

/// Live access tokens, at most [`MAX_ACCESS_TOKENS`] of them.
#[derive(Debug)]
pub(super) struct TokenStore {
    grants: HashMap<String, AccessGrant>,
    /// Number of tokens above which issuing one drops the least recently used tenth.
    capacity: usize,
    /// Count of issues and uses so far, which orders tokens by last use. Expiry dates can tie,
    /// because a manual clock does not move on its own and the system clock can return the
    /// same time twice.
    uses: u64,
}

impl Default for TokenStore {
    fn default() -> Self {
        Self::with_capacity(MAX_ACCESS_TOKENS)
    }
}

#[derive(Debug, Clone, Copy)]
struct AccessGrant {
    enterprise_id: i64,
    expires_at: NaiveDateTime,
    /// Value of [`TokenStore::uses`] at the token's issue or last use.
    last_use: u64,
}

impl TokenStore {
    /// Creates a store that keeps at most `capacity` live tokens.
    fn with_capacity(capacity: usize) -> Self {
        Self {
            // Twice the cap: removals leave tombstones in the table, and a table less than
            // half full clears them in place, where a fuller one doubles its size instead.
            grants: HashMap::with_capacity(2 * capacity),
            capacity,
            uses: 0,
        }
    }

    fn next_use(&mut self) -> u64 {
        self.uses += 1;
        self.uses
    }

    /// Drops the least recently used tokens until `keep` remain. Dropping a tenth at once
    /// makes the scan run once per thousand issued tokens, not once per token.
    fn drop_least_recently_used(&mut self, keep: usize) {
        let Some(excess) = self
            .grants
            .len()
            .checked_sub(keep)
            .filter(|&excess| excess > 0)
        else {
            return;
        };
        let mut last_uses: Vec<u64> = self.grants.values().map(|grant| grant.last_use).collect();
        let (_, &mut threshold, _) = last_uses.select_nth_unstable(excess - 1);
        self.grants.retain(|_, grant| grant.last_use > threshold);
    }
}

impl Sandbox {
    /// Exchanges an API key and secret for an access token (the password grant).
    ///
    /// `grant_type` must be `password` and both credentials non-blank (`400`); a wrong key or
    /// secret is `401`. Issuing a token also purges the expired ones, so the store holds only
    /// tokens used within the last `token_ttl`. When [`MAX_ACCESS_TOKENS`] are still live, the
    /// least recently used tenth of them is dropped first.
    pub fn request_token(
        &self,
        grant_type: &str,
        api_key: &str,
        api_secret: &str,
    ) -> Result<IssuedToken, ApiError> {
        let mut problems = Vec::new();
        if grant_type.trim().is_empty() {
            problems.push(Problem::blank("grant_type"));
        } else if grant_type != "password" {
            problems.push(Problem::invalid(
                "grant_type",
                format!("grant_type `{grant_type}` is not supported, use `password`"),
            ));
        }
        if api_key.trim().is_empty() {
            problems.push(Problem::blank("username"));
        }
        if api_secret.trim().is_empty() {
            problems.push(Problem::blank("password"));
        }
        if !problems.is_empty() {
            return Err(ApiError::BadRequest(problems));
        }

        let enterprise_id = {
            let state = self.lock_state();
            state
                .enterprises
                .iter()
                .find(|(_, enterprise)| {
                    // Compare both values in full so that timing does not tell which one failed.
                    let key_matches = constant_time_eq(&enterprise.api_key, api_key);
                    let secret_matches = constant_time_eq(&enterprise.api_secret, api_secret);
                    key_matches & secret_matches
                })
                .map(|(id, _)| *id)
                .ok_or(ApiError::BadCredentials)?
        };

        let now = self.now();
        let access_token = uuid_like(random_bytes::<16>());
        let mut tokens = self.lock_tokens();
        tokens.grants.retain(|_, grant| grant.expires_at > now);
        if tokens.grants.len() >= tokens.capacity {
            let keep = tokens.capacity - tokens.capacity.div_ceil(10);
            tokens.drop_least_recently_used(keep);
        }
        let last_use = tokens.next_use();
        tokens.grants.insert(
            access_token.clone(),
            AccessGrant {
                enterprise_id,
                expires_at: later(now, self.token_ttl),
                last_use,
            },
        );
        Ok(IssuedToken {
            access_token,
            expires_in: self.token_ttl.num_seconds(),
        })
    }

    /// Resolves a bearer token to its enterprise and renews it, or returns `None` when it is
    /// unknown or expired. An expired token is removed.
    pub fn authenticate(&self, bearer_token: &str) -> Option<Caller> {
        let now = self.now();
        let mut tokens = self.lock_tokens();
        let last_use = tokens.next_use();
        let grant = tokens.grants.get_mut(bearer_token)?;
        if grant.expires_at <= now {
            tokens.grants.remove(bearer_token);
            return None;
        }
        grant.expires_at = later(now, self.token_ttl);
        grant.last_use = last_use;
        Some(Caller {
            enterprise_id: grant.enterprise_id,
        })
    }

    /// Returns the number of access tokens held, expired ones not purged yet included.
    pub fn access_token_count(&self) -> usize {
        self.lock_tokens().grants.len()
    }
}

/// Returns `N` random bytes from the thread-local CSPRNG.
pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// Writes `bytes` as lowercase hex digits.
pub(super) fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // `fmt::Write` for `String` always returns `Ok`.
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Writes 16 bytes in the 8-4-4-4-12 grouping of a UUID, like the documented tokens.
fn uuid_like(bytes: [u8; 16]) -> String {
    let digits = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &digits[0..8],
        &digits[8..12],
        &digits[12..16],
        &digits[16..20],
        &digits[20..32]
    )
}

/// Compares two strings in a time that depends on their lengths only.
fn constant_time_eq(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    if expected.len() != given.len() {
        return false;
    }
    expected
        .iter()
        .zip(given)
        .fold(0u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}

/// Returns `delay` after `instant`, or the last representable date when that is past it, so
/// that a huge `--token-ttl` or a clock set far ahead cannot overflow.
pub(super) fn later(instant: NaiveDateTime, delay: TimeDelta) -> NaiveDateTime {
    instant
        .checked_add_signed(delay)
        .unwrap_or(NaiveDateTime::MAX)
}

/// Lifetime of an autologin token.
pub(super) const LOGIN_TOKEN_TTL: TimeDelta = TimeDelta::hours(1);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;
    use crate::dates;
    use crate::seed::DataSet;

    fn sandbox_with_capacity(capacity: usize) -> Sandbox {
        let start = dates::parse("2024-05-15 12:00:00").expect("test date");
        let sandbox = Sandbox::new(
            &DataSet::default_data_set(),
            Arc::new(ManualClock::new(start)),
            TimeDelta::seconds(3600),
        );
        *sandbox.lock_tokens() = TokenStore::with_capacity(capacity);
        sandbox
    }

    fn issue(sandbox: &Sandbox) -> String {
        sandbox
            .request_token("password", "demo-key", "demo-secret")
            .unwrap()
            .access_token
    }

    #[test]
    fn store_at_capacity_drops_least_recently_used() {
        let sandbox = sandbox_with_capacity(20);
        let first = issue(&sandbox);
        let second = issue(&sandbox);
        for _ in 2..20 {
            issue(&sandbox);
        }
        assert_eq!(sandbox.access_token_count(), 20);

        // Using the first token leaves the second as the least recently used.
        assert!(sandbox.authenticate(&first).is_some());
        let newest = issue(&sandbox);

        assert_eq!(sandbox.access_token_count(), 19);
        assert!(sandbox.authenticate(&first).is_some());
        assert!(sandbox.authenticate(&newest).is_some());
        assert_eq!(sandbox.authenticate(&second), None);
    }

    #[test]
    fn store_never_exceeds_capacity() {
        let sandbox = sandbox_with_capacity(50);
        for _ in 0..500 {
            issue(&sandbox);
            assert!(sandbox.access_token_count() <= 50);
        }
    }

    #[test]
    fn full_store_keeps_its_table_size() {
        let sandbox = sandbox_with_capacity(500);
        let table_capacity = sandbox.lock_tokens().grants.capacity();
        for _ in 0..10_000 {
            issue(&sandbox);
        }
        // Tombstones lower the reported capacity until the table clears them; a grown
        // table would report about twice as much.
        assert!(sandbox.lock_tokens().grants.capacity() <= table_capacity);
    }
}
