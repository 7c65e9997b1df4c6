//! Where an item of the review queue (a delivered result that did not fit) stands.
use super::string_enum::string_enum;

string_enum!(
    /// The `status` of a review item, as stored.
    ReviewStatus {
        /// Waiting for the org's ops staff (or a CSM for quarantine).
        PendingCustomer => "pending_customer_review",
        /// Escalated to the CSMs; still open.
        PendingOps => "pending_ops_review",
        Accepted => "accepted",
        Rejected => "rejected",
    }
);

impl ReviewStatus {
    /// Still waiting for a decision.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReviewStatus::PendingCustomer | ReviewStatus::PendingOps
        )
    }
}

string_enum!(
    /// What a reviewer does with an open item, as the decision routes spell it.
    ReviewAction {
        /// Put the result on an order.
        Accept => "accept",
        /// Keep it out of every order.
        Reject => "reject",
        /// Hand it to the CSMs (ops review); it stays open.
        Escalate => "escalate",
    }
);

impl ReviewAction {
    /// The past tense, as the page's notice after the decision says it.
    pub fn done(self) -> &'static str {
        match self {
            ReviewAction::Accept => "accepted",
            ReviewAction::Reject => "rejected",
            ReviewAction::Escalate => "escalated",
        }
    }
}
