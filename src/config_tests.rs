//! Settings from flags and environment: the deployment default per command, the session
//! cookie, origins, the public URL and the session key.
use super::*;
use clap::Parser;

#[derive(Parser)]
struct Flags {
    #[command(flatten)]
    server: ServerArgs,
}

fn env_of(flags: &[&str], command_default: Option<&str>) -> String {
    let args = Flags::try_parse_from(std::iter::once("labdesk").chain(flags.iter().copied()))
        .expect("flags parse")
        .server;
    let args = match command_default {
        Some(env) => args.default_deployment_env(env),
        None => args,
    };
    let key = Key::generate();
    Settings::new(&args, String::new(), key).deployment_env
}

#[test]
fn serve_runs_production_and_demo_sandbox_unless_the_flag_says_otherwise() {
    // (flags, the command's default, expected); None: no command default applied at all.
    let table: [(&[&str], Option<&str>, &str); 6] = [
        (&[], Some(PRODUCTION), PRODUCTION),
        (&[], Some(SANDBOX), SANDBOX),
        (&[], None, PRODUCTION),
        (&["--deployment-env", "sandbox"], Some(PRODUCTION), SANDBOX),
        (
            &["--deployment-env", "production"],
            Some(SANDBOX),
            PRODUCTION,
        ),
        (&["--deployment-env", "sandbox"], None, SANDBOX),
    ];
    for (flags, default, expected) in table {
        assert_eq!(env_of(flags, default), expected, "{flags:?} {default:?}");
    }
}

#[test]
fn session_cookie_is_secure_unless_loopback_or_asked_not_to_be() {
    let lo: IpAddr = "127.0.0.1".parse().unwrap();
    let lo6: IpAddr = "::1".parse().unwrap();
    let any: IpAddr = "0.0.0.0".parse().unwrap();
    let lan: IpAddr = "10.0.0.5".parse().unwrap();
    // (bind, https, insecure_cookies, secure)
    let table = [
        (lo, false, false, false),
        (lo6, false, false, false),
        (lo, true, false, true),
        (any, false, false, true),
        (lan, false, false, true),
        (any, false, true, false),
        (lan, true, false, true),
        (lan, true, true, true),
    ];
    for (bind, https, insecure, secure) in table {
        assert_eq!(
            cookie_secure(bind, https, insecure),
            secure,
            "{bind} https={https} insecure={insecure}"
        );
    }
}

#[test]
fn origins_are_compared_by_scheme_host_and_port() {
    let table = [
        ("http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
        (
            "http://127.0.0.1:8080/orgs?x=1",
            Some("http://127.0.0.1:8080"),
        ),
        (
            "HTTPS://Labdesk.Example.org:443/",
            Some("https://labdesk.example.org"),
        ),
        (
            "http://labdesk.example.org:80",
            Some("http://labdesk.example.org"),
        ),
        (
            "https://labdesk.example.org:8443",
            Some("https://labdesk.example.org:8443"),
        ),
        ("http://[::1]:8080", Some("http://[::1]:8080")),
        ("http://evil.example@127.0.0.1:8080", None),
        ("null", None),
        ("ftp://x.example", None),
        ("http://", None),
        ("http://host:notaport", None),
    ];
    for (url, want) in table {
        assert_eq!(origin_of(url).as_deref(), want, "{url}");
    }
}

fn settings(bind: &str, https: bool, public_url: Option<&str>) -> Settings {
    Settings {
        bind: bind.parse().unwrap(),
        database_url: String::new(),
        session_key: Key::generate(),
        deployment_env: "production".into(),
        region: "us".into(),
        https,
        insecure_cookies: false,
        public_url: public_url.map(str::to_string),
        trust_proxy: false,
        pool_size: 1,
        max_body_bytes: 1,
        webhook_worker: false,
        mllp: None,
        mllp_allow: Vec::new(),
        webhook_first_retry: std::time::Duration::from_secs(5),
    }
}

#[test]
fn the_public_origin_defaults_to_the_bound_address() {
    let table: [(&str, bool, Option<&str>, &[&str]); 4] = [
        (
            "127.0.0.1:8080",
            false,
            None,
            &[
                "http://127.0.0.1:8080",
                "http://localhost:8080",
                "http://[::1]:8080",
            ],
        ),
        ("10.0.0.5:443", true, None, &["https://10.0.0.5"]),
        ("[fd00::5]:8080", false, None, &["http://[fd00::5]:8080"]),
        (
            "0.0.0.0:8080",
            true,
            Some("https://labdesk.example.org/"),
            &["https://labdesk.example.org"],
        ),
    ];
    for (bind, https, public, want) in table {
        assert_eq!(
            settings(bind, https, public).public_origins(),
            want,
            "{bind}"
        );
    }
}

#[test]
fn a_public_bind_without_https_warns_at_start() {
    let warnings = |s: Settings| s.startup_warnings().join("\n");
    assert_eq!(warnings(settings("127.0.0.1:8080", false, None)), "");
    let w = warnings(settings("0.0.0.0:8080", false, None));
    assert!(
        w.contains("without --https") && w.contains("--public-url"),
        "{w}"
    );
    let w = warnings(settings("0.0.0.0:8080", true, Some("https://l.example")));
    assert_eq!(w, "");
}

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
