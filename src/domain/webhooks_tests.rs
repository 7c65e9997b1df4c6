use super::*;

#[test]
fn signatures_match_the_published_svix_test_vector() {
    // The example of Svix's (and Standard Webhooks') documentation and libraries: a receiver
    // using them accepts what labdesk sends only if this comes out exactly.
    let signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1_614_265_330,
        br#"{"test": 2432232314}"#,
    );
    assert_eq!(
        signature.as_deref(),
        Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    );
    // The prefix is optional, as in the libraries; a secret that is not base64 signs nothing.
    assert_eq!(
        sign(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        ),
        signature
    );
    assert_eq!(sign("whsec_not base64!", "msg", 1, b"{}"), None);
}

#[test]
fn new_secrets_are_svix_secrets_and_differ() {
    let (a, b) = (new_secret(), new_secret());
    assert!(a.starts_with("whsec_") && a.len() == 6 + 32, "{a}");
    assert_ne!(a, b);
    assert!(sign(&a, "msg_1", 1, b"{}").is_some());
}

#[test]
fn urls_are_https_and_public_in_production_and_anything_web_in_a_sandbox() {
    use UrlProblem::*;
    type Read = Result<&'static str, UrlProblem>;
    let table: &[(&str, Read, Read)] = &[
        (
            "https://hooks.example.com/labdesk",
            Ok("https://hooks.example.com/labdesk"),
            Ok("https://hooks.example.com/labdesk"),
        ),
        (
            "  https://Example.com  ",
            Ok("https://example.com/"),
            Ok("https://example.com/"),
        ),
        (
            "http://hooks.example.com/x",
            Err(NotHttps),
            Ok("http://hooks.example.com/x"),
        ),
        (
            "http://127.0.0.1:9000/hook",
            Err(NotHttps),
            Ok("http://127.0.0.1:9000/hook"),
        ),
        (
            "https://127.0.0.1/hook",
            Err(Private),
            Ok("https://127.0.0.1/hook"),
        ),
        (
            "https://localhost/hook",
            Err(Private),
            Ok("https://localhost/hook"),
        ),
        ("https://10.1.2.3/", Err(Private), Ok("https://10.1.2.3/")),
        (
            "https://172.16.0.9/",
            Err(Private),
            Ok("https://172.16.0.9/"),
        ),
        (
            "https://192.168.1.1/",
            Err(Private),
            Ok("https://192.168.1.1/"),
        ),
        (
            "https://169.254.169.254/latest",
            Err(Private),
            Ok("https://169.254.169.254/latest"),
        ),
        (
            "https://100.64.0.1/",
            Err(Private),
            Ok("https://100.64.0.1/"),
        ),
        ("https://0.0.0.0/", Err(Private), Ok("https://0.0.0.0/")),
        ("https://[::1]/", Err(Private), Ok("https://[::1]/")),
        ("https://[fd00::1]/", Err(Private), Ok("https://[fd00::1]/")),
        ("https://[fe80::1]/", Err(Private), Ok("https://[fe80::1]/")),
        (
            "https://[::ffff:10.0.0.1]/",
            Err(Private),
            Ok("https://[::ffff:a00:1]/"),
        ),
        (
            "https://printer.local/",
            Err(Private),
            Ok("https://printer.local/"),
        ),
        (
            "https://user:pw@example.com/",
            Err(Credentials),
            Err(Credentials),
        ),
        ("ftp://example.com/", Err(NotHttps), Err(NotHttp)),
        ("example.com/hook", Err(Unreadable), Err(Unreadable)),
        ("", Err(Missing), Err(Missing)),
    ];
    for (typed, production, sandbox) in table {
        assert_eq!(
            check_url(typed, false).as_deref().map_err(Clone::clone),
            production.clone(),
            "production: {typed}"
        );
        assert_eq!(
            check_url(typed, true).as_deref().map_err(Clone::clone),
            sandbox.clone(),
            "sandbox: {typed}"
        );
    }
    assert_eq!(
        check_url(&format!("https://e.com/{}", "a".repeat(2000)), true),
        Err(TooLong)
    );
}

#[test]
fn public_addresses_are_told_from_local_ones() {
    let table = [
        ("8.8.8.8", true),
        ("93.184.216.34", true),
        ("2606:4700::1111", true),
        ("127.0.0.1", false),
        ("10.0.0.1", false),
        ("192.168.0.1", false),
        ("169.254.1.1", false),
        ("224.0.0.1", false),
        ("255.255.255.255", false),
        ("240.0.0.1", false),
        ("::1", false),
        ("fc00::1", false),
        ("::ffff:127.0.0.1", false),
    ];
    for (ip, public) in table {
        assert_eq!(is_public(ip.parse().unwrap()), public, "{ip}");
    }
}

#[test]
fn retries_double_up_to_an_hour_and_spread_by_jitter() {
    let first = Duration::from_secs(5);
    let table = [(1, 5), (2, 10), (3, 20), (6, 160), (11, 3600), (40, 3600)];
    for (failures, secs) in table {
        assert_eq!(
            retry_delay(failures, first, 0.5),
            Duration::from_secs(secs),
            "{failures}"
        );
    }
    assert_eq!(retry_delay(1, first, 0.0), Duration::from_secs(4));
    assert_eq!(retry_delay(1, first, 1.0), Duration::from_secs(6));
    // Tried for at least a day: the waits before giving up add up past 24 hours.
    let mut waited = Duration::ZERO;
    let mut failures = 0;
    while waited < KEEP_TRYING {
        failures += 1;
        waited += retry_delay(failures, first, 0.0);
    }
    assert!(waited >= Duration::from_secs(24 * 3600) && failures > 20);
}

#[test]
fn event_types_are_chosen_once_each_and_the_test_event_always_arrives() {
    use WebhookEventType::*;
    assert_eq!(
        event_types(&[
            "labtest.order.updated",
            "labtest.order.created",
            "labtest.order.updated"
        ]),
        Ok(vec![OrderCreated, OrderUpdated])
    );
    assert!(event_types(&[]).is_err());
    assert!(event_types(&["labtest.order.deleted"]).is_err());
    assert!(event_types(&["labdesk.test"]).is_err());
    assert!(subscribed(&[OrderCreated], Test));
    assert!(subscribed(&[OrderCreated], OrderCreated));
    assert!(!subscribed(&[OrderCreated], OrderUpdated));
}

#[test]
fn a_snippet_keeps_the_start_of_a_long_answer() {
    assert_eq!(snippet("ok"), "ok");
    let long = "é".repeat(600);
    let s = snippet(&long);
    assert_eq!(s.chars().count(), 501);
    assert!(s.ends_with('…'));
}

#[test]
fn a_failure_is_tried_again_until_the_time_to_keep_trying_is_over() {
    let queued = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let first = Duration::from_secs(5);
    let soon = queued + chrono::Duration::minutes(1);
    assert_eq!(
        next_try(queued, soon, 1, first, 0.5),
        Some(soon + chrono::Duration::seconds(5))
    );
    let late = queued + chrono::Duration::hours(27);
    assert_eq!(next_try(queued, late, 30, first, 0.5), None);
}
