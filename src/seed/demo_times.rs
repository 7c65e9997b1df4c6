//! When the demo's orders happened. They are placed and moved along now, through the real use
//! cases; these seed-only writes then put each one at its own time in the past: the order, its
//! events spread between placing and its last step, its result versions (and the lab messages
//! that brought them), its patient's first appearance, and the audit rows about them. Status
//! counters are untouched: only times change.
use chrono::{Duration, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::db::schema::{
    audit_events, inbound_messages, order_events, orders, patients, results, unmatched_results,
};
use crate::db::{orders as orders_db, results as results_db, DbConnection};
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::OrderId;
use crate::error::AppError;

/// `days_ago` days before `now` at `minute_of_day` (minutes after midnight), and always at least
/// a quarter of an hour before `now`: an order of today placed "later today" moves back a day.
pub fn placed_at(now: NaiveDateTime, days_ago: i64, minute_of_day: i64) -> NaiveDateTime {
    let day = now.date() - Duration::days(days_ago.max(0));
    let at = day.and_time(NaiveTime::MIN) + Duration::minutes(minute_of_day.rem_euclid(24 * 60));
    if at > now - Duration::minutes(15) {
        at - Duration::days(1)
    } else {
        at
    }
}

/// `hours` after `placed`, but never later than a few minutes before `now`.
pub fn finished(placed: NaiveDateTime, now: NaiveDateTime, hours: i64) -> NaiveDateTime {
    (placed + Duration::hours(hours))
        .min(now - Duration::minutes(5))
        .max(placed)
}

fn failed(e: diesel::result::Error) -> AppError {
    AppError::db("dating the demo's data", e)
}

/// `placed` is when the order was placed, `done` when its last step (or result) came.
pub fn backdate(
    conn: &mut DbConnection,
    order_id: &OrderId,
    placed: NaiveDateTime,
    done: NaiveDateTime,
) -> Result<(), AppError> {
    let done = done.max(placed);
    let events = orders_db::events(conn, order_id)?;
    let steps = events.len().saturating_sub(1).max(1) as i32;
    for (i, e) in events.iter().enumerate() {
        let at = placed + (done - placed) * i as i32 / steps;
        diesel::update(order_events::table.find((order_id, e.seq)))
            .set(order_events::created_at.eq(at))
            .execute(conn)
            .map_err(failed)?;
    }
    diesel::update(orders::table.find(order_id))
        .set((orders::created_at.eq(placed), orders::updated_at.eq(done)))
        .execute(conn)
        .map_err(failed)?;
    let user_id: String = orders::table
        .find(order_id)
        .select(orders::user_id)
        .first(conn)
        .map_err(failed)?;
    // Versions a few hours apart, the last when the order's last step came.
    let versions = results_db::versions(conn, order_id)?;
    let last = versions.last().map_or(0, |r| r.version);
    for r in &versions {
        let at = (done - Duration::hours(i64::from(6 * (last - r.version)))).max(placed);
        diesel::update(results::table.find(&r.id))
            .set(results::created_at.eq(at))
            .execute(conn)
            .map_err(failed)?;
        diesel::update(inbound_messages::table.filter(inbound_messages::result_id.eq(&r.id)))
            .set(inbound_messages::received_at.eq(at))
            .execute(conn)
            .map_err(failed)?;
    }
    let about_order = audit_events::table
        .filter(audit_events::entity_type.eq(EntityType::Order.as_str()))
        .filter(audit_events::entity_id.eq(order_id.as_str()));
    diesel::update(about_order.filter(audit_events::action.eq(AuditAction::OrderCreated.as_str())))
        .set(audit_events::at.eq(placed))
        .execute(conn)
        .map_err(failed)?;
    diesel::update(about_order.filter(audit_events::action.ne(AuditAction::OrderCreated.as_str())))
        .set(audit_events::at.eq(done))
        .execute(conn)
        .map_err(failed)?;
    // The patient first appeared with their first order.
    diesel::update(
        patients::table
            .filter(patients::id.eq(&user_id))
            .filter(patients::created_at.gt(placed)),
    )
    .set(patients::created_at.eq(placed))
    .execute(conn)
    .map_err(failed)?;
    diesel::update(
        audit_events::table
            .filter(audit_events::entity_type.eq(EntityType::Patient.as_str()))
            .filter(audit_events::entity_id.eq(&user_id))
            .filter(audit_events::at.gt(placed)),
    )
    .set(audit_events::at.eq(placed))
    .execute(conn)
    .map_err(failed)?;
    Ok(())
}

/// A delivery queued for review arrived at `at`: its review item and its lab message.
pub fn queued_at(
    conn: &mut DbConnection,
    control_id: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(unmatched_results::table.filter(unmatched_results::control_id.eq(control_id)))
        .set(unmatched_results::created_at.eq(at))
        .execute(conn)
        .map_err(failed)?;
    diesel::update(inbound_messages::table.filter(inbound_messages::control_id.eq(control_id)))
        .set(inbound_messages::received_at.eq(at))
        .execute(conn)
        .map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn orders_are_placed_in_the_past_at_their_time_of_day() {
        let now = at("2026-03-10 09:00");
        let table = [
            (3, 8 * 60 + 15, "2026-03-07 08:15"),
            (0, 8 * 60, "2026-03-10 08:00"),
            (0, 8 * 60 + 50, "2026-03-09 08:50"),
            (0, 17 * 60, "2026-03-09 17:00"),
            (-2, 60, "2026-03-10 01:00"),
        ];
        for (days_ago, minute, expected) in table {
            assert_eq!(
                placed_at(now, days_ago, minute),
                at(expected),
                "{days_ago} {minute}"
            );
        }
    }

    #[test]
    fn an_order_finishes_after_it_was_placed_and_before_now() {
        let now = at("2026-03-10 09:00");
        let placed = at("2026-03-09 10:00");
        assert_eq!(finished(placed, now, 2), at("2026-03-09 12:00"));
        assert_eq!(finished(placed, now, 48), at("2026-03-10 08:55"));
        assert_eq!(
            finished(at("2026-03-10 08:58"), now, 1),
            at("2026-03-10 08:58")
        );
    }
}
