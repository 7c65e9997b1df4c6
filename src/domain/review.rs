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
