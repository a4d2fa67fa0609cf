//! Normalised answers for snapshots: the values that differ from run to run (ids, request ids,
//! timestamps, addresses, signatures, nonces) replaced by placeholders, by rules written as
//! data in [`RULES`], and the shape of a JSON value ([`shape`]) for comparing documented
//! examples with real answers while ignoring values.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// How a rule matches a field name.
#[derive(Debug, Clone, Copy)]
pub enum Name {
    Exact(&'static str),
    Suffix(&'static str),
    Contains(&'static str),
}

impl Name {
    fn matches(self, key: &str) -> bool {
        match self {
            Name::Exact(n) => key.eq_ignore_ascii_case(n),
            Name::Suffix(s) => key.ends_with(s),
            Name::Contains(s) => key.contains(s),
        }
    }
}

const TIME: &str = "[time]";

/// Field name -> placeholder, first match wins. A name in [`KEEP`] is never redacted.
pub const RULES: &[(Name, &str)] = &[
    (Name::Exact("RequestId"), "[request-id]"),
    (Name::Exact("HostId"), "[host]"),
    (Name::Suffix("Id"), "[id]"),
    (Name::Suffix("Ids"), "[id]"),
    (Name::Suffix("id"), "[id]"),
    (Name::Suffix("ids"), "[id]"),
    (Name::Contains("Time"), TIME),
    (Name::Contains("time"), TIME),
    (Name::Suffix("Date"), TIME),
    (Name::Exact("Timestamp"), TIME),
    (Name::Suffix("Address"), "[address]"),
    (Name::Suffix("Addresses"), "[address]"),
    (Name::Suffix("address"), "[address]"),
    (Name::Suffix("Vip"), "[address]"),
    (Name::Suffix("Vips"), "[address]"),
    (Name::Suffix("vip"), "[address]"),
    (Name::Suffix("Vips"), "[address]"),
    (Name::Suffix("Ip"), "[address]"),
    (Name::Suffix("Ips"), "[address]"),
    (Name::Suffix("IP"), "[address]"),
    (Name::Suffix("Domain"), "[address]"),
    (Name::Suffix("domain"), "[address]"),
    (Name::Contains("Signature"), "[signature]"),
    (Name::Contains("Nonce"), "[nonce]"),
    (Name::Exact("nonce"), "[nonce]"),
];

/// Fields a rule would catch that carry settings, not run-to-run values.
pub const KEEP: &[&str] = &[
    "RegionId",
    "ZoneId",
    "EnsRegionId",
    "MasterZoneId",
    "SlaveZoneId",
    "ResourceGroupId",
    "HealthCheckTimeout",
    "HealthCheckConnectTimeout",
    "IdleTimeout",
    "RequestTimeout",
    "TimeOut",
    "timeOut",
    "SessionExpireTime",
    "CookieTimeout",
    "PersistenceTimeout",
    "EstablishedTimeout",
    "ConnectTimeout",
    "HealthCheckTimeOut",
    "healthCheckTimeOut",
    "ProtectedIp",
    "AddressIPVersion",
    "AddressType",
    "IPVersion",
];

fn placeholder(key: &str) -> Option<&'static str> {
    if KEEP.contains(&key) {
        return None;
    }
    RULES.iter().find(|(n, _)| n.matches(key)).map(|(_, p)| *p)
}

/// `v` with every redacted field replaced, and every string elsewhere that contains a redacted
/// value (an id inside a name or a message) rewritten with the placeholder.
pub fn normalise(v: &Value) -> Value {
    let mut seen: Vec<(String, &'static str)> = Vec::new();
    let first = redact(v, None, &mut seen);
    // Longest first, so an id is not replaced inside a longer one; one placeholder per value.
    seen.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
    seen.dedup_by(|a, b| a.0 == b.0);
    rewrite(&first, &seen)
}

fn redact(v: &Value, ph: Option<&'static str>, seen: &mut Vec<(String, &'static str)>) -> Value {
    match (v, ph) {
        (Value::Object(m), _) => {
            let mut out = Map::new();
            for (k, x) in m {
                // An object directly under an id field is keyed by ids (v2's `{dealId: [ids]}`).
                let key = match ph {
                    Some(p) if k.chars().any(|c| c.is_ascii_digit() || c == '-') => {
                        seen.push((k.clone(), p));
                        let mut n = 0;
                        let mut key = p.to_string();
                        while out.contains_key(&key) {
                            n += 1;
                            key = format!("{p}{n}");
                        }
                        key
                    }
                    _ => k.clone(),
                };
                let inherited = if key != *k { ph } else { None };
                out.insert(key, redact(x, placeholder(k).or(inherited), seen));
            }
            Value::Object(out)
        }
        // A list under a redacted field: its scalars are redacted, its objects judged by their
        // own field names.
        (Value::Array(a), _) => Value::Array(
            a.iter()
                .map(|x| redact(x, ph.filter(|_| !x.is_object()), seen))
                .collect(),
        ),
        (Value::String(s), Some(p)) if !s.is_empty() => {
            if s.len() >= 4 {
                seen.push((s.clone(), p));
            }
            Value::String(p.into())
        }
        // A small number under a time name is a duration setting (IntervalTime = 5 seconds),
        // not a clock reading: every Unix time since 2001 has ten digits or more.
        (Value::Number(n), Some(TIME)) if n.as_f64().is_some_and(|x| x < 1e9) => v.clone(),
        (Value::Number(n), Some(p)) => {
            let s = n.to_string();
            if s.len() >= 6 {
                seen.push((s, p));
            }
            Value::String(p.into())
        }
        (other, _) => other.clone(),
    }
}

/// Values redacted wherever they appear, whatever the field: UUIDs (request and task ids).
pub const PATTERNS: &[(&str, &str)] = &[(
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "[uuid]",
)];

fn patterns() -> &'static [(regex::Regex, &'static str)] {
    static P: std::sync::LazyLock<Vec<(regex::Regex, &'static str)>> =
        std::sync::LazyLock::new(|| {
            PATTERNS
                .iter()
                .filter_map(|(re, p)| Some((regex::Regex::new(re).ok()?, *p)))
                .collect()
        });
    &P
}

fn rewrite(v: &Value, seen: &[(String, &'static str)]) -> Value {
    match v {
        Value::String(s) => {
            let mut out = s.clone();
            for (re, p) in patterns() {
                out = re.replace_all(&out, *p).into_owned();
            }
            for (value, p) in seen {
                if out.contains(value.as_str()) {
                    out = out.replace(value.as_str(), p);
                }
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| rewrite(x, seen)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), rewrite(x, seen)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The shape of a JSON value: each path (`A.B[].C`) with its JSON type (`string`, `number`,
/// `boolean`, `object`, `array`, `null`), ignoring values. An empty array has no item paths.
pub fn shape(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, at: &str, out: &mut BTreeSet<String>) {
        let ty = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !at.is_empty() {
            out.insert(format!("{at}: {ty}"));
        }
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    walk(x, &p, out);
                }
            }
            Value::Array(a) => {
                for x in a {
                    walk(x, &format!("{at}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out
}

/// Where `actual` departs in shape from `documented`: paths documented but missing or of
/// another type. Paths under an array `actual` holds empty, and `null`s, are not judged.
pub fn shape_departures(documented: &Value, actual: &Value) -> Vec<String> {
    let want = shape(documented);
    let have = shape(actual);
    let empty_arrays: Vec<String> = have
        .iter()
        .filter_map(|p| p.strip_suffix(": array").map(str::to_string))
        .filter(|p| !have.iter().any(|q| q.starts_with(&format!("{p}[]"))))
        .collect();
    let path_of = |s: &str| {
        s.rsplit_once(": ")
            .map(|(p, _)| p.to_string())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for w in &want {
        let p = path_of(w);
        if w.ends_with(": null") || have.contains(w) {
            continue;
        }
        if empty_arrays
            .iter()
            .any(|e| p.starts_with(&format!("{e}[]")))
        {
            continue;
        }
        match have.iter().find(|h| path_of(h) == p) {
            Some(h) if h.ends_with(": null") => {}
            Some(h) => out.push(format!(
                "{w} (answered {})",
                h.rsplit_once(": ").map(|x| x.1).unwrap_or("")
            )),
            None => out.push(format!("{w} (missing)")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_times_and_addresses_are_redacted_and_their_values_everywhere() {
        let v = json!({"RequestId": "ABC-123", "LoadBalancerId": "lb-xyz1", "LoadBalancerName": "auto_named_lb-xyz1",
            "CreateTime": "2026-01-01", "Address": "10.0.0.1", "RegionId": "cn-hangzhou",
            "unLoadBalancerIds": {"deal-1234": ["lb-abcd"]}, "HealthCheckTimeout": 5});
        let n = normalise(&v);
        assert_eq!(n["RequestId"], "[request-id]");
        assert_eq!(n["LoadBalancerId"], "[id]");
        assert_eq!(n["LoadBalancerName"], "auto_named_[id]");
        assert_eq!(n["CreateTime"], "[time]");
        assert_eq!(n["Address"], "[address]");
        assert_eq!(n["RegionId"], "cn-hangzhou");
        assert_eq!(n["HealthCheckTimeout"], 5);
        let t = normalise(&json!({"IntervalTime": 5, "CreateTimestamp": 1796259304448_u64}));
        assert_eq!(t["IntervalTime"], 5, "a duration setting is kept");
        assert_eq!(
            t["CreateTimestamp"], "[time]",
            "a clock reading is redacted"
        );
        assert_eq!(n["unLoadBalancerIds"], json!({"[id]": ["[id]"]}));
    }

    #[test]
    fn shapes_ignore_values_but_not_types() {
        let doc = json!({"A": 1, "B": [{"C": "x"}], "D": null});
        assert!(shape_departures(&doc, &json!({"A": 2, "B": [{"C": "y"}], "D": 3})).is_empty());
        assert!(shape_departures(&doc, &json!({"A": 2, "B": []})).is_empty());
        assert_eq!(
            shape_departures(&doc, &json!({"A": "2", "B": []})),
            vec!["A: number (answered string)"]
        );
        assert_eq!(
            shape_departures(&doc, &json!({"B": []})),
            vec!["A: number (missing)"]
        );
    }
}
