use super::*;
use crate::domain::result_values::{interpret, parse_number, parse_range};
use CollectionMethod::*;

/// Junction's `OrderStatus` enum, as its OpenAPI document spells it.
const JUNCTION_ORDER_STATUSES: &[&str] = &[
    "received.walk_in_test.ordered",
    "received.walk_in_test.requisition_created",
    "received.walk_in_test.requisition_bypassed",
    "completed.walk_in_test.completed",
    "sample_with_lab.walk_in_test.partial_results",
    "failed.walk_in_test.sample_error",
    "cancelled.walk_in_test.cancelled",
    "collecting_sample.walk_in_test.appointment_pending",
    "collecting_sample.walk_in_test.appointment_scheduled",
    "collecting_sample.walk_in_test.appointment_cancelled",
    "collecting_sample.walk_in_test.redraw_available",
    "received.at_home_phlebotomy.ordered",
    "received.at_home_phlebotomy.requisition_created",
    "received.at_home_phlebotomy.requisition_bypassed",
    "collecting_sample.at_home_phlebotomy.appointment_pending",
    "collecting_sample.at_home_phlebotomy.appointment_scheduled",
    "collecting_sample.at_home_phlebotomy.draw_completed",
    "collecting_sample.at_home_phlebotomy.appointment_cancelled",
    "completed.at_home_phlebotomy.completed",
    "sample_with_lab.at_home_phlebotomy.partial_results",
    "cancelled.at_home_phlebotomy.cancelled",
    "failed.at_home_phlebotomy.sample_error",
    "received.testkit.ordered",
    "received.testkit.awaiting_registration",
    "received.testkit.requisition_created",
    "received.testkit.requisition_bypassed",
    "received.testkit.registered",
    "collecting_sample.testkit.transit_customer",
    "collecting_sample.testkit.out_for_delivery",
    "collecting_sample.testkit.with_customer",
    "collecting_sample.testkit.transit_lab",
    "sample_with_lab.testkit.delivered_to_lab",
    "sample_with_lab.testkit.lab_processing_blocked",
    "completed.testkit.completed",
    "failed.testkit.failure_to_deliver_to_customer",
    "failed.testkit.failure_to_deliver_to_lab",
    "failed.testkit.sample_error",
    "failed.testkit.lost",
    "cancelled.testkit.cancelled",
    "cancelled.testkit.do_not_process",
    "collecting_sample.testkit.problem_in_transit_customer",
    "collecting_sample.testkit.problem_in_transit_lab",
    "received.on_site_collection.ordered",
    "received.on_site_collection.requisition_created",
    "received.on_site_collection.requisition_bypassed",
    "sample_with_lab.on_site_collection.draw_completed",
    "completed.on_site_collection.completed",
    "cancelled.on_site_collection.cancelled",
    "sample_with_lab.on_site_collection.partial_results",
    "failed.on_site_collection.sample_error",
    "completed.walk_in_test.corrected",
    "completed.at_home_phlebotomy.corrected",
    "completed.on_site_collection.corrected",
    "completed.testkit.corrected",
];

#[test]
fn the_statuses_of_every_method_are_exactly_junctions_enum() {
    let mut ours: Vec<String> = CollectionMethod::ALL
        .iter()
        .flat_map(|m| statuses(*m).into_iter().map(|s| event_status(*m, s)))
        .collect();
    let mut theirs: Vec<String> = JUNCTION_ORDER_STATUSES
        .iter()
        .map(|s| s.to_string())
        .collect();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
}

#[test]
fn every_junction_status_reads_back_as_its_method_and_low_status() {
    for text in JUNCTION_ORDER_STATUSES {
        let parsed = parse_final_status(text).unwrap_or_else(|| panic!("{text}"));
        let method = parsed.method.expect("a full status names its method");
        assert_eq!(event_status(method, parsed.low), *text);
    }
}

#[test]
fn final_status_reads_short_forms_and_refuses_misspelt_full_ones() {
    type Read = Option<(Option<CollectionMethod>, LowStatus)>;
    let table: &[(&str, Read)] = &[
        ("completed", Some((None, Completed))),
        ("partial_results", Some((None, PartialResults))),
        (" corrected ", Some((None, Corrected))),
        (
            "sample_with_lab.on_site_collection.draw_completed",
            Some((Some(OnSiteCollection), DrawCompleted)),
        ),
        // The wrong high part for the status.
        ("received.walk_in_test.completed", None),
        // A status the method does not have.
        (
            "collecting_sample.on_site_collection.appointment_scheduled",
            None,
        ),
        ("completed.walk_in_test", None),
        ("completed.walk_in_test.completed.again", None),
        ("completed.mail.completed", None),
        ("", None),
        ("done", None),
    ];
    for (text, expected) in table {
        let got = parse_final_status(text).map(|f| (f.method, f.low));
        assert_eq!(got, *expected, "{text:?}");
    }
}

fn short(low: LowStatus) -> Option<FinalStatus> {
    Some(FinalStatus { method: None, low })
}

#[test]
fn a_plan_walks_the_path_and_ends_at_the_status_asked_for() {
    type Case = (
        CollectionMethod,
        LowStatus,
        Option<FinalStatus>,
        Result<Vec<LowStatus>, PlanError>,
    );
    let table: Vec<Case> = vec![
        // No final status: the whole success path.
        (
            WalkInTest,
            Ordered,
            None,
            Ok(vec![
                RequisitionCreated,
                AppointmentScheduled,
                PartialResults,
                Completed,
            ]),
        ),
        (
            Testkit,
            Registered,
            None,
            Ok(vec![
                TransitCustomer,
                WithCustomer,
                TransitLab,
                DeliveredToLab,
                Completed,
            ]),
        ),
        (
            OnSiteCollection,
            RequisitionCreated,
            None,
            Ok(vec![DrawCompleted, PartialResults, Completed]),
        ),
        // Stop part way.
        (
            AtHomePhlebotomy,
            Ordered,
            short(PartialResults),
            Ok(vec![
                RequisitionCreated,
                AppointmentScheduled,
                DrawCompleted,
                PartialResults,
            ]),
        ),
        // A failure after the step it follows.
        (
            Testkit,
            Ordered,
            short(Lost),
            Ok(vec![
                AwaitingRegistration,
                Registered,
                TransitCustomer,
                WithCustomer,
                TransitLab,
                Lost,
            ]),
        ),
        (
            WalkInTest,
            AppointmentScheduled,
            short(SampleError),
            Ok(vec![SampleError]),
        ),
        // From a detour the path goes on after the step it followed.
        (
            WalkInTest,
            AppointmentPending,
            None,
            Ok(vec![AppointmentScheduled, PartialResults, Completed]),
        ),
        // Cancelling is one step, while the order can be cancelled.
        (
            AtHomePhlebotomy,
            AppointmentScheduled,
            short(Cancelled),
            Ok(vec![Cancelled]),
        ),
        (
            Testkit,
            Ordered,
            short(DoNotProcess),
            Ok(vec![DoNotProcess]),
        ),
        (
            WalkInTest,
            PartialResults,
            short(Cancelled),
            Err(PlanError::NotCancellable {
                from: PartialResults,
            }),
        ),
        // A correction walks to completed first.
        (
            WalkInTest,
            PartialResults,
            short(Corrected),
            Ok(vec![Completed, Corrected]),
        ),
        (Testkit, Completed, short(Corrected), Ok(vec![Corrected])),
        (Testkit, Corrected, short(Corrected), Ok(vec![Corrected])),
        // Already there: nothing to do when asked, an error when the whole path was.
        (
            WalkInTest,
            PartialResults,
            short(PartialResults),
            Ok(vec![]),
        ),
        (
            WalkInTest,
            Completed,
            None,
            Err(PlanError::Finished { from: Completed }),
        ),
        // Backwards and closed orders.
        (
            WalkInTest,
            PartialResults,
            short(RequisitionCreated),
            Err(PlanError::NotAhead {
                from: PartialResults,
                to: RequisitionCreated,
            }),
        ),
        (
            WalkInTest,
            PartialResults,
            short(SampleError),
            Err(PlanError::NotAhead {
                from: PartialResults,
                to: SampleError,
            }),
        ),
        (
            WalkInTest,
            Cancelled,
            None,
            Err(PlanError::Closed { from: Cancelled }),
        ),
        // A status of another method.
        (
            OnSiteCollection,
            Ordered,
            short(AppointmentScheduled),
            Err(PlanError::NotForMethod {
                target: "appointment_scheduled".into(),
                method: OnSiteCollection,
            }),
        ),
        (
            WalkInTest,
            Ordered,
            parse_final_status("completed.testkit.completed"),
            Err(PlanError::NotForMethod {
                target: "completed.testkit.completed".into(),
                method: WalkInTest,
            }),
        ),
    ];
    for (method, from, target, expected) in table {
        assert_eq!(
            plan(method, from, target),
            expected,
            "{method} from {from} to {target:?}"
        );
    }
}

#[test]
fn every_status_of_a_method_can_be_reached_from_ordered() {
    for method in CollectionMethod::ALL {
        for low in statuses(*method) {
            if low == Ordered {
                continue;
            }
            let steps = plan(*method, Ordered, short(low))
                .unwrap_or_else(|e| panic!("{method} to {low}: {e}"));
            assert_eq!(steps.last(), Some(&low), "{method} to {low}");
        }
    }
}

#[test]
fn next_step_follows_the_path_and_leaves_detours_where_they_branched() {
    let table = [
        (WalkInTest, Ordered, Some(RequisitionCreated)),
        (WalkInTest, Completed, None),
        (WalkInTest, AppointmentPending, Some(AppointmentScheduled)),
        (Testkit, OutForDelivery, Some(WithCustomer)),
        (OnSiteCollection, RequisitionCreated, Some(DrawCompleted)),
        (Testkit, Cancelled, None),
    ];
    for (method, low, expected) in table {
        assert_eq!(next_step(method, low), expected, "{method} {low}");
    }
}

/// How ingestion will judge a simulated value, as it judges a lab's.
fn judged(v: &SimulatedValue) -> crate::domain::result_values::Interpretation {
    let (min, max) = parse_range(&v.range);
    let flags: Vec<String> = [v.flag]
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| f.to_string())
        .collect();
    interpret(&flags, parse_number(&v.value), min, max)
}

#[test]
fn simulated_values_really_are_normal_abnormal_or_critical() {
    use crate::domain::result_values::Interpretation as Judged;
    use SimulatedInterpretation as I;
    let ranges = [
        (112.0, "<100"),
        (55.0, ">40"),
        (92.0, "70-99"),
        (0.9, "0.6-1.3"),
    ];
    for kind in SimulatedResultType::ALL {
        for (typical, range) in ranges {
            for spread in [0.0, 0.5, 1.0] {
                for (asked, expected) in [
                    (I::Normal, Judged::Normal),
                    (I::Abnormal, Judged::Abnormal),
                    (I::Critical, Judged::Critical),
                    (I::Unknown, Judged::Normal),
                ] {
                    let v =
                        simulated_value(*kind, asked, typical, parse_range(range), range, spread);
                    assert_eq!(
                        judged(&v),
                        expected,
                        "{kind} {asked} in {range} at {spread}: {v:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_numeric_value_sits_inside_or_outside_its_range() {
    use SimulatedInterpretation as I;
    let range = parse_range("70-99");
    let normal = simulated_value(
        SimulatedResultType::Numeric,
        I::Normal,
        92.0,
        range,
        "70-99",
        1.0,
    );
    let n: f64 = normal.value.parse().unwrap();
    assert!((70.0..=99.0).contains(&n), "{n}");
    let high = simulated_value(
        SimulatedResultType::Numeric,
        I::Abnormal,
        92.0,
        range,
        "70-99",
        0.0,
    );
    assert!(high.value.parse::<f64>().unwrap() > 99.0, "{high:?}");
    let critical = simulated_value(
        SimulatedResultType::Numeric,
        I::Critical,
        92.0,
        range,
        "70-99",
        0.0,
    );
    assert!(
        critical.value.parse::<f64>().unwrap() >= 99.0 * 2.5,
        "{critical:?}"
    );
    let floor = parse_range(">40");
    let low = simulated_value(
        SimulatedResultType::Numeric,
        I::Abnormal,
        55.0,
        floor,
        ">40",
        0.5,
    );
    assert!(low.value.parse::<f64>().unwrap() < 40.0, "{low:?}");
    assert_eq!(low.flag, "L");
}

#[test]
fn result_types_are_handed_out_in_turn() {
    let flags = SimulationFlags {
        result_types: vec![SimulatedResultType::Comment, SimulatedResultType::Range],
        ..SimulationFlags::default()
    };
    let got: Vec<_> = (0..4).map(|i| flags.result_type(i)).collect();
    use SimulatedResultType::*;
    assert_eq!(got, vec![Comment, Range, Comment, Range]);
    assert_eq!(SimulationFlags::default().result_type(3), Numeric);
}
