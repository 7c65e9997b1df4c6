//! Delivered results that did not attach to an order by themselves, as the Team API sends them
//! (`web::api::unmatched`).
use utoipa::ToSchema;

use crate::domain::lab::LabSlug;
use crate::domain::result_matching::DecisionCode;

/// The patient as the lab's message names them.
#[derive(ToSchema)]
pub struct MatchReviewPatient {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub dob: Option<String>,
    /// labdesk extension: the sex as the message gives it (PID-8).
    pub sex: Option<String>,
}

/// The lab that delivered the result.
#[derive(ToSchema)]
pub struct MatchReviewLab {
    /// 0 when labdesk does not know the lab.
    pub id: i32,
    pub name: String,
    pub slug: LabSlug,
}

/// A marker of the delivered result.
#[derive(ToSchema)]
pub struct MatchReviewMarker {
    /// The lab's code for the marker.
    #[schema(required = true)]
    pub provider_id: Option<String>,
    #[schema(required = true)]
    pub name: Option<String>,
}

/// Orders the result may belong to.
#[derive(ToSchema)]
pub struct MatchReviewCandidateGroup {
    #[schema(value_type = Vec<String>, format = Uuid)]
    pub order_ids: Vec<String>,
}

/// A delivered result waiting for a decision, or decided.
#[derive(ToSchema)]
pub struct UnmatchedResult {
    #[schema(format = Uuid)]
    pub id: String,
    /// `pending_customer_review`, `pending_ops_review` or `resolved`.
    #[schema(pattern = "^(pending_customer_review|pending_ops_review|resolved)$")]
    pub status: String,
    pub decision_code: DecisionCode,
    /// `lab_account_mismatch` when the order was placed on another account.
    pub sub_reason_codes: Vec<String>,
    /// The decision and its reasons, in words.
    pub reason: String,
    /// labdesk extension: the reasons as codes.
    pub reason_codes: Vec<String>,
    #[schema(required = true)]
    pub patient: Option<MatchReviewPatient>,
    pub lab: MatchReviewLab,
    pub markers: Vec<MatchReviewMarker>,
    /// Always null.
    #[schema(value_type = Option<String>, required = true)]
    pub interpretation: Option<()>,
    /// `partial` or `final`.
    #[schema(required = true, pattern = "^(partial|final)$")]
    pub result_status: Option<String>,
    /// Why it was decided as it was.
    #[schema(required = true)]
    pub note: Option<String>,
    /// `accept` or `reject`, once resolved.
    #[schema(required = true, pattern = "^(accept|reject)$")]
    pub resolution_action: Option<String>,
    /// Always null.
    #[schema(value_type = Option<String>, format = Uuid, required = true)]
    pub resolved_user_id: Option<()>,
    /// The order an accepted result was attached to.
    #[schema(format = Uuid, required = true)]
    pub resolved_order_id: Option<String>,
    /// What may be done now: `accept`, `reject`, `escalate` (none once resolved).
    pub allowed_actions: Vec<String>,
    pub candidate_groups: Vec<MatchReviewCandidateGroup>,
    /// labdesk extension: the account it was delivered on; null when the account number is
    /// unknown.
    #[schema(format = Uuid, required = true)]
    pub lab_account_id: Option<String>,
    /// labdesk extension: the account number the lab sent (MSH-6).
    pub account_number: String,
    /// labdesk extension: the order number the lab sent (ORC-2 / OBR-2).
    #[schema(required = true)]
    pub placer_order_number: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime, required = true)]
    pub reviewed_at: Option<String>,
}

/// One page of the Team's unmatched results, newest first.
#[derive(ToSchema)]
pub struct ListUnmatchedResultResponse {
    pub data: Vec<UnmatchedResult>,
    /// Set when more follow: pass it as `next_cursor` for the next page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    pub total: i64,
}
