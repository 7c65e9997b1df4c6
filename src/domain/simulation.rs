//! The sandbox's order lifecycle, as Junction's sandbox runs it: each collection method's success
//! path, the statuses off it (detours, failures, cancellations) and the step each follows, which
//! statuses `final_status` may name, and the steps that lead from where an order is to one of them.
use super::lab::CollectionMethod;
use super::order_status::{event_status, HighStatus, LowStatus};
pub use super::simulated_values::{
    simulated_value, SimulatedInterpretation, SimulatedResultType, SimulatedValue, SimulationFlags,
};

use LowStatus::*;

/// From ordered to completed, the way an order of this method goes when nothing goes wrong.
pub fn success_path(method: CollectionMethod) -> &'static [LowStatus] {
    match method {
        CollectionMethod::Testkit => &[
            Ordered,
            AwaitingRegistration,
            Registered,
            TransitCustomer,
            WithCustomer,
            TransitLab,
            DeliveredToLab,
            Completed,
        ],
        CollectionMethod::AtHomePhlebotomy => &[
            Ordered,
            RequisitionCreated,
            AppointmentScheduled,
            DrawCompleted,
            PartialResults,
            Completed,
        ],
        CollectionMethod::WalkInTest => &[
            Ordered,
            RequisitionCreated,
            AppointmentScheduled,
            PartialResults,
            Completed,
        ],
        CollectionMethod::OnSiteCollection => &[
            Ordered,
            RequisitionCreated,
            DrawCompleted,
            PartialResults,
            Completed,
        ],
    }
}

/// Statuses off the success path, each with the step of the path it can follow.
fn detours(method: CollectionMethod) -> &'static [(LowStatus, LowStatus)] {
    match method {
        CollectionMethod::Testkit => &[
            (RequisitionCreated, Registered),
            (RequisitionBypassed, Registered),
            (OutForDelivery, TransitCustomer),
            (ProblemInTransitCustomer, TransitCustomer),
            (FailureToDeliverToCustomer, TransitCustomer),
            (ProblemInTransitLab, TransitLab),
            (FailureToDeliverToLab, TransitLab),
            (Lost, TransitLab),
            (LabProcessingBlocked, DeliveredToLab),
            (SampleError, DeliveredToLab),
        ],
        CollectionMethod::AtHomePhlebotomy => &[
            (RequisitionBypassed, Ordered),
            (AppointmentPending, RequisitionCreated),
            (AppointmentCancelled, AppointmentScheduled),
            (SampleError, DrawCompleted),
        ],
        CollectionMethod::WalkInTest => &[
            (RequisitionBypassed, Ordered),
            (AppointmentPending, RequisitionCreated),
            (AppointmentCancelled, AppointmentScheduled),
            (RedrawAvailable, AppointmentScheduled),
            (SampleError, AppointmentScheduled),
        ],
        CollectionMethod::OnSiteCollection => {
            &[(RequisitionBypassed, Ordered), (SampleError, DrawCompleted)]
        }
    }
}

/// Ways to stop an order while it can still be stopped (see `LowStatus::cancellable`).
fn stops(method: CollectionMethod) -> &'static [LowStatus] {
    match method {
        CollectionMethod::Testkit => &[Cancelled, DoNotProcess],
        _ => &[Cancelled],
    }
}

/// Every status an order of this method can have, in Junction's order status enum: the path,
/// the detours, the stops and a correction after completion.
pub fn statuses(method: CollectionMethod) -> Vec<LowStatus> {
    let mut all: Vec<LowStatus> = success_path(method).to_vec();
    all.extend(detours(method).iter().map(|(s, _)| *s));
    all.extend(stops(method));
    all.push(Corrected);
    all
}

/// Where a status stands on the success path: its own step, or for a detour the step it
/// follows (an order held at a pending appointment goes on from there).
fn position(method: CollectionMethod, low: LowStatus) -> Option<usize> {
    let path = success_path(method);
    let at = |s: LowStatus| path.iter().position(|p| *p == s);
    at(low).or_else(|| {
        detours(method)
            .iter()
            .find(|(d, _)| *d == low)
            .and_then(|(_, after)| at(*after))
    })
}

/// The step after `low` on the success path (from a detour: the step after the one it follows).
pub fn next_step(method: CollectionMethod, low: LowStatus) -> Option<LowStatus> {
    let at = position(method, low)?;
    success_path(method).get(at + 1).copied()
}

/// What `final_status` names: a status, and the collection method when given in Junction's full
/// `<high>.<method>.<low>` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalStatus {
    pub method: Option<CollectionMethod>,
    pub low: LowStatus,
}

/// Reads `final_status`: Junction's full form exactly as its enum spells it, or the low status
/// alone (`completed`, `partial_results`), labdesk's shorter extension.
pub fn parse_final_status(text: &str) -> Option<FinalStatus> {
    let text = text.trim();
    if let Ok(low) = text.parse::<LowStatus>() {
        return Some(FinalStatus { method: None, low });
    }
    let mut parts = text.split('.');
    let (Some(_), Some(method), Some(low), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let method = method.parse::<CollectionMethod>().ok()?;
    let low = low.parse::<LowStatus>().ok()?;
    // The high part must be the one Junction spells for this method and status.
    (event_status(method, low) == text && statuses(method).contains(&low)).then_some(FinalStatus {
        method: Some(method),
        low,
    })
}

/// Why the sandbox cannot take an order to the status asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{target} is not a status of a {method} order.")]
    NotForMethod {
        target: String,
        method: CollectionMethod,
    },
    #[error("The order is {from} and cannot move on.")]
    Closed { from: LowStatus },
    #[error("The order is already {from}; use final_status=corrected to send a corrected result.")]
    Finished { from: LowStatus },
    #[error("The order is {from}; it cannot go back or across to {to}.")]
    NotAhead { from: LowStatus, to: LowStatus },
    #[error("The order is {from} and can no longer be cancelled.")]
    NotCancellable { from: LowStatus },
}

/// The steps that take an order of `method` from `from` to `target` (the whole success path
/// when there is none), in order; empty when it is there already.
pub fn plan(
    method: CollectionMethod,
    from: LowStatus,
    target: Option<FinalStatus>,
) -> Result<Vec<LowStatus>, PlanError> {
    if let Some(FinalStatus {
        method: Some(m),
        low,
    }) = target
    {
        if m != method {
            return Err(PlanError::NotForMethod {
                target: event_status(m, low),
                method,
            });
        }
    }
    let to = target.map_or(Completed, |t| t.low);
    if !statuses(method).contains(&to) {
        return Err(PlanError::NotForMethod {
            target: to.as_str().to_string(),
            method,
        });
    }
    let closed = matches!(from.high(), HighStatus::Cancelled | HighStatus::Failed);
    if closed {
        return Err(PlanError::Closed { from });
    }
    if to == from && to != Corrected {
        return match target {
            None => Err(PlanError::Finished { from }),
            Some(_) => Ok(Vec::new()),
        };
    }
    if stops(method).contains(&to) {
        return if from.cancellable() {
            Ok(vec![to])
        } else {
            Err(PlanError::NotCancellable { from })
        };
    }
    if matches!(from, Completed | Corrected) {
        return match to {
            Corrected => Ok(vec![Corrected]),
            _ if target.is_none() => Err(PlanError::Finished { from }),
            _ => Err(PlanError::NotAhead { from, to }),
        };
    }
    let path = success_path(method);
    // A detour stands at the step it follows, and goes on from the step after it.
    let from_at = position(method, from).ok_or(PlanError::NotAhead { from, to })?;
    // The last step of the path to take, and the detour or correction that comes after it.
    let (until, last) = match to {
        Corrected => (path.len() - 1, Some(Corrected)),
        _ => match path.iter().position(|p| *p == to) {
            Some(at) => (at, None),
            None => (
                position(method, to).ok_or(PlanError::NotAhead { from, to })?,
                Some(to),
            ),
        },
    };
    let next = from_at + 1;
    let ahead = match last {
        None => until >= next,
        Some(_) => until + 1 >= next,
    };
    if !ahead {
        return Err(PlanError::NotAhead { from, to });
    }
    let mut steps = path
        .get(next..=until)
        .map(<[_]>::to_vec)
        .unwrap_or_default();
    steps.extend(last);
    Ok(steps)
}

/// What a simulation asks for: where to stop (the whole success path when `None`) and how the
/// results read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Simulation {
    pub target: Option<FinalStatus>,
    pub flags: SimulationFlags,
}

impl Simulation {
    /// To `low`, with normal numeric results.
    pub fn to(low: LowStatus) -> Simulation {
        Simulation {
            target: Some(FinalStatus { method: None, low }),
            flags: SimulationFlags::default(),
        }
    }
}

#[cfg(test)]
#[path = "simulation_tests.rs"]
mod tests;
