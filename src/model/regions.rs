//! The documented regions ([`RegionCatalogue`], `spec/<dialect>/regions.toml`): a request in a
//! region the documents do not name is refused with the dialect's code for it, one that asks a
//! region for a feature it lacks with the feature's code, and DescribeRegions (SLB) and
//! DescribeEnsRegions (ENS) answer the catalogue.

use serde_json::{json, Map, Value};

use super::{Call, Failure};
use crate::spec::{Action, Dialect, RegionCatalogue};
use crate::wire::codes::validation;

/// Checks the region `given` as (parameter, value) by the request against the catalogue.
pub fn check(
    d: &Dialect,
    action: &Action,
    given: Option<(&str, &str)>,
    params: &Map<String, Value>,
) -> Result<(), Failure> {
    let cat = &d.regions;
    let Some((param, id)) = given else {
        return Ok(());
    };
    if cat.regions.is_empty() {
        return Ok(());
    }
    let Some(region) = cat.region(id) else {
        return Err(Failure::new(
            &unknown_code(d, action, param),
            format!("{param} {id} is not a region of {}", d.id()),
        ));
    };
    let lacking = cat.features.iter().find(|f| {
        f.actions.contains(&action.name)
            && params.contains_key(&f.param)
            && !region.features.contains(&f.name)
    });
    match lacking {
        Some(f) => Err(Failure::new(
            &f.error,
            format!("{id} has no {} ({} given)", f.name, f.param),
        )),
        None => Ok(()),
    }
}

/// The first of the catalogue's `unknown` codes that applies to `action` (a template filled with
/// the parameter), else the dialect's invalid-parameter code.
fn unknown_code(d: &Dialect, action: &Action, param: &str) -> String {
    let applies = |code: &str| {
        action.errors.iter().any(|e| e.code == code)
            || d.errors.iter().any(|e| {
                e.code == code && (e.actions.is_empty() || e.actions.contains(&action.name))
            })
    };
    d.regions
        .unknown
        .iter()
        .find(|c| applies(c))
        .map(|c| c.replace("%s", param))
        .unwrap_or_else(|| validation(d, false).to_string())
}

/// The region a request names: the first of the catalogue's parameters it gives, looked up by
/// `lookup` (its decoded parameters, the raw query, a Tencent `X-TC-Region` header).
pub fn given(
    cat: &RegionCatalogue,
    lookup: impl Fn(&str) -> Option<String>,
) -> Option<(&str, String)> {
    cat.params
        .iter()
        .find_map(|p| lookup(p).map(|v| (p.as_str(), v)))
}

/// SLB DescribeRegions: every catalogued region with its local name.
pub fn describe_regions(call: &Call) -> Map<String, Value> {
    let list: Vec<Value> = call
        .dialect
        .regions
        .regions
        .iter()
        .map(|r| json!({"RegionId": r.id, "LocalName": r.name}))
        .collect();
    super::object(json!({"Regions": {"Region": list}}))
}

/// ENS DescribeEnsRegions: every catalogued node, or the one `EnsRegionId` names.
pub fn describe_ens_regions(call: &Call) -> Map<String, Value> {
    let want = call.str("EnsRegionId");
    let list: Vec<Value> = call
        .dialect
        .regions
        .regions
        .iter()
        .filter(|r| want.is_none_or(|w| w == r.id))
        .map(|r| {
            let mut m = super::object(json!({"EnsRegionId": r.id, "Name": r.name}));
            m.extend(r.answer.iter().map(|(k, v)| (k.clone(), v.clone())));
            Value::Object(m)
        })
        .collect();
    super::object(json!({"Code": 0, "EnsRegions": {"EnsRegions": list}}))
}
