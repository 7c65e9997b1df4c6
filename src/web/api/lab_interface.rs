//! `POST /lab-interface/v1/results`: labs deliver results as HL7 v2 ORU^R01 (or the same content
//! as JSON) with a lab interface key; the answer is an HL7 ACK (or JSON) saying what happened.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

use super::keys::LabKey;
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::hl7::ack::{self, AckCode, AckTo};
use crate::hl7::refusal::Refusal;
use crate::hl7::{message, oru};
use crate::service::result_json::read_json;
use crate::service::results::{self, Delivery, Outcome};
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

pub async fn deliver(
    state: web::Data<AppState>,
    key: LabKey,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let json_form = wants_json(&req);
    let limit = state.settings.max_body_bytes;
    let reject = |text: String, control_id: String, sender: (String, String, String)| Answer {
        json: json_form,
        code: AckCode::Reject,
        outcome: "rejected",
        text,
        control_id,
        sender,
        extra: json!({}),
    };
    let no_sender = || (String::new(), String::new(), String::new());
    let lab = key.lab;
    // The lab is told the whole reason; the audit row gets only its field and kind.
    let refuse = |state: web::Data<AppState>,
                  actor: crate::domain::actor::Actor,
                  lab: LabSlug,
                  refusal: Refusal| async move {
        let text = refusal.message().to_string();
        run_db(&state, move |conn| {
            results::record_rejection(conn, &actor, lab, &refusal)
        })
        .await
        .map(|()| text)
    };
    let Some(body) = read_limited(payload, limit).await? else {
        let refusal = Refusal::new(
            "message",
            "too large",
            format!("the message is larger than the {limit}-byte limit"),
        );
        let text = refuse(state.clone(), key.actor.clone(), lab, refusal).await?;
        return Ok(reject(text, String::new(), no_sender()).respond());
    };
    let parsed = if json_form {
        read_json(&body).map(|m| (m, String::from_utf8_lossy(&body).to_string()))
    } else {
        match std::str::from_utf8(&body) {
            Err(_) => Err(Refusal::from(message::Hl7Error::NotUtf8)),
            Ok(text) => {
                let messages = message::split_messages(text);
                match messages.as_slice() {
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
        }
    };
    let (msg, raw) = match parsed {
        Ok(p) => p,
        Err(refusal) => {
            let text = refuse(state.clone(), key.actor.clone(), lab, refusal).await?;
            return Ok(reject(text, String::new(), no_sender()).respond());
        }
    };
    let sender = (
        msg.sending_application.clone(),
        msg.sending_facility.clone(),
        msg.version.clone(),
    );
    let control_id = msg.control_id.clone();
    let actor = key.actor.clone();
    let format = if json_form { "json" } else { "hl7" };
    let outcome = run_db(&state, move |conn| {
        results::ingest(
            conn,
            &actor,
            &Delivery {
                lab,
                format,
                raw: &raw,
                message: &msg,
            },
        )
    })
    .await;
    let answer = match outcome {
        Ok(Outcome::Attached {
            order_id, version, ..
        }) => Answer {
            json: json_form,
            code: AckCode::Accept,
            outcome: "attached",
            text: format!("attached to order {order_id} as result version {version}"),
            control_id,
            sender,
            extra: json!({"order_id": order_id, "version": version}),
        },
        Ok(Outcome::Queued { unmatched_id, code }) => Answer {
            json: json_form,
            code: AckCode::Accept,
            outcome: "queued_for_review",
            text: format!("queued for review: {}", code.as_str()),
            control_id,
            sender,
            extra: json!({"unmatched_result_id": unmatched_id, "decision_code": code.as_str()}),
        },
        Ok(Outcome::Duplicate { previous }) => Answer {
            json: json_form,
            code: AckCode::Accept,
            outcome: "duplicate",
            text: format!(
                "this message control id was already received ({previous}); nothing changed"
            ),
            control_id,
            sender,
            extra: json!({}),
        },
        Err(e) => {
            tracing::error!(error = %e, "ingesting a lab delivery failed");
            Answer {
                json: json_form,
                code: AckCode::Error,
                outcome: "error",
                text: "the result could not be stored; send it again".into(),
                control_id,
                sender,
                extra: json!({}),
            }
        }
    };
    Ok(answer.respond())
}
