//! Reads `POST /v3/order/{order_id}/test`: the `final_status` and `delay` query and the optional
//! `SimulationFlags` body, each problem reported at its location as Junction's 422 does.
use serde_json::Value;

use crate::domain::simulation::{
    parse_final_status, FinalStatus, SimulatedInterpretation, SimulatedResultType, Simulation,
    SimulationFlags,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

fn one_of(values: impl Iterator<Item = &'static str>) -> String {
    let quoted: Vec<String> = values.map(|v| format!("'{v}'")).collect();
    format!("Input should be {}", quoted.join(", "))
}

fn final_status(text: Option<&str>, errors: &mut FieldErrors) -> Option<FinalStatus> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    let parsed = parse_final_status(text);
    if parsed.is_none() {
        errors.push_at(
            &["query", "final_status"],
            format!(
                "{text:?} is not an order status: give one of the OrderStatus values, such as \
                 completed.walk_in_test.completed, or its last part (completed)"
            ),
            "enum",
        );
    }
    parsed
}

/// `delay` is accepted for Junction's clients and not acted on: the whole simulation happens
/// within the request.
fn delay(text: Option<&str>, errors: &mut FieldErrors) {
    if let Some(d) = text.map(str::trim).filter(|d| !d.is_empty()) {
        if d.parse::<u32>().is_err() {
            errors.push_at(
                &["query", "delay"],
                "Input should be a valid whole number of seconds",
                "int_parsing",
            );
        }
    }
}

fn flags(body: &[u8], errors: &mut FieldErrors) -> SimulationFlags {
    let mut flags = SimulationFlags::default();
    if body.iter().all(u8::is_ascii_whitespace) {
        return flags;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            errors.push_at(&["body"], format!("JSON decode error: {e}"), "json_invalid");
            return flags;
        }
    };
    let Some(object) = value.as_object() else {
        if !value.is_null() {
            errors.push_at(
                &["body"],
                "Input should be a valid dictionary or object",
                "dict_type",
            );
        }
        return flags;
    };
    let present = |field: &str| object.get(field).filter(|v| !v.is_null());
    if let Some(v) = present("interpretation") {
        match v.as_str().and_then(|s| s.parse().ok()) {
            Some(i) => flags.interpretation = i,
            None => errors.push_at(
                &["body", "interpretation"],
                one_of(SimulatedInterpretation::ALL.iter().map(|v| v.as_str())),
                "enum",
            ),
        }
    }
    if let Some(v) = present("result_types") {
        match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item
                        .as_str()
                        .and_then(|s| s.parse::<SimulatedResultType>().ok())
                    {
                        Some(t) => flags.result_types.push(t),
                        None => errors.push_at(
                            &["body", "result_types", &i.to_string()],
                            one_of(SimulatedResultType::ALL.iter().map(|v| v.as_str())),
                            "enum",
                        ),
                    }
                }
            }
            None => errors.push_at(
                &["body", "result_types"],
                "Input should be a valid list",
                "list_type",
            ),
        }
    }
    if let Some(v) = present("has_missing_results") {
        match v.as_bool() {
            Some(b) => flags.has_missing_results = b,
            None => errors.push_at(
                &["body", "has_missing_results"],
                "Input should be a valid boolean",
                "bool_type",
            ),
        }
    }
    flags
}

/// The request, or a 422 listing every problem.
pub fn parse(
    final_status_text: Option<&str>,
    delay_text: Option<&str>,
    body: &[u8],
) -> Result<Simulation, AppError> {
    let mut errors = FieldErrors::default();
    let target = final_status(final_status_text, &mut errors);
    delay(delay_text, &mut errors);
    let flags = flags(body, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    Ok(Simulation { target, flags })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order_status::LowStatus;

    fn locs(result: Result<Simulation, AppError>) -> Vec<String> {
        match result {
            Err(AppError::Invalid(errors)) => errors.iter().map(|e| e.loc.join(".")).collect(),
            Err(other) => panic!("{other:?}"),
            Ok(_) => Vec::new(),
        }
    }

    #[test]
    fn every_problem_is_reported_at_its_location() {
        type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a str, &'a [&'a str]);
        let table: &[Case] = &[
            (None, None, "", &[]),
            (None, None, "null", &[]),
            (
                Some("completed.walk_in_test.completed"),
                Some("30"),
                "{}",
                &[],
            ),
            (Some("shipped"), None, "", &["query.final_status"]),
            (None, Some("soon"), "", &["query.delay"]),
            (None, None, "[1]", &["body"]),
            (None, None, "{", &["body"]),
            (
                None,
                None,
                r#"{"interpretation":"weird","result_types":["numeric","blob"],"has_missing_results":"yes"}"#,
                &[
                    "body.interpretation",
                    "body.result_types.1",
                    "body.has_missing_results",
                ],
            ),
            (
                None,
                None,
                r#"{"result_types":"numeric"}"#,
                &["body.result_types"],
            ),
        ];
        for (status, delay, body, expected) in table {
            assert_eq!(
                locs(parse(*status, *delay, body.as_bytes())),
                *expected,
                "{status:?} {delay:?} {body}"
            );
        }
    }

    #[test]
    fn flags_and_status_are_read() {
        let s = parse(
            Some("partial_results"),
            None,
            br#"{"interpretation":"critical","result_types":["comment"],"has_missing_results":true}"#,
        )
        .unwrap();
        assert_eq!(s.target.map(|t| t.low), Some(LowStatus::PartialResults));
        assert_eq!(s.flags.interpretation, SimulatedInterpretation::Critical);
        assert_eq!(s.flags.result_types, vec![SimulatedResultType::Comment]);
        assert!(s.flags.has_missing_results);
    }
}
