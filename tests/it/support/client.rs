//! An HTTP client that behaves like a browser or an API caller, and the answers it gets.
use labdesk::web::urls;

/// A response, whatever its status.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    bytes: Vec<u8>,
}

impl Resp {
    /// The body as sent (for binary answers such as PDFs).
    pub fn body_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body with tags removed and whitespace folded, for asserting on what a person reads.
    pub fn text(&self) -> String {
        text_of(&self.body)
    }
    /// Where a redirect leads, asserting it is one (a 303, as every form post answers).
    pub fn location(&self) -> String {
        assert_eq!(
            self.status,
            303,
            "expected a redirect, got: {}",
            self.text()
        );
        self.header("location").expect("a Location").to_string()
    }
    /// The code and detail of an API refusal (400), asserting it is one.
    pub fn refusal(&self) -> (String, String) {
        assert_eq!(self.status, 400, "{}", self.body);
        let v = self.json();
        (
            v["code"].as_str().unwrap().to_string(),
            v["detail"].as_str().unwrap().to_string(),
        )
    }
    /// The order id of a successful `POST /v3/order`.
    pub fn order_id(&self) -> labdesk::domain::ids::OrderId {
        assert_eq!(self.status, 200, "{}", self.body);
        labdesk::domain::ids::OrderId::from_text(
            self.json()["order"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no order id: {}", self.body)),
        )
    }
}

/// The Org Management API's list of an org's lab accounts in the test deployment (sandbox, us).
/// `org` as it goes into the path: an org id, or any text a test sends instead.
pub fn org_accounts_path(org: &(impl std::fmt::Display + ?Sized)) -> String {
    format!("/v1/org/{org}/lab_account/sandbox/us")
}

/// HTML with tags removed and whitespace folded.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn to_resp(result: Result<ureq::Response, ureq::Error>) -> Resp {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_string())))
        .collect();
    let mut bytes = Vec::new();
    let _ = std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes);
    let body = String::from_utf8_lossy(&bytes).to_string();
    Resp {
        status,
        body,
        headers,
        bytes,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects, adds the CSRF token to forms.
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub csrf: Option<String>,
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].chars().take_while(|c| *c != '"').collect())
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            base: base.to_string(),
            csrf: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Resp {
        to_resp(self.agent.get(&self.url(path)).call())
    }

    pub fn htmx_get(&self, path: &str) -> Resp {
        to_resp(
            self.agent
                .get(&self.url(path))
                .set("HX-Request", "true")
                .call(),
        )
    }

    /// What htmx sends when it restores a page it has no copy of (Back after a reload).
    pub fn htmx_history_restore(&self, path: &str) -> Resp {
        to_resp(
            self.agent
                .get(&self.url(path))
                .set("HX-Request", "true")
                .set("HX-History-Restore-Request", "true")
                .call(),
        )
    }

    /// A form post with the session's CSRF token.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf.clone().expect("no CSRF token: sign in first");
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all)
    }

    /// A form post exactly as given (no token added).
    pub fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        to_resp(self.agent.post(&self.url(path)).send_form(fields))
    }

    /// What htmx sends: the token in a header, and HX-Request.
    pub fn htmx_post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf.clone().expect("no CSRF token");
        to_resp(
            self.agent
                .post(&self.url(path))
                .set("HX-Request", "true")
                .set("X-CSRF-Token", &token)
                .send_form(fields),
        )
    }

    /// A post carrying extra headers (for example a foreign Origin) plus the CSRF header.
    pub fn post_with_headers(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Resp {
        let token = self.csrf.clone().expect("no CSRF token");
        let mut req = self.agent.post(&self.url(path)).set("X-CSRF-Token", &token);
        for (k, v) in headers {
            req = req.set(k, v);
        }
        to_resp(req.send_form(fields))
    }

    pub fn sign_in(&mut self, email: &str, password: &str) -> Resp {
        let page = self.get(&urls::sign_in());
        let token = extract_csrf(&page.body).expect("login form has a CSRF token");
        self.post_form_raw(
            &urls::sign_in(),
            &[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
            ],
        )
    }

    /// Reads the current CSRF token from a signed-in page.
    pub fn refresh_csrf(&mut self) {
        let page = self.get(&urls::orgs());
        self.csrf = extract_csrf(&page.body);
        assert!(
            self.csrf.is_some(),
            "no CSRF token on the orgs page: {}",
            page.body
        );
    }

    /// A GET carrying extra headers (what htmx adds, for example).
    pub fn get_with_headers(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.get(&self.url(path));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        to_resp(req.call())
    }

    /// The page a redirect leads to, asserting it is one.
    pub fn follow(&self, res: &Resp) -> Resp {
        self.get(&res.location())
    }

    pub fn api_get(&self, path: &str, header: &str, key: &str) -> Resp {
        to_resp(self.agent.get(&self.url(path)).set(header, key).call())
    }

    /// A JSON post with an API key and an optional idempotency key.
    pub fn api_post(
        &self,
        path: &str,
        header: &str,
        key: &str,
        body: &str,
        idempotency_key: Option<&str>,
    ) -> Resp {
        let mut req = self
            .agent
            .post(&self.url(path))
            .set(header, key)
            .set("Content-Type", "application/json");
        if let Some(k) = idempotency_key {
            req = req.set("X-Idempotency-Key", k);
        }
        to_resp(req.send_string(body))
    }

    /// A raw post with headers (for the lab interface).
    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let mut req = self.agent.post(&self.url(path));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        to_resp(req.send_bytes(body))
    }

    pub fn api_delete(&self, path: &str, header: &str, key: &str) -> Resp {
        to_resp(self.agent.delete(&self.url(path)).set(header, key).call())
    }

    pub fn api_patch(&self, path: &str, header: &str, key: &str, body: &str) -> Resp {
        to_resp(
            self.agent
                .request("PATCH", &self.url(path))
                .set(header, key)
                .set("Content-Type", "application/json")
                .send_string(body),
        )
    }
}
