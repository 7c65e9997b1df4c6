//! The whole loop with a lab over real TCP: an order placed on its account goes to the (simulated)
//! lab as ORM^O01 over MLLP with the account number in MSH-4 and ORC-21, the lab's ACK is kept,
//! the lab sends the ORU^R01 back over MLLP to labdesk's listener with its key in MSH-8, and the
//! result is attached to the order on that account. An order the lab refuses shows why; a
//! message without a valid key is answered AR and stores nothing.
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use labdesk::db::lab_messages as lab_db;
use labdesk::domain::lab::LabSlug;
use labdesk::domain::lab_link::{connection, LabMessageState};
use labdesk::hl7::ack::{self, AckCode};
use labdesk::hl7::mllp;
use labdesk::lab_simulator::{self, Seen, SimulatorSettings};
use labdesk::startup;

use crate::support::results::{jane_order, jane_order_of};
use crate::support::{each_backend, TestApp, CARDIOLOGY};

/// labdesk's MLLP listener and a simulated Quest that refuses Quest East's account (97500002):
/// the listener's address and what the lab sees.
fn connect_the_lab(app: &TestApp) -> (String, Arc<Mutex<Seen>>) {
    let settings = crate::support::app::settings_from_flags(&[], &app.database_url);
    let listening =
        startup::listen_mllp(&settings, app.pool.clone(), "127.0.0.1:0".parse().unwrap())
            .expect("MLLP listener");
    let lab = TcpListener::bind("127.0.0.1:0").unwrap();
    let lab_address = lab.local_addr().unwrap();
    let seen = lab_simulator::spawn(
        lab,
        SimulatorSettings {
            results_to: listening.to_string(),
            key: app.world.lab_key.clone(),
            refuse_accounts: vec!["97500002".into()],
        },
    )
    .unwrap();
    let c = connection("mllp", "127.0.0.1", &lab_address.port().to_string(), "").unwrap();
    lab_db::set_connection(&mut app.conn(), LabSlug::Quest, &c, "test").unwrap();
    app.serve_again(|s| {
        s.webhook_worker = true;
        s.webhook_first_retry = Duration::from_millis(200);
    });
    (listening.to_string(), seen)
}

fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < until, "waited 20 s for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_order_goes_to_the_lab_on_its_account_and_its_result_comes_back_over_mllp() {
    each_backend(|app| {
        let (listening, seen) = connect_the_lab(app);
        let order = jane_order(app);
        let result = eventually("the lab's result on the order", || {
            labdesk::db::results::versions(&mut app.conn(), &order)
                .unwrap()
                .into_iter()
                .next()
        });
        assert_eq!(result.status.as_str(), "final");
        assert_eq!(&result.lab_account_id, app.world.account("97500001"));
        let sent = lab_db::messages_of_order(&mut app.conn(), &order).unwrap();
        assert_eq!(sent[0].state, LabMessageState::Sent);
        assert_eq!(sent[0].ack_code.as_deref(), Some("AA"));
        assert_eq!(app.audit_rows("result.attached", &order).len(), 1);
        // The lab got the order on its account: MSH-4 and ORC-21's identifier.
        let orm = seen.lock().unwrap().orders[0].clone();
        let m = labdesk::hl7::message::parse(&orm).unwrap();
        let d = &m.delimiters;
        assert_eq!(m.first("MSH").unwrap().component(d, 4, 1), "97500001");
        let orc = m.first("ORC").unwrap();
        assert_eq!(orc.component(d, 21, 10), "97500001");
        assert_eq!(orc.component(d, 2, 1), order.as_str());
        assert!(seen.lock().unwrap().result_acks[0].contains("MSA|AA|"));
        let page = crate::support::results::order_page(app, crate::support::OPS, &order);
        assert!(
            page.text().contains("Taken by the lab") && page.text().contains("AA: Order received")
        );

        // A message without the lab's key in MSH-8 is refused and stores nothing.
        let unkeyed =
            "MSH|^~\\&|LAB|Q|LABDESK|97500001|20261202||ORU^R01^ORU_R01|NOKEY-1|P|2.5.1\rPID|1\r";
        let reply = mllp::exchange(&listening, unkeyed, Duration::from_secs(5), 1 << 20).unwrap();
        let reply = ack::read(&String::from_utf8_lossy(&reply)).unwrap();
        assert_eq!(reply.code, AckCode::Reject);
        assert!(reply.text.contains("MSH-8"), "{}", reply.text);
        assert_eq!(reply.control_id, "NOKEY-1");
    });
}

#[test]
fn an_order_the_lab_refuses_keeps_the_labs_reason() {
    each_backend(|app| {
        connect_the_lab(app);
        let (_, order) = jane_order_of(app, CARDIOLOGY, "NY");
        let refused = eventually("the lab's refusal", || {
            lab_db::messages_of_order(&mut app.conn(), &order)
                .unwrap()
                .into_iter()
                .find(|m| m.state == LabMessageState::Refused)
        });
        assert_eq!(refused.ack_code.as_deref(), Some("AR"));
        assert_eq!(
            refused.ack_text.as_deref(),
            Some("This account is not set up for ordering")
        );
        assert!(labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .is_empty());
        // The order page says so, with the lab's reason and the message sent.
        let page = crate::support::results::order_page(app, crate::support::OPS, &order);
        let text = page.text();
        assert!(text.contains("Sent to the lab"), "{text}");
        assert!(text.contains("Refused by the lab"));
        assert!(text.contains("AR: This account is not set up for ordering"));
        assert!(text.contains("ORC|NW|"), "the message itself is shown");
    });
}

/// One connection, several frames: the answers come back in order on it.
fn answers_on_one_connection(address: &str, frames: &[Vec<u8>]) -> Vec<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    for f in frames {
        s.write_all(f).unwrap();
    }
    let mut got = Vec::new();
    let mut reader = mllp::Frames::new(1 << 20);
    let mut buf = [0u8; 4096];
    while got.len() < frames.len() {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed after {got:?}");
        for f in reader.push(&buf[..n]) {
            if let mllp::Frame::Message(m) = f {
                got.push(String::from_utf8_lossy(&m).to_string());
            }
        }
    }
    got
}

#[test]
fn a_bad_message_is_answered_alone_and_the_connection_goes_on() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite);
    let mut settings = crate::support::app::settings_from_flags(&[], &app.database_url);
    settings.max_body_bytes = 2000;
    let listening =
        startup::listen_mllp(&settings, app.pool.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let order = jane_order(&app);
    let key = &app.world.lab_key;
    let result = format!(
        "MSH|^~\\&|LAB|Quest|LABDESK|97500001|20261202090000|{key}|ORU^R01^ORU_R01|ML-1|P|2.5.1\r\
         PID|1||x||Doe^Jane||19900101|F\rORC|RE|{order}\r\
         OBR|1|{order}|A1|PANEL^Panel^L|||20261202080000|||||||||||||||20261202090000|||F\r\
         OBX|1|NM|ldl^LDL^L||99|mg/dL|<100||||F\r"
    );
    let frames = vec![
        mllp::frame(&"X".repeat(5000)),
        mllp::frame("not hl7 at all"),
        mllp::frame(&result),
    ];
    let answers = answers_on_one_connection(&listening.to_string(), &frames);
    let codes: Vec<AckCode> = answers
        .iter()
        .map(|a| ack::read(a).expect("an ACK").code)
        .collect();
    assert_eq!(
        codes,
        vec![AckCode::Reject, AckCode::Reject, AckCode::Accept],
        "{answers:?}"
    );
    assert!(answers[0].contains("larger than the 2000-byte limit"));
    assert!(answers[2].contains("attached"), "{}", answers[2]);
    assert_eq!(
        labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .len(),
        1
    );

    // Only allowed peers: loopback is not on this list, so the connection is closed at once.
    settings.mllp_allow = vec!["10.9.9.9".parse().unwrap()];
    let guarded =
        startup::listen_mllp(&settings, app.pool.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let mut s = std::net::TcpStream::connect(guarded).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = std::io::Write::write_all(&mut s, &mllp::frame(&result));
    let mut buf = [0u8; 16];
    let read = std::io::Read::read(&mut s, &mut buf);
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}
