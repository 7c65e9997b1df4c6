//! Accessibility checks with axe-core (from npm, pinned in tests/axe/package.json), run inside the
//! page the browser shows. The script is installed on first use (`npm ci`), so `cargo test` alone
//! needs nothing more than npm; without npm the check is skipped, except under CI.
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::webdriver::Browser;

fn axe_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/axe")
}

/// axe.min.js, installed once per test run; None where npm is missing (a skip outside CI).
fn axe_source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let script = axe_dir().join("node_modules/axe-core/axe.min.js");
            if !script.is_file() {
                let installed = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                    .arg(axe_dir())
                    .status()
                    .is_ok_and(|s| s.success());
                if !installed {
                    return None;
                }
            }
            std::fs::read_to_string(&script).ok()
        })
        .as_deref()
}

/// One rule broken on the page, as axe reports it.
#[derive(Debug)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    /// CSS selectors of (up to five of) the elements that break it.
    pub elements: Vec<String>,
}

/// Runs every axe rule but the experimental ones on the current document.
pub fn violations(b: &Browser) -> Option<Vec<Violation>> {
    let Some(source) = axe_source() else {
        super::skips::skip("the accessibility check needs npm to install axe-core");
        return None;
    };
    // The source is the script itself, not an eval() of it: the page's Content-Security-Policy
    // forbids eval, and WebDriver's own scripts are exempt from it.
    let loaded = b.execute_script(&format!("{source}\nreturn !!window.axe;"), vec![]);
    assert_eq!(loaded, json!(true), "axe-core did not load into the page");
    // WebDriver waits for the promise a script returns.
    let found: Value = b.execute_script(
        "return axe.run(document).then(r => r.violations.map(v => ({
            rule: v.id, impact: v.impact || '', help: v.help,
            elements: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
        })));",
        vec![],
    );
    let list = found.as_array().expect("axe answers a list").clone();
    Some(
        list.into_iter()
            .map(|v| Violation {
                rule: v["rule"].as_str().unwrap_or_default().to_string(),
                impact: v["impact"].as_str().unwrap_or_default().to_string(),
                help: v["help"].as_str().unwrap_or_default().to_string(),
                elements: v["elements"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|e| e.as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
    )
}

/// The page (named `what` in the failure) breaks no axe rule.
pub fn assert_accessible(b: &Browser, what: &str) {
    if let Some(report) = report(b, what) {
        panic!("{report}");
    }
}

/// What axe finds wrong with the page, as a paragraph naming it; None when nothing is.
pub fn report(b: &Browser, what: &str) -> Option<String> {
    let found = violations(b)?;
    (!found.is_empty()).then(|| {
        format!(
            "{what} ({}): {} accessibility violation(s):\n{}",
            b.current_url(),
            found.len(),
            found
                .iter()
                .map(|v| format!(
                    "- {} ({}): {}\n    {}",
                    v.rule,
                    v.impact,
                    v.help,
                    v.elements.join("\n    ")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}
