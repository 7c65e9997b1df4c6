//! What the home page looks at: the periods its order counts cover (whole days, so they match
//! the orders list filtered from the same day), which accounts wait on a CSM, and waits in words.
use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::lab_account::AccountStatus;

/// "This week": today and the six days before it.
pub const WEEK_DAYS: u32 = 7;
/// The per-account charts: today and the 27 days before it.
pub const CHART_DAYS: u32 = 28;
/// Critical results older than this are no longer "new" on the home page.
pub const CRITICAL_DAYS: u32 = 90;

/// The first day of a period of `days` days that ends today.
pub fn first_day(today: NaiveDate, days: u32) -> NaiveDate {
    today - Duration::days(i64::from(days.max(1)) - 1)
}

/// The start of that first day.
pub fn period_start(today: NaiveDate, days: u32) -> NaiveDateTime {
    first_day(today, days).and_time(chrono::NaiveTime::MIN)
}

/// Accounts whose launch waits on a CSM: set up but not configured (pending), or configured and
/// waiting to go live (ready to launch).
pub const WAITING_ON_CSM: &[AccountStatus] =
    &[AccountStatus::Pending, AccountStatus::ReadyToLaunch];

fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// How long something has waited, in the largest whole unit: "3 days", "5 hours", "under a
/// minute". A start in the future (clocks of two machines) is "under a minute".
pub fn waited(since: NaiveDateTime, now: NaiveDateTime) -> String {
    let d = now - since;
    if d.num_days() >= 1 {
        plural(d.num_days(), "day")
    } else if d.num_hours() >= 1 {
        plural(d.num_hours(), "hour")
    } else if d.num_minutes() >= 1 {
        plural(d.num_minutes(), "minute")
    } else {
        "under a minute".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn waited_table() {
        let now = at("2026-03-10 12:00:00");
        let table = [
            ("2026-03-10 12:00:00", "under a minute"),
            ("2026-03-10 12:00:30", "under a minute"),
            ("2026-03-10 11:59:00", "1 minute"),
            ("2026-03-10 11:01:00", "59 minutes"),
            ("2026-03-10 11:00:00", "1 hour"),
            ("2026-03-09 12:00:01", "23 hours"),
            ("2026-03-09 12:00:00", "1 day"),
            ("2026-01-01 00:00:00", "68 days"),
        ];
        for (since, words) in table {
            assert_eq!(waited(at(since), now), words, "since {since}");
        }
    }

    #[test]
    fn periods_are_whole_days_ending_today() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        assert_eq!(period_start(today, WEEK_DAYS), at("2026-03-04 00:00:00"));
        assert_eq!(period_start(today, 1), at("2026-03-10 00:00:00"));
        assert_eq!(period_start(today, 0), at("2026-03-10 00:00:00"));
        assert_eq!(first_day(today, CHART_DAYS).to_string(), "2026-02-11");
    }
}
