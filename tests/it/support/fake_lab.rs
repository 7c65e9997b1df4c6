//! A lab's order interface for tests: an MLLP listener on a free loopback port that keeps every
//! message it receives and answers each with an ACK of the code the test chose.
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use labdesk::hl7::ack::{self, AckCode, AckTo};
use labdesk::hl7::message;
use labdesk::hl7::mllp::{frame, Frame, Frames};

pub struct FakeLab {
    pub address: String,
    got: Arc<Mutex<Vec<String>>>,
}

fn answer(text: &str, code: AckCode, why: &str) -> String {
    let parsed = message::parse(text).ok();
    let msh = parsed.as_ref().and_then(|m| m.first("MSH"));
    let d = message::Delimiters::standard();
    let control = msh.map(|s| s.component(&d, 10, 1)).unwrap_or_default();
    let to = AckTo {
        control_id: &control,
        sending_application: "LABDESK",
        sending_facility: "",
        version: "2.5.1",
    };
    ack::build(&to, code, why, labdesk::db::now(), "FAKE-ACK")
}

impl FakeLab {
    /// A lab that answers every message with `code` and `why`.
    pub fn start(code: AckCode, why: &'static str) -> FakeLab {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("addr").to_string();
        let got = Arc::new(Mutex::new(Vec::new()));
        let kept = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let mut frames = Frames::new(1 << 20);
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = s.read(&mut buf) {
                        if n == 0 {
                            return;
                        }
                        for f in frames.push(&buf[..n]) {
                            if let Frame::Message(m) = f {
                                let text = String::from_utf8_lossy(&m).to_string();
                                let reply = answer(&text, code, why);
                                kept.lock().unwrap().push(text);
                                let _ = s.write_all(&frame(&reply));
                            }
                        }
                    }
                });
            }
        });
        FakeLab { address, got }
    }

    pub fn received(&self) -> Vec<String> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` messages arrived (at most 20 s).
    pub fn wait_for(&self, n: usize) -> Vec<String> {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < until,
                "waited for {n} messages; got {got:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
