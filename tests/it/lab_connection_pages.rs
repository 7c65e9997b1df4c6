//! CSMs set how each lab takes orders: the form keeps what was typed when refused, a saved
//! connection is audited and used for the next order; nobody else reaches the page.
use labdesk::db::lab_messages as lab_db;
use labdesk::domain::lab::LabSlug;
use labdesk::domain::lab_link::ConnectionKind;
use labdesk::web::urls;

use crate::support::{each_backend, CLINICIAN, CSM, OPS};

#[test]
fn a_csm_sets_a_labs_connection_and_a_refusal_keeps_what_was_typed() {
    each_backend(|app| {
        let csm = app.login(CSM);
        let page = csm.get(&urls::lab_connections());
        assert_eq!(page.status, 200);
        assert!(page.text().contains("Quest Diagnostics"));
        let quest = urls::lab_connection(LabSlug::Quest);
        let refused = csm.post_form(
            &quest,
            &[
                ("kind", "mllp"),
                ("host", "lab interface"),
                ("port", "99999"),
            ],
        );
        assert_eq!(refused.status, 422);
        let text = refused.text();
        assert!(text.contains("host name or IP address."), "{text}");
        assert!(text.contains("Enter a port from 1 to 65535."));
        assert!(refused.body.contains("<option value=\"mllp\" selected>"));
        assert!(
            refused.body.contains("value=\"lab interface\"")
                && refused.body.contains("value=\"99999\"")
        );
        assert_eq!(
            lab_db::connection_of(&mut app.conn(), LabSlug::Quest)
                .unwrap()
                .kind,
            ConnectionKind::None
        );

        let saved = csm.post_form(
            &quest,
            &[
                ("kind", "mllp"),
                ("host", "interface.quest.example"),
                ("port", "6661"),
            ],
        );
        assert_eq!(
            saved.location(),
            format!("{}?saved=quest", urls::lab_connections())
        );
        assert!(csm
            .get(&saved.location())
            .text()
            .contains("Connection of Quest Diagnostics saved."));
        let c = lab_db::connection_of(&mut app.conn(), LabSlug::Quest).unwrap();
        assert_eq!(c.address().as_deref(), Some("interface.quest.example:6661"));
        let audit = app.audit_rows("lab.connection_changed", "quest");
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_label, CSM);

        for who in [OPS, CLINICIAN] {
            let c = app.login(who);
            assert_eq!(c.get(&urls::lab_connections()).status, 403, "{who}");
            assert_eq!(
                c.post_form(&quest, &[("kind", "none")]).status,
                403,
                "{who}"
            );
        }
        assert_eq!(app.audit_rows("lab.connection_changed", "quest").len(), 1);
    });
}
