//! The results a sandbox simulation makes up, as Junction's `SimulationFlags` ask: how they read
//! (normal, abnormal, critical), which kinds of value, and whether one is missing.
use super::string_enum::string_enum;

string_enum!(
    /// How the made-up values of a simulated result read (`SimulationFlags.interpretation`).
    SimulatedInterpretation {
        Normal => "normal",
        Abnormal => "abnormal",
        Critical => "critical",
        Unknown => "unknown",
    }
);

string_enum!(
    /// The kinds of value a simulated result reports (`SimulationFlags.result_types`).
    SimulatedResultType {
        Numeric => "numeric",
        Range => "range",
        Comment => "comment",
        CodedValue => "coded_value",
    }
);

/// How the sandbox makes up results: Junction's `SimulationFlags`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationFlags {
    pub interpretation: SimulatedInterpretation,
    /// Handed out to the markers in turn; numeric alone when empty.
    pub result_types: Vec<SimulatedResultType>,
    /// The final result leaves one marker out, reported as "cannot be obtained".
    pub has_missing_results: bool,
}

impl Default for SimulationFlags {
    fn default() -> Self {
        SimulationFlags {
            interpretation: SimulatedInterpretation::Normal,
            result_types: Vec::new(),
            has_missing_results: false,
        }
    }
}

impl SimulationFlags {
    /// The kind of value the marker at `index` reports.
    pub fn result_type(&self, index: usize) -> SimulatedResultType {
        if self.result_types.is_empty() {
            return SimulatedResultType::Numeric;
        }
        self.result_types[index % self.result_types.len()]
    }
}

/// One made-up observation: HL7 value type, value, reference range and abnormal flag.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedValue {
    pub hl7_type: &'static str,
    pub value: String,
    pub range: String,
    pub flag: &'static str,
}

fn number(n: f64) -> String {
    let text = format!("{n:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// A value for a marker whose reference range is `(min, max)` (either may be open): inside it,
/// outside it, or far outside it, as `interpretation` asks; `spread` in 0..1 places it, so orders
/// differ. `unknown` reports the value without a range, so nothing can be judged.
pub fn simulated_value(
    kind: SimulatedResultType,
    interpretation: SimulatedInterpretation,
    typical: f64,
    (min, max): (Option<f64>, Option<f64>),
    range_text: &str,
    spread: f64,
) -> SimulatedValue {
    use SimulatedInterpretation as I;
    let spread = spread.clamp(0.0, 1.0);
    let inside = match (min, max) {
        (Some(lo), Some(hi)) => lo + (hi - lo) * (0.25 + 0.5 * spread),
        (None, Some(hi)) => hi * (0.6 + 0.3 * spread),
        (Some(lo), None) => lo * (1.1 + 0.4 * spread),
        (None, None) => typical,
    };
    // Above the top of the range, or below the bottom when the range has no top.
    let (outside, far, high) = match (min, max) {
        (_, Some(hi)) => (hi * (1.1 + 0.2 * spread), hi * (2.5 + spread), true),
        (Some(lo), None) => (lo * (0.7 - 0.2 * spread), lo * (0.2 + 0.1 * spread), false),
        (None, None) => (typical * 1.5, typical * 3.0, true),
    };
    let flag = match (interpretation, high) {
        (I::Abnormal, true) => "H",
        (I::Abnormal, false) => "L",
        (I::Critical, true) => "HH",
        (I::Critical, false) => "LL",
        _ => "",
    };
    let range = match interpretation {
        I::Unknown => String::new(),
        _ => range_text.to_string(),
    };
    let numeric = match interpretation {
        I::Normal | I::Unknown => inside,
        I::Abnormal => outside,
        I::Critical => far,
    };
    match kind {
        SimulatedResultType::Numeric => SimulatedValue {
            hl7_type: "NM",
            value: number(numeric),
            range,
            flag,
        },
        // A value reported against a limit: below it when normal, above it when not.
        SimulatedResultType::Range => {
            let limit = max.or(min).unwrap_or(typical);
            let value = match interpretation {
                I::Normal | I::Unknown if max.is_some() || min.is_none() => {
                    format!("<^{}", number(limit))
                }
                I::Normal | I::Unknown => format!(">^{}", number(limit)),
                _ if high => format!(">^{}", number(numeric)),
                _ => format!("<^{}", number(numeric)),
            };
            SimulatedValue {
                hl7_type: "SN",
                value,
                range,
                flag,
            }
        }
        SimulatedResultType::Comment => SimulatedValue {
            hl7_type: "TX",
            value: match interpretation {
                I::Normal | I::Unknown => "Within expected limits.",
                I::Abnormal => "Outside expected limits; clinical correlation advised.",
                I::Critical => "Critical finding; the ordering provider was called.",
            }
            .to_string(),
            range: String::new(),
            flag: coded_flag(interpretation),
        },
        SimulatedResultType::CodedValue => SimulatedValue {
            hl7_type: "CWE",
            value: match interpretation {
                I::Normal | I::Unknown => "NEG^Negative^L",
                _ => "POS^Positive^L",
            }
            .to_string(),
            range: String::new(),
            flag: coded_flag(interpretation),
        },
    }
}

/// Text and coded values have no range: the flag alone says how abnormal they are.
fn coded_flag(interpretation: SimulatedInterpretation) -> &'static str {
    match interpretation {
        SimulatedInterpretation::Abnormal => "A",
        SimulatedInterpretation::Critical => "AA",
        _ => "",
    }
}
