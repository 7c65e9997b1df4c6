//! Sign-in lockout: five failed attempts for one email within 15 minutes lock it for 15 minutes.
use chrono::{Duration, NaiveDateTime};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;

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
}
