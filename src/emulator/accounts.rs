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
    /// Account -> the project ids it has besides the default project 0 (Tencent projects).
    projects: HashMap<String, Vec<i64>>,
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
    /// Tencent project ids the account has besides the default project 0.
    #[serde(default)]
    projects: Vec<i64>,
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
        Accounts {
            keys,
            projects: HashMap::new(),
        }
    }
}

impl Accounts {
    /// `[[credentials]] id = "...", secret = "...", account = "..."` entries in TOML.
    pub fn from_file(path: &Path) -> Result<Accounts> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let f: File =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let mut projects: HashMap<String, Vec<i64>> = HashMap::new();
        for e in &f.credentials {
            projects
                .entry(e.account.clone())
                .or_default()
                .extend(&e.projects);
        }
        Ok(Accounts {
            keys: f
                .credentials
                .into_iter()
                .map(|e| (e.id, (e.secret, e.account)))
                .collect(),
            projects,
        })
    }

    pub fn add(&mut self, id: &str, secret: &str, account: &str) {
        self.keys.insert(id.into(), (secret.into(), account.into()));
    }

    /// Gives `account` project `id` (the default project 0 it always has).
    pub fn add_project(&mut self, account: &str, id: i64) {
        self.projects.entry(account.into()).or_default().push(id);
    }

    /// Whether `account` has project `id`: the default project 0, or one configured.
    pub fn has_project(&self, account: &str, id: i64) -> bool {
        id == 0 || self.projects.get(account).is_some_and(|p| p.contains(&id))
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
