//! Resolution with an explicit `lab_account_id`.
use super::*;

#[test]
fn explicit_account_is_used_or_refused_with_its_own_reason() {
    let built: Vec<LabAccount> = [
        acct("a"),
        acct("b"),
        A {
            status: AccountStatus::Suspended,
            ..acct("s")
        },
        A {
            teams: &[],
            ..acct("unlinked")
        },
        A {
            lab: LabSlug::Labcorp,
            ..acct("labcorp")
        },
        A {
            org: "org-2",
            ..acct("foreign")
        },
        A {
            platform: true,
            org: "",
            teams: &["other-team"],
            ..acct("platform-elsewhere")
        },
        A {
            platform: true,
            org: "",
            ..acct("platform-here")
        },
    ]
    .iter()
    .map(A::build)
    .collect();
    let cases: Vec<(&str, Result<&str, &str>)> = vec![
        ("a", Ok("a")),
        ("b", Ok("b")),
        ("platform-here", Ok("platform-here")),
        ("s", Err("lab_account_not_active")),
        ("unlinked", Err("lab_account_not_linked")),
        ("labcorp", Err("lab_account_wrong_lab")),
        ("foreign", Err("lab_account_not_found")),
        ("platform-elsewhere", Err("lab_account_not_found")),
        ("missing", Err("lab_account_not_found")),
    ];
    for (id, expected) in cases {
        let got = resolve(&built, Some(&LabAccountId::from_text(id)), &needs());
        match expected {
            Ok(want) => assert_eq!(ids(&got), Ok(want.to_string()), "{id}"),
            Err(code) => assert_eq!(got.err().map(|e| e.code()), Some(code), "{id}"),
        }
    }
}
