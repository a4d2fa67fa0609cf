//! `lbconform spec stats`: counts per dialect, pinned by tests so a deletion cannot go unseen.

use std::collections::BTreeSet;

use serde::Serialize;

use super::load::Dialect;
use super::schema::{ActionStatus, Param};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub dialect: String,
    pub actions: usize,
    pub actions_documented: usize,
    pub actions_overview_only: usize,
    pub actions_changelog_only: usize,
    /// Top-level request parameters, summed over actions (common parameters not included).
    pub params: usize,
    /// Every parameter and nested field of a structured parameter.
    pub params_nested: usize,
    pub response_fields: usize,
    /// Distinct error codes, dialect table and actions together.
    pub errors: usize,
    pub structures: usize,
    pub state_machines: usize,
    pub states: usize,
    pub transitions: usize,
    pub rules: usize,
    pub examples: usize,
    pub limits: usize,
    pub errata: usize,
}

fn nested(params: &[Param]) -> usize {
    params.iter().map(|p| 1 + nested(&p.fields)).sum()
}

pub fn stats(d: &Dialect) -> Stats {
    let count = |s: ActionStatus| d.actions.values().filter(|a| a.status == s).count();
    let codes: BTreeSet<&str> = d.all_errors().map(|e| e.code.as_str()).collect();
    Stats {
        dialect: d.id().to_string(),
        actions: d.actions.len(),
        actions_documented: count(ActionStatus::Documented),
        actions_overview_only: count(ActionStatus::OverviewOnly),
        actions_changelog_only: count(ActionStatus::ChangelogOnly),
        params: d.actions.values().map(|a| a.params.len()).sum(),
        params_nested: d.actions.values().map(|a| nested(&a.params)).sum(),
        response_fields: d.actions.values().map(|a| nested(&a.response)).sum(),
        errors: codes.len(),
        structures: d.structures.len(),
        state_machines: d.state_machines.len(),
        states: d.state_machines.values().map(|m| m.states.len()).sum(),
        transitions: d.state_machines.values().map(|m| m.transitions.len()).sum(),
        rules: d.actions.values().map(|a| a.rules.len()).sum::<usize>()
            + d.structures.values().map(|s| s.rules.len()).sum::<usize>(),
        examples: d.actions.values().map(|a| a.examples.len()).sum(),
        limits: d.limits.len(),
        errata: d.errata.len(),
    }
}
