//! The documented quotas a spec limit binds with `model = { quota = KIND, under = PARAM, ... }`:
//! an action that would leave more resources of KIND under the resource PARAM names than the
//! document allows is refused with the limit's code, and nothing changes. Which actions, which
//! kind and which code are the spec's (`spec/<dialect>/limits/`); nothing here names one.

use serde_json::Value;

use super::store::Store;
use super::{Call, Failure};
use crate::spec::{Dialect, Limit};

/// One quota as the model checks it.
#[derive(Debug, Clone)]
pub struct Quota {
    pub name: String,
    pub max: u64,
    /// The kind of resource counted.
    pub kind: String,
    /// The id parameter naming the holder.
    pub under: String,
    /// The list parameter whose items each add one (one per call without).
    pub adds: Option<String>,
    pub code: String,
}

impl Quota {
    fn of(l: &Limit) -> Option<Quota> {
        let m = l.model.as_ref()?;
        Some(Quota {
            name: l.name.clone(),
            max: l.value.as_u64()?,
            kind: m.quota.clone()?,
            under: m.under.clone()?,
            adds: m.adds.clone(),
            code: m.code.clone(),
        })
    }
}

/// The quotas of `action` in `d`.
pub fn of_action(d: &Dialect, action: &str) -> Vec<Quota> {
    d.limits
        .iter()
        .filter(|l| l.actions.iter().any(|a| a == action))
        .filter_map(Quota::of)
        .collect()
}

/// Refuses `call` when it would pass one of `quotas`.
pub fn check(s: &Store, call: &Call, quotas: &[Quota]) -> Result<(), Failure> {
    for q in quotas {
        let Some(holder) = call.str(&q.under) else {
            continue;
        };
        let adds = match &q.adds {
            Some(p) => call
                .params
                .get(p)
                .and_then(Value::as_array)
                .map_or(0, Vec::len) as u64,
            None => 1,
        };
        let held = s.count_children(call.account, holder, &q.kind) as u64;
        if held + adds > q.max {
            return Err(Failure::new(
                &q.code,
                format!(
                    "{} {holder} holds {held} {}(s) and may hold at most {} ({})",
                    q.under, q.kind, q.max, q.name
                ),
            ));
        }
    }
    Ok(())
}
