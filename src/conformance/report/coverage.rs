//! Coverage: which spec items the cases that ran exercised, against everything the spec
//! defines. The same computation serves the report and `lbconform spec coverage`.
//!
//! Items are strings: `action:Name`, `transition:resource:from->to`, `param:Action.Param:edge`,
//! `error:Code`. A case exercises its `covers`, every action it calls and every code it expects.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};

use serde::{Deserialize, Serialize};

use crate::conformance::generate::edge_universe;
use crate::conformance::report::NotGenerated;
use crate::spec::{Dialect, Spec};

/// One category (actions, transitions, parameter edges, errors) of one dialect.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Category {
    pub total: usize,
    pub exercised: usize,
    /// Items the spec defines that nothing exercised (and that are not `not_provokable`).
    pub missing: Vec<String>,
    /// Items nothing exercised because no request can provoke them against an emulator,
    /// each with the reason (`suites/not-provokable.toml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_provokable: Vec<NotProvokable>,
}

/// An item declared impossible to provoke, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NotProvokable {
    pub item: String,
    pub reason: String,
}

/// One entry of `suites/not-provokable.toml`: a documented error code of a dialect that no
/// client request can provoke (internal failures, RAM sub-user permissions, billing state).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unprovokable {
    pub dialect: String,
    pub code: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnprovokableFile {
    #[serde(default)]
    error: Vec<Unprovokable>,
}

/// The `not-provokable.toml` of a suite directory (none for a single suite file or when the
/// directory has none). Each code must be one its dialect documents.
pub fn load_not_provokable(spec: &Spec, suite: &Path) -> Result<Vec<Unprovokable>> {
    let path = suite.join("not-provokable.toml");
    if !suite.is_dir() || !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let file: UnprovokableFile =
        toml::from_str(&text).with_context(|| path.display().to_string())?;
    for u in &file.error {
        let documented = spec
            .dialect(&u.dialect)
            .is_some_and(|d| d.all_errors().any(|e| e.code == u.code));
        if !documented {
            bail!(
                "{}: {} documents no error {}",
                path.display(),
                u.dialect,
                u.code
            );
        }
    }
    Ok(file.error)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DialectCoverage {
    pub id: String,
    pub actions: Category,
    pub transitions: Category,
    pub param_edges: Category,
    pub errors: Category,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    pub dialects: Vec<DialectCoverage>,
}

/// Every item the spec defines for a dialect, by category.
pub fn universe(d: &Dialect) -> [BTreeSet<String>; 4] {
    let actions = d.actions.keys().map(|a| format!("action:{a}")).collect();
    let transitions = d
        .state_machines
        .values()
        .flat_map(|m| {
            m.transitions
                .iter()
                .map(move |t| format!("transition:{}:{}->{}", m.resource, t.from, t.to))
        })
        .collect();
    let edges = d
        .actions
        .values()
        .flat_map(|a| edge_universe(d, a))
        .collect();
    let errors = d
        .all_errors()
        .map(|e| format!("error:{}", e.code))
        .collect();
    [actions, transitions, edges, errors]
}

fn category(all: &BTreeSet<String>, seen: &BTreeSet<String>) -> Category {
    let missing: Vec<String> = all.difference(seen).cloned().collect();
    Category {
        total: all.len(),
        exercised: all.len() - missing.len(),
        missing,
        not_provokable: Vec::new(),
    }
}

/// Coverage of `dialects` given the items each (dialect, items) case exercised. A parameter
/// edge `not_generated` names (with why) is listed under `not_provokable` when no case
/// exercised it; it still counts in the total.
pub fn compute<'a>(
    spec: &Spec,
    dialects: &[String],
    unprovokable: &[Unprovokable],
    not_generated: &[NotGenerated],
    exercised: impl Iterator<Item = (&'a str, &'a [String])>,
) -> Coverage {
    let mut seen: std::collections::BTreeMap<&str, BTreeSet<String>> = Default::default();
    for (d, items) in exercised {
        seen.entry(d).or_default().extend(items.iter().cloned());
    }
    let empty = BTreeSet::new();
    Coverage {
        dialects: spec
            .dialects
            .iter()
            .filter(|d| dialects.iter().any(|x| x == d.id()))
            .map(|d| {
                let s = &with_templates(d, seen.get(d.id()).unwrap_or(&empty));
                let [a, t, p, e] = universe(d);
                DialectCoverage {
                    id: d.id().into(),
                    actions: category(&a, s),
                    transitions: category(&t, s),
                    param_edges: edges_aside(category(&p, s), d.id(), not_generated),
                    errors: set_aside(category(&e, s), d.id(), unprovokable),
                }
            })
            .collect(),
    }
}

/// `c` with the missing edges the generator could make no case for moved to `not_provokable`.
fn edges_aside(c: Category, dialect: &str, not_generated: &[NotGenerated]) -> Category {
    move_aside(c, |item| {
        not_generated
            .iter()
            .find(|n| n.dialect == dialect && n.item.as_deref() == Some(item))
            .map(|n| n.why.clone())
    })
}

/// `c` with the missing items `unprovokable` declares for `dialect` moved to `not_provokable`.
fn set_aside(c: Category, dialect: &str, unprovokable: &[Unprovokable]) -> Category {
    move_aside(c, |item| {
        unprovokable
            .iter()
            .find(|u| u.dialect == dialect && format!("error:{}", u.code) == item)
            .map(|u| u.reason.clone())
    })
}

/// `c` with every missing item `reason` gives a reason for moved to `not_provokable`.
fn move_aside(mut c: Category, reason: impl Fn(&str) -> Option<String>) -> Category {
    let (aside, missing): (Vec<String>, Vec<String>) =
        c.missing.drain(..).partition(|m| reason(m).is_some());
    c.missing = missing;
    c.not_provokable = aside
        .into_iter()
        .map(|item| NotProvokable {
            reason: reason(&item).unwrap_or_default(),
            item,
        })
        .collect();
    c
}

/// `seen` plus each documented template (`error:Missing%s`) that a seen concrete code fills
/// (`error:MissingLoadBalancerId`): the concrete code is what a target answers.
fn with_templates(d: &Dialect, seen: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = seen.clone();
    let codes: Vec<&str> = seen
        .iter()
        .filter_map(|i| i.strip_prefix("error:"))
        .collect();
    for t in d.all_errors().filter(|e| e.is_template()) {
        if codes.iter().any(|c| t.matches(c)) {
            out.insert(format!("error:{}", t.code));
        }
    }
    out
}

impl Category {
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.exercised as f64 / self.total as f64
        }
    }
}
