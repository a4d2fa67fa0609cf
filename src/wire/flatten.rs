//! Tencent's `Name.N.Field` flattening, both ways.
//!
//! GET and form requests carry lists and structures as dotted names: `Targets.0.InstanceId=ins-1`,
//! `Targets.0.Port=80`, `LoadBalancerIds.1=lb-2`. [`unflatten`] turns those into nested JSON, with
//! numeric segments as list positions (ordered by their number, so `.0` and `.1` work as well as
//! v2's `.1` and `.2`); [`flatten`] does the reverse for the client side.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Why dotted names could not be nested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlattenError {
    #[error("`{0}` is used both as a value and as a structure")]
    Conflict(String),
    #[error("`{0}` has an empty segment")]
    EmptySegment(String),
    #[error("`{0}` mixes list positions and field names at one level")]
    Mixed(String),
}

#[derive(Debug, Default)]
struct Node {
    leaf: Option<String>,
    children: BTreeMap<String, Node>,
}

/// Nests dotted names. Values stay strings; typing is [`super::params`]' job.
pub fn unflatten(pairs: &[(String, String)]) -> Result<Map<String, Value>, FlattenError> {
    let mut root = Node::default();
    for (name, value) in pairs {
        let mut node = &mut root;
        for seg in name.split('.') {
            if seg.is_empty() {
                return Err(FlattenError::EmptySegment(name.clone()));
            }
            if node.leaf.is_some() {
                return Err(FlattenError::Conflict(name.clone()));
            }
            node = node.children.entry(seg.to_string()).or_default();
        }
        if !node.children.is_empty() || node.leaf.is_some() {
            return Err(FlattenError::Conflict(name.clone()));
        }
        node.leaf = Some(value.clone());
    }
    let mut out = Map::new();
    for (k, child) in root.children {
        let v = to_value(&k, child)?;
        out.insert(k, v);
    }
    Ok(out)
}

fn to_value(path: &str, node: Node) -> Result<Value, FlattenError> {
    if let Some(leaf) = node.leaf {
        return Ok(Value::String(leaf));
    }
    let numeric = node
        .children
        .keys()
        .filter(|k| k.parse::<u32>().is_ok())
        .count();
    if numeric == node.children.len() {
        let mut items: Vec<(u32, Node)> = node
            .children
            .into_iter()
            .map(|(k, n)| (k.parse().unwrap_or(0), n))
            .collect();
        items.sort_by_key(|(i, _)| *i);
        let list = items
            .into_iter()
            .map(|(i, n)| to_value(&format!("{path}.{i}"), n))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Value::Array(list));
    }
    if numeric > 0 {
        return Err(FlattenError::Mixed(path.to_string()));
    }
    let mut map = Map::new();
    for (k, child) in node.children {
        let v = to_value(&format!("{path}.{k}"), child)?;
        map.insert(k, v);
    }
    Ok(Value::Object(map))
}

/// Flattens nested JSON into dotted names; list positions start at `first_index` (0 in both
/// Tencent documents, "数组下标从0开始").
pub fn flatten(value: &Map<String, Value>, first_index: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in value {
        walk(k, v, first_index, &mut out);
    }
    out
}

fn walk(prefix: &str, v: &Value, first: usize, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| walk(&format!("{prefix}.{k}"), v, first, out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| walk(&format!("{prefix}.{}", i + first), v, first, out)),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Null => {}
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn nests_lists_of_structures_in_index_order() {
        let m = unflatten(&p(&[
            ("Targets.1.Port", "81"),
            ("Targets.0.InstanceId", "ins-1"),
            ("Targets.0.Port", "80"),
            ("Ids.10", "b"),
            ("Ids.2", "a"),
        ]))
        .unwrap();
        assert_eq!(
            Value::Object(m.clone()),
            json!({"Ids": ["a", "b"], "Targets": [{"InstanceId": "ins-1", "Port": "80"}, {"Port": "81"}]})
        );
        let back = flatten(&m, 0);
        assert!(back.contains(&("Targets.1.Port".to_string(), "81".to_string())));
    }

    #[test]
    fn rejects_conflicts_and_empty_segments() {
        assert!(matches!(
            unflatten(&p(&[("A", "1"), ("A.B", "2")])),
            Err(FlattenError::Conflict(_))
        ));
        assert!(matches!(
            unflatten(&p(&[("A.B", "2"), ("A", "1")])),
            Err(FlattenError::Conflict(_))
        ));
        assert!(matches!(
            unflatten(&p(&[("A..B", "1")])),
            Err(FlattenError::EmptySegment(_))
        ));
        assert!(matches!(
            unflatten(&p(&[("A.0", "1"), ("A.x", "2")])),
            Err(FlattenError::Mixed(_))
        ));
    }
}
