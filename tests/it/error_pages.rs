//! "Page not found" and "You don't have access to this page" keep the dashboard's header and
//! navigation for someone signed in, with a way back to their home page; signed out, the plain
//! layout; htmx still gets its small fragment.
use labdesk::web::urls;

use crate::support::{each_backend, CSM, OPS};

const ORG_NAV: &str = "<nav aria-label=\"Organization\">";
const PLATFORM_NAV: &str = "<nav aria-label=\"Platform\">";

#[test]
fn a_signed_in_404_keeps_the_layout_and_the_persons_own_navigation() {
    each_backend(|app| {
        let ops = app.login(OPS);
        // A page that does not exist, and another org's page (the same answer for both).
        let other_org = urls::lab_accounts(&urls::Scope::Org(app.world.other_org_id.clone()));
        for path in ["/no-such-page", other_org.as_str()] {
            let res = ops.get(path);
            assert_eq!(res.status, 404, "{path}");
            assert!(res.body.contains(ORG_NAV), "{path}: {}", res.body);
            assert!(!res.body.contains("aria-current=\"page\""), "{path}");
            let text = res.text();
            assert!(text.contains("Page not found"), "{text}");
            assert!(
                text.contains("Olivia Park"),
                "the header names who is signed in"
            );
            assert!(res
                .body
                .contains(&format!("href=\"{}\">Back to your home page", urls::home())));
            let orders = urls::org_orders(&app.world.org_id);
            assert!(res.body.contains(&format!("href=\"{orders}\"")), "{path}");
            assert!(!text.contains("Globex"), "nothing of the other org: {text}");
        }
        let csm = app.login(CSM).get("/no-such-page");
        assert_eq!(csm.status, 404);
        assert!(csm.body.contains(PLATFORM_NAV));
        assert!(csm.body.contains(&format!("href=\"{}\"", urls::lab_keys())));
    });
}

#[test]
fn a_signed_in_403_keeps_the_layout_and_says_so_plainly() {
    each_backend(|app| {
        let res = app.login(OPS).get(&urls::lab_keys());
        assert_eq!(res.status, 403);
        assert!(res.body.contains(ORG_NAV), "{}", res.body);
        let text = res.text();
        assert!(text.contains("have access to this page"), "{text}");
        assert!(text.contains("cannot do this"), "{text}");
        assert!(text.contains("Back to your home page"));
    });
}

#[test]
fn signed_out_and_htmx_error_answers_stay_small() {
    each_backend(|app| {
        let anon = app.client().get("/static/no-such-file.css");
        assert_eq!(anon.status, 404);
        assert!(!anon.body.contains("<nav"));
        let anon = app.client().get("/no-such-page");
        assert_eq!(anon.status, 404);
        assert!(!anon.body.contains("<nav"), "{}", anon.body);
        assert!(anon.text().contains("Page not found"));

        let ops = app.login(OPS);
        let res = ops.htmx_get("/no-such-page");
        assert_eq!(res.status, 404);
        assert_eq!(res.header("hx-retarget"), Some("#flash"));
        assert!(res
            .body
            .trim_start()
            .starts_with("<div class=\"flash flash-error\""));
        assert!(!res.body.contains("<nav"));
    });
}
