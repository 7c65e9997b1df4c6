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
        WebhookEndpointCreated => "webhook_endpoint.created",
        WebhookEndpointUpdated => "webhook_endpoint.updated",
        WebhookSecretRotated => "webhook_endpoint.secret_rotated",
        WebhookEndpointDeleted => "webhook_endpoint.deleted",
        WebhookTestSent => "webhook_endpoint.test_sent",
        WebhookDeliveryReplayed => "webhook_endpoint.delivery_replayed",
        LabConnectionChanged => "lab.connection_changed",
        /// A read: an order's requisition (it names the patient) was opened.
        RequisitionViewed => "order.requisition_viewed",
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
        /// A Team's webhook endpoint.
        WebhookEndpoint => "webhook_endpoint",
        /// A lab (the id is its slug).
        Lab => "lab",
    }
);

impl AuditAction {
    /// What happened, in words for the audit page (the code stays beside it).
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::LabAccountCreated => "Lab account created",
            AuditAction::LabAccountUpdated => "Lab account edited",
            AuditAction::LabAccountStatusChanged => "Lab account status changed",
            AuditAction::LabAccountTeamLinked => "Team linked to lab account",
            AuditAction::LabAccountTeamUnlinked => "Team unlinked from lab account",
            AuditAction::LabAccountAllowlistReplaced => "Lab account test list replaced",
            AuditAction::ApiKeyCreated => "API key created",
            AuditAction::ApiKeyRevoked => "API key revoked",
            AuditAction::UserCreated => "User created",
            AuditAction::UserSignedIn => "Signed in",
            AuditAction::UserSignedOut => "Signed out",
            AuditAction::UserSignedOutEverywhere => "Signed out everywhere",
            AuditAction::UserPasswordChanged => "Password changed",
            AuditAction::UserDisabled => "User disabled",
            AuditAction::PatientCreated => "Patient added",
            AuditAction::OrderCreated => "Order placed",
            AuditAction::OrderCancelled => "Order cancelled",
            AuditAction::OrderStatusChanged => "Order status changed",
            AuditAction::OrderViewed => "Order viewed",
            AuditAction::OrderListed => "Orders listed",
            AuditAction::ResultAttached => "Result attached to order",
            AuditAction::ResultQueued => "Result sent to review",
            AuditAction::ResultRejected => "Lab delivery refused",
            AuditAction::ResultViewed => "Result read over the API",
            AuditAction::ResultReviewAccepted => "Review: result attached",
            AuditAction::ResultReviewRejected => "Review: result rejected",
            AuditAction::ResultReviewEscalated => "Review: escalated",
            AuditAction::ResultReviewViewed => "Review item viewed",
            AuditAction::ResultReviewListed => "Review queue listed",
            AuditAction::WebhookEndpointCreated => "Webhook endpoint added",
            AuditAction::WebhookEndpointUpdated => "Webhook endpoint edited",
            AuditAction::WebhookSecretRotated => "Webhook signing secret rotated",
            AuditAction::WebhookEndpointDeleted => "Webhook endpoint deleted",
            AuditAction::WebhookTestSent => "Webhook test event sent",
            AuditAction::WebhookDeliveryReplayed => "Webhook delivery sent again",
            AuditAction::LabConnectionChanged => "Lab connection changed",
            AuditAction::RequisitionViewed => "Requisition opened",
        }
    }

    /// A record that someone looked at data, not a change: kept in the log always, hidden from
    /// the audit page by default because every order view adds one.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            AuditAction::OrderViewed
                | AuditAction::RequisitionViewed
                | AuditAction::OrderListed
                | AuditAction::ResultViewed
                | AuditAction::ResultReviewViewed
                | AuditAction::ResultReviewListed
        )
    }
}

impl EntityType {
    pub fn label(self) -> &'static str {
        match self {
            EntityType::LabAccount => "Lab account",
            EntityType::ApiKey => "API key",
            EntityType::User => "User",
            EntityType::Patient => "Patient",
            EntityType::Order => "Order",
            EntityType::UnmatchedResult => "Review item",
            EntityType::LabDelivery => "Lab delivery",
            EntityType::Team => "Team",
            EntityType::Org => "Organization",
            EntityType::Platform => "Platform",
            EntityType::WebhookEndpoint => "Webhook endpoint",
            EntityType::Lab => "Lab",
        }
    }
}
