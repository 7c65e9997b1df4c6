//! API keys: generated once, shown once, stored only as a SHA-256 digest.
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::string_enum::string_enum;

string_enum!(
    KeyScope {
        Team => "team",
        Org => "org",
        Lab => "lab",
    }
);

impl KeyScope {
    fn tag(self) -> &'static str {
        match self {
            KeyScope::Team => "ldk_team_",
            KeyScope::Org => "ldk_org_",
            KeyScope::Lab => "ldk_lab_",
        }
    }
}

/// A freshly minted key: `secret` goes to the person once; `prefix` and `digest` are stored.
#[derive(Debug, Clone)]
pub struct MintedKey {
    pub secret: String,
    pub prefix: String,
    pub digest: String,
}

pub fn mint(scope: KeyScope) -> MintedKey {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("{}{}", scope.tag(), hex::encode(bytes));
    let prefix = secret.chars().take(scope.tag().len() + 6).collect();
    let digest = digest(&secret);
    MintedKey {
        secret,
        prefix,
        digest,
    }
}

pub const LABEL_MAX_CHARS: usize = 100;

/// A key's label says who or what uses it, so a person can tell keys apart before revoking one.
pub fn validate_label(text: &str) -> Result<String, String> {
    let label = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        return Err(
            "Give the key a label, e.g. the program or integration that will use it.".into(),
        );
    }
    if label.chars().count() > LABEL_MAX_CHARS {
        return Err(format!(
            "Use at most {LABEL_MAX_CHARS} characters for the label."
        ));
    }
    Ok(label)
}

pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_key_matches_its_digest_and_prefix_only() {
        let key = mint(KeyScope::Team);
        assert!(key.secret.starts_with("ldk_team_"));
        assert!(key.secret.starts_with(&key.prefix));
        assert_eq!(digest(&key.secret), key.digest);
        assert!(!key.digest.contains(&key.secret[9..]));
        assert_ne!(mint(KeyScope::Team).secret, key.secret);
    }

    #[test]
    fn labels_are_required_trimmed_and_bounded() {
        assert_eq!(validate_label("  EHR   sync ").as_deref(), Ok("EHR sync"));
        assert!(validate_label("   ").is_err());
        assert!(validate_label(&"x".repeat(LABEL_MAX_CHARS)).is_ok());
        assert!(validate_label(&"x".repeat(LABEL_MAX_CHARS + 1)).is_err());
    }
}
