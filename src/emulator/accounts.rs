//! Credentials and the accounts they belong to. Each key pair is an account; an account never
//! sees another's resources.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::wire::Credentials;

#[derive(Debug, Clone)]
pub struct Accounts {
    keys: HashMap<String, (String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    credentials: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    secret: String,
    account: String,
}

impl Default for Accounts {
    /// The documents' own example keys, one account each.
    fn default() -> Accounts {
        let mut keys = HashMap::new();
        keys.insert("testid".into(), ("testsecret".into(), "alibaba-1".into()));
        keys.insert(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA".into(),
            (
                "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA".into(),
                "tencent-1".into(),
            ),
        );
        Accounts { keys }
    }
}

impl Accounts {
    /// `[[credentials]] id = "...", secret = "...", account = "..."` entries in TOML.
    pub fn from_file(path: &Path) -> Result<Accounts> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let f: File =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Accounts {
            keys: f
                .credentials
                .into_iter()
                .map(|e| (e.id, (e.secret, e.account)))
                .collect(),
        })
    }

    pub fn add(&mut self, id: &str, secret: &str, account: &str) {
        self.keys.insert(id.into(), (secret.into(), account.into()));
    }

    pub fn account(&self, id: &str) -> Option<&str> {
        self.keys.get(id).map(|(_, a)| a.as_str())
    }
}

impl Credentials for Accounts {
    fn secret(&self, access_key_id: &str) -> Option<String> {
        self.keys.get(access_key_id).map(|(s, _)| s.clone())
    }
}
