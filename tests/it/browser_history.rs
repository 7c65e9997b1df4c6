//! Back and Forward after filtering a list with htmx: the browser shows the whole page (header,
//! navigation, filters) with the filters of that address chosen, never the table fragment alone
//! and never "Any" beside a filtered table. On the three filtered lists people use most.
use labdesk::web::urls;
use serde_json::{json, Value};

use crate::support::browser::{app_and_browser, sign_in};
use crate::support::webdriver::{Browser, WAIT};
use crate::support::OPS;

/// The values a select could change to: not "Any" (the empty value), not the chosen one.
fn option_values(b: &Browser, select: &str) -> Vec<String> {
    let v: Value = b.execute_script(
        "const s = document.querySelector(arguments[0]); return Array.from(s.options).map(o => o.value).filter(v => v && v !== s.value);",
        vec![json!(select)],
    );
    serde_json::from_value(v).expect("option values")
}

/// Chooses a value in a filter and waits for htmx to put it in the address.
fn choose(b: &Browser, select: &str, value: &str) -> String {
    b.find(select).select_by_value(value);
    b.wait_until(&format!("{select} = {value} in the address"), WAIT, || {
        b.current_url()
            .contains(&format!("={}", value.replace(' ', "+")))
    });
    b.current_url()
}

/// After Back or Forward: the address, a whole page, and the filters as that address says.
fn assert_whole_page(b: &Browser, url: &str, selects: &[(&str, &str)]) {
    b.wait_until(&format!("the browser is at {url}"), WAIT, || {
        b.current_url() == url
    });
    b.wait_until("the whole page is shown", WAIT, || {
        b.execute_script(
            "return !!document.querySelector('header.topbar nav') && !!document.querySelector('h1') && !!document.querySelector('form.filters');",
            vec![],
        ) == json!(true)
    });
    for (select, value) in selects {
        assert_eq!(
            b.find(select).property("value"),
            json!(value),
            "{select} at {url}"
        );
    }
}

/// Two filter changes, then Back, Back and Forward.
fn filter_twice_then_go_back(b: &Browser, list_url: &str, first: &str, second: &str) {
    b.goto(list_url);
    let first_value = option_values(b, first)[0].clone();
    let second_values = option_values(b, second);
    // A second value that differs from the first when both filters are the same select.
    let second_value = second_values
        .iter()
        .find(|v| first != second || **v != first_value)
        .expect("a second option")
        .clone();
    let initial = b.find(first).property("value");
    let initial = initial.as_str().unwrap_or_default().to_string();
    let after_first = choose(b, first, &first_value);
    let after_second = choose(b, second, &second_value);
    assert_ne!(after_first, after_second);

    b.back();
    assert_whole_page(b, &after_first, &[(first, &first_value)]);
    b.back();
    assert_whole_page(b, list_url, &[(first, &initial)]);
    b.forward();
    assert_whole_page(b, &after_first, &[(first, &first_value)]);
    b.forward();
    let mut both = vec![(second, second_value.as_str())];
    if first != second {
        both.push((first, &first_value));
    }
    assert_whole_page(b, &after_second, &both);
}

#[test]
fn back_and_forward_after_filtering_show_whole_pages_with_their_filters() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, OPS);
    let org = app.world.org();
    filter_twice_then_go_back(
        &b,
        &app.url(&urls::lab_accounts(org)),
        "select[name=status]",
        "select[name=lab]",
    );
    filter_twice_then_go_back(
        &b,
        &app.url(&urls::org_orders(&app.world.org_id)),
        "select[name=status]",
        "select[name=status]",
    );
    filter_twice_then_go_back(
        &b,
        &app.url(&urls::review_queue(org)),
        "select[name=status]",
        "select[name=decision_code]",
    );
}
