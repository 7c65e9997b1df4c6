//! The closed sets of words the API sends and takes, listed from the domain's own enums
//! (`string_enum!`'s `ALL`), so a value added there is in the document at once. Named as
//! Junction's document names them, so a reader can hold the two side by side.
use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::domain::billing::{BillingType, US_STATES};
use crate::domain::bulk_links::BulkAction;
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};
use crate::domain::lab_account::{AccountStatus, DelegatedFlow};
use crate::domain::order_input::Gender;
use crate::domain::order_status::event_status;
use crate::domain::order_status::{HighStatus, LowStatus};
use crate::domain::result_matching::DecisionCode;
use crate::domain::result_values::Interpretation;
use crate::domain::simulation::{statuses, SimulatedInterpretation, SimulatedResultType};

/// A string schema that takes exactly these words.
pub fn words<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().map(str::to_string)))
        .description(Some(description))
        .into()
}

/// Implements the schema traits for a domain enum under the component name `$name`.
macro_rules! word_schema {
    ($ty:ty, $name:literal, $description:literal) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                words(<$ty>::ALL.iter().map(|v| v.as_str()), $description).into()
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

word_schema!(LabSlug, "Labs", "A lab, by its slug.");
word_schema!(
    AccountStatus,
    "LabAccountStatus",
    "Where a lab account is in its lifecycle: only `active` accounts take orders."
);
word_schema!(
    DelegatedFlow,
    "LabAccountDelegatedFlow",
    "Who orders and who follows up critical results: `order_delegated` (the customer's \
     physicians order; the platform follows up), `result_delegated` (the platform's physicians \
     order; the customer follows up), `fully_delegated` (the customer does both), \
     `not_delegated` (the platform does both)."
);
word_schema!(BillingType, "Billing", "Who pays for an order.");
word_schema!(
    CollectionMethod,
    "LabTestCollectionMethod",
    "How the sample is collected."
);
word_schema!(
    SampleType,
    "LabTestSampleType",
    "The kind of sample a test needs."
);
word_schema!(
    LabTestStatus,
    "LabTestStatus",
    "Whether a test can be ordered."
);
word_schema!(
    HighStatus,
    "OrderTopLevelStatus",
    "The first part of the order's latest event status."
);
word_schema!(
    LowStatus,
    "OrderLowLevelStatus",
    "The last part of an event status."
);
word_schema!(
    Interpretation,
    "Interpretation",
    "How far from normal a result is."
);
word_schema!(
    SimulatedResultType,
    "ResultType",
    "The kind of value a result reports."
);
word_schema!(
    SimulatedInterpretation,
    "SimulationInterpretation",
    "How the made-up values read: inside their reference range, outside it, far outside it, \
     or without ranges."
);
word_schema!(
    Gender,
    "Gender",
    "The patient's gender as the lab records it."
);
word_schema!(
    DecisionCode,
    "MatchDecisionCode",
    "Why a delivered result did not attach to an order by itself."
);
word_schema!(
    BulkAction,
    "BulkLinkAction",
    "labdesk extension: link every listed account to every listed Team, or unlink them."
);

/// A two-letter code of one of the 50 US states.
pub struct UsState;

impl PartialSchema for UsState {
    fn schema() -> RefOr<Schema> {
        words(US_STATES, "A two-letter code of one of the 50 US states.").into()
    }
}

impl ToSchema for UsState {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("USState")
    }
}

/// An event's status, `<high>.<collection method>.<low>`. Not a closed list: a lab may report
/// partial results for any collection method, so the parts are listed instead.
pub struct OrderStatus;

impl PartialSchema for OrderStatus {
    fn schema() -> RefOr<Schema> {
        let part = |words: Vec<&str>| words.join("|");
        let pattern = format!(
            "^({})\\.({})\\.({})$",
            part(HighStatus::ALL.iter().map(|s| s.as_str()).collect()),
            part(CollectionMethod::ALL.iter().map(|s| s.as_str()).collect()),
            part(LowStatus::ALL.iter().map(|s| s.as_str()).collect()),
        );
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(pattern))
            .description(Some(
                "`<high>.<collection method>.<low>`, e.g. `received.walk_in_test.ordered` or \
                 `completed.testkit.completed`.",
            ))
            .into()
    }
}

impl ToSchema for OrderStatus {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("OrderStatus")
    }
}

/// What `final_status` of the sandbox simulation takes: the statuses of Junction's enum
/// (`<high>.<method>.<low>`) and, as labdesk's extension, the low status alone.
pub struct FinalStatus;

impl PartialSchema for FinalStatus {
    fn schema() -> RefOr<Schema> {
        let full: Vec<String> = CollectionMethod::ALL
            .iter()
            .flat_map(|m| statuses(*m).into_iter().map(|low| event_status(*m, low)))
            .collect();
        let short = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(LowStatus::ALL.iter().map(|s| s.as_str())))
            .description(Some(
                "labdesk extension: the last part alone (`completed`, `partial_results`), for \
                 the order's own collection method.",
            ));
        let long = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(full))
            .description(Some(
                "A status of Junction's order status enum, for the order's collection method.",
            ));
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(long)
            .item(short)
            .description(Some(
                "Where the simulation stops; without it the order goes all the way to \
                 completed. A status of another collection method is a 422.",
            ))
            .into()
    }
}

impl ToSchema for FinalStatus {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("FinalStatus")
    }
}

word_schema!(
    crate::domain::webhooks::WebhookEventType,
    "WebhookEventType",
    "An event labdesk sends to webhook endpoints (`labdesk.test` only from \"send test event\")."
);
word_schema!(
    crate::domain::webhooks::DeliveryState,
    "WebhookDeliveryState",
    "Where one event's delivery to one endpoint stands."
);
