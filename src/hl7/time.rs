//! HL7 date/time values: `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]`.
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A timestamp (local time as sent; the offset is ignored). Needs at least a full date.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    let body = t.split(['+', '-']).next().unwrap_or("");
    let body = body.split('.').next().unwrap_or("");
    if body.len() < 8
        || !body.bytes().all(|b| b.is_ascii_digit())
        || !matches!(body.len(), 8 | 10 | 12 | 14)
    {
        return None;
    }
    // The offset, if any, must look like one.
    let offset = &t[t.find(['+', '-']).unwrap_or(t.len())..];
    let offset_ok =
        offset.is_empty() || (offset.len() == 5 && offset[1..].bytes().all(|b| b.is_ascii_digit()));
    if !offset_ok {
        return None;
    }
    let num = |r: std::ops::Range<usize>| body.get(r).and_then(|s| s.parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(4..6)?, num(6..8)?)?;
    let time = NaiveTime::from_hms_opt(
        num(8..10).unwrap_or(0),
        num(10..12).unwrap_or(0),
        num(12..14).unwrap_or(0),
    )?;
    Some(NaiveDateTime::new(date, time))
}

pub fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_datetime(text).map(|dt| dt.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hl7_dates_table() {
        let table = [
            ("19670202", Some("1967-02-02 00:00:00")),
            ("201411130917", Some("2014-11-13 09:17:00")),
            ("20210623161533.2340-0400", Some("2021-06-23 16:15:33")),
            ("200808151030-0700", Some("2008-08-15 10:30:00")),
            ("19371227000000", Some("1937-12-27 00:00:00")),
            ("196203520", None),
            ("Aug 15, 1942", None),
            ("DOB", None),
            ("1980", None),
            ("19800230", None),
            ("", None),
            ("20080815-07", None),
        ];
        for (input, expected) in table {
            let got = parse_datetime(input).map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string());
            assert_eq!(got.as_deref(), expected, "{input:?}");
        }
    }
}
