//! Every page each demo person can reach breaks no axe-core rule, at desktop width, and the pages
//! people use on phones neither scroll sideways nor hide content in a box the keyboard cannot
//! reach. The pages are found by following the links of the pages themselves (one or two of each
//! kind of address), so a new page is checked as soon as something links to it.
use std::collections::{BTreeSet, HashMap, VecDeque};

use labdesk::web::urls;
use serde_json::Value;

use crate::support::axe::report;
use crate::support::browser::{app_and_browser, sign_in};
use crate::support::webdriver::Browser;
use crate::support::{TestApp, CLINICIAN, CSM, OPS};

/// Most pages one person's crawl opens.
const MAX_PAGES: usize = 45;
/// Pages opened per kind of address (same path with ids blanked, same query keys).
const PER_KIND: usize = 2;

/// The kind of an address: ids and numbers blanked, query values dropped.
fn kind(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path: Vec<String> = path
        .split('/')
        .map(|seg| {
            let idish = seg.len() >= 16 && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            if idish || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit())) {
                ":id".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect();
    let keys: BTreeSet<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    format!(
        "{}?{}",
        path.join("/"),
        keys.into_iter().collect::<Vec<_>>().join("&")
    )
}

/// Same-site page links of the current document, without fragments.
fn links(b: &Browser, origin: &str) -> Vec<String> {
    let v: Value = b.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href.split('#')[0]);",
        vec![],
    );
    serde_json::from_value::<Vec<String>>(v)
        .expect("hrefs")
        .into_iter()
        .filter(|h| h.starts_with(origin))
        // Files, not pages: the stylesheets, a CSV export, the OpenAPI document, a requisition.
        .filter(|h| {
            !h.contains("/static/")
                && !h.contains(".csv")
                && !h.ends_with(".json")
                && !h.ends_with(".pdf")
        })
        .collect()
}

/// Opens every kind of page reachable from where `email` lands, checking each; the paths opened.
/// What axe found goes into `problems`, so one run reports every page at once.
fn crawl(app: &TestApp, b: &Browser, email: &str, problems: &mut Vec<String>) -> Vec<String> {
    sign_in(b, app, email);
    let origin = app.url("");
    let mut queue = VecDeque::from([b.current_url()]);
    let mut seen = BTreeSet::new();
    let mut per_kind: HashMap<String, usize> = HashMap::new();
    let mut opened = Vec::new();
    while let Some(url) = queue.pop_front() {
        if opened.len() >= MAX_PAGES || !seen.insert(url.clone()) {
            continue;
        }
        let n = per_kind.entry(kind(&url)).or_default();
        if *n >= PER_KIND {
            continue;
        }
        *n += 1;
        b.goto(&url);
        problems.extend(report(b, &format!("{email} on {url}")));
        opened.push(url.trim_start_matches(&origin).to_string());
        queue.extend(links(b, &origin));
    }
    opened
}

#[test]
fn every_page_each_person_reaches_passes_axe() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let mut problems = Vec::new();
    for email in [OPS, CLINICIAN, CSM] {
        let opened = crawl(&app, &b, email, &mut problems);
        // The crawl really went somewhere: the lists and the pages of their rows.
        assert!(opened.len() >= 6, "{email} opened only {opened:?}");
        assert!(
            opened.iter().any(|u| u.contains("/orders")),
            "{email}: {opened:?}"
        );
        b.delete_cookies();
    }
    // Pages nobody links to but people still see: sign-in and a missing page.
    b.goto(&app.url(&urls::sign_in()));
    problems.extend(report(&b, "the sign-in page"));
    b.goto(&app.url(&urls::api_docs()));
    problems.extend(report(&b, "the API reference"));
    sign_in(&b, &app, OPS);
    b.goto(&app.url("/orgs/no-such-org/lab_accounts"));
    problems.extend(report(&b, "a page that does not exist"));
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Phone width: the page itself never scrolls sideways (wide tables scroll in their own box,
/// which the keyboard can reach), and axe finds nothing there either.
#[test]
fn pages_fit_a_phone_screen() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    b.set_window_size(390, 844);
    let org = app.world.org();
    let org_id = &app.world.org_id;
    // The order with the most result versions: results, changes and trend charts to fit.
    let order = crate::support::orders::org_order_ids(&app, org_id)
        .into_iter()
        .max_by_key(|id| crate::support::results::results_of(&app, id))
        .expect("demo orders");
    let mut problems = Vec::new();
    let everyones = [
        urls::org_home(org_id),
        urls::lab_accounts(org),
        urls::org_orders(org_id),
        urls::order(org_id, &order),
        urls::teams(org_id),
    ];
    let ops_only = [urls::review_queue(org), urls::audit(org_id)];
    let visits = [OPS, CLINICIAN].into_iter().flat_map(|who| {
        let paths: Vec<String> = match who {
            OPS => everyones.iter().chain(&ops_only).cloned().collect(),
            _ => everyones.to_vec(),
        };
        paths.into_iter().map(move |p| (who, p))
    });
    let mut signed_in = None;
    for (who, path) in visits {
        if signed_in != Some(who) {
            b.delete_cookies();
            sign_in(&b, &app, who);
            signed_in = Some(who);
        }
        b.goto(&app.url(&path));
        // The page's width, the width it is shown in (without the scrollbar), and the outermost
        // elements that stick out.
        let widths = b.execute_script(
            "const w = document.documentElement.clientWidth;
             const out = Array.from(document.querySelectorAll('body *'))
               .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))
               .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 1)
               .slice(0, 5)
               .map(e => e.tagName.toLowerCase() + '.' + e.className);
             return [document.documentElement.scrollWidth, w, out];",
            vec![],
        );
        if widths[0].as_i64() > widths[1].as_i64() {
            problems.push(format!(
                "{who}: {path} scrolls sideways at phone width: {widths}"
            ));
        }
        problems.extend(report(&b, &format!("{who}: {path} at 390 px")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
