//! What changed between two consecutive versions of an order's result (partial -> final ->
//! corrected): values added, removed or changed. Markers are matched by slug (the n-th marker
//! with a slug in one version pairs with the n-th with that slug in the other).
use super::result_values::parse_number;

/// One marker as a version reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reported<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub value: &'a str,
    pub unit: Option<&'a str>,
    pub interpretation: &'a str,
}

/// A value as shown in a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub value: String,
    pub unit: Option<String>,
    pub interpretation: String,
}

impl Shown {
    fn of(r: &Reported<'_>) -> Shown {
        Shown {
            value: r.value.trim().to_string(),
            unit: r
                .unit
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            interpretation: r.interpretation.to_string(),
        }
    }

    fn with_unit(&self) -> String {
        match &self.unit {
            Some(u) => format!("{} {u}", self.value),
            None => self.value.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added {
        name: String,
        after: Shown,
    },
    Removed {
        name: String,
        before: Shown,
    },
    Changed {
        name: String,
        before: Shown,
        after: Shown,
    },
}

impl Change {
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added { .. } => "added",
            Change::Removed { .. } => "removed",
            Change::Changed { .. } => "changed",
        }
    }

    /// What a person reads, e.g. `LDL cholesterol 130 → 420 mg/dL (abnormal → critical)`.
    pub fn text(&self) -> String {
        match self {
            Change::Added { name, after } => format!("{name} added: {}", after.with_unit()),
            Change::Removed { name, before } => {
                format!("{name} removed (was {})", before.with_unit())
            }
            Change::Changed {
                name,
                before,
                after,
            } => {
                let values = if before.value == after.value && same_unit(before, after) {
                    after.with_unit()
                } else if same_unit(before, after) {
                    format!("{} → {}", before.value, after.with_unit())
                } else {
                    format!("{} → {}", before.with_unit(), after.with_unit())
                };
                if before.interpretation == after.interpretation {
                    format!("{name} {values}")
                } else {
                    format!(
                        "{name} {values} ({} → {})",
                        before.interpretation, after.interpretation
                    )
                }
            }
        }
    }
}

fn same_unit(a: &Shown, b: &Shown) -> bool {
    match (&a.unit, &b.unit) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    }
}

fn same_value(a: &str, b: &str) -> bool {
    match (parse_number(a), parse_number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// Each marker's key: its slug and which occurrence of that slug it is in its version.
fn keyed<'r, 'a>(markers: &'r [Reported<'a>]) -> Vec<((&'a str, usize), &'r Reported<'a>)> {
    let mut out = Vec::with_capacity(markers.len());
    for (i, m) in markers.iter().enumerate() {
        let nth = markers[..i].iter().filter(|o| o.slug == m.slug).count();
        out.push(((m.slug, nth), m));
    }
    out
}

/// The changes from `before` to `after`: added and changed markers in `after`'s order, then the
/// removed ones in `before`'s order. The same value written differently (`130` and `130.0`) is
/// no change.
pub fn diff(before: &[Reported<'_>], after: &[Reported<'_>]) -> Vec<Change> {
    let old = keyed(before);
    let new = keyed(after);
    let mut changes = Vec::new();
    for (key, a) in &new {
        let name = a.name.to_string();
        match old.iter().find(|(k, _)| k == key) {
            None => changes.push(Change::Added {
                name,
                after: Shown::of(a),
            }),
            Some((_, b)) => {
                let (bs, as_) = (Shown::of(b), Shown::of(a));
                if !same_value(b.value, a.value)
                    || !same_unit(&bs, &as_)
                    || bs.interpretation != as_.interpretation
                {
                    changes.push(Change::Changed {
                        name,
                        before: bs,
                        after: as_,
                    });
                }
            }
        }
    }
    for (key, b) in &old {
        if !new.iter().any(|(k, _)| k == key) {
            changes.push(Change::Removed {
                name: b.name.to_string(),
                before: Shown::of(b),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(slug: &'a str, value: &'a str, unit: Option<&'a str>, level: &'a str) -> Reported<'a> {
        let name = match slug {
            "ldl" => "LDL cholesterol",
            "hdl" => "HDL cholesterol",
            "chol" => "Total cholesterol",
            "tg" => "Triglycerides",
            other => other,
        };
        Reported {
            slug,
            name,
            value,
            unit,
            interpretation: level,
        }
    }

    const MG: Option<&str> = Some("mg/dL");

    #[test]
    fn changes_between_two_versions_table() {
        /// (case, before, after, the changes as read)
        type Row<'a> = (&'a str, Vec<Reported<'a>>, Vec<Reported<'a>>, Vec<&'a str>);
        let table: Vec<Row> = vec![
            (
                "identical",
                vec![m("ldl", "130", MG, "abnormal")],
                vec![m("ldl", "130", MG, "abnormal")],
                vec![],
            ),
            (
                "a value changed and became critical",
                vec![m("ldl", "130", MG, "abnormal")],
                vec![m("ldl", "420", MG, "critical")],
                vec!["LDL cholesterol 130 → 420 mg/dL (abnormal → critical)"],
            ),
            (
                "a value changed, same level",
                vec![m("hdl", "55", MG, "normal")],
                vec![m("hdl", "58", MG, "normal")],
                vec!["HDL cholesterol 55 → 58 mg/dL"],
            ),
            (
                "the same number written differently",
                vec![m("ldl", "130", MG, "abnormal")],
                vec![m("ldl", "130.0", Some("MG/DL"), "abnormal")],
                vec![],
            ),
            (
                "a value added (partial to final)",
                vec![m("chol", "212", MG, "abnormal")],
                vec![
                    m("chol", "212", MG, "abnormal"),
                    m("hdl", "55", MG, "normal"),
                ],
                vec!["HDL cholesterol added: 55 mg/dL"],
            ),
            (
                "a value removed",
                vec![
                    m("chol", "212", MG, "abnormal"),
                    m("tg", "150", MG, "normal"),
                ],
                vec![m("chol", "212", MG, "abnormal")],
                vec!["Triglycerides removed (was 150 mg/dL)"],
            ),
            (
                "the unit changed",
                vec![m("glucose", "95", MG, "normal")],
                vec![m("glucose", "5.3", Some("mmol/L"), "normal")],
                vec!["glucose 95 mg/dL → 5.3 mmol/L"],
            ),
            (
                "only the interpretation changed",
                vec![m("ldl", "99", MG, "normal")],
                vec![m("ldl", "99", MG, "abnormal")],
                vec!["LDL cholesterol 99 mg/dL (normal → abnormal)"],
            ),
            (
                "a text value without unit",
                vec![m("hiv", "NEGATIVE", None, "normal")],
                vec![m("hiv", "POSITIVE", None, "abnormal")],
                vec!["hiv NEGATIVE → POSITIVE (normal → abnormal)"],
            ),
            (
                "repeated slugs pair by occurrence",
                vec![m("x", "1", None, "normal"), m("x", "2", None, "normal")],
                vec![
                    m("x", "1", None, "normal"),
                    m("x", "3", None, "normal"),
                    m("x", "4", None, "normal"),
                ],
                vec!["x 2 → 3", "x added: 4"],
            ),
            (
                "first version: everything is added",
                vec![],
                vec![m("chol", "212", MG, "abnormal")],
                vec!["Total cholesterol added: 212 mg/dL"],
            ),
            (
                "added, changed and removed together, removed last",
                vec![
                    m("tg", "150", MG, "normal"),
                    m("ldl", "130", MG, "abnormal"),
                ],
                vec![
                    m("hdl", "55", MG, "normal"),
                    m("ldl", "420", MG, "critical"),
                ],
                vec![
                    "HDL cholesterol added: 55 mg/dL",
                    "LDL cholesterol 130 → 420 mg/dL (abnormal → critical)",
                    "Triglycerides removed (was 150 mg/dL)",
                ],
            ),
        ];
        for (name, before, after, expected) in table {
            let texts: Vec<String> = diff(&before, &after).iter().map(Change::text).collect();
            assert_eq!(texts, expected, "{name}");
        }
    }

    #[test]
    fn the_fixture_sequence_partial_final_corrected() {
        let partial = vec![m("chol", "212", MG, "abnormal")];
        let final_ = vec![
            m("chol", "212", MG, "abnormal"),
            m("hdl", "55", MG, "normal"),
            m("ldl", "130", MG, "abnormal"),
            m("tg", "150", MG, "normal"),
        ];
        let corrected = vec![
            m("chol", "198", MG, "normal"),
            m("hdl", "55", MG, "normal"),
            m("ldl", "420", MG, "critical"),
            m("tg", "150", MG, "normal"),
        ];
        let kinds: Vec<&str> = diff(&partial, &final_).iter().map(Change::kind).collect();
        assert_eq!(kinds, vec!["added", "added", "added"]);
        let texts: Vec<String> = diff(&final_, &corrected).iter().map(Change::text).collect();
        assert_eq!(
            texts,
            vec![
                "Total cholesterol 212 → 198 mg/dL (abnormal → normal)",
                "LDL cholesterol 130 → 420 mg/dL (abnormal → critical)",
            ]
        );
    }
}
