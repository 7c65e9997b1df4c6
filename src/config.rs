//! Settings from command-line flags and the environment.
use std::net::{IpAddr, SocketAddr};

use actix_web::cookie::Key;
use base64::Engine;

use crate::error::AppError;

pub const SANDBOX: &str = "sandbox";
pub const PRODUCTION: &str = "production";

pub const SESSION_KEY_HELP: &str =
    "make one with `labdesk session-key` (or `openssl rand -hex 64`) and pass it as --session-key or LABDESK_SESSION_KEY";

/// Flags shared by `serve` and `demo`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "LABDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Deployment environment, as the Org Management API's `{env}` path segment. `serve` runs
    /// production unless told otherwise; `demo` runs sandbox unless told otherwise.
    #[arg(long, env = "LABDESK_DEPLOYMENT_ENV", value_parser = [SANDBOX, PRODUCTION])]
    pub deployment_env: Option<String>,
    /// Deployment region, as the Org Management API's `{region}` path segment.
    #[arg(long, env = "LABDESK_REGION", default_value = "us", value_parser = ["us", "eu"])]
    pub region: String,
    /// Set when labdesk is served over HTTPS (behind a TLS proxy): the public URL's default scheme.
    #[arg(long, env = "LABDESK_HTTPS", default_value_t = false)]
    pub https: bool,
    /// Send the session cookie without `Secure` on a non-loopback address without HTTPS
    /// (only on a trusted network).
    #[arg(long, env = "LABDESK_INSECURE_COOKIES", default_value_t = false)]
    pub insecure_cookies: bool,
    /// The address people type to reach labdesk (e.g. https://labdesk.example.org); form posts
    /// from any other origin are refused. Default: from --bind and --https.
    #[arg(long, env = "LABDESK_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Trust X-Forwarded-Host/-Proto and X-Forwarded-For from one reverse proxy in front.
    #[arg(long, env = "LABDESK_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// Database connections per instance.
    #[arg(long, env = "LABDESK_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "LABDESK_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,
    /// Seconds a request waits for a database connection before it is answered 503.
    #[arg(long, env = "LABDESK_DB_TIMEOUT_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub db_timeout_secs: u64,
    /// Also listen for lab results over MLLP (HL7 v2 over TCP) on this address, e.g.
    /// `0.0.0.0:2575`; each message carries a lab interface key in MSH-8.
    #[arg(long, env = "LABDESK_MLLP")]
    pub mllp: Option<SocketAddr>,
    /// Only these peer addresses may connect to the MLLP listener (comma-separated; default:
    /// any, the key in MSH-8 still decides).
    #[arg(long, env = "LABDESK_MLLP_ALLOW", value_delimiter = ',')]
    pub mllp_allow: Vec<IpAddr>,
    /// Do not deliver webhooks from this instance (another instance does; several may).
    #[arg(long, env = "LABDESK_NO_WEBHOOK_WORKER", default_value_t = false)]
    pub no_webhook_worker: bool,
    /// Seconds before a failed webhook delivery is tried again the first time (the wait then
    /// doubles, up to an hour, for more than a day).
    #[arg(long, env = "LABDESK_WEBHOOK_FIRST_RETRY_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub webhook_first_retry_secs: u64,
}

impl ServerArgs {
    pub fn db_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.db_timeout_secs)
    }
}

impl ServerArgs {
    /// The same flags with `env` as the deployment environment unless one was given. Only the
    /// demo calls this (with sandbox): everything else falls back to production, where made-up
    /// results cannot be attached to real orders.
    pub fn default_deployment_env(mut self, env: &str) -> ServerArgs {
        self.deployment_env.get_or_insert_with(|| env.to_string());
        self
    }
}

/// Everything a running server needs, resolved and validated.
#[derive(Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: String,
    pub session_key: Key,
    pub deployment_env: String,
    pub region: String,
    pub https: bool,
    pub insecure_cookies: bool,
    pub public_url: Option<String>,
    pub trust_proxy: bool,
    pub pool_size: u32,
    pub max_body_bytes: usize,
    /// Whether this instance runs the webhook delivery worker.
    pub webhook_worker: bool,
    /// Where to listen for results over MLLP, if at all.
    pub mllp: Option<SocketAddr>,
    /// Peers allowed on the MLLP listener (empty: any).
    pub mllp_allow: Vec<IpAddr>,
    /// The wait after a webhook delivery's first failure.
    pub webhook_first_retry: std::time::Duration,
}

impl Settings {
    pub fn new(args: &ServerArgs, database_url: String, session_key: Key) -> Settings {
        Settings {
            bind: args.bind,
            database_url,
            session_key,
            deployment_env: args
                .deployment_env
                .clone()
                .unwrap_or_else(|| PRODUCTION.to_string()),
            region: args.region.clone(),
            https: args.https,
            insecure_cookies: args.insecure_cookies,
            public_url: args.public_url.clone(),
            trust_proxy: args.trust_proxy,
            pool_size: args.pool_size,
            max_body_bytes: args.max_body_bytes,
            webhook_worker: !args.no_webhook_worker,
            mllp: args.mllp,
            mllp_allow: args.mllp_allow.clone(),
            webhook_first_retry: std::time::Duration::from_secs(args.webhook_first_retry_secs),
        }
    }

    pub fn is_sandbox(&self) -> bool {
        self.deployment_env == SANDBOX
    }

    pub fn cookie_secure(&self) -> bool {
        cookie_secure(self.bind.ip(), self.https, self.insecure_cookies)
    }

    /// The origins a form post may come from: the public URL's, or by default the bound address
    /// (for a loopback or all-interfaces bind: the local names of that port).
    pub fn public_origins(&self) -> Vec<String> {
        if let Some(url) = &self.public_url {
            return origin_of(url).into_iter().collect();
        }
        let scheme = if self.https { "https" } else { "http" };
        let port = self.bind.port();
        let ip = self.bind.ip();
        let hosts = if ip.is_loopback() || ip.is_unspecified() {
            vec!["127.0.0.1".to_string(), "localhost".into(), "[::1]".into()]
        } else {
            vec![match ip {
                IpAddr::V4(v4) => v4.to_string(),
                IpAddr::V6(v6) => format!("[{v6}]"),
            }]
        };
        hosts
            .iter()
            .filter_map(|h| origin_of(&format!("{scheme}://{h}:{port}")))
            .collect()
    }

    /// What an operator should know at start-up about cookies and origins.
    pub fn startup_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.bind.ip().is_loopback() && !self.https {
            out.push(if self.insecure_cookies {
                format!(
                    "listening on {} without HTTPS and with --insecure-cookies: session cookies travel in clear text; use this only on a trusted network",
                    self.bind
                )
            } else {
                format!(
                    "listening on {} without --https: the session cookie is marked Secure, so browsers send it only over HTTPS; serve labdesk behind a TLS proxy and pass --https (or --insecure-cookies on a trusted network)",
                    self.bind
                )
            });
        }
        if self.public_url.is_none() && !self.bind.ip().is_loopback() {
            out.push(format!(
                "no --public-url: form posts are accepted only from {}; set --public-url (LABDESK_PUBLIC_URL) to the address people type",
                self.public_origins().join(", ")
            ));
        }
        out
    }
}

/// Whether the session cookie is marked `Secure`: always over HTTPS; otherwise unless the server
/// listens on loopback only (a browser on the same machine) or `--insecure-cookies` asks for it.
pub fn cookie_secure(bind: IpAddr, https: bool, insecure_cookies: bool) -> bool {
    https || !(bind.is_loopback() || insecure_cookies)
}

/// `scheme://host[:port]` of an http(s) URL, lower-cased and without the scheme's default port;
/// None for anything else (including the `null` origin and URLs with credentials).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, tail) = v6.split_once(']')?;
            (format!("[{host}]"), tail)
        }
        None => match authority.split_once(':') {
            Some((host, _)) => (host.to_string(), &authority[host.len()..]),
            None => (authority.clone(), ""),
        },
    };
    let port: Option<u16> = match port {
        "" => None,
        p => Some(p.strip_prefix(':')?.parse().ok()?),
    };
    if host.is_empty() || host == "[]" {
        return None;
    }
    Some(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

fn parse_public_url(text: &str) -> Result<String, String> {
    origin_of(text)
        .map(|_| text.trim().to_string())
        .ok_or_else(|| format!("'{text}' is not an http:// or https:// URL"))
}

/// A session key given as 128 hex characters or base64 of at least 64 bytes.
pub fn parse_session_key(text: Option<&str>) -> Result<Key, AppError> {
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(AppError::Config(format!(
            "no session key: {SESSION_KEY_HELP}"
        )));
    }
    let bytes = hex::decode(text)
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .ok_or_else(|| {
            AppError::Config(format!(
                "the session key is neither hex nor base64: {SESSION_KEY_HELP}"
            ))
        })?;
    if bytes.len() < 64 {
        return Err(AppError::Config(format!(
            "the session key has {} bytes, it needs 64: {SESSION_KEY_HELP}",
            bytes.len()
        )));
    }
    Key::try_from(&bytes[..64])
        .map_err(|e| AppError::Config(format!("the session key is not usable: {e}")))
}

pub fn generate_session_key_hex() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 64];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
