//! Settings from command-line flags and the environment.
use std::net::SocketAddr;

use actix_web::cookie::Key;
use base64::Engine;

use crate::error::AppError;

pub const SESSION_KEY_HELP: &str =
    "make one with `labdesk session-key` (or `openssl rand -hex 64`) and pass it as --session-key or LABDESK_SESSION_KEY";

/// Flags shared by `serve` and `demo`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "LABDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Deployment environment, as the Org Management API's `{env}` path segment.
    #[arg(long, env = "LABDESK_DEPLOYMENT_ENV", default_value = "sandbox", value_parser = ["sandbox", "production"])]
    pub deployment_env: String,
    /// Deployment region, as the Org Management API's `{region}` path segment.
    #[arg(long, env = "LABDESK_REGION", default_value = "us", value_parser = ["us", "eu"])]
    pub region: String,
    /// Mark the session cookie Secure; set this when labdesk is served over HTTPS (behind a TLS proxy).
    #[arg(long, env = "LABDESK_HTTPS", default_value_t = false)]
    pub https: bool,
    /// Database connections per instance.
    #[arg(long, env = "LABDESK_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "LABDESK_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,
    /// Seconds a request waits for a database connection before it is answered 503.
    #[arg(long, env = "LABDESK_DB_TIMEOUT_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub db_timeout_secs: u64,
}

impl ServerArgs {
    pub fn db_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.db_timeout_secs)
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
    pub pool_size: u32,
    pub max_body_bytes: usize,
}

impl Settings {
    pub fn new(args: &ServerArgs, database_url: String, session_key: Key) -> Settings {
        Settings {
            bind: args.bind,
            database_url,
            session_key,
            deployment_env: args.deployment_env.clone(),
            region: args.region.clone(),
            https: args.https,
            pool_size: args.pool_size,
            max_body_bytes: args.max_body_bytes,
        }
    }

    pub fn is_sandbox(&self) -> bool {
        self.deployment_env == "sandbox"
    }
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
mod tests {
    use super::*;

    #[test]
    fn session_key_needs_64_bytes_in_hex_or_base64() {
        let hex_key = generate_session_key_hex();
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
        let table: [(Option<&str>, bool); 5] = [
            (None, false),
            (Some(""), false),
            (Some("abcd"), false),
            (Some(&hex_key), true),
            (Some(&b64), true),
        ];
        for (input, ok) in table {
            let got = parse_session_key(input);
            assert_eq!(got.is_ok(), ok, "{input:?}");
            if let Err(e) = got {
                assert!(e.to_string().contains("labdesk session-key"), "{e}");
            }
        }
    }
}
