//! What the audit log says happened, and to what kind of thing. The words are stored as they are
//! spelled here (the audit page, its CSV and the tests read them), so a variant is never renamed.
use super::string_enum::string_enum;

string_enum!(
    /// The `action` of an audit row.
    AuditAction {
        LabAccountCreated => "lab_account.created",
        LabAccountUpdated => "lab_account.updated",
        LabAccountStatusChanged => "lab_account.status_changed",
        LabAccountTeamLinked => "lab_account.team_linked",
        LabAccountTeamUnlinked => "lab_account.team_unlinked",
        LabAccountAllowlistReplaced => "lab_account.allowlist_replaced",
        ApiKeyCreated => "api_key.created",
        ApiKeyRevoked => "api_key.revoked",
        UserCreated => "user.created",
        UserSignedIn => "user.signed_in",
        UserSignedOut => "user.signed_out",
        UserSignedOutEverywhere => "user.signed_out_everywhere",
        UserPasswordChanged => "user.password_changed",
        UserDisabled => "user.disabled",
        PatientCreated => "patient.created",
        OrderCreated => "order.created",
        OrderCancelled => "order.cancelled",
        OrderStatusChanged => "order.status_changed",
        /// One order read (with the result version shown, if any).
        OrderViewed => "order.viewed",
        /// A list of orders shown: the ids, never the patients' names.
        OrderListed => "order.listed",
        ResultAttached => "result.attached",
        ResultQueued => "result.queued",
        /// A delivery that could not be read.
        ResultRejected => "result.rejected",
        /// A Team key read an order's result.
        ResultViewed => "result.viewed",
        ResultReviewAccepted => "result.review_accepted",
        ResultReviewRejected => "result.review_rejected",
        ResultReviewEscalated => "result.review_escalated",
        ResultReviewViewed => "result.review_viewed",
        ResultReviewListed => "result.review_listed",
    }
);

string_enum!(
    /// The `entity_type` of an audit row: what `entity_id` names.
    EntityType {
        LabAccount => "lab_account",
        ApiKey => "api_key",
        User => "user",
        Patient => "patient",
        Order => "order",
        /// An item of the review queue.
        UnmatchedResult => "unmatched_result",
        /// A lab's delivery that could not be read (the id is the lab's slug).
        LabDelivery => "lab_delivery",
        /// A Team, for reads made with its API key.
        Team => "team",
        /// An organization, for reads on its dashboard.
        Org => "org",
        /// The platform (quarantine: results of no organization).
        Platform => "platform",
    }
);
