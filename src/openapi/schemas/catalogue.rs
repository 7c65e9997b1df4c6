//! The test catalogue (`web::api::wire_orders`): labs, their tests and the tests' markers.
use utoipa::ToSchema;

use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};

/// A lab.
#[derive(ToSchema)]
pub struct ClientFacingLab {
    pub id: i32,
    pub slug: LabSlug,
    pub name: String,
    pub first_line_address: String,
    pub city: String,
    pub zipcode: String,
    pub collection_methods: Vec<CollectionMethod>,
    pub sample_types: Vec<SampleType>,
}

/// Whether a marker is one biomarker or a panel of them.
#[derive(ToSchema)]
#[schema(title = "MarkerType")]
pub enum MarkerType {
    #[schema(rename = "biomarker")]
    Biomarker,
    #[schema(rename = "panel")]
    Panel,
}

/// A marker a test reports.
#[derive(ToSchema)]
pub struct ClientFacingMarker {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub lab_id: Option<i64>,
    pub provider_id: Option<String>,
    #[schema(rename = "type")]
    pub kind: Option<MarkerType>,
    pub unit: Option<String>,
}

/// A test that can be ordered. On an order of several tests, one test that carries all their
/// markers, named after them all.
#[derive(ToSchema)]
pub struct ClientFacingLabTest {
    #[schema(format = Uuid)]
    pub id: String,
    pub slug: String,
    pub name: String,
    pub sample_type: SampleType,
    pub method: CollectionMethod,
    pub price: f64,
    /// Whether `status` is `active` (Junction keeps it for older clients).
    pub is_active: bool,
    pub status: LabTestStatus,
    pub fasting: bool,
    /// The lab; null when labdesk does not know it.
    #[schema(required = true)]
    pub lab: Option<ClientFacingLab>,
    pub markers: Vec<ClientFacingMarker>,
    /// Always false: delegation belongs to the lab account.
    pub is_delegated: bool,
    pub auto_generated: bool,
}
