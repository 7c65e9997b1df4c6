//! Typed ids: one type per kind of row, so an org id cannot be passed where a Team id is wanted
//! (`link_team(conn, actor, &account_id, &team_id)` with the two swapped does not compile).
//!
//! An id is the text a row is known by. labdesk mints UUID v7s (`new`: time-ordered, so a new
//! row's id lands at the end of its primary-key index, not on a random page of it; 74 bits stay
//! random), but what makes text an `OrderId` is the table it names, not its spelling: text from a
//! path, a query or a form becomes an id once, where the handler reads its input (`from_text`,
//! `FromStr`, serde), and whether it names a row is the lookup's answer, so a malformed id gets
//! the same "not found" as an unknown one, exactly as before the ids were typed. Where the wire
//! format demands a UUID (the JSON APIs), `web::api::query::uuid` checks that first and builds the
//! id from the `uuid::Uuid` (`From<Uuid>`), keeping Junction's 422. JSON (serde) and the database
//! (`db::text_types`) see the bare text, so neither changes.
//!
//! ```compile_fail
//! use labdesk::domain::ids::{LabAccountId, TeamId};
//!
//! fn link(_account: &LabAccountId, _team: &TeamId) {}
//!
//! let (account, team) = (LabAccountId::new(), TeamId::new());
//! link(&team, &account); // the two swapped: refused
//! ```
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident,)+) => {$(
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh id for a new row (a UUID v7, as every id labdesk mints).
            #[allow(clippy::new_without_default)] // a default id would name nothing
            pub fn new() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// Text from a request, a form or the database, kept as given.
            pub fn from_text(text: impl Into<String>) -> Self {
                $name(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Any text can be looked up; whether it names a row is the lookup's answer.
        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(text: &str) -> Result<Self, Infallible> {
                Ok($name(text.to_string()))
            }
        }

        /// The canonical spelling (lower-case, hyphenated), as `new` mints them.
        impl From<uuid::Uuid> for $name {
            fn from(u: uuid::Uuid) -> Self {
                $name(u.hyphenated().to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    )+};
}

id_types! {
    /// An organization (a customer).
    OrgId,
    /// A Team of an organization.
    TeamId,
    /// A person who signs in to the dashboard (not a patient: see `PatientId`).
    UserId,
    /// A lab account (an organization's own or platform-managed).
    LabAccountId,
    OrderId,
    /// A patient of a Team (Junction's "user"; the wire calls it `user_id`).
    PatientId,
    ApiKeyId,
    /// A draft of the order wizard.
    DraftId,
    /// An item of the review queue: a delivered result that did not fit (`unmatched_results`).
    ReviewItemId,
    /// One version of an order's result.
    ResultId,
    LabTestId,
    /// A dashboard session's row (its secret is never an id: the cookie holds it, the row only
    /// its digest).
    SessionId,
    /// A recorded sign-in attempt.
    LoginAttemptId,
    /// A bulk link or unlink of lab accounts to Teams (what its undo reverses).
    BulkLinkId,
    /// A Team's webhook endpoint.
    WebhookEndpointId,
    /// An event of the webhook outbox; its text is the `svix-id` of every delivery of it.
    WebhookEventId,
    /// One event's delivery to one endpoint.
    WebhookDeliveryId,
    /// One try of a delivery.
    WebhookAttemptId,
}

impl WebhookEventId {
    /// A fresh event id in Svix's form, `msg_` and a time-ordered UUID.
    pub fn mint() -> WebhookEventId {
        WebhookEventId(format!("msg_{}", uuid::Uuid::now_v7().simple()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_as_given() {
        for text in ["6f1c2a4e-8b1d-4c1e-9a55-0b7d3c2e9f10", "NOT-A-UUID", ""] {
            let parsed: OrderId = text.parse().unwrap();
            assert_eq!(parsed.as_str(), text);
            assert_eq!(OrderId::from_text(text), parsed);
            assert_eq!(parsed.into_string(), text);
        }
    }

    #[test]
    fn minted_ids_are_canonical_uuids_and_distinct() {
        let a = TeamId::new();
        let u = uuid::Uuid::parse_str(a.as_str()).unwrap();
        assert_eq!(TeamId::from(u), a);
        assert_ne!(TeamId::new(), a);
    }

    #[test]
    fn json_sees_the_bare_text() {
        let id = OrgId::from_text("o-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"o-1\"");
        assert_eq!(serde_json::from_str::<OrgId>("\"o-1\"").unwrap(), id);
        assert_eq!(id.to_string(), "o-1");
        assert_eq!(format!("{id:?}"), "OrgId(\"o-1\")");
    }

    #[test]
    fn uuids_are_spelled_the_way_ids_are_minted() {
        let u = uuid::Uuid::parse_str("6F1C2A4E8B1D4C1E9A550B7D3C2E9F10").unwrap();
        assert_eq!(
            OrderId::from(u).as_str(),
            "6f1c2a4e-8b1d-4c1e-9a55-0b7d3c2e9f10"
        );
    }
}
