//! The delivery worker: a thread of its own (never a request's), that claims due deliveries,
//! sends each signed as Svix signs, and records the attempt. A failure is tried again with
//! exponential backoff and jitter for longer than a day; an endpoint that keeps failing shows as
//! failing on the dashboard. Several instances share the work without sending an attempt twice
//! (`db::webhooks::claim_due`).
use std::io::Read;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::db::webhooks::{self as db, AttemptRow, Claimed, Outcome};
use crate::db::DbPool;
use crate::domain::ids::WebhookAttemptId;
use crate::domain::webhooks::{is_public, next_try, sign, snippet, DeliveryState};
use crate::error::AppError;
use crate::service::worker::Worker;

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long it waits when nothing is due.
    pub poll: Duration,
    /// The wait after the first failure (doubling after each).
    pub first_retry: Duration,
    /// How long one request to an endpoint may take, connection included.
    pub timeout: Duration,
    /// A sandbox sends to local and private addresses (receivers on a developer's machine).
    pub sandbox: bool,
}

impl WorkerSettings {
    pub fn new(sandbox: bool) -> WorkerSettings {
        WorkerSettings {
            poll: Duration::from_millis(500),
            first_retry: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            sandbox,
        }
    }
}

/// Deliveries claimed at a time, and how long a claim holds (longer than sending them takes).
const BATCH: i64 = 20;

impl WorkerSettings {
    /// How long a claim on `batch` items holds: longer than sending them all can take.
    pub fn lease(&self, batch: i64) -> chrono::Duration {
        chrono::Duration::seconds((self.timeout.as_secs() as i64 * (batch + 1)).max(60))
    }
}

/// Starts the worker on a thread of its own.
pub fn spawn(pool: DbPool, settings: WorkerSettings) -> Result<Worker, AppError> {
    let agent = agent(&settings);
    let poll = settings.poll;
    crate::service::worker::spawn("webhook-delivery", poll, move || {
        deliver_due(&pool, &settings, &agent)
    })
}

/// Claims and sends what is due; how many deliveries it handled.
pub fn deliver_due(
    pool: &DbPool,
    settings: &WorkerSettings,
    agent: &ureq::Agent,
) -> Result<usize, AppError> {
    let mut conn = pool.get()?;
    let now = crate::db::now();
    let claimed = db::claim_due(&mut conn, now, now + settings.lease(BATCH), BATCH)?;
    let count = claimed.len();
    for c in claimed {
        let (attempt, outcome) = attempt(settings, agent, &c);
        db::record_attempt(&mut conn, &attempt, &outcome)?;
    }
    Ok(count)
}

/// The HTTP client: short timeouts, no redirects (a redirect could lead anywhere), and in
/// production a resolver that refuses names pointing at local or private addresses.
pub fn agent(settings: &WorkerSettings) -> ureq::Agent {
    let sandbox = settings.sandbox;
    ureq::AgentBuilder::new()
        .timeout_connect(settings.timeout.min(Duration::from_secs(5)))
        .timeout(settings.timeout)
        .redirects(0)
        .user_agent("labdesk-webhooks/1")
        .resolver(move |addr: &str| -> std::io::Result<Vec<SocketAddr>> {
            let found: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
            if sandbox {
                return Ok(found);
            }
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "the address resolves only to local or private addresses",
                ));
            }
            Ok(public)
        })
        .build()
}

/// What an attempt got back.
struct Answer {
    status: Option<u16>,
    error: Option<String>,
    body: String,
}

fn send(agent: &ureq::Agent, c: &Claimed, at: NaiveDateTime) -> Answer {
    let timestamp = at.and_utc().timestamp();
    let body = c.event.payload.as_bytes();
    let Some(signature) = sign(&c.endpoint.secret, c.event.id.as_str(), timestamp, body) else {
        return Answer {
            status: None,
            error: Some("The endpoint's signing secret is unreadable; rotate it.".into()),
            body: String::new(),
        };
    };
    let sent = agent
        .post(&c.endpoint.url)
        .set("Content-Type", "application/json")
        .set("svix-id", c.event.id.as_str())
        .set("svix-timestamp", &timestamp.to_string())
        .set("svix-signature", &signature)
        .send_bytes(body);
    let read = |r: ureq::Response| {
        let status = r.status();
        let mut text = String::new();
        // The start of the answer is enough to show; a receiver cannot make us read more.
        let _ = r.into_reader().take(4096).read_to_string(&mut text);
        (status, text)
    };
    match sent {
        Ok(r) => {
            let (status, body) = read(r);
            Answer {
                status: Some(status),
                error: None,
                body,
            }
        }
        Err(ureq::Error::Status(_, r)) => {
            let (status, body) = read(r);
            Answer {
                status: Some(status),
                error: Some(format!("The endpoint answered {status}.")),
                body,
            }
        }
        Err(ureq::Error::Transport(t)) => Answer {
            status: None,
            error: Some(t.to_string()),
            body: String::new(),
        },
    }
}

/// Tries one delivery: the attempt to record and where the delivery goes next.
fn attempt(settings: &WorkerSettings, agent: &ureq::Agent, c: &Claimed) -> (AttemptRow, Outcome) {
    let at = crate::db::now();
    let started = Instant::now();
    let answer = if c.endpoint.enabled && c.endpoint.deleted_at.is_none() {
        send(agent, c, at)
    } else {
        Answer {
            status: None,
            error: Some("The endpoint is disabled; replay the delivery once it is enabled.".into()),
            body: String::new(),
        }
    };
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let delivered = answer.status.is_some_and(|s| (200..300).contains(&s));
    let failures = (c.delivery.attempts + 1) as u32;
    let sendable = c.endpoint.enabled && c.endpoint.deleted_at.is_none();
    let again = sendable
        .then(|| {
            let jitter = rand::random::<f64>();
            next_try(
                c.event.created_at,
                at,
                failures,
                settings.first_retry,
                jitter,
            )
        })
        .flatten();
    let outcome = match (delivered, again) {
        (true, _) => Outcome {
            state: DeliveryState::Delivered,
            next_attempt_at: at,
        },
        (false, Some(next)) => Outcome {
            state: DeliveryState::Pending,
            next_attempt_at: next,
        },
        (false, None) => Outcome {
            state: DeliveryState::Failed,
            next_attempt_at: at,
        },
    };
    let attempt = AttemptRow {
        id: WebhookAttemptId::new(),
        delivery_id: c.delivery.id.clone(),
        endpoint_id: c.endpoint.id.clone(),
        attempted_at: at,
        status_code: answer.status.map(i32::from),
        latency_ms,
        error: answer.error,
        response_snippet: snippet(&answer.body),
    };
    (attempt, outcome)
}
