//! The side-by-side comparison of an item: what the lab sent next to what the candidate order
//! holds, each compared row marked same or different (a class and a word, not colour alone),
//! and the values the lab reported.
use crate::domain::result_matching::same_name;
use crate::service::review::item::ItemDetails;
use crate::web::pages::orders::patient_name;

/// One line of the side-by-side comparison.
pub struct CompareRow {
    pub label: &'static str,
    pub sent: String,
    pub order: String,
    /// None: not compared (e.g. tests vs values); Some(true): the two sides differ.
    pub differs: Option<bool>,
}

pub struct ValueRow {
    pub code: String,
    pub name: String,
    pub value: String,
    pub unit: String,
    pub range: String,
    pub flags: String,
}

pub fn text(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or("").trim().to_string()
}

fn or_none(s: String, none: &str) -> String {
    if s.is_empty() {
        none.to_string()
    } else {
        s
    }
}

/// What the lab sent next to what the order holds; without a candidate only the lab's side.
pub fn compare(d: &ItemDetails, parsed: &serde_json::Value) -> Vec<CompareRow> {
    let item = &d.item;
    let p = &parsed["patient"];
    let (first, last, dob) = (
        text(&p["first_name"]),
        text(&p["last_name"]),
        text(&p["dob"]),
    );
    let delivered_on = d
        .delivered_on
        .as_ref()
        .map(|a| format!("{} ({})", a.name(), item.account_number))
        .unwrap_or_else(|| format!("{} (not a lab account in labdesk)", item.account_number));
    let placer = or_none(
        item.placer_order_number.clone().unwrap_or_default(),
        "(none sent)",
    );
    let sent_values = parsed["observations"]
        .as_array()
        .map(|o| o.iter().map(|x| text(&x["name"])).collect::<Vec<_>>())
        .unwrap_or_default()
        .join(", ");
    let name_sent = or_none(
        format!("{first} {last}").trim().to_string(),
        "(no name sent)",
    );
    let dob_sent = or_none(dob.clone(), "(not sent)");
    let Some(o) = &d.order else {
        let none = "(no candidate order)".to_string();
        return vec![
            CompareRow {
                label: "Patient",
                sent: name_sent,
                order: none.clone(),
                differs: None,
            },
            CompareRow {
                label: "Date of birth",
                sent: dob_sent,
                order: none.clone(),
                differs: None,
            },
            CompareRow {
                label: "Lab account",
                sent: delivered_on,
                order: none.clone(),
                differs: None,
            },
            CompareRow {
                label: "Order number",
                sent: placer,
                order: none.clone(),
                differs: None,
            },
            CompareRow {
                label: "Tests / values",
                sent: sent_values,
                order: none,
                differs: None,
            },
        ];
    };
    let details = &o.details;
    let order_dob = details.dob.format("%Y-%m-%d").to_string();
    let name_differs = !same_name(&last, &details.last_name)
        || !first.trim().eq_ignore_ascii_case(details.first_name.trim());
    vec![
        CompareRow {
            label: "Patient",
            sent: name_sent,
            order: patient_name(details),
            differs: Some(name_differs),
        },
        CompareRow {
            label: "Date of birth",
            differs: Some(dob != order_dob),
            sent: dob_sent,
            order: order_dob,
        },
        CompareRow {
            label: "Lab account",
            sent: delivered_on,
            order: format!(
                "{} ({})",
                o.account.display_name(),
                o.account.provider_account_id
            ),
            differs: Some(item.lab_account_id.as_ref() != Some(&o.row.lab_account_id)),
        },
        CompareRow {
            label: "Order number",
            differs: Some(
                item.placer_order_number.as_deref().map(str::trim) != Some(o.row.id.as_str()),
            ),
            sent: placer,
            order: o.row.id.to_string(),
        },
        CompareRow {
            label: "Tests / values",
            sent: sent_values,
            order: o
                .tests
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            differs: None,
        },
    ]
}

pub fn values(parsed: &serde_json::Value) -> Vec<ValueRow> {
    parsed["observations"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|x| ValueRow {
                    code: text(&x["code"]),
                    name: text(&x["name"]),
                    value: text(&x["value"]),
                    unit: text(&x["unit"]),
                    range: text(&x["reference_range"]),
                    flags: x["flags"]
                        .as_array()
                        .map(|f| f.iter().map(text).collect::<Vec<_>>().join(" "))
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}
