//! The documented quotas a spec limit binds with `model = { quota = KIND, under = HOLDER, ... }`:
//! an action that would leave more resources of KIND under their holder than the document
//! allows is refused with the limit's code, and nothing changes. The holder is the resource an
//! id parameter names (`under = "LoadBalancerId"`: listeners per instance) or the request's
//! region (`under = "region"`: instances per account and region). Which actions, which kind,
//! which resources count (`only`) and which code are the spec's (`spec/<dialect>/limits/`);
//! nothing here names one.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::store::Store;
use super::{Call, Failure};
use crate::spec::{Dialect, Limit};

/// What holds the counted resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// The resource this id parameter names; its children of the kind are counted.
    Resource(String),
    /// The request's region; the account's resources of the kind there are counted.
    Region,
}

/// One quota as the model checks it.
#[derive(Debug, Clone)]
pub struct Quota {
    pub name: String,
    pub max: u64,
    /// The kind of resource counted.
    pub kind: String,
    pub under: Holder,
    /// The parameter saying how many one call adds: a list (one per item) or a count; one per
    /// call without.
    pub adds: Option<String>,
    /// Attribute -> value: only resources (and requests) with these count (`LoadBalancerType =
    /// "OPEN"`: public instances have their own quota).
    pub only: BTreeMap<String, String>,
    /// The id the dialect's quota query reports it under.
    pub reported_as: Option<String>,
    pub code: String,
}

impl Quota {
    fn of(l: &Limit) -> Option<Quota> {
        let m = l.model.as_ref()?;
        let under = match m.under.as_deref()? {
            "region" => Holder::Region,
            param => Holder::Resource(param.to_string()),
        };
        Some(Quota {
            name: l.name.clone(),
            max: l.value.as_u64()?,
            kind: m.quota.clone()?,
            under,
            adds: m.adds.clone(),
            only: m.only.clone(),
            reported_as: m.reported_as.clone(),
            code: m.code.clone(),
        })
    }

    /// How many the call adds.
    fn adds(&self, call: &Call) -> u64 {
        let Some(p) = &self.adds else {
            return 1;
        };
        match call.params.get(p) {
            Some(Value::Array(items)) => items.len() as u64,
            Some(v) => v.as_u64().or_else(|| v.as_str()?.parse().ok()).unwrap_or(1),
            None => 1,
        }
    }

    /// Whether a value of the `only` attributes matches: the request's parameter, or a
    /// resource's attribute.
    fn matches<'v>(&self, get: impl Fn(&str) -> Option<&'v Value>) -> bool {
        self.only
            .iter()
            .all(|(k, want)| get(k).and_then(Value::as_str) == Some(want.as_str()))
    }

    /// How many the holder holds now, and a name for it; `None` where the call names none.
    fn held(&self, s: &Store, call: &Call) -> Option<(u64, String)> {
        match &self.under {
            Holder::Resource(param) => {
                let holder = call.str(param)?;
                let n = s.count_children(call.account, holder, &self.kind) as u64;
                Some((n, format!("{param} {holder}")))
            }
            Holder::Region if call.region.is_empty() => None,
            Holder::Region => {
                let n = s
                    .of_kind(call.account, &self.kind)
                    .filter(|r| r.region == call.region)
                    .filter(|r| self.matches(|k| r.attrs.get(k)))
                    .count() as u64;
                Some((n, format!("region {}", call.region)))
            }
        }
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

/// Tencent DescribeQuota: every quota the dialect's limits report, with its limit and, for one
/// the region holds, the account's use of it there (`null` for a per-resource quota: 为 null
/// 时表示无意义, 004 § Quota).
pub fn describe(s: &Store, call: &Call) -> Map<String, Value> {
    let set: Vec<Value> = call
        .dialect
        .limits
        .iter()
        .filter_map(Quota::of)
        .filter_map(|q| {
            let id = q.reported_as.as_deref()?;
            let current = match q.under {
                Holder::Region => q.held(s, call).map(|(n, _)| n),
                Holder::Resource(_) => None,
            };
            Some(json!({"QuotaId": id, "QuotaCurrent": current, "QuotaLimit": q.max}))
        })
        .collect();
    super::object(json!({ "QuotaSet": set }))
}

/// Refuses `call` when it would pass one of `quotas`.
pub fn check(s: &Store, call: &Call, quotas: &[Quota]) -> Result<(), Failure> {
    for q in quotas {
        if !q.matches(|k| call.params.get(k)) {
            continue;
        }
        let Some((held, holder)) = q.held(s, call) else {
            continue;
        };
        if held + q.adds(call) > q.max {
            return Err(Failure::new(
                &q.code,
                format!(
                    "{holder} holds {held} {}(s) and may hold at most {} ({})",
                    q.kind, q.max, q.name
                ),
            ));
        }
    }
    Ok(())
}
