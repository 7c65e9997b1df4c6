//! MLLP, the framing HL7 v2 travels in over TCP: each message between a start block (0x0B) and
//! an end block (0x1C 0x0D). `Frames` cuts a byte stream into messages with a bound on their
//! size; bytes outside a frame are skipped, and a frame over the bound is dropped alone, so one
//! bad message never costs the connection.
pub const START: u8 = 0x0B;
pub const END: [u8; 2] = [0x1C, 0x0D];

/// A message framed for the wire.
pub fn frame(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 3);
    out.push(START);
    out.extend_from_slice(message.as_bytes());
    out.extend_from_slice(&END);
    out
}

/// What came out of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A whole message (the bytes between the blocks).
    Message(Vec<u8>),
    /// A message longer than the bound, dropped; the stream goes on after its end block.
    TooLong,
}

/// Cuts a byte stream into frames.
pub struct Frames {
    max: usize,
    buf: Vec<u8>,
    /// Inside a frame (its start block seen).
    open: bool,
    /// Inside a frame that went over the bound: skipping to its end.
    skipping: bool,
}

impl Frames {
    pub fn new(max: usize) -> Frames {
        Frames {
            max,
            buf: Vec::new(),
            open: false,
            skipping: false,
        }
    }

    /// Feeds bytes read from the connection; the frames they complete, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Frame> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if !self.open {
                if b == START {
                    self.open = true;
                    self.skipping = false;
                    self.buf.clear();
                }
                continue;
            }
            // The end block is 0x1C then 0x0D; a 0x1C alone stays in the message.
            if b == END[1] && self.buf.last() == Some(&END[0]) {
                self.buf.pop();
                self.open = false;
                if self.skipping {
                    out.push(Frame::TooLong);
                } else {
                    out.push(Frame::Message(std::mem::take(&mut self.buf)));
                }
                self.buf.clear();
                self.skipping = false;
                continue;
            }
            if b == START && !self.skipping {
                // A new start inside a frame: the unfinished one is abandoned.
                self.buf.clear();
                continue;
            }
            if self.skipping {
                // Keep only the last byte, to see the end block.
                self.buf.clear();
                self.buf.push(b);
                continue;
            }
            self.buf.push(b);
            if self.buf.len() > self.max + 1 {
                self.skipping = true;
                let last = b;
                self.buf.clear();
                self.buf.push(last);
            }
        }
        out
    }

    /// Whether a message has begun and not ended (a connection closing now cuts it short).
    pub fn in_message(&self) -> bool {
        self.open
    }
}

/// Why an exchange with a peer failed.
#[derive(Debug, thiserror::Error)]
pub enum MllpError {
    #[error("cannot reach {addr}: {why}")]
    Connect { addr: String, why: String },
    #[error("the connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the peer closed the connection without answering")]
    Closed,
    #[error("the peer's answer was longer than {0} bytes")]
    TooLong(usize),
}

/// Sends one message to `addr` and waits for the one message that answers it (its ACK), each
/// step bounded by `timeout`. Blocking: for a worker thread, never a request.
pub fn exchange(
    addr: &str,
    message: &str,
    timeout: std::time::Duration,
    max: usize,
) -> Result<Vec<u8>, MllpError> {
    use std::io::{Read, Write};
    use std::net::{TcpStream, ToSocketAddrs};
    let failed = |why: String| MllpError::Connect {
        addr: addr.to_string(),
        why,
    };
    let targets = addr.to_socket_addrs().map_err(|e| failed(e.to_string()))?;
    let mut last = failed("the name resolves to no address".into());
    let mut stream = None;
    for target in targets {
        match TcpStream::connect_timeout(&target, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = failed(e.to_string()),
        }
    }
    let mut stream = stream.ok_or(last)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(&frame(message))?;
    stream.flush()?;
    let mut frames = Frames::new(max);
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(MllpError::Closed);
        }
        if let Some(first) = frames.push(&buf[..n]).into_iter().next() {
            return match first {
                Frame::Message(reply) => Ok(reply),
                Frame::TooLong => Err(MllpError::TooLong(max)),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(frames: Vec<Frame>) -> Vec<String> {
        frames
            .into_iter()
            .map(|f| match f {
                Frame::Message(m) => String::from_utf8(m).unwrap(),
                Frame::TooLong => "<too long>".to_string(),
            })
            .collect()
    }

    #[test]
    fn frames_come_out_whole_however_the_bytes_arrive() {
        let mut wire = frame("MSH|first\r");
        wire.extend(frame("MSH|second\r"));
        for chunk in [1, 2, 3, 7, wire.len()] {
            let mut f = Frames::new(1000);
            let mut got = Vec::new();
            for part in wire.chunks(chunk) {
                got.extend(messages(f.push(part)));
            }
            assert_eq!(
                got,
                vec!["MSH|first\r", "MSH|second\r"],
                "chunks of {chunk}"
            );
            assert!(!f.in_message());
        }
    }

    #[test]
    fn noise_between_frames_is_skipped_and_a_long_frame_is_dropped_alone() {
        let mut wire = b"garbage\r\n".to_vec();
        wire.extend(frame(&"X".repeat(50)));
        wire.extend(frame("MSH|ok\r"));
        wire.extend(b"\x1c\r");
        let mut f = Frames::new(20);
        assert_eq!(messages(f.push(&wire)), vec!["<too long>", "MSH|ok\r"]);
    }

    #[test]
    fn a_lone_end_byte_stays_in_the_message_and_a_restart_abandons_the_open_one() {
        let mut f = Frames::new(100);
        let mut wire = vec![START];
        wire.extend(b"half");
        wire.extend(frame("a\x1cb"));
        assert_eq!(messages(f.push(&wire)), vec!["a\x1cb"]);
        assert!(f.push(&[START, b'x']).is_empty());
        assert!(f.in_message());
    }

    #[test]
    fn an_exchange_sends_one_frame_and_returns_the_answer() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let peer = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut f = Frames::new(1000);
            let mut buf = [0u8; 64];
            loop {
                let n = s.read(&mut buf).unwrap();
                if let Some(Frame::Message(m)) = f.push(&buf[..n]).into_iter().next() {
                    let reply = format!("ACK for {}", String::from_utf8(m).unwrap());
                    s.write_all(&frame(&reply)).unwrap();
                    return;
                }
            }
        });
        let timeout = std::time::Duration::from_secs(5);
        let reply = exchange(&addr, "MSH|hello\r", timeout, 1000).unwrap();
        assert_eq!(String::from_utf8(reply).unwrap(), "ACK for MSH|hello\r");
        peer.join().unwrap();
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let gone = closed.local_addr().unwrap().to_string();
        drop(closed);
        assert!(matches!(
            exchange(&gone, "MSH|x\r", timeout, 1000),
            Err(MllpError::Connect { .. })
        ));
    }
}
