//! A small W3C WebDriver client over chromedriver and headless Chromium, enough for the browser
//! tests: navigate, find (with a polling wait), click, type, read, run a script, handle a confirm.
//! Every failure panics with the WebDriver error and message, which is what a failing test needs.
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key W3C WebDriver uses for element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long `find` and the `wait_*` helpers keep trying by default.
pub const WAIT: Duration = Duration::from_secs(5);

/// `$CHROMEDRIVER`, else `chromedriver` on the PATH.
fn chromedriver_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMEDRIVER") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

/// A WebDriver failure: the error code and the message chromedriver returned.
#[derive(Debug)]
pub struct WdError {
    pub error: String,
    pub message: String,
}

impl WdError {
    fn new(error: &str, message: impl ToString) -> WdError {
        WdError {
            error: error.to_string(),
            message: message.to_string(),
        }
    }
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// The chromedriver process, killed when dropped (also when starting a session fails).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One chromedriver process with one Chromium session; both end when this is dropped.
pub struct Browser {
    agent: ureq::Agent,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. Without chromedriver or Chromium the
    /// test is skipped (None, with a notice), except under CI, where browser tests must run.
    pub fn start() -> Option<Browser> {
        let chrome = std::env::var_os("CHROME_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        let driver_path = match chromedriver_path() {
            Some(p) if chrome.is_file() => p,
            _ => {
                let why = format!(
                    "browser tests need chromedriver on the PATH (or $CHROMEDRIVER) and Chromium at {} (or $CHROME_BIN)",
                    chrome.display()
                );
                super::skips::skip(&why);
                return None;
            }
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut driver = Driver(
            Command::new(&driver_path)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_path.display())),
        );
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        let root = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let ready = agent
                .get(&format!("{root}/status"))
                .call()
                .ok()
                .and_then(|r| r.into_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                break;
            }
            if let Ok(Some(status)) = driver.0.try_wait() {
                panic!("chromedriver exited before it was ready: {status}");
            }
            if started.elapsed() > Duration::from_secs(10) {
                panic!("chromedriver on port {port} was not ready after 10 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("a Chromium profile dir");
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,1000".into(),
            // Back reloads the page, as it does whenever the back/forward cache cannot keep one.
            "--disable-features=BackForwardCache".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            // Leave a confirm open until the test handles it, instead of dismissing it.
            "unhandledPromptBehavior": "ignore",
            // axe on a long page (the API reference) on a machine busy with other tests can
            // outlast the default 30 s for a script.
            "timeouts": {"script": 180_000},
            "goog:chromeOptions": {"binary": chrome, "args": args},
        }}});
        let created = send(&agent, "POST", &format!("{root}/session"), Some(caps))
            .unwrap_or_else(|e| panic!("cannot create a Chromium session: {e}"));
        let id = created["sessionId"].as_str().expect("a session id");
        Some(Browser {
            session: format!("{root}/session/{id}"),
            agent,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Sends a command relative to the session; the `value` of the answer, or the error.
    pub fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let url = format!("{}{path}", self.session);
        send(&self.agent, method, &url, body)
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path} failed: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// The browser's Back button.
    pub fn back(&self) {
        self.cmd("POST", "/back", Some(json!({})));
    }

    /// Signs the browser out of everything: its cookies go.
    pub fn delete_cookies(&self) {
        self.cmd("DELETE", "/cookie", None);
    }

    /// The window's outer size in CSS pixels (headless: the viewport's).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// The browser's Forward button.
    pub fn forward(&self) {
        self.cmd("POST", "/forward", Some(json!({})));
    }

    pub fn current_url(&self) -> String {
        str_of(self.cmd("GET", "/url", None))
    }

    pub fn source(&self) -> String {
        str_of(self.cmd("GET", "/source", None))
    }

    /// The first element matching `css`, waiting up to `WAIT` for it to appear.
    pub fn find(&self, css: &str) -> Element<'_> {
        self.find_from("", css)
    }

    /// Every element matching `css` now (no waiting).
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        self.find_all_from("", css)
    }

    fn find_from(&self, scope: &str, css: &str) -> Element<'_> {
        let body = json!({"using": "css selector", "value": css});
        let mut last = None;
        let found = self.wait_for(WAIT, || {
            match self.try_cmd("POST", &format!("{scope}/element"), Some(body.clone())) {
                Ok(v) => Some(self.element(&v)),
                Err(e) => {
                    last = Some(e);
                    None
                }
            }
        });
        found.unwrap_or_else(|| {
            let (page, last) = (self.current_url(), last.unwrap());
            panic!("no element matches `{css}` on {page} after {WAIT:?}: {last}")
        })
    }

    fn find_all_from(&self, scope: &str, css: &str) -> Vec<Element<'_>> {
        let body = json!({"using": "css selector", "value": css});
        match self.cmd("POST", &format!("{scope}/elements"), Some(body)) {
            Value::Array(items) => items.iter().map(|v| self.element(v)).collect(),
            other => panic!("unexpected answer to find elements: {other}"),
        }
    }

    fn element(&self, v: &Value) -> Element<'_> {
        let id = v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element reference: {v}"));
        Element {
            browser: self,
            id: id.to_string(),
        }
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    /// A PNG of what the window shows.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        let encoded = str_of(self.cmd("GET", "/screenshot", None));
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("WebDriver sends base64")
    }

    pub fn execute_script(&self, script: &str, args: Vec<Value>) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The text of the open alert or confirm, waiting up to `WAIT` for one to open.
    pub fn alert_text(&self) -> String {
        self.wait_for(WAIT, || self.try_cmd("GET", "/alert/text", None).ok())
            .map(str_of)
            .unwrap_or_else(|| panic!("no alert or confirm opened within {WAIT:?}"))
    }

    /// Presses OK on the open alert or confirm.
    pub fn accept_alert(&self) {
        self.cmd("POST", "/alert/accept", Some(json!({})));
    }

    /// Polls `f` until it returns Some, or None after `timeout`.
    pub fn wait_for<T>(&self, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
        let start = Instant::now();
        loop {
            if let Some(v) = f() {
                return Some(v);
            }
            if start.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `check` until it holds; panics naming `what` after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
        if self.wait_for(timeout, || check().then_some(())).is_none() {
            panic!(
                "timed out after {timeout:?} waiting until {what} (at {})",
                self.current_url()
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session quits Chromium; then dropping `_driver` stops chromedriver.
        let _ = self.try_cmd("DELETE", "", None);
    }
}

/// A reference to an element on the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    fn path(&self, tail: &str) -> String {
        format!("/element/{}{tail}", self.id)
    }

    pub fn find(&self, css: &str) -> Element<'_> {
        self.browser.find_from(&self.path(""), css)
    }

    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        self.browser.find_all_from(&self.path(""), css)
    }

    pub fn click(&self) {
        self.browser
            .cmd("POST", &self.path("/click"), Some(json!({})));
    }

    pub fn clear(&self) {
        self.browser
            .cmd("POST", &self.path("/clear"), Some(json!({})));
    }

    pub fn send_keys(&self, text: &str) {
        self.browser
            .cmd("POST", &self.path("/value"), Some(json!({ "text": text })));
    }

    /// The rendered text, as a person reads it.
    pub fn text(&self) -> String {
        str_of(self.browser.cmd("GET", &self.path("/text"), None))
    }

    /// The rendered text, or None when the element is gone (an htmx swap replaced it between
    /// finding it and reading it): what a check polled by `wait_until` reads, so it asks again.
    pub fn try_text(&self) -> Option<String> {
        self.browser
            .try_cmd("GET", &self.path("/text"), None)
            .ok()
            .map(str_of)
    }

    /// The HTML attribute (what the server sent), or None.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let v = self
            .browser
            .cmd("GET", &self.path(&format!("/attribute/{name}")), None);
        v.as_str().map(str::to_string)
    }

    /// The live DOM property, for example an input's current `value` or a checkbox's `checked`.
    pub fn property(&self, name: &str) -> Value {
        self.browser
            .cmd("GET", &self.path(&format!("/property/{name}")), None)
    }

    /// Chooses the `<option>` with this value inside this `<select>` (fires `change`).
    pub fn select_by_value(&self, value: &str) {
        self.find(&format!("option[value=\"{value}\"]")).click();
    }

    /// Whether the element is still on the page (false once a swap replaced it).
    pub fn is_attached(&self) -> bool {
        match self.browser.try_cmd("GET", &self.path("/name"), None) {
            Ok(_) => true,
            Err(e) if e.error == "stale element reference" => false,
            Err(e) => panic!("WebDriver GET {} failed: {e}", self.path("/name")),
        }
    }
}

fn str_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => panic!("expected a string from WebDriver, got {other}"),
    }
}

fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WdError> {
    let req = agent.request(method, url);
    let result = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(WdError::new("transport", e)),
    };
    let status = response.status();
    let mut json: Value = response
        .into_json()
        .map_err(|e| WdError::new("invalid answer", format!("HTTP {status}: {e}")))?;
    let value = json.get_mut("value").map(Value::take).unwrap_or_default();
    match value["error"].as_str() {
        Some(error) if status >= 400 => {
            let message = value["message"].as_str().unwrap_or_default();
            Err(WdError::new(error, message))
        }
        _ => Ok(value),
    }
}

/// Keys as WebDriver names them (W3C WebDriver, "keyboard actions"), for `Browser::press`.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SPACE: &str = " ";
    pub const DOWN: &str = "\u{E015}";
}

/// The keyboard alone, as a person without a mouse uses the page.
impl Browser {
    /// Presses each character of `text` (plain characters and `keys::*`) on whatever element
    /// has the focus, as a key down and up each: nothing is clicked or aimed at.
    pub fn press(&self, text: &str) {
        let mut actions = Vec::new();
        for ch in text.chars() {
            let key = ch.to_string();
            actions.push(json!({"type": "keyDown", "value": key}));
            actions.push(json!({"type": "keyUp", "value": key}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.cmd("POST", "/actions", Some(body));
        self.cmd("DELETE", "/actions", None);
    }

    /// Whether the element with the focus matches `css`.
    pub fn focused_is(&self, css: &str) -> bool {
        let script =
            "return !!document.activeElement && document.activeElement.matches(arguments[0]);";
        self.execute_script(script, vec![json!(css)]) == json!(true)
    }

    /// Presses Tab until the element matching `css` has the focus (at most 80 times).
    pub fn tab_to(&self, css: &str) {
        for _ in 0..80 {
            if self.focused_is(css) {
                return;
            }
            self.press(keys::TAB);
        }
        panic!("Tab never reached {css}");
    }
}
