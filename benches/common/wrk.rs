//! Measures one route with `wrk` (Debian's package): a fixed number of keep-alive connections for a
//! fixed time on 2 threads, the way many users load a server; requests per second, p50/p99 and the
//! answers that were not 2xx/3xx.
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub errors: u64,
    pub requests: u64,
}

/// One request shape: method, path, headers and body.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<String>,
}

impl<'a> Request<'a> {
    pub fn get(path: &'a str) -> Request<'a> {
        Request {
            method: "GET",
            path,
            headers: vec![],
            body: None,
        }
    }

    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Request<'a> {
        self.headers.push((name, value.into()));
        self
    }

    pub fn post_json(path: &'a str, body: String) -> Request<'a> {
        Request {
            method: "POST",
            path,
            headers: vec![("Content-Type", "application/json".into())],
            body: Some(body),
        }
    }
}

fn lua_string(s: &str) -> String {
    format!("{s:?}")
}

/// A wrk script that sends this request (wrk's command line cannot send a body).
fn script(req: &Request<'_>) -> String {
    let mut lua = format!("wrk.method = {}\n", lua_string(req.method));
    for (name, value) in &req.headers {
        lua.push_str(&format!(
            "wrk.headers[{}] = {}\n",
            lua_string(name),
            lua_string(value)
        ));
    }
    if let Some(body) = &req.body {
        lua.push_str(&format!("wrk.body = {}\n", lua_string(body)));
    }
    lua
}

fn duration(text: &str) -> Duration {
    let (number, unit) = text
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| text.split_at(i))
        .unwrap_or((text, "s"));
    let n: f64 = number.trim().parse().unwrap_or(0.0);
    let secs = match unit.trim() {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "m" => n * 60.0,
        _ => n,
    };
    Duration::from_secs_f64(secs)
}

/// Runs wrk against `base` + the request's path.
pub fn measure(
    base: &str,
    req: &Request<'_>,
    connections: usize,
    seconds: u64,
    scratch: &Path,
) -> Figures {
    let lua = scratch.join(format!("req-{}.lua", uuid::Uuid::new_v4().simple()));
    std::fs::write(&lua, script(req)).expect("write the wrk script");
    let out = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["--latency", "--timeout", "10s", "-s"])
        .arg(&lua)
        .arg(format!("{base}{}", req.path))
        .output()
        .expect("run wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut f = Figures::default();
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(v)) => f.rps = v.parse().unwrap_or(0.0),
            (Some("50%"), Some(v)) => f.p50 = duration(v),
            (Some("99%"), Some(v)) => f.p99 = duration(v),
            (Some("Non-2xx"), _) => {
                f.errors += line
                    .rsplit(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            }
            (Some("Socket"), Some("errors:")) => {
                f.errors += line
                    .split(',')
                    .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                    .sum::<u64>()
            }
            (Some(n), Some("requests")) => f.requests = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    f
}
