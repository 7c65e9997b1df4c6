//! Dashboard sessions: a random secret in the cookie, its digest on the server, and when a session
//! stops working.
use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;
/// `last_seen_at` is rewritten at most this often, so most requests only read.
pub const TOUCH_EVERY_SECS: i64 = 60;

/// What the server knows about a session when a request presents it.
#[derive(Debug, Clone, Copy)]
pub struct SessionFacts {
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub revoked: bool,
    pub user_disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// The session works; `touch` says `last_seen_at` is due to be rewritten.
    Live {
        touch: bool,
    },
    Ended,
}

/// A session ends when revoked, when its person is disabled, 30 minutes after its last request,
/// or 12 hours after sign-in, whichever comes first.
pub fn liveness(s: &SessionFacts, now: NaiveDateTime) -> Liveness {
    let ended = s.revoked
        || s.user_disabled
        || now - s.last_seen_at > Duration::minutes(IDLE_TIMEOUT_MINUTES)
        || now - s.created_at > Duration::hours(ABSOLUTE_TIMEOUT_HOURS);
    if ended {
        return Liveness::Ended;
    }
    Liveness::Live {
        touch: now - s.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECS),
    }
}

/// Sessions that ended by time before this moment can be deleted.
pub fn prune_before(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    (
        now - Duration::minutes(IDLE_TIMEOUT_MINUTES),
        now - Duration::hours(ABSOLUTE_TIMEOUT_HOURS),
    )
}

/// A fresh, unguessable session secret (256 bits) for the cookie.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the server stores instead of the secret, so a copy of the table opens no session.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
            + Duration::minutes(minute)
    }

    #[test]
    fn sessions_end_when_revoked_disabled_idle_30_minutes_or_12_hours_old() {
        let hour = 60;
        let live = |touch| Liveness::Live { touch };
        // (name, created, last seen, revoked, disabled, now, expected)
        let table = [
            ("fresh", 0, 0, false, false, 0, live(false)),
            (
                "seen a minute ago is touched",
                0,
                0,
                false,
                false,
                1,
                live(true),
            ),
            (
                "idle 30 minutes still works",
                0,
                0,
                false,
                false,
                30,
                live(true),
            ),
            (
                "idle 31 minutes ends",
                0,
                0,
                false,
                false,
                31,
                Liveness::Ended,
            ),
            (
                "active for 11 hours works",
                0,
                11 * hour,
                false,
                false,
                11 * hour + 5,
                live(true),
            ),
            (
                "active but 12 hours and 1 minute old ends",
                0,
                12 * hour,
                false,
                false,
                12 * hour + 1,
                Liveness::Ended,
            ),
            ("revoked ends", 0, 0, true, false, 0, Liveness::Ended),
            (
                "disabled person ends",
                0,
                0,
                false,
                true,
                0,
                Liveness::Ended,
            ),
        ];
        for (name, created, seen, revoked, disabled, now, expected) in table {
            let facts = SessionFacts {
                created_at: at(created),
                last_seen_at: at(seen),
                revoked,
                user_disabled: disabled,
            };
            assert_eq!(liveness(&facts, at(now)), expected, "{name}");
        }
        let facts = SessionFacts {
            created_at: at(0),
            last_seen_at: at(0),
            revoked: false,
            user_disabled: false,
        };
        let just_under = at(0) + Duration::seconds(59);
        assert_eq!(liveness(&facts, just_under), live(false), "59 seconds");
    }

    #[test]
    fn secrets_are_random_and_only_their_digest_is_kept() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert!(!digest(&a).contains(&a));
    }
}
