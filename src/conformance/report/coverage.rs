//! Coverage: which spec items the cases that ran exercised, against everything the spec
//! defines. The same computation serves the report and `lbconform spec coverage`.
//!
//! Items are strings: `action:Name`, `transition:resource:from->to`, `param:Action.Param:edge`,
//! `error:Code`. A case exercises its `covers`, every action it calls and every code it expects.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::conformance::generate::edge_universe;
use crate::spec::{Dialect, Spec};

/// One category (actions, transitions, parameter edges, errors) of one dialect.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Category {
    pub total: usize,
    pub exercised: usize,
    /// Items the spec defines that nothing exercised.
    pub missing: Vec<String>,
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
    }
}

/// Coverage of `dialects` given the items each (dialect, items) case exercised.
pub fn compute<'a>(
    spec: &Spec,
    dialects: &[String],
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
                let s = seen.get(d.id()).unwrap_or(&empty);
                let [a, t, p, e] = universe(d);
                DialectCoverage {
                    id: d.id().into(),
                    actions: category(&a, s),
                    transitions: category(&t, s),
                    param_edges: category(&p, s),
                    errors: category(&e, s),
                }
            })
            .collect(),
    }
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
