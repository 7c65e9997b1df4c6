//! Where something is looked at from: one organization, or the platform (the CSMs' view of the
//! platform-managed lab accounts and of every org they look after). Lab accounts and the review
//! queue exist in both.
use super::ids::OrgId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Org(OrgId),
    Platform,
}

impl Scope {
    pub fn org_id(&self) -> Option<&OrgId> {
        match self {
            Scope::Org(id) => Some(id),
            Scope::Platform => None,
        }
    }
}
