//! Billing types and the US states an account may bill in.
use std::collections::BTreeMap;

use super::string_enum::string_enum;

string_enum!(
    BillingType {
        ClientBill => "client_bill",
        CommercialInsurance => "commercial_insurance",
        PatientBillPassthrough => "patient_bill_passthrough",
        PatientBill => "patient_bill",
    }
);

impl BillingType {
    pub fn label(self) -> &'static str {
        match self {
            BillingType::ClientBill => "Client bill",
            BillingType::CommercialInsurance => "Commercial insurance",
            BillingType::PatientBillPassthrough => "Patient bill (passthrough)",
            BillingType::PatientBill => "Patient bill",
        }
    }
}

/// The two-letter codes of the 50 US states, in alphabetical order.
pub const US_STATES: [&str; 50] = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS",
    "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM",
    "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI",
    "WV", "WY",
];

/// A validated US state code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsState(&'static str);

impl UsState {
    pub fn parse(code: &str) -> Result<UsState, String> {
        let upper = code.trim().to_ascii_uppercase();
        US_STATES
            .iter()
            .find(|s| **s == upper)
            .map(|s| UsState(s))
            .ok_or_else(|| format!("'{}' is not a US state code", code.trim()))
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// Billing type -> states where the account may bill that way. Sorted, so the stored and printed
/// forms are stable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedBilling(BTreeMap<BillingType, Vec<UsState>>);

impl AllowedBilling {
    /// Builds from raw strings, collecting every bad key or state.
    pub fn parse(raw: &BTreeMap<String, Vec<String>>) -> Result<AllowedBilling, Vec<String>> {
        let mut map = BTreeMap::new();
        let mut problems = Vec::new();
        for (key, states) in raw {
            let billing = match key.parse::<BillingType>() {
                Ok(b) => b,
                Err(e) => {
                    problems.push(format!("billing type {e}"));
                    continue;
                }
            };
            let mut parsed: Vec<UsState> = Vec::new();
            for s in states {
                match UsState::parse(s) {
                    Ok(state) => parsed.push(state),
                    Err(e) => problems.push(e),
                }
            }
            parsed.sort();
            parsed.dedup();
            map.insert(billing, parsed);
        }
        if problems.is_empty() {
            Ok(AllowedBilling(map))
        } else {
            Err(problems)
        }
    }

    pub fn from_pairs(pairs: &[(BillingType, &[&str])]) -> AllowedBilling {
        let mut map = BTreeMap::new();
        for (billing, states) in pairs {
            let mut parsed: Vec<UsState> = states
                .iter()
                .filter_map(|s| UsState::parse(s).ok())
                .collect();
            parsed.sort();
            parsed.dedup();
            map.insert(*billing, parsed);
        }
        AllowedBilling(map)
    }

    pub fn allows(&self, billing: BillingType, state: UsState) -> bool {
        self.0.get(&billing).is_some_and(|s| s.contains(&state))
    }

    pub fn states(&self, billing: BillingType) -> Option<&[UsState]> {
        self.0.get(&billing).map(Vec::as_slice)
    }

    pub fn types(&self) -> impl Iterator<Item = BillingType> + '_ {
        self.0.keys().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The wire and storage form: `{"client_bill": ["AZ", "CA"]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    serde_json::Value::from(v.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                )
            })
            .collect();
        serde_json::Value::Object(map)
    }

    pub fn from_json(text: &str) -> Result<AllowedBilling, String> {
        let raw: BTreeMap<String, Vec<String>> =
            serde_json::from_str(text).map_err(|e| format!("allowed_billing is not valid: {e}"))?;
        AllowedBilling::parse(&raw).map_err(|p| p.join("; "))
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows are tuples on purpose
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn states_are_normalised_sorted_and_deduplicated() {
        let ab = AllowedBilling::parse(&raw(&[("client_bill", &["ca", "AZ", "CA"])])).unwrap();
        assert_eq!(ab.to_json().to_string(), r#"{"client_bill":["AZ","CA"]}"#);
    }

    #[test]
    fn unknown_billing_types_and_states_are_all_reported() {
        let cases: &[(&[(&str, &[&str])], usize)] = &[
            (&[("cash", &["CA"])], 1),
            (&[("client_bill", &["XX", "PR"])], 2),
            (&[("cash", &["CA"]), ("patient_bill", &["ZZ"])], 2),
            (&[("client_bill", &["CA"])], 0),
        ];
        for (input, problems) in cases {
            let got = AllowedBilling::parse(&raw(input));
            assert_eq!(
                got.err().map(|p| p.len()).unwrap_or(0),
                *problems,
                "{input:?}"
            );
        }
    }

    #[test]
    fn allows_only_listed_type_and_state_pairs() {
        let ab = AllowedBilling::from_pairs(&[(BillingType::ClientBill, &["AZ", "CA"])]);
        let az = UsState::parse("AZ").unwrap();
        let ny = UsState::parse("NY").unwrap();
        let table = [
            (BillingType::ClientBill, az, true),
            (BillingType::ClientBill, ny, false),
            (BillingType::PatientBill, az, false),
        ];
        for (billing, state, expected) in table {
            assert_eq!(ab.allows(billing, state), expected, "{billing} {state:?}");
        }
    }

    #[test]
    fn json_round_trip_keeps_the_map() {
        let ab = AllowedBilling::from_pairs(&[
            (BillingType::ClientBill, &["AZ"]),
            (BillingType::CommercialInsurance, &["CA", "NV"]),
        ]);
        assert_eq!(AllowedBilling::from_json(&ab.to_json().to_string()), Ok(ab));
    }
}
