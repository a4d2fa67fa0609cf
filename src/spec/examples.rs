//! The documents' request examples as typed parameters: the tests validate them against the
//! spec, and the model's every-action test and the conformance generator start from them.

use serde_json::{Map, Value};

use super::{Action, Dialect, ExampleFormat, ExampleKind};
use crate::wire::{encode, params};

/// One decoded request example.
pub struct RequestExample<'a> {
    /// The example as the document prints it.
    pub body: &'a str,
    /// Its parameters, typed by the spec, or why they do not decode.
    pub params: Result<Map<String, Value>, String>,
}

/// The example's parameters as flat pairs, or `None` when it carries none we can read.
pub fn example_pairs(format: ExampleFormat, body: &str) -> Option<Vec<(String, String)>> {
    if format != ExampleFormat::Url {
        return None;
    }
    let joined: String = body.lines().map(str::trim).collect();
    let query = joined.split_once('?')?.1;
    // Examples print values unencoded (`$_ip`, spaces): decode leniently, pair by pair.
    let dec = |s: &str| encode::decode_component(s).unwrap_or_else(|_| s.to_string());
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (dec(k), dec(v))
        })
        .collect();
    Some(pairs)
}

/// Every request example of `a` that carries parameters, decoded.
pub fn requests<'a>(d: &Dialect, a: &'a Action) -> Vec<RequestExample<'a>> {
    let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
    let common = &d.header.common_params;
    a.examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Request)
        .filter_map(|ex| {
            let decoded = match ex.format {
                ExampleFormat::Json => serde_json::from_str::<Value>(&ex.body)
                    .ok()
                    .and_then(|v| v.as_object().cloned())
                    .map(|m| params::decode_json(&a.params, common, &m, &structs)),
                f => example_pairs(f, &ex.body)
                    .map(|p| params::decode_flat(&a.params, common, &p, &structs)),
            }?;
            Some(RequestExample {
                body: &ex.body,
                params: decoded.map(|t| t.values).map_err(|e| e.to_string()),
            })
        })
        .collect()
}
