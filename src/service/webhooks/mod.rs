//! Webhooks: events written to an outbox in the transaction of the change they tell of
//! (`outbox`), the endpoints a Team's admins manage (`endpoints`), and the worker that delivers
//! them, signed as Svix signs, with retries (`delivery`).
pub mod delivery;
pub mod endpoints;
pub mod outbox;
