//! Reading result values: reference ranges, numbers, and how abnormal a value is.
use super::string_enum::string_enum;

string_enum!(
    Interpretation {
        Normal => "normal",
        Abnormal => "abnormal",
        Critical => "critical",
    }
);

string_enum!(
    /// How far a result version is: partial, final, or a correction (an ORU's OBR-25 / OBX-11
    /// status), spelled as a result version stores it and the API sends it.
    ResultStatus {
        Preliminary => "partial",
        Final => "final",
        Corrected => "corrected",
    }
);

/// A reference range as labs write it: `70-99`, `3.1 - 9.7`, `13 to 18`, `<200`, `>=40`.
pub fn parse_range(text: &str) -> (Option<f64>, Option<f64>) {
    let t = text.trim().replace(' ', "");
    let num = |s: &str| s.trim_start_matches('=').parse::<f64>().ok();
    if let Some(rest) = t.strip_prefix('<') {
        return (None, num(rest));
    }
    if let Some(rest) = t.strip_prefix('>') {
        return (num(rest), None);
    }
    for sep in ["to", "-", "_"] {
        // Skip a leading minus sign so "-5-5" splits in the middle.
        let search_from = usize::from(t.starts_with('-'));
        if let Some(pos) = t[search_from..].find(sep).map(|p| p + search_from) {
            let (lo, hi) = (num(&t[..pos]), num(&t[pos + sep.len()..]));
            if lo.is_some() && hi.is_some() {
                return (lo, hi);
            }
        }
    }
    (None, None)
}

/// The number in a value, if it is one (`95`, `0.34`); comparators like `<15` are not exact numbers.
pub fn parse_number(value: &str) -> Option<f64> {
    value.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// How abnormal one value is, from the lab's flags first, then from the range.
pub fn interpret(
    flags: &[String],
    value: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
) -> Interpretation {
    let flag_level = flags
        .iter()
        .map(|f| match f.trim().to_ascii_uppercase().as_str() {
            "HH" | "LL" | "AA" | "C" | "CRIT" | "CRITICAL" | ">>" | "<<" => {
                Interpretation::Critical
            }
            "N" | "" | "NEG" | "NORMAL" => Interpretation::Normal,
            _ => Interpretation::Abnormal,
        })
        .max()
        .unwrap_or(Interpretation::Normal);
    let range_level = match value {
        Some(v) if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) => {
            Interpretation::Abnormal
        }
        _ => Interpretation::Normal,
    };
    flag_level.max(range_level)
}

/// The text shown beside a value that is not normal, so the flag does not rest on colour alone:
/// the lab's own flags (`H`, `LL`, ...) or, without them, `H`/`L` from the range; a critical
/// value also says "critical". None for a normal value.
pub fn flag_marker(
    flags: &[String],
    level: Interpretation,
    value: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
) -> Option<String> {
    if level == Interpretation::Normal {
        return None;
    }
    let lab: Vec<String> = flags
        .iter()
        .map(|f| f.trim().to_ascii_uppercase())
        .filter(|f| !matches!(f.as_str(), "" | "N" | "NEG" | "NORMAL"))
        .collect();
    let marker = if !lab.is_empty() {
        lab.join(",")
    } else {
        match value {
            Some(v) if max.is_some_and(|m| v > m) => "H".to_string(),
            Some(v) if min.is_some_and(|m| v < m) => "L".to_string(),
            _ => String::new(),
        }
    };
    Some(match (level, marker.is_empty()) {
        (Interpretation::Critical, true) => "critical".to_string(),
        (Interpretation::Critical, false) => format!("{marker} critical"),
        (_, true) => "abnormal".to_string(),
        (_, false) => marker,
    })
}

/// The order's interpretation: the worst of its values.
pub fn overall(levels: impl IntoIterator<Item = Interpretation>) -> Interpretation {
    levels.into_iter().max().unwrap_or(Interpretation::Normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_ranges_table() {
        let table = [
            ("70-99", (Some(70.0), Some(99.0))),
            ("3.1 - 9.7", (Some(3.1), Some(9.7))),
            ("13 to 18", (Some(13.0), Some(18.0))),
            ("<200", (None, Some(200.0))),
            ("<=5", (None, Some(5.0))),
            (">40", (Some(40.0), None)),
            ("70_105", (Some(70.0), Some(105.0))),
            ("-5-5", (Some(-5.0), Some(5.0))),
            ("NEGATIVE", (None, None)),
            ("", (None, None)),
        ];
        for (text, expected) in table {
            assert_eq!(parse_range(text), expected, "{text:?}");
        }
    }

    #[test]
    fn interpretation_table() {
        let f = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let table = [
            (
                f(&[]),
                Some(95.0),
                Some(70.0),
                Some(99.0),
                Interpretation::Normal,
            ),
            (
                f(&[]),
                Some(120.0),
                Some(70.0),
                Some(99.0),
                Interpretation::Abnormal,
            ),
            (
                f(&[]),
                Some(60.0),
                Some(70.0),
                None,
                Interpretation::Abnormal,
            ),
            (f(&["N"]), Some(95.0), None, None, Interpretation::Normal),
            (f(&["H"]), Some(100.0), None, None, Interpretation::Abnormal),
            (f(&["A"]), None, None, None, Interpretation::Abnormal),
            (
                f(&["HH"]),
                Some(500.0),
                None,
                Some(99.0),
                Interpretation::Critical,
            ),
            (f(&["LL"]), None, None, None, Interpretation::Critical),
            (f(&["AA"]), None, None, None, Interpretation::Critical),
            (f(&["N", "H"]), None, None, None, Interpretation::Abnormal),
        ];
        for (flags, value, min, max, expected) in table {
            assert_eq!(
                interpret(&flags, value, min, max),
                expected,
                "{flags:?} {value:?}"
            );
        }
        assert_eq!(
            overall([
                Interpretation::Normal,
                Interpretation::Critical,
                Interpretation::Abnormal
            ]),
            Interpretation::Critical
        );
        assert_eq!(overall([]), Interpretation::Normal);
    }
    #[test]
    fn flag_markers_table() {
        use Interpretation::*;
        let f = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let table = [
            (f(&[]), Normal, Some(95.0), Some(70.0), Some(99.0), None),
            (f(&["N"]), Normal, Some(95.0), None, None, None),
            (
                f(&["H"]),
                Abnormal,
                Some(130.0),
                None,
                Some(100.0),
                Some("H"),
            ),
            (f(&[]), Abnormal, Some(130.0), None, Some(100.0), Some("H")),
            (f(&[]), Abnormal, Some(30.0), Some(40.0), None, Some("L")),
            (f(&["n", "h"]), Abnormal, None, None, None, Some("H")),
            (f(&["A"]), Abnormal, None, None, None, Some("A")),
            (f(&[]), Abnormal, None, None, None, Some("abnormal")),
            (
                f(&["HH"]),
                Critical,
                Some(420.0),
                None,
                Some(100.0),
                Some("HH critical"),
            ),
            (f(&["C"]), Critical, None, None, None, Some("C critical")),
            (f(&[]), Critical, Some(1.0), None, None, Some("critical")),
        ];
        for (flags, level, value, min, max, expected) in table {
            assert_eq!(
                flag_marker(&flags, level, value, min, max).as_deref(),
                expected,
                "{flags:?} {level:?} {value:?}"
            );
        }
    }
}
