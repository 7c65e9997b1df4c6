//! Values the handlers read leniently: an empty (or blank) value is the same as leaving the
//! parameter or field out, and a date may also be given as a timestamp.
use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// Blank: the parameter is read as absent. Only the ASCII blanks, which every reader agrees on.
fn blank() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[ \\t\\r\\n]*$"))
        .description(Some("Blank: the same as leaving the parameter out."))
}

fn string_format(format: utoipa::openapi::KnownFormat) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(format)))
}

/// `YYYY-MM-DD`, an RFC 3339 timestamp, or blank.
pub struct DateOrTimestamp;

impl PartialSchema for DateOrTimestamp {
    fn schema() -> RefOr<Schema> {
        use utoipa::openapi::KnownFormat::{Date, DateTime};
        OneOfBuilder::new()
            .item(string_format(Date))
            .item(string_format(DateTime))
            .item(blank())
            .description(Some("A date (`YYYY-MM-DD`) or an RFC 3339 timestamp."))
            .into()
    }
}

impl ToSchema for DateOrTimestamp {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DateOrTimestamp")
    }
}

/// A whole number of seconds (at most `u32::MAX`), or blank.
pub struct Seconds;

impl PartialSchema for Seconds {
    fn schema() -> RefOr<Schema> {
        let number = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(u32::MAX));
        OneOfBuilder::new()
            .item(number)
            .item(blank())
            .description(Some("A whole number of seconds."))
            .into()
    }
}

impl ToSchema for Seconds {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Seconds")
    }
}

/// The final status of a simulation, or blank.
pub struct FinalStatusParam;

impl PartialSchema for FinalStatusParam {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(super::enums::FinalStatus::schema())
            .item(blank())
            .into()
    }
}

impl ToSchema for FinalStatusParam {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("FinalStatusParam")
    }
}

/// `YYYY-MM-DD`, or empty (none).
pub struct DateOrEmpty;

impl PartialSchema for DateOrEmpty {
    fn schema() -> RefOr<Schema> {
        let empty = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(0))
            .description(Some("Empty: the same as none."));
        OneOfBuilder::new()
            .item(string_format(utoipa::openapi::KnownFormat::Date))
            .item(empty)
            .into()
    }
}

impl ToSchema for DateOrEmpty {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DateOrEmpty")
    }
}
