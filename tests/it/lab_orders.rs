//! Orders go out to the lab on the chosen account: the ORM^O01 written with the order is sent
//! over MLLP (the account number in MSH-4 and ORC-21), the lab's ACK decides whether it was
//! taken, a refusal shows with its reason, a cancellation follows as `CA`; a file-drop lab finds
//! one file per message; a lab set to "none" is sent nothing.
use std::time::{Duration, Instant};

use labdesk::db::lab_messages::{self as lab_db, LabMessageRow};
use labdesk::domain::ids::OrderId;
use labdesk::domain::lab::LabSlug;
use labdesk::domain::lab_link::{connection, LabMessageKind, LabMessageState};
use labdesk::hl7::ack::AckCode;
use labdesk::hl7::message;

use crate::support::fake_lab::FakeLab;
use crate::support::orders::cancel;
use crate::support::results::jane_order;
use crate::support::{each_backend, TestApp, PRIMARY_CARE};

fn connect_quest(app: &TestApp, kind: &str, host_port: Option<&str>, folder: &str) {
    let (host, port) = host_port
        .and_then(|a| a.rsplit_once(':'))
        .unwrap_or(("", ""));
    let c = connection(kind, host, port, folder).expect("a valid connection");
    lab_db::set_connection(&mut app.conn(), LabSlug::Quest, &c, "test").unwrap();
}

fn start_worker(app: &TestApp) {
    app.serve_again(|s| {
        s.webhook_worker = true;
        s.webhook_first_retry = Duration::from_millis(200);
    });
}

fn messages(app: &TestApp, order: &OrderId) -> Vec<LabMessageRow> {
    lab_db::messages_of_order(&mut app.conn(), order).unwrap()
}

fn wait_state(
    app: &TestApp,
    order: &OrderId,
    n: usize,
    state: LabMessageState,
) -> Vec<LabMessageRow> {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let m = messages(app, order);
        if m.len() >= n && m.iter().all(|x| x.state == state) {
            return m;
        }
        assert!(Instant::now() < until, "waited for {state}: {m:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_order_reaches_the_lab_over_mllp_on_its_account_and_the_cancellation_follows() {
    each_backend(|app| {
        let lab = FakeLab::start(AckCode::Accept, "taken");
        connect_quest(app, "mllp", Some(&lab.address), "");
        start_worker(app);
        let order = jane_order(app);
        let got = lab.wait_for(1);
        let m = message::parse(&got[0]).unwrap();
        let d = &m.delimiters;
        assert_eq!(m.first("MSH").unwrap().component(d, 4, 1), "97500001");
        let orc = m.first("ORC").unwrap();
        assert_eq!(orc.component(d, 1, 1), "NW");
        assert_eq!(orc.component(d, 2, 1), order.as_str());
        assert_eq!(orc.component(d, 21, 10), "97500001");
        assert_eq!(
            m.first("OBR").unwrap().component(d, 4, 1),
            "quest-lipid-panel"
        );
        assert_eq!(m.first("PID").unwrap().component(d, 5, 1), "Doe");
        let sent = wait_state(app, &order, 1, LabMessageState::Sent);
        assert_eq!(sent[0].ack_code.as_deref(), Some("AA"));

        cancel(app, PRIMARY_CARE, &order);
        let got = lab.wait_for(2);
        let m = message::parse(&got[1]).unwrap();
        assert_eq!(m.first("ORC").unwrap().component(&m.delimiters, 1, 1), "CA");
        let all = wait_state(app, &order, 2, LabMessageState::Sent);
        assert_eq!(all[1].kind, LabMessageKind::OrderCancel);
    });
}

#[test]
fn a_lab_that_refuses_the_order_is_recorded_with_its_reason_and_not_retried() {
    each_backend(|app| {
        let lab = FakeLab::start(AckCode::Reject, "Account 97500001 is closed");
        connect_quest(app, "mllp", Some(&lab.address), "");
        start_worker(app);
        let order = jane_order(app);
        let refused = wait_state(app, &order, 1, LabMessageState::Refused);
        assert_eq!(refused[0].ack_code.as_deref(), Some("AR"));
        assert_eq!(
            refused[0].ack_text.as_deref(),
            Some("Account 97500001 is closed")
        );
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(lab.received().len(), 1, "a refusal is final");
    });
}

#[test]
fn an_unreachable_lab_is_tried_again_and_a_file_drop_lab_gets_one_file_per_message() {
    each_backend(|app| {
        // Nobody listens: the message waits with its attempts recorded.
        let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = gone.local_addr().unwrap().to_string();
        drop(gone);
        connect_quest(app, "mllp", Some(&address), "");
        start_worker(app);
        let order = jane_order(app);
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let m = &messages(app, &order)[0];
            if m.attempts >= 2 {
                assert_eq!(m.state, LabMessageState::Pending);
                break;
            }
            assert!(Instant::now() < until, "{m:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
        let ids = vec![messages(app, &order)[0].id.clone()];
        let attempts = lab_db::attempts_of(&mut app.conn(), &ids).unwrap();
        assert!(
            attempts.iter().all(|a| a.outcome == "unreachable"),
            "{attempts:?}"
        );

        let folder = tempfile::tempdir().unwrap();
        connect_quest(app, "file_drop", None, &folder.path().to_string_lossy());
        let second = jane_order(app);
        let written = wait_state(app, &second, 1, LabMessageState::Sent);
        let file = folder.path().join(format!("{}.hl7", written[0].control_id));
        let text = std::fs::read_to_string(&file).expect("the file");
        assert!(text.contains(second.as_str()) && text.starts_with("MSH|"));
        // The first order's message, still waiting, goes the lab's new way too: one file each.
        let first = wait_state(app, &order, 1, LabMessageState::Sent);
        let mut files: Vec<String> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        files.sort();
        let mut expected = vec![
            format!("{}.hl7", first[0].control_id),
            format!("{}.hl7", written[0].control_id),
        ];
        expected.sort();
        assert_eq!(files, expected);

        connect_quest(app, "none", None, "");
        let third = jane_order(app);
        std::thread::sleep(Duration::from_millis(500));
        assert!(
            messages(app, &third).is_empty(),
            "nothing for a lab handled elsewhere"
        );
    });
}

#[test]
fn two_instances_on_postgres_send_each_order_to_the_lab_once() {
    if !crate::support::backends().contains(&crate::support::Backend::Postgres) {
        return;
    }
    let app = TestApp::spawn(crate::support::Backend::Postgres);
    let lab = FakeLab::start(AckCode::Accept, "taken");
    connect_quest(&app, "mllp", Some(&lab.address), "");
    let orders: Vec<OrderId> = (0..12).map(|_| jane_order(&app)).collect();
    start_worker(&app);
    start_worker(&app);
    lab.wait_for(12);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(lab.received().len(), 12, "each order once");
    for order in &orders {
        let sent = wait_state(&app, order, 1, LabMessageState::Sent);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].attempts, 1, "{order}");
    }
}
