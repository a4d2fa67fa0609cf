//! Resources created under another, shown inside it where the documented answer lists them:
//! a Tencent listener's `Rules` (RuleOutput, known by `LocationId`), a v2 listener's `rules`
//! (`locationId`). The documents say which list holds which kind: a list field whose items carry
//! the id field of a kind the model creates holds that kind's resources, so a new nesting is an
//! edit to `spec/`, not to this file.

use serde_json::{Map, Value};

use super::generic::view;
use super::store::Store;
use super::{Call, Ctx};
use crate::spec::{Dialect, Param, ParamType};

/// Fills each documented list of `row` (the view of resource `parent`, answered with `fields`)
/// with the resources of the kind the list's items name, created under `parent`. A list the
/// resource already holds as an attribute is left as it is.
pub fn embed(
    ctx: &Ctx,
    s: &Store,
    call: &Call,
    fields: &[Param],
    parent: &str,
    row: &mut Map<String, Value>,
) {
    let d = call.dialect;
    for f in fields.iter().filter(|f| f.ty == ParamType::Array) {
        let held = row
            .get(&f.name)
            .is_some_and(|v| v.as_array().is_none_or(|a| !a.is_empty()));
        if held {
            continue;
        }
        let Some(kind) = fields_of(d, f)
            .iter()
            .find_map(|sub| ctx.model.kind(d.id(), &sub.name))
        else {
            continue;
        };
        let items: Vec<Value> = s
            .children_of(call.account, parent, &kind.resource)
            .map(|c| Value::Object(view(d, c)))
            .collect();
        if !items.is_empty() {
            row.insert(f.name.clone(), Value::Array(items));
        }
    }
}

/// The fields of one item of the documented list at `path` (`["Listeners"]`,
/// `["VServerGroups", "VServerGroup"]`) of `call`'s answer.
pub fn item_fields<'c>(call: &Call<'c>, path: &[String]) -> &'c [Param] {
    let mut fields: &[Param] = &call.action.response;
    for name in path {
        let Some(f) = fields.iter().find(|f| &f.name == name) else {
            return &[];
        };
        fields = fields_of(call.dialect, f);
    }
    fields
}

/// A structured field's own fields: inline, or those of the named structure it refers to
/// ([`super::shape::sub_fields`], with the dialect's lifetime instead of a lookup closure's).
fn fields_of<'d>(d: &'d Dialect, f: &'d Param) -> &'d [Param] {
    if !f.fields.is_empty() {
        return &f.fields;
    }
    f.structure
        .as_deref()
        .and_then(|n| d.structures.get(n))
        .map_or(&[], |s| s.fields.as_slice())
}
