//! Results as the Team API sends them (`web::api::results`), and the sandbox's simulation flags.
use utoipa::ToSchema;

use crate::domain::result_values::Interpretation;
use crate::domain::simulation::{SimulatedInterpretation, SimulatedResultType};

/// About the latest result version: the patient, the lab and the dates. Every value is text.
#[derive(ToSchema)]
pub struct LabResultsMetadata {
    /// The patient's age in whole years on the day of collection.
    pub age: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// Always null.
    #[schema(rename = "clia_#", value_type = Option<String>, required = true)]
    pub clia: Option<()>,
    /// The patient's name.
    pub patient: String,
    /// The ordering physician's name.
    #[schema(required = true)]
    pub provider: Option<String>,
    #[schema(required = true)]
    pub laboratory: Option<String>,
    pub date_reported: String,
    #[schema(required = true)]
    pub date_collected: Option<String>,
    /// The lab's accession number (OBR-3); empty when the lab sent none.
    pub specimen_number: String,
    #[schema(required = true)]
    pub date_received: Option<String>,
    /// `partial` or `final` (a correction is final).
    #[schema(pattern = "^(partial|final)$")]
    pub status: String,
    pub interpretation: Interpretation,
    /// The user (patient) id.
    #[schema(format = Uuid)]
    pub patient_id: String,
    /// The lab account's `provider_account_id`.
    pub account_id: String,
}

/// One marker's value.
#[derive(ToSchema)]
pub struct BiomarkerResult {
    pub name: String,
    pub slug: String,
    /// The value as a number, when it is one (Junction keeps it for older clients).
    #[schema(required = true)]
    pub value: Option<f64>,
    /// The value as the lab wrote it.
    pub result: String,
    #[schema(rename = "type")]
    pub kind: SimulatedResultType,
    #[schema(required = true)]
    pub unit: Option<String>,
    /// When the value was observed (else when the result was reported).
    #[schema(format = DateTime)]
    pub timestamp: String,
    /// Always null.
    #[schema(value_type = Option<String>, required = true)]
    pub notes: Option<()>,
    #[schema(required = true)]
    pub reference_range: Option<String>,
    #[schema(required = true)]
    pub min_range_value: Option<f64>,
    #[schema(required = true)]
    pub max_range_value: Option<f64>,
    #[schema(required = true)]
    pub is_above_max_range: Option<bool>,
    #[schema(required = true)]
    pub is_below_min_range: Option<bool>,
    pub interpretation: Interpretation,
    /// The lab's abnormal flags (OBX-8), joined with commas.
    pub source_interpretation: String,
    #[schema(required = true)]
    pub loinc: Option<String>,
    /// The lab's code for the marker (OBX-3).
    pub provider_id: String,
}

/// A marker the lab could not report.
#[derive(ToSchema)]
pub struct MissingBiomarkerResult {
    pub name: String,
    pub slug: String,
    /// Always `unknown_failure`: HL7 does not say why.
    pub inferred_failure_type: String,
    #[schema(required = true)]
    pub note: Option<String>,
    #[schema(required = true)]
    pub loinc: Option<String>,
    /// Always null.
    #[schema(value_type = Option<String>, required = true)]
    pub loinc_slug: Option<()>,
    #[schema(required = true)]
    pub provider_id: Option<String>,
    /// Always null.
    #[schema(value_type = Option<Vec<Object>>, required = true)]
    pub source_markers: Option<()>,
}

/// The latest result version of an order.
#[derive(ToSchema)]
pub struct LabResultsRaw {
    pub metadata: LabResultsMetadata,
    pub results: Vec<BiomarkerResult>,
    /// The markers the lab reported as "cannot be obtained" (HL7 OBX-11 `X`), which labdesk
    /// lists here instead of as values; empty for results stored before labdesk read them.
    pub missing_results: Vec<MissingBiomarkerResult>,
}

/// How the sandbox makes up the results (every field may be left out).
#[derive(ToSchema)]
pub struct SimulationFlags {
    /// Default `normal`.
    pub interpretation: Option<SimulatedInterpretation>,
    /// Handed to the markers in turn.
    pub result_types: Option<Vec<SimulatedResultType>>,
    /// The lab reports the last marker as "cannot be obtained".
    pub has_missing_results: Option<bool>,
}
