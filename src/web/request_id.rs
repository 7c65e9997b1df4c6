//! A request id for every request: in the logs, in audit rows, and in the `x-request-id` header;
//! and how many database statements the request ran, in the log line.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tracing::Instrument;

tokio::task_local! {
    /// The statements the request being served has run so far.
    static STATEMENTS: Arc<AtomicU64>;
}

/// The statement counter of the request this task serves (None outside a request).
pub fn statement_counter() -> Option<Arc<AtomicU64>> {
    STATEMENTS.try_with(Arc::clone).ok()
}

#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub fn of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

/// Logs method, route pattern (never the concrete path, which may hold ids), status and time.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let started = std::time::Instant::now();
    let span = tracing::info_span!("request", request_id = %id);
    let sandbox = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .is_some_and(|s| s.settings.is_sandbox());
    let statements = Arc::new(AtomicU64::new(0));
    let mut res = STATEMENTS
        .scope(statements.clone(), next.call(req).instrument(span.clone()))
        .await?;
    let statements = statements.load(Ordering::Relaxed);
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".into());
    let _enter = span.enter();
    tracing::info!(
        %method,
        %route,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        statements,
        "handled"
    );
    // A sandbox says how many database statements each request ran, so a client (and our tests)
    // can see that a list costs the same however many rows it shows. Production keeps it in the log.
    if sandbox {
        res.headers_mut().insert(
            HeaderName::from_static("x-db-statements"),
            HeaderValue::from(statements),
        );
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    Ok(res)
}
