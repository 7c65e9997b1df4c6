//! Webhooks as Junction's clients receive them: the event types, who gets which, the signature
//! Svix puts on each delivery (so the standard Svix libraries verify ours), which addresses an
//! endpoint may have, and when a failed delivery is tried again.
use std::net::IpAddr;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::string_enum::string_enum;

string_enum!(
    /// The events labdesk sends, in Junction's names.
    WebhookEventType {
        OrderCreated => "labtest.order.created",
        OrderUpdated => "labtest.order.updated",
        ResultCritical => "labtest.result.critical",
        MatchReviewCreated => "labtest.match_review.created",
        MatchReviewUpdated => "labtest.match_review.updated",
        /// "Send test event" on the dashboard: every endpoint gets it, whatever it subscribed to.
        Test => "labdesk.test",
    }
);

impl WebhookEventType {
    /// The types an endpoint can subscribe to (the test event is not one).
    pub const SUBSCRIBABLE: [WebhookEventType; 5] = [
        WebhookEventType::OrderCreated,
        WebhookEventType::OrderUpdated,
        WebhookEventType::ResultCritical,
        WebhookEventType::MatchReviewCreated,
        WebhookEventType::MatchReviewUpdated,
    ];

    /// What the event tells, for the dashboard.
    pub fn description(self) -> &'static str {
        match self {
            WebhookEventType::OrderCreated => "An order was placed",
            WebhookEventType::OrderUpdated => {
                "An order's status changed (results ready: partial_results, completed)"
            }
            WebhookEventType::ResultCritical => "A result has a critical value",
            WebhookEventType::MatchReviewCreated => "A lab result did not fit an order",
            WebhookEventType::MatchReviewUpdated => "A result that did not fit was resolved",
            WebhookEventType::Test => "A test event sent from the dashboard",
        }
    }
}

string_enum!(
    /// Where one event's delivery to one endpoint stands.
    DeliveryState {
        /// Not delivered yet: waiting for its first or next attempt.
        Pending => "pending",
        /// The endpoint answered 2xx.
        Delivered => "delivered",
        /// Every attempt failed for longer than `KEEP_TRYING`; "replay" sends it again.
        Failed => "failed",
    }
);

/// Whether an endpoint subscribed to `types` gets an event of type `event`.
pub fn subscribed(types: &[WebhookEventType], event: WebhookEventType) -> bool {
    event == WebhookEventType::Test || types.contains(&event)
}

/// The event types of an endpoint as chosen: at least one, each once, in our order.
pub fn event_types(chosen: &[&str]) -> Result<Vec<WebhookEventType>, String> {
    let mut types = Vec::new();
    for text in chosen {
        let t: WebhookEventType = text
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an event type labdesk sends."))?;
        if t == WebhookEventType::Test {
            return Err(
                "The test event is sent to every endpoint; it is not subscribed to.".into(),
            );
        }
        types.push(t);
    }
    let types: Vec<WebhookEventType> = WebhookEventType::SUBSCRIBABLE
        .into_iter()
        .filter(|t| types.contains(t))
        .collect();
    if types.is_empty() {
        return Err("Choose at least one event type.".into());
    }
    Ok(types)
}

/// The prefix of a signing secret, as Svix writes them.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: 24 random bytes, base64, after `whsec_`.
pub fn new_secret() -> String {
    let bytes: [u8; 24] = rand::random();
    format!("{SECRET_PREFIX}{}", BASE64.encode(bytes))
}

/// The `svix-signature` value of a delivery: `v1,` and the base64 HMAC-SHA256, keyed with the
/// secret's decoded bytes, of `{id}.{timestamp}.{body}`. None for a secret that is not base64.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = BASE64
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// Why an endpoint URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("Enter the address, e.g. https://example.com/webhooks/labdesk.")]
    Missing,
    #[error("This is not a web address labdesk can send to.")]
    Unreadable,
    #[error("Addresses are at most 2,000 characters.")]
    TooLong,
    #[error("Use an https:// address.")]
    NotHttps,
    #[error("Use an http:// or https:// address.")]
    NotHttp,
    #[error("The address may not carry a user name or password.")]
    Credentials,
    #[error("This address is on a private or local network, which production does not send to.")]
    Private,
}

/// Whether an address is one production may send to: not loopback, private, link-local,
/// shared (carrier NAT), unspecified, multicast or reserved, nor an IPv6 form of one.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Reads an endpoint URL as typed. Production sends to https only and never to a local or
/// private address written in the URL (a name that resolves to one is refused when sending);
/// a sandbox also takes http and local addresses, for receivers on the developer's machine.
pub fn check_url(text: &str, sandbox: bool) -> Result<String, UrlProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UrlProblem::Missing);
    }
    if text.len() > 2000 {
        return Err(UrlProblem::TooLong);
    }
    let url = url::Url::parse(text).map_err(|_| UrlProblem::Unreadable)?;
    match (url.scheme(), sandbox) {
        ("https", _) | ("http", true) => {}
        ("http", false) => return Err(UrlProblem::NotHttps),
        _ if sandbox => return Err(UrlProblem::NotHttp),
        _ => return Err(UrlProblem::NotHttps),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    let host = match url.host() {
        Some(h) => h,
        None => return Err(UrlProblem::Unreadable),
    };
    if !sandbox {
        let local_name = |name: &str| {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local")
        };
        let private = match host {
            url::Host::Domain(name) => local_name(name),
            url::Host::Ipv4(ip) => !is_public(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => !is_public(IpAddr::V6(ip)),
        };
        if private {
            return Err(UrlProblem::Private);
        }
    }
    Ok(url.to_string())
}

/// How long after the event labdesk keeps trying: past a day, as Junction promises its
/// clients, with room for the last, hour-long waits.
pub const KEEP_TRYING: Duration = Duration::from_secs(26 * 3600);

/// Failed attempts in a row after which an endpoint is shown as failing.
pub const FAILING_AFTER: i32 = 5;

/// The wait before the next attempt after `failures` failed ones: doubling from `first` up to an
/// hour, spread by `jitter` (0..1 -> -20%..+20%) so endpoints that failed together are not all
/// tried again at the same moment.
pub fn retry_delay(failures: u32, first: Duration, jitter: f64) -> Duration {
    let doubled = first.saturating_mul(1u32 << failures.saturating_sub(1).min(20));
    let capped = doubled.min(Duration::from_secs(3600));
    capped.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
}

/// When to try again after a failed attempt, or None to give up: `failures` attempts have
/// failed for something first queued at `queued`; `jitter` in 0..1 spreads the wait. Webhook
/// deliveries and messages to labs follow the same schedule.
pub fn next_try(
    queued: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
    failures: u32,
    first: Duration,
    jitter: f64,
) -> Option<chrono::NaiveDateTime> {
    let keep = chrono::Duration::from_std(KEEP_TRYING).ok()?;
    if now - queued > keep {
        return None;
    }
    let wait = chrono::Duration::from_std(retry_delay(failures, first, jitter)).ok()?;
    Some(now + wait)
}

/// The start of a receiver's answer, kept with the attempt for the dashboard.
pub fn snippet(body: &str) -> String {
    const MAX: usize = 500;
    match body.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &body[..at]),
        None => body.to_string(),
    }
}

#[cfg(test)]
#[path = "webhooks_tests.rs"]
mod tests;
