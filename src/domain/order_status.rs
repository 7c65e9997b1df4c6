//! Order statuses in Junction's `<high>.<collection_method>.<low>` form, and what may follow what.
use super::lab::CollectionMethod;
use super::string_enum::string_enum;

string_enum!(
    HighStatus {
        Received => "received",
        CollectingSample => "collecting_sample",
        SampleWithLab => "sample_with_lab",
        Completed => "completed",
        Cancelled => "cancelled",
        Failed => "failed",
    }
);

string_enum!(
    LowStatus {
        Ordered => "ordered",
        RequisitionCreated => "requisition_created",
        RequisitionBypassed => "requisition_bypassed",
        AwaitingRegistration => "awaiting_registration",
        Registered => "registered",
        TransitCustomer => "transit_customer",
        OutForDelivery => "out_for_delivery",
        WithCustomer => "with_customer",
        TransitLab => "transit_lab",
        DeliveredToLab => "delivered_to_lab",
        LabProcessingBlocked => "lab_processing_blocked",
        ProblemInTransitCustomer => "problem_in_transit_customer",
        ProblemInTransitLab => "problem_in_transit_lab",
        FailureToDeliverToCustomer => "failure_to_deliver_to_customer",
        FailureToDeliverToLab => "failure_to_deliver_to_lab",
        AppointmentPending => "appointment_pending",
        AppointmentScheduled => "appointment_scheduled",
        AppointmentCancelled => "appointment_cancelled",
        RedrawAvailable => "redraw_available",
        DrawCompleted => "draw_completed",
        PartialResults => "partial_results",
        Completed => "completed",
        Corrected => "corrected",
        SampleError => "sample_error",
        Lost => "lost",
        DoNotProcess => "do_not_process",
        Cancelled => "cancelled",
    }
);

impl LowStatus {
    /// The high-level status a low-level one belongs to.
    pub fn high(self) -> HighStatus {
        use LowStatus::*;
        match self {
            Ordered | RequisitionCreated | RequisitionBypassed | AwaitingRegistration
            | Registered => HighStatus::Received,
            TransitCustomer
            | OutForDelivery
            | WithCustomer
            | TransitLab
            | AppointmentPending
            | AppointmentScheduled
            | AppointmentCancelled
            | RedrawAvailable
            | DrawCompleted
            | ProblemInTransitCustomer
            | ProblemInTransitLab => HighStatus::CollectingSample,
            DeliveredToLab | PartialResults | LabProcessingBlocked => HighStatus::SampleWithLab,
            Completed | Corrected => HighStatus::Completed,
            SampleError | Lost | FailureToDeliverToCustomer | FailureToDeliverToLab => {
                HighStatus::Failed
            }
            // Junction files "do not process" under cancelled: the lab was told to stop.
            Cancelled | DoNotProcess => HighStatus::Cancelled,
        }
    }

    /// Cancel is allowed before the sample is on its way to the lab.
    pub fn cancellable(self) -> bool {
        use LowStatus::*;
        matches!(
            self,
            Ordered
                | RequisitionCreated
                | RequisitionBypassed
                | AwaitingRegistration
                | Registered
                | AppointmentPending
                | AppointmentScheduled
                | AppointmentCancelled
        )
    }

    /// An order still in progress (for "open orders" counts).
    pub fn is_open(self) -> bool {
        !matches!(
            self.high(),
            HighStatus::Completed | HighStatus::Cancelled | HighStatus::Failed
        )
    }

    pub fn label(self) -> String {
        let s = self.as_str().replace('_', " ");
        let mut c = s.chars();
        match c.next() {
            Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
            None => s,
        }
    }

    /// The high-level status in an order of this collection method: as `high`, but an on-site
    /// draw hands the sample straight to the lab (Junction's
    /// `sample_with_lab.on_site_collection.draw_completed`).
    pub fn high_in(self, method: CollectionMethod) -> HighStatus {
        match (self, method) {
            (LowStatus::DrawCompleted, CollectionMethod::OnSiteCollection) => {
                HighStatus::SampleWithLab
            }
            _ => self.high(),
        }
    }
}

/// The full event status string, e.g. `received.walk_in_test.ordered`.
pub fn event_status(method: CollectionMethod, low: LowStatus) -> String {
    format!(
        "{}.{}.{}",
        low.high_in(method).as_str(),
        method.as_str(),
        low.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_is_allowed_only_from_the_listed_states() {
        use LowStatus::*;
        let allowed = [
            Ordered,
            RequisitionCreated,
            RequisitionBypassed,
            AwaitingRegistration,
            Registered,
            AppointmentPending,
            AppointmentScheduled,
            AppointmentCancelled,
        ];
        for low in LowStatus::ALL {
            assert_eq!(low.cancellable(), allowed.contains(low), "{low}");
        }
    }

    #[test]
    fn event_status_has_three_parts() {
        let table = [
            (
                CollectionMethod::WalkInTest,
                LowStatus::Ordered,
                "received.walk_in_test.ordered",
            ),
            (
                CollectionMethod::WalkInTest,
                LowStatus::PartialResults,
                "sample_with_lab.walk_in_test.partial_results",
            ),
            (
                CollectionMethod::Testkit,
                LowStatus::TransitLab,
                "collecting_sample.testkit.transit_lab",
            ),
            (
                CollectionMethod::AtHomePhlebotomy,
                LowStatus::Corrected,
                "completed.at_home_phlebotomy.corrected",
            ),
            (
                CollectionMethod::WalkInTest,
                LowStatus::SampleError,
                "failed.walk_in_test.sample_error",
            ),
            (
                CollectionMethod::WalkInTest,
                LowStatus::Cancelled,
                "cancelled.walk_in_test.cancelled",
            ),
        ];
        for (method, low, expected) in table {
            assert_eq!(event_status(method, low), expected);
        }
    }
}
