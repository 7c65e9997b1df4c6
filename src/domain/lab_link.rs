//! How orders reach a lab: each lab's connection (MLLP, a folder the lab collects files from, or
//! none), the messages sent on an order, where each stands, and what a lab's answer means.
use super::string_enum::string_enum;

string_enum!(
    /// How a lab takes orders from labdesk.
    ConnectionKind {
        /// Orders go to the lab some other way; labdesk sends nothing.
        None => "none",
        /// HL7 over MLLP to the lab's host and port; its ACK says whether it took the order.
        Mllp => "mllp",
        /// One file per message in a folder the lab collects; written is sent.
        FileDrop => "file_drop",
    }
);

string_enum!(
    /// What a message to a lab tells it.
    LabMessageKind {
        OrderNew => "order_new",
        OrderCancel => "order_cancel",
    }
);

string_enum!(
    /// Where a message to a lab stands.
    LabMessageState {
        /// Not delivered yet: waiting for its first or next attempt.
        Pending => "pending",
        /// The lab acknowledged it (`AA`), or the file was written.
        Sent => "sent",
        /// The lab answered `AE` or `AR`: it did not take the order; the reason shows on the order.
        Refused => "refused",
        /// No attempt reached the lab for longer than labdesk keeps trying.
        Failed => "failed",
    }
);

/// A lab's connection as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub kind: ConnectionKind,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub folder: Option<String>,
}

impl Connection {
    pub fn none() -> Connection {
        Connection {
            kind: ConnectionKind::None,
            host: None,
            port: None,
            folder: None,
        }
    }

    /// `host:port` for MLLP.
    pub fn address(&self) -> Option<String> {
        match (&self.host, self.port) {
            (Some(h), Some(p)) if self.kind == ConnectionKind::Mllp => Some(format!("{h}:{p}")),
            _ => None,
        }
    }
}

/// What is wrong with a connection as typed, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionProblems {
    pub kind: Option<String>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub folder: Option<String>,
}

/// Reads a connection as typed: MLLP needs a host and a port, a file drop an absolute folder;
/// fields the kind does not use are dropped.
pub fn connection(
    kind: &str,
    host: &str,
    port: &str,
    folder: &str,
) -> Result<Connection, ConnectionProblems> {
    let mut problems = ConnectionProblems::default();
    let Ok(kind) = kind.trim().parse::<ConnectionKind>() else {
        problems.kind = Some("Choose MLLP, file drop or none.".into());
        return Err(problems);
    };
    let (host, port, folder) = (host.trim(), port.trim(), folder.trim());
    let mut c = Connection {
        kind,
        ..Connection::none()
    };
    match kind {
        ConnectionKind::None => {}
        ConnectionKind::Mllp => {
            let host_ok = !host.is_empty()
                && host.len() <= 253
                && host
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | ':'));
            if host_ok {
                c.host = Some(host.to_string());
            } else {
                problems.host = Some("Enter the lab's host name or IP address.".into());
            }
            match port.parse::<u16>() {
                Ok(p) if p > 0 => c.port = Some(p),
                _ => problems.port = Some("Enter a port from 1 to 65535.".into()),
            }
        }
        ConnectionKind::FileDrop => {
            if folder.starts_with('/') && !folder.split('/').any(|part| part == "..") {
                c.folder = Some(folder.to_string());
            } else {
                problems.folder =
                    Some("Enter an absolute folder path, e.g. /srv/labs/quest/in.".into());
            }
        }
    }
    if problems == ConnectionProblems::default() {
        Ok(c)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_needs_what_its_kind_uses_and_keeps_nothing_else() {
        let ok = |k, h, p, f| connection(k, h, p, f).unwrap();
        assert_eq!(ok("none", "x", "1", "/y"), Connection::none());
        let mllp = ok("mllp", " lab.example.com ", "6661", "/ignored");
        assert_eq!(mllp.address().as_deref(), Some("lab.example.com:6661"));
        assert_eq!(mllp.folder, None);
        let drop = ok("file_drop", "", "", "/srv/labs/quest/in");
        assert_eq!(drop.folder.as_deref(), Some("/srv/labs/quest/in"));
        assert_eq!(drop.address(), None);
        let bad = |k, h, p, f| connection(k, h, p, f).unwrap_err();
        let p = bad("mllp", "", "0", "");
        assert!(p.host.is_some() && p.port.is_some());
        assert!(bad("mllp", "lab example", "70000", "").port.is_some());
        assert!(bad("file_drop", "", "", "relative/dir").folder.is_some());
        assert!(bad("file_drop", "", "", "/srv/../etc").folder.is_some());
        assert!(bad("ftp", "", "", "").kind.is_some());
    }
}
