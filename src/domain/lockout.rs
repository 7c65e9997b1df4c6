//! Sign-in lockout: five failed attempts for one email within 15 minutes lock it for 15 minutes,
//! and thirty failed attempts from one client address within 15 minutes (across all emails)
//! throttle that address until the oldest of them is 15 minutes old.
//!
//! An attempt is recorded, as a failure, before its password is checked, and the check and the
//! record are one serialized step per email; so parallel attempts can never get more than
//! `MAX_FAILURES` password checks through.
use chrono::{Duration, NaiveDateTime};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;
pub const MAX_ADDRESS_FAILURES: usize = 30;
pub const ADDRESS_WINDOW_MINUTES: i64 = 15;

/// Whether a sign-in attempt may have its password checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Check,
    EmailLocked { until: NaiveDateTime },
    AddressThrottled { until: NaiveDateTime },
}

/// `email_recent`: the email's latest attempts, newest first, as (succeeded, at);
/// `address_failures`: when the latest failures from the client address happened, newest first.
pub fn gate(
    email_recent: &[(bool, NaiveDateTime)],
    address_failures: &[NaiveDateTime],
    now: NaiveDateTime,
) -> Gate {
    if let Some(until) = locked_until(email_recent, now) {
        return Gate::EmailLocked { until };
    }
    if let Some(until) = address_throttled_until(address_failures, now) {
        return Gate::AddressThrottled { until };
    }
    Gate::Check
}

/// `failures` holds the latest failed attempts from one address, newest first. Successes do not
/// reset it, so signing in to one's own account does not buy more guesses at another.
pub fn address_throttled_until(
    failures: &[NaiveDateTime],
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    let oldest_counted = *failures.get(MAX_ADDRESS_FAILURES - 1)?;
    let until = oldest_counted + Duration::minutes(ADDRESS_WINDOW_MINUTES);
    (now < until).then_some(until)
}

/// Attempts before this moment can no longer lock an email or throttle an address: they may be
/// deleted.
pub fn forget_before(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::minutes((WINDOW_MINUTES + LOCK_MINUTES).max(ADDRESS_WINDOW_MINUTES))
}

/// `recent` holds the latest attempts, newest first, as (succeeded, at). Returns when the lock ends,
/// if the email is locked now. Attempts made while locked are not recorded, so the lock does not grow.
pub fn locked_until(recent: &[(bool, NaiveDateTime)], now: NaiveDateTime) -> Option<NaiveDateTime> {
    let last_failures: Vec<NaiveDateTime> = recent
        .iter()
        .take(MAX_FAILURES)
        .take_while(|(ok, _)| !ok)
        .map(|(_, at)| *at)
        .collect();
    if last_failures.len() < MAX_FAILURES {
        return None;
    }
    let newest = last_failures[0];
    let oldest = last_failures[MAX_FAILURES - 1];
    if newest - oldest > Duration::minutes(WINDOW_MINUTES) {
        return None;
    }
    let until = newest + Duration::minutes(LOCK_MINUTES);
    (now < until).then_some(until)
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows are tuples on purpose
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
            + Duration::minutes(minute)
    }

    fn fails(minutes: &[i64]) -> Vec<(bool, NaiveDateTime)> {
        // newest first
        minutes.iter().rev().map(|m| (false, at(*m))).collect()
    }

    #[test]
    fn lock_rule_table() {
        let table: Vec<(&str, Vec<(bool, NaiveDateTime)>, i64, Option<i64>)> = vec![
            ("four failures do not lock", fails(&[0, 1, 2, 3]), 4, None),
            (
                "five failures within 15 minutes lock",
                fails(&[0, 1, 2, 3, 4]),
                5,
                Some(19),
            ),
            (
                "lock ends 15 minutes after the fifth",
                fails(&[0, 1, 2, 3, 4]),
                19,
                None,
            ),
            (
                "failures spread over 16 minutes do not lock",
                fails(&[0, 4, 8, 12, 16]),
                17,
                None,
            ),
            (
                "a success in between resets the count",
                {
                    let mut v = fails(&[0, 1, 2, 3]);
                    v.insert(0, (true, at(3)));
                    v.insert(0, (false, at(4)));
                    v
                },
                5,
                None,
            ),
        ];
        for (name, recent, now, expected) in table {
            assert_eq!(locked_until(&recent, at(now)), expected.map(at), "{name}");
        }
    }

    fn address_fails(count: usize, first_minute: i64) -> Vec<NaiveDateTime> {
        // one a minute from `first_minute` on, newest first
        (0..count as i64)
            .rev()
            .map(|i| at(first_minute + i))
            .collect()
    }

    #[test]
    fn address_throttle_table() {
        let table: Vec<(&str, Vec<NaiveDateTime>, i64, Option<i64>)> = vec![
            ("no failures", vec![], 0, None),
            ("29 failures pass", address_fails(29, 0), 29, None),
            // the 30th counted failure is the oldest, at minute 0
            (
                "30 failures within 15 minutes throttle",
                {
                    let mut v: Vec<_> = (0..30).rev().map(|i| at(i / 3)).collect();
                    v.sort_by(|a, b| b.cmp(a));
                    v
                },
                10,
                Some(15),
            ),
            (
                "the throttle ends when the oldest leaves the window",
                {
                    let mut v: Vec<_> = (0..30).rev().map(|i| at(i / 3)).collect();
                    v.sort_by(|a, b| b.cmp(a));
                    v
                },
                15,
                None,
            ),
            (
                "30 failures spread over 30 minutes pass",
                address_fails(30, 0),
                30,
                None,
            ),
            ("the latest 30 of 40 count", address_fails(40, 0), 40, None),
        ];
        for (name, failures, now, expected) in table {
            assert_eq!(
                address_throttled_until(&failures, at(now)),
                expected.map(at),
                "{name}"
            );
        }
    }

    #[test]
    fn the_email_lock_is_checked_before_the_address_throttle() {
        let many: Vec<_> = (0..30).map(|_| at(4)).collect();
        let table = [
            ("nothing against it", fails(&[]), vec![], Gate::Check),
            (
                "email locked",
                fails(&[0, 1, 2, 3, 4]),
                many.clone(),
                Gate::EmailLocked { until: at(19) },
            ),
            (
                "address throttled",
                fails(&[4]),
                many,
                Gate::AddressThrottled { until: at(19) },
            ),
        ];
        for (name, email, address, expected) in table {
            assert_eq!(gate(&email, &address, at(5)), expected, "{name}");
        }
    }

    #[test]
    fn attempts_are_kept_as_long_as_they_can_count() {
        assert_eq!(forget_before(at(60)), at(30));
    }
}
