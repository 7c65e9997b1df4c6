//! A "from / to" pair of dates as people type them into a list's filters. A date that cannot be
//! read, or a "from" after the "to", is explained and left out of the filter rather than
//! silently matching nothing.
use chrono::{NaiveDate, NaiveDateTime};

/// The dates understood, as half-open bounds on a timestamp, and what was wrong with the rest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DateRange {
    /// The first moment of the "from" day.
    pub from: Option<NaiveDateTime>,
    /// The first moment after the "to" day: "to" includes the whole day.
    pub before: Option<NaiveDateTime>,
    /// Sentences for the person, one per problem.
    pub problems: Vec<String>,
}

fn read(text: Option<&str>, field: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    let text = text?;
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if date.is_none() {
        problems.push(format!(
            "{field} date '{text}' is not a date like 2026-11-30; it was ignored."
        ));
    }
    date
}

fn start_of_day(d: NaiveDate) -> Option<NaiveDateTime> {
    d.and_hms_opt(0, 0, 0)
}

/// Reads the two fields (already trimmed to None when empty).
pub fn parse(from: Option<&str>, to: Option<&str>) -> DateRange {
    let mut problems = Vec::new();
    let mut from = read(from, "From", &mut problems);
    let mut to = read(to, "To", &mut problems);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            problems.push(format!(
                "The From date ({f}) is after the To date ({t}), so no day is in between; \
                 both dates were ignored. Swap them to see that period."
            ));
            from = None;
            to = None;
        }
    }
    DateRange {
        from: from.and_then(start_of_day),
        before: to.and_then(|d| d.succ_opt()).and_then(start_of_day),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: &str) -> Option<NaiveDateTime> {
        Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        )
    }

    /// (from, to, expected from, expected before, what the problem mentions)
    type Case = (
        Option<&'static str>,
        Option<&'static str>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        &'static [&'static str],
    );

    #[test]
    fn dates_become_half_open_bounds_and_problems_are_explained() {
        let table: [Case; 8] = [
            (None, None, None, None, &[]),
            (Some("2026-11-01"), None, at("2026-11-01"), None, &[]),
            (None, Some("2026-11-30"), None, at("2026-12-01"), &[]),
            (
                Some("2026-11-01"),
                Some("2026-11-30"),
                at("2026-11-01"),
                at("2026-12-01"),
                &[],
            ),
            // One day: from and to the same date.
            (
                Some("2026-11-30"),
                Some("2026-11-30"),
                at("2026-11-30"),
                at("2026-12-01"),
                &[],
            ),
            (
                Some("2026-12-05"),
                Some("2026-12-01"),
                None,
                None,
                &["after the To date", "2026-12-05"],
            ),
            (
                Some("yesterday"),
                Some("2026-12-01"),
                None,
                at("2026-12-02"),
                &["From date 'yesterday'"],
            ),
            (
                Some("2026-12-01"),
                Some("31/12/2026"),
                at("2026-12-01"),
                None,
                &["To date '31/12/2026'"],
            ),
        ];
        for (from, to, want_from, want_before, mentions) in table {
            let r = parse(from, to);
            assert_eq!(
                (r.from, r.before),
                (want_from, want_before),
                "{from:?} {to:?}"
            );
            assert_eq!(r.problems.len(), usize::from(!mentions.is_empty()), "{r:?}");
            for m in mentions {
                assert!(r.problems[0].contains(m), "{m} in {:?}", r.problems);
            }
        }
    }
}
