//! SLB tag sets: what DescribeTags answers. AddTags and RemoveTags are generic attaches of
//! `Tags` items to a load balancer; DescribeTags is not a read of one resource but a count over
//! all of them: each distinct (TagKey, TagValue) with the number of load balancers carrying it
//! (`InstanceCount`), filtered by load balancer and by tags, paged (001 § DescribeTags).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::alibaba_lb::LB;
use super::generic::member_items;
use super::store::Store;
use super::{Call, Outcome};

/// A tag as the request or the store gives it: key, and value if it has one.
fn tag(v: &Value) -> Option<(String, Option<String>)> {
    let key = v.get("TagKey")?.as_str()?.to_string();
    Some((
        key,
        v.get("TagValue")
            .and_then(Value::as_str)
            .map(str::to_string),
    ))
}

fn tags_of(v: Option<&Value>) -> Vec<(String, Option<String>)> {
    v.map(member_items)
        .unwrap_or_default()
        .iter()
        .filter_map(tag)
        .collect()
}

pub fn describe_tags(s: &Store, call: &Call) -> Outcome {
    let lbs: Option<Vec<&str>> = call
        .str("LoadBalancerId")
        .map(|v| v.split(',').map(str::trim).collect());
    // A filter tag without a value matches every value of its key.
    let wanted = tags_of(call.params.get("Tags"));
    let region = call.str("RegionId");
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in s.of_kind(call.account, LB) {
        if region.is_some_and(|reg| reg != r.region)
            || lbs
                .as_ref()
                .is_some_and(|ids| !ids.contains(&r.id.as_str()))
        {
            continue;
        }
        for (k, v) in tags_of(r.attrs.get("Tags")) {
            // A stored tag without a value is the tag set (key, "").
            let v = v.unwrap_or_default();
            let hit = wanted.is_empty()
                || wanted
                    .iter()
                    .any(|(wk, wv)| *wk == k && wv.as_ref().is_none_or(|wv| *wv == v));
            if hit {
                *counts.entry((k, v)).or_default() += 1;
            }
        }
    }
    Ok(page(call, counts))
}

fn page(call: &Call, counts: BTreeMap<(String, String), u64>) -> Map<String, Value> {
    let size = call.u64("PageSize").unwrap_or(50).max(1);
    let number = call.u64("PageNumber").unwrap_or(1).max(1);
    let total = counts.len();
    let sets: Vec<Value> = counts
        .into_iter()
        .skip(((number - 1) * size) as usize)
        .take(size as usize)
        .map(|((k, v), n)| json!({"TagKey": k, "TagValue": v, "InstanceCount": n}))
        .collect();
    let mut m = Map::new();
    m.insert("TagSets".into(), json!({ "TagSet": sets }));
    m.insert("PageSize".into(), json!(size));
    m.insert("PageNumber".into(), json!(number));
    m.insert("TotalCount".into(), json!(total));
    m
}
