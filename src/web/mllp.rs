//! Results over MLLP (`labdesk serve --mllp ADDR`): labs keep a TCP connection open and send
//! ORU^R01 messages framed by MLLP; each goes through the same ingestion as `POST
//! /lab-interface/v1/results` and is answered with its ACK on the same connection.
//!
//! Who may send: a connection from an address outside `--mllp-allow` (when given) is closed at
//! once; every message must carry a lab interface key in MSH-8 (the security field), which names
//! the lab exactly as the HTTP header does. A message without a valid key is answered `AR` and
//! stored nowhere. A message over the size bound, or unreadable, is answered alone; the
//! connection stays open. An idle connection is closed after `idle`.
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::db::{api_keys, DbPool};
use crate::domain::actor::Actor;
use crate::domain::api_key::{digest, KeyScope};
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::hl7::ack::{self, AckCode, AckTo};
use crate::hl7::mllp::{frame, Frame, Frames};
use crate::hl7::{message, oru};
use crate::service::results::{self, Delivery, Received};
use crate::web::api::lab_interface::answer_words;

#[derive(Debug, Clone)]
pub struct MllpSettings {
    /// Peers allowed to connect; empty allows any (the key in MSH-8 still decides).
    pub allow: Vec<IpAddr>,
    pub max_message_bytes: usize,
    pub idle: Duration,
    pub max_connections: usize,
}

/// Starts accepting on `listener`, each connection on a thread of its own.
pub fn spawn(pool: DbPool, settings: MllpSettings, listener: TcpListener) -> Result<(), AppError> {
    let open = Arc::new(AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("mllp-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let peer = stream.peer_addr().ok();
                if !allowed(&settings.allow, peer) {
                    tracing::warn!(peer = ?peer, "MLLP connection from an address not allowed");
                    continue;
                }
                if open.fetch_add(1, Ordering::SeqCst) >= settings.max_connections {
                    open.fetch_sub(1, Ordering::SeqCst);
                    tracing::warn!("MLLP connection refused: too many open");
                    continue;
                }
                let (pool, settings, open) = (pool.clone(), settings.clone(), open.clone());
                let spawned = std::thread::Builder::new()
                    .name("mllp-connection".into())
                    .spawn(move || {
                        serve_connection(&pool, &settings, stream);
                        open.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    tracing::warn!("MLLP connection dropped: no thread for it");
                }
            }
        })
        .map_err(|e| AppError::Internal(format!("starting the MLLP listener: {e}")))?;
    Ok(())
}

fn allowed(allow: &[IpAddr], peer: Option<SocketAddr>) -> bool {
    allow.is_empty() || peer.is_some_and(|p| allow.contains(&p.ip()))
}

fn serve_connection(pool: &DbPool, settings: &MllpSettings, mut stream: TcpStream) {
    if stream.set_read_timeout(Some(settings.idle)).is_err() {
        return;
    }
    let mut frames = Frames::new(settings.max_message_bytes);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        for f in frames.push(&buf[..n]) {
            let reply = match f {
                Frame::Message(bytes) => answer(pool, &bytes),
                Frame::TooLong => refusal(
                    None,
                    &format!(
                        "the message is larger than the {}-byte limit",
                        settings.max_message_bytes
                    ),
                ),
            };
            if stream.write_all(&frame(&reply)).is_err() {
                return;
            }
        }
    }
}

/// An `AR` for a message that gets no further (no key, too large, not text).
fn refusal(m: Option<&message::Message>, why: &str) -> String {
    let d = message::Delimiters::standard();
    let msh = m.and_then(|m| m.first("MSH"));
    let field = |n| msh.map(|s| s.component(&d, n, 1)).unwrap_or_default();
    let to = AckTo {
        control_id: &field(10),
        sending_application: &field(3),
        sending_facility: &field(4),
        version: &field(12),
    };
    let ack_id = uuid::Uuid::new_v4().simple().to_string();
    ack::build(&to, AckCode::Reject, why, crate::db::now(), &ack_id)
}

/// The lab the key in MSH-8 belongs to, and the actor that names it in the audit log.
fn lab_of(pool: &DbPool, presented: &str) -> Result<Option<(LabSlug, Actor)>, AppError> {
    let mut conn = pool.get()?;
    let key = api_keys::find_active(&mut conn, &digest(presented.trim()))?
        .filter(|k| k.scope == KeyScope::Lab);
    Ok(key.and_then(|k| {
        let actor = Actor::api_key(&k.id, &k.prefix, None);
        k.lab_slug.map(|lab| (lab, actor))
    }))
}

/// The ACK for one message.
fn answer(pool: &DbPool, bytes: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return refusal(None, "the message is not UTF-8 text");
    };
    let parsed = message::parse(text).ok();
    let d = message::Delimiters::standard();
    let presented = parsed
        .as_ref()
        .and_then(|m| m.first("MSH"))
        .map(|msh| msh.component(&d, 8, 1))
        .unwrap_or_default();
    if presented.trim().is_empty() {
        return refusal(
            parsed.as_ref(),
            "no lab interface key: send it in MSH-8 (the security field)",
        );
    }
    let (lab, actor) = match lab_of(pool, &presented) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return refusal(
                parsed.as_ref(),
                "the lab interface key in MSH-8 is invalid or revoked",
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "MLLP key lookup failed");
            return refusal(
                parsed.as_ref(),
                "the result could not be stored; send it again",
            );
        }
    };
    let read = oru::read(text);
    let (control_id, sender) = match &read {
        Ok(m) => (
            m.control_id.clone(),
            (
                m.sending_application.clone(),
                m.sending_facility.clone(),
                m.version.clone(),
            ),
        ),
        Err(_) => (String::new(), Default::default()),
    };
    let received = match pool.get() {
        Ok(mut conn) => {
            let received = match &read {
                Ok(m) => Received::Readable(Delivery {
                    lab,
                    format: "hl7",
                    raw: text,
                    message: m,
                }),
                Err(refusal) => Received::Unreadable {
                    lab,
                    refusal: refusal.clone(),
                },
            };
            results::receive(&mut conn, &actor, received)
        }
        Err(e) => Err(results::ReceiveError::NotStored(e.into())),
    };
    let (code, outcome, text, _) = match answer_words(received) {
        Ok(words) => words,
        Err(e) => {
            tracing::error!(error = %e, "an unreadable MLLP message could not be recorded");
            (
                AckCode::Error,
                "error",
                "the message could not be recorded; send it again".into(),
                serde_json::Value::Null,
            )
        }
    };
    let to = AckTo {
        control_id: &control_id,
        sending_application: &sender.0,
        sending_facility: &sender.1,
        version: &sender.2,
    };
    let ack_id = uuid::Uuid::new_v4().simple().to_string();
    ack::build(
        &to,
        code,
        &format!("{outcome}: {text}"),
        crate::db::now(),
        &ack_id,
    )
}
