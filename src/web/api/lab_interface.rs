//! `POST /lab-interface/v1/results`: labs deliver results as HL7 v2 ORU^R01 (or the same content
//! as JSON) with a lab interface key; the answer is an HL7 ACK (or JSON) saying what happened.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

use super::keys::LabKey;
use crate::error::AppError;
use crate::hl7::ack::{self, AckCode, AckTo};
use crate::hl7::oru::OruMessage;
use crate::hl7::refusal::Refusal;
use crate::hl7::{message, oru};
use crate::service::result_json::read_json;
use crate::service::results::{self, Delivery, Outcome, Receipt, ReceiveError, Received};
use crate::web::{run_db, AppState};

/// Reads the body up to the configured limit; None when it is larger.
async fn read_limited(
    mut payload: web::Payload,
    limit: usize,
) -> Result<Option<Vec<u8>>, AppError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::Internal(format!("reading the request body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

struct Answer {
    json: bool,
    code: AckCode,
    outcome: &'static str,
    text: String,
    control_id: String,
    sender: (String, String, String),
    extra: serde_json::Value,
}

impl Answer {
    fn respond(self) -> HttpResponse {
        let status = match self.code {
            AckCode::Accept => StatusCode::OK,
            AckCode::Reject => StatusCode::BAD_REQUEST,
            AckCode::Error => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if self.json {
            let mut body = json!({"outcome": self.outcome, "ack": self.code.as_str(), "message_control_id": self.control_id, "detail": self.text});
            if let (Some(obj), Some(extra)) = (body.as_object_mut(), self.extra.as_object()) {
                obj.extend(extra.clone());
            }
            return HttpResponse::build(status).json(body);
        }
        let to = AckTo {
            control_id: &self.control_id,
            sending_application: &self.sender.0,
            sending_facility: &self.sender.1,
            version: &self.sender.2,
        };
        let body = ack::build(
            &to,
            self.code,
            &format!("{}: {}", self.outcome, self.text),
            crate::db::now(),
            &uuid::Uuid::new_v4().simple().to_string(),
        );
        HttpResponse::build(status)
            .content_type("application/hl7-v2; charset=utf-8")
            .body(body)
    }
}

fn wants_json(req: &HttpRequest) -> bool {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    header("content-type").starts_with("application/json")
        || header("accept").starts_with("application/json")
}

/// The body as a message and the text kept for reviewers, or why it is not one.
fn parse(
    body: Option<&[u8]>,
    limit: usize,
    json_form: bool,
) -> Result<(OruMessage, String), Refusal> {
    let Some(body) = body else {
        return Err(Refusal::new(
            "message",
            "too large",
            format!("the message is larger than the {limit}-byte limit"),
        ));
    };
    if json_form {
        return read_json(body).map(|m| (m, String::from_utf8_lossy(body).to_string()));
    }
    let text = std::str::from_utf8(body).map_err(|_| Refusal::from(message::Hl7Error::NotUtf8))?;
    match message::split_messages(text).as_slice() {
        [] => Err(Refusal::from(message::Hl7Error::Empty)),
        [one] => oru::read(one).map(|m| (m, one.clone())),
        many => Err(Refusal::new(
            "message",
            "more than one message",
            format!(
                "the body holds {} messages; send one ORU^R01 message per request",
                many.len()
            ),
        )),
    }
}

pub async fn deliver(
    state: web::Data<AppState>,
    key: LabKey,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let json_form = wants_json(&req);
    let limit = state.settings.max_body_bytes;
    let body = read_limited(payload, limit).await?;
    let parsed = parse(body.as_deref(), limit, json_form);
    // The ACK answers the message's sender; a refused body has none to name.
    let (control_id, sender) = match &parsed {
        Ok((m, _)) => (
            m.control_id.clone(),
            (
                m.sending_application.clone(),
                m.sending_facility.clone(),
                m.version.clone(),
            ),
        ),
        Err(_) => (String::new(), (String::new(), String::new(), String::new())),
    };
    let readable = parsed.is_ok();
    let (lab, actor) = (key.lab, key.actor.clone());
    let format = if json_form { "json" } else { "hl7" };
    let received = run_db(&state, move |conn| {
        let received = match &parsed {
            Ok((message, raw)) => Received::Readable(Delivery {
                lab,
                format,
                raw,
                message,
            }),
            Err(refusal) => Received::Unreadable {
                lab,
                refusal: refusal.clone(),
            },
        };
        Ok(results::receive(conn, &actor, received))
    })
    .await
    // No connection: for a delivery that was read, that is "not stored, send it again".
    .unwrap_or_else(|e| {
        Err(if readable {
            ReceiveError::NotStored(e)
        } else {
            ReceiveError::RefusalNotRecorded(e)
        })
    });
    let (code, outcome, text, extra) = answer_words(received)?;
    let answer = Answer {
        json: json_form,
        code,
        outcome,
        text,
        control_id,
        sender,
        extra,
    };
    Ok(answer.respond())
}

/// What a delivery came to, as an ACK says it: its code, the outcome word, the text and (for
/// the JSON answer) the ids. Shared by the HTTP lab interface and the MLLP listener.
pub fn answer_words(
    received: Result<Receipt, ReceiveError>,
) -> Result<(AckCode, &'static str, String, serde_json::Value), AppError> {
    Ok(match received {
        Ok(Receipt::Taken(Outcome::Attached {
            order_id, version, ..
        })) => (
            AckCode::Accept,
            "attached",
            format!("attached to order {order_id} as result version {version}"),
            json!({"order_id": order_id, "version": version}),
        ),
        Ok(Receipt::Taken(Outcome::Queued { unmatched_id, code })) => (
            AckCode::Accept,
            "queued_for_review",
            format!("queued for review: {}", code.as_str()),
            json!({"unmatched_result_id": unmatched_id, "decision_code": code.as_str()}),
        ),
        Ok(Receipt::Taken(Outcome::Duplicate { previous })) => (
            AckCode::Accept,
            "duplicate",
            format!("this message control id was already received ({previous}); nothing changed"),
            json!({}),
        ),
        Ok(Receipt::Refused(text)) => (AckCode::Reject, "rejected", text, json!({})),
        Err(ReceiveError::NotStored(e)) => {
            tracing::error!(error = %e, "ingesting a lab delivery failed");
            (
                AckCode::Error,
                "error",
                "the result could not be stored; send it again".into(),
                json!({}),
            )
        }
        Err(e @ ReceiveError::RefusalNotRecorded(_)) => return Err(e.into()),
    })
}
