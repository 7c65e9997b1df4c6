//! Writes ORU^R01 messages for sandbox orders, so a demo needs no lab: the sandbox sends them
//! through the same ingestion path a lab uses.
use chrono::{NaiveDate, NaiveDateTime};

/// One value to report.
pub struct Value<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// OBX-2: `NM` when empty; `SN` and `CWE` values give their components split by `^`.
    pub value_type: &'a str,
    pub value: String,
    pub unit: &'a str,
    pub range: &'a str,
    pub flag: &'a str,
    /// Reported as "result cannot be obtained" (OBX-11 `X`), with no value.
    pub missing: bool,
}

impl Value<'_> {
    /// OBX-5: structured values keep their component separators, everything else is plain text.
    fn field(&self) -> String {
        match self.value_type {
            "SN" | "CWE" | "CE" => self
                .value
                .split('^')
                .map(clean)
                .collect::<Vec<_>>()
                .join("^"),
            _ => clean(&self.value),
        }
    }
}

pub struct Oru<'a> {
    pub control_id: &'a str,
    pub sending_facility: &'a str,
    pub account_number: &'a str,
    pub placer_order_number: &'a str,
    pub accession: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub dob: NaiveDate,
    pub sex: &'a str,
    /// P, F or C.
    pub status: &'a str,
    pub collected_at: NaiveDateTime,
    pub reported_at: NaiveDateTime,
    pub values: Vec<Value<'a>>,
}

/// Text for a field: separators cannot appear raw, so they are replaced.
fn clean(text: &str) -> String {
    text.replace(['|', '^', '~', '&', '\\', '\r', '\n'], " ")
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

pub fn write(m: &Oru<'_>) -> String {
    let mut lines = vec![
        format!(
            "MSH|^~\\&|LABDESK-SANDBOX|{}|LABDESK|{}|{}||ORU^R01^ORU_R01|{}|P|2.5.1",
            clean(m.sending_facility),
            clean(m.account_number),
            ts(m.reported_at),
            clean(m.control_id)
        ),
        format!(
            "PID|1||{}||{}^{}||{}|{}",
            clean(m.placer_order_number),
            clean(m.last_name),
            clean(m.first_name),
            m.dob.format("%Y%m%d"),
            clean(m.sex)
        ),
        format!(
            "ORC|RE|{}|{}",
            clean(m.placer_order_number),
            clean(m.accession)
        ),
        format!(
            "OBR|1|{}|{}|PANEL^Ordered tests^L|||{}|||||||||||||||{}|||{}",
            clean(m.placer_order_number),
            clean(m.accession),
            ts(m.collected_at),
            ts(m.reported_at),
            clean(m.status)
        ),
    ];
    for (i, v) in m.values.iter().enumerate() {
        let (value, status) = if v.missing {
            (String::new(), "X")
        } else {
            (v.field(), m.status)
        };
        let kind = match v.value_type {
            "" => "NM".to_string(),
            other => clean(other),
        };
        lines.push(format!(
            "OBX|{}|{}|{}^{}^L||{}|{}|{}|{}|||{}|||{}",
            i + 1,
            kind,
            clean(v.code),
            clean(v.name),
            value,
            clean(v.unit),
            clean(v.range),
            clean(v.flag),
            clean(status),
            ts(m.collected_at)
        ));
    }
    lines.join("\r") + "\r"
}

/// A plausible (value, unit, range) for a marker, by slug; unknown markers get a neutral value.
pub fn typical(slug: &str) -> (f64, &'static str, &'static str) {
    match slug {
        "cholesterol-total" => (185.0, "mg/dL", "<200"),
        "hdl" => (55.0, "mg/dL", ">40"),
        "ldl" => (112.0, "mg/dL", "<100"),
        "triglycerides" => (140.0, "mg/dL", "<150"),
        "glucose" => (92.0, "mg/dL", "70-99"),
        "creatinine" => (0.9, "mg/dL", "0.6-1.3"),
        "sodium" => (140.0, "mmol/L", "135-145"),
        "hba1c" => (5.4, "%", "<5.7"),
        "tsh" => (2.1, "uIU/mL", "0.4-4.0"),
        "wbc" => (6.2, "x10E3/uL", "3.4-10.8"),
        "hemoglobin" => (13.8, "g/dL", "12.0-17.5"),
        "platelets" => (250.0, "x10E3/uL", "150-400"),
        "vitamin-d" => (32.0, "ng/mL", "30-100"),
        "cortisol" => (0.3, "ug/dL", "0.1-0.9"),
        _ => (1.0, "", "0-2"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_messages_read_back() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let text = write(&Oru {
            control_id: "SBX-1",
            sending_facility: "Quest|Diagnostics",
            account_number: "97500001",
            placer_order_number: "order-1",
            accession: "ACC-1",
            last_name: "O'Neil",
            first_name: "Jo",
            dob: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            sex: "F",
            status: "F",
            collected_at: t,
            reported_at: t,
            values: vec![Value {
                code: "GLU",
                name: "Glucose",
                value: "92".into(),
                unit: "mg/dL",
                range: "70-99",
                flag: "N",
                value_type: "",
                missing: false,
            }],
        });
        let m = crate::hl7::oru::read(&text).unwrap();
        assert_eq!(m.receiving_facility, "97500001");
        assert_eq!(m.placer_order_number(), Some("order-1"));
        assert_eq!(m.patient.last_name.as_deref(), Some("O'Neil"));
        assert_eq!(m.orders[0].observations[0].value, "92");
        assert_eq!(
            m.status(),
            crate::domain::result_values::ResultStatus::Final
        );
    }
}
