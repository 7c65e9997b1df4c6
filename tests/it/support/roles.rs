//! Who the tests act as: the demo's people (by role), its Teams (by name) and the headers that
//! carry each kind of API key. One name each, so a Team's name is never a header's.

/// The customer success manager, assigned to both demo orgs.
pub const CSM: &str = "csm@labdesk.test";
/// Northwind Health's org admin (ops).
pub const OPS: &str = "ops@northwind.test";
/// Northwind's clinician of Team Primary Care.
pub const CLINICIAN: &str = "clinician@northwind.test";
/// Globex's org admin: the other org.
pub const OTHER_OPS: &str = "ops@globex.test";
/// A clinician of Cardiology: not in the demo; a test adds them with `data::add_clinician`.
pub const CARDIO_CLINICIAN: &str = "cardio.clinician@northwind.test";

/// Northwind's Teams.
pub const PRIMARY_CARE: &str = "Primary Care";
pub const CARDIOLOGY: &str = "Cardiology";
pub const TELEHEALTH_WEST: &str = "Telehealth West";
/// Globex's Team.
pub const GLOBEX_DOWNTOWN: &str = "Globex Downtown";

/// A Team's API key (Junction's header name).
pub const TEAM_KEY_HEADER: &str = "x-vital-api-key";
/// An org's management key.
pub const ORG_KEY_HEADER: &str = "X-Management-Key";
/// A lab's result delivery key.
pub const LAB_KEY_HEADER: &str = "X-Lab-Interface-Key";
