//! A small lab for tests and the demo (`labdesk lab-simulator`): it takes ORM^O01 orders over
//! MLLP like a lab's interface, answers each with an ACK (`AR` for an account it was told to
//! refuse), and for each new order sends back a final ORU^R01 over MLLP to labdesk's listener,
//! with the lab interface key in MSH-8, on the account the order came on. So the whole loop runs
//! locally: order placed -> ORM to the lab -> ORU back -> attached to the order.
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::AppError;
use crate::hl7::ack::{self, AckCode, AckTo};
use crate::hl7::build::{self, typical, Value};
use crate::hl7::message::{self, Delimiters, Message};
use crate::hl7::mllp::{self, frame, Frame, Frames};
use crate::hl7::time::parse_date;

#[derive(Debug, Clone)]
pub struct SimulatorSettings {
    /// Where labdesk listens for results over MLLP (`host:port`).
    pub results_to: String,
    /// The lab interface key sent in MSH-8.
    pub key: String,
    /// Account numbers the lab does not take orders for (answered `AR`).
    pub refuse_accounts: Vec<String>,
}

/// What the simulated lab has seen, for tests and the demo's log.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Every message received, as text.
    pub orders: Vec<String>,
    /// The ACK labdesk gave each result sent back, as text.
    pub result_acks: Vec<String>,
}

/// Starts the lab on `listener`; what it sees goes into the returned log.
pub fn spawn(
    listener: TcpListener,
    settings: SimulatorSettings,
) -> Result<Arc<Mutex<Seen>>, AppError> {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    std::thread::Builder::new()
        .name("lab-simulator".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let (settings, log) = (settings.clone(), log.clone());
                let _ = std::thread::Builder::new()
                    .name("lab-simulator-connection".into())
                    .spawn(move || take_orders(stream, &settings, &log));
            }
        })
        .map_err(|e| AppError::Internal(format!("starting the lab simulator: {e}")))?;
    Ok(seen)
}

fn take_orders(mut stream: TcpStream, settings: &SimulatorSettings, log: &Mutex<Seen>) {
    let mut frames = Frames::new(1 << 20);
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            return;
        }
        for f in frames.push(&buf[..n]) {
            let Frame::Message(bytes) = f else { continue };
            let text = String::from_utf8_lossy(&bytes).to_string();
            if let Ok(mut seen) = log.lock() {
                seen.orders.push(text.clone());
            }
            let Ok(order) = message::parse(&text) else {
                continue;
            };
            let (code, why, result) = decide(&order, settings);
            if stream
                .write_all(&frame(&acknowledge(&order, code, why)))
                .is_err()
            {
                return;
            }
            if let Some(oru) = result {
                let answer = send_result(settings, &oru);
                if let Ok(mut seen) = log.lock() {
                    seen.result_acks.push(answer);
                }
            }
        }
    }
}

fn field(m: &Message, segment: &str, n: usize, c: usize) -> String {
    let d = Delimiters::standard();
    m.first(segment)
        .map(|s| s.component(&d, n, c))
        .unwrap_or_default()
}

fn acknowledge(order: &Message, code: AckCode, why: &str) -> String {
    let to = AckTo {
        control_id: &field(order, "MSH", 10, 1),
        sending_application: &field(order, "MSH", 3, 1),
        sending_facility: &field(order, "MSH", 4, 1),
        version: "2.5.1",
    };
    ack::build(&to, code, why, crate::db::now(), "SIM-ACK")
}

/// The answer to an order, and the result to send for a new one.
fn decide(
    order: &Message,
    settings: &SimulatorSettings,
) -> (AckCode, &'static str, Option<String>) {
    let account = field(order, "MSH", 4, 1);
    if settings.refuse_accounts.contains(&account) {
        return (
            AckCode::Reject,
            "This account is not set up for ordering",
            None,
        );
    }
    match field(order, "ORC", 1, 1).as_str() {
        "NW" => (
            AckCode::Accept,
            "Order received",
            Some(result_for(order, settings)),
        ),
        "CA" => (AckCode::Accept, "Order cancelled", None),
        _ => (AckCode::Reject, "Only NW and CA orders are taken", None),
    }
}

/// A final ORU^R01 for the order: one value per test ordered, on the account it came on.
fn result_for(order: &Message, settings: &SimulatorSettings) -> String {
    let d = Delimiters::standard();
    let now = crate::db::now();
    let tests: Vec<(String, String)> = order
        .segments
        .iter()
        .filter(|s| s.id == "OBR")
        .map(|s| (s.component(&d, 4, 1), s.component(&d, 4, 2)))
        .collect();
    let values: Vec<Value> = tests
        .iter()
        .map(|(code, name)| {
            let (value, unit, range) = typical(code);
            Value {
                code,
                name,
                value_type: "",
                value: format!("{value:.1}"),
                unit,
                range,
                flag: "",
                missing: false,
            }
        })
        .collect();
    let placer = field(order, "ORC", 2, 1);
    let control = format!("SIM{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let accession = format!("SIM-{}", placer.chars().take(8).collect::<String>());
    let text = build::write(&build::Oru {
        control_id: &control,
        sending_facility: &field(order, "MSH", 5, 1),
        account_number: &field(order, "MSH", 4, 1),
        placer_order_number: &placer,
        accession: &accession,
        last_name: &field(order, "PID", 5, 1),
        first_name: &field(order, "PID", 5, 2),
        dob: parse_date(&field(order, "PID", 7, 1)).unwrap_or_default(),
        sex: &field(order, "PID", 8, 1),
        status: "F",
        collected_at: now - chrono::Duration::hours(2),
        reported_at: now,
        values,
    });
    with_security(&text, &settings.key)
}

/// The message with `key` in MSH-8.
fn with_security(text: &str, key: &str) -> String {
    let (msh, rest) = text.split_once('\r').unwrap_or((text, ""));
    let mut fields: Vec<&str> = msh.split('|').collect();
    // fields[0] is "MSH" and fields[1] MSH-2, so MSH-n is fields[n - 1].
    while fields.len() < 8 {
        fields.push("");
    }
    fields[7] = key;
    format!("{}\r{rest}", fields.join("|"))
}

fn send_result(settings: &SimulatorSettings, oru: &str) -> String {
    match mllp::exchange(&settings.results_to, oru, Duration::from_secs(10), 1 << 20) {
        Ok(reply) => String::from_utf8_lossy(&reply).to_string(),
        Err(e) => format!("not delivered: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_goes_in_msh_8_and_nothing_else_moves() {
        let text = "MSH|^~\\&|A|B|C|D|20261202||ORU^R01^ORU_R01|X1|P|2.5.1\rPID|1\r";
        let keyed = with_security(text, "ldk_lab_secret");
        let m = message::parse(&keyed).unwrap();
        let d = &m.delimiters;
        let msh = m.first("MSH").unwrap();
        assert_eq!(msh.component(d, 8, 1), "ldk_lab_secret");
        assert_eq!(msh.component(d, 9, 1), "ORU");
        assert_eq!(msh.component(d, 10, 1), "X1");
        assert!(keyed.ends_with("\rPID|1\r"));
    }
}
