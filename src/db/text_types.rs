//! Domain types stored as `Text`: the typed ids (`domain::ids`) and the `string_enum!` types. The
//! domain stays free of diesel; this module gives each of those types the conversions rows and
//! filters need, on both backends through the `MultiConnection`.
//!
//! `ToSql`/`FromSql` delegate to diesel's own `str`/`String` conversions, so the stored text is
//! exactly the type's spelling (`as_str`) and the generic impls (bounded on `str: ToSql<Text, DB>`
//! and `String: FromSql<Text, DB>`) hold for the `MultiBackend` as for SQLite and PostgreSQL.
//! Reading a word a `string_enum!` does not know is a deserialization error naming the type, the
//! word and the known words (the query fails with it), never a panic.
//!
//! A type missing from the lists below does not compile where a row or a filter uses it.
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
// The bind-parameter expression diesel's own `#[derive(AsExpression)]` expands to; naming it here
// gives a type defined in `domain` exactly the impls that derive would give it.
use diesel::internal::derives::as_expression::Bound;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

/// What `#[derive(AsExpression, FromSqlRow)] #[diesel(sql_type = Text)]` would generate, with
/// `ToSql`/`FromSql` delegating to `str`/`String`: `$parse` reads the stored text back.
macro_rules! text_type {
    ($t:ty, |$s:ident| $parse:expr) => {
        impl AsExpression<Text> for $t {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl AsExpression<Nullable<Text>> for $t {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Text> for &'a $t {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Nullable<Text>> for &'a $t {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a, 'b> AsExpression<Text> for &'b &'a $t {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a, 'b> AsExpression<Nullable<Text>> for &'b &'a $t {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $t
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: Backend> ToSql<Nullable<Text>, DB> for $t
        where
            Self: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <Self as ToSql<Text, DB>>::to_sql(self, out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $t
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let $s = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                $parse
            }
        }

        impl<DB: Backend> Queryable<Text, DB> for $t
        where
            Self: FromSql<Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    };
}

macro_rules! id_columns {
    ($($t:ty),+ $(,)?) => {$(
        text_type!($t, |text| Ok(<$t>::from_text(text)));
    )+};
}

macro_rules! enum_columns {
    ($($t:ty),+ $(,)?) => {$(
        text_type!($t, |text| {
            text.parse::<$t>()
                .map_err(|e| format!("stored {} {e}", stringify!($t)).into())
        });
    )+};
}

use crate::domain::ids::{
    ApiKeyId, DraftId, LabAccountId, LabTestId, LoginAttemptId, OrderId, OrgId, PatientId,
    ResultId, ReviewItemId, SessionId, TeamId, UserId, WebhookAttemptId, WebhookDeliveryId,
    WebhookEndpointId, WebhookEventId,
};

id_columns!(
    OrgId,
    TeamId,
    UserId,
    LabAccountId,
    OrderId,
    PatientId,
    ApiKeyId,
    DraftId,
    ReviewItemId,
    ResultId,
    LabTestId,
    SessionId,
    LoginAttemptId,
    WebhookEndpointId,
    WebhookEventId,
    WebhookDeliveryId,
    WebhookAttemptId,
);

use crate::db::idempotency::ClaimState;
use crate::domain::access::Role;
use crate::domain::actor::ActorKind;
use crate::domain::api_key::KeyScope;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::billing::BillingType;
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};
use crate::domain::lab_account::{AccountStatus, DelegatedFlow};
use crate::domain::lab_link::{ConnectionKind, LabMessageKind, LabMessageState};
use crate::domain::order_input::Gender;
use crate::domain::order_status::{HighStatus, LowStatus};
use crate::domain::result_matching::DecisionCode;
use crate::domain::result_values::{Interpretation, ResultStatus};
use crate::domain::review::ReviewStatus;
use crate::domain::webhooks::{DeliveryState, WebhookEventType};

enum_columns!(
    AccountStatus,
    ActorKind,
    AuditAction,
    BillingType,
    ClaimState,
    CollectionMethod,
    DecisionCode,
    DelegatedFlow,
    EntityType,
    Gender,
    HighStatus,
    Interpretation,
    KeyScope,
    LabSlug,
    LabTestStatus,
    LowStatus,
    ResultStatus,
    ReviewStatus,
    DeliveryState,
    WebhookEventType,
    ConnectionKind,
    LabMessageKind,
    LabMessageState,
    Role,
    SampleType,
);

id_columns!(crate::domain::ids::BulkLinkId);
