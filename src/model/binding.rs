//! What an action means to the reference model, read off the spec once per dialect: the verb
//! its name begins with, the resource it creates or addresses (by the id parameter that names
//! it), the other resources it refers to, the list parameter whose items it attaches or
//! detaches, and for a read the documented list it answers with. An action's `[model]` table
//! overrides what its name implies, so a new action is an edit to `spec/`, not to this file.
//!
//! Resources are known by their id fields: an id field is what some create action answers with
//! (`VServerGroupId`, `ListenerIds`, `LocationIds`), and every parameter of that name (or its
//! plural) in another action refers to such a resource.

use std::collections::BTreeMap;

use regex::Regex;

use crate::spec::{Action, Dialect, ExampleFormat, ExampleKind, Param, ParamType, Protocol};

/// The meaning of an action, from the first word of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// A new resource (or one per item of a list parameter).
    Create,
    /// Nothing changes: a list, one resource's attributes, or a catalogue.
    Read,
    /// The addressed resource's attributes change.
    Update,
    /// The addressed resources go away, with everything under them.
    Delete,
    /// Items join a list of the addressed resource (backends, tags, rules, members).
    Attach,
    /// Items leave such a list.
    Detach,
    /// A state-machine trigger and nothing else (start, stop, reboot).
    Run,
}

impl Verb {
    fn parse(s: &str) -> Option<Verb> {
        Some(match s {
            "create" => Verb::Create,
            "read" => Verb::Read,
            "update" => Verb::Update,
            "delete" => Verb::Delete,
            "attach" => Verb::Attach,
            "detach" => Verb::Detach,
            "run" => Verb::Run,
            _ => return None,
        })
    }

    /// The verb an action's name begins with (`AddVServerGroupBackendServers` attaches).
    fn of_name(name: &str) -> Verb {
        const WORDS: &[(&str, Verb)] = &[
            ("Create", Verb::Create),
            ("Upload", Verb::Create),
            ("Import", Verb::Create),
            ("Clone", Verb::Create),
            ("Allocate", Verb::Create),
            ("Describe", Verb::Read),
            ("Get", Verb::Read),
            ("Inquiry", Verb::Read),
            ("Query", Verb::Read),
            ("List", Verb::Read),
            ("Delete", Verb::Delete),
            ("Release", Verb::Delete),
            ("Add", Verb::Attach),
            ("Register", Verb::Attach),
            ("Join", Verb::Attach),
            ("Attach", Verb::Attach),
            ("Associate", Verb::Attach),
            ("Authorize", Verb::Attach),
            ("BatchRegister", Verb::Attach),
            ("Remove", Verb::Detach),
            ("Deregister", Verb::Detach),
            ("BatchDeregister", Verb::Detach),
            ("Leave", Verb::Detach),
            ("Detach", Verb::Detach),
            ("Disassociate", Verb::Detach),
            ("UnAssociate", Verb::Detach),
            ("Revoke", Verb::Detach),
            ("Start", Verb::Run),
            ("Stop", Verb::Run),
            ("Reboot", Verb::Run),
        ];
        WORDS
            .iter()
            .filter(|(w, _)| {
                name.strip_prefix(w)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            })
            .max_by_key(|(w, _)| w.len())
            .map(|(_, v)| *v)
            .unwrap_or(Verb::Update)
    }
}

/// How ids of one kind look: the vendor's prefix and the length of the random tail, read off
/// the documents' examples where they show one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdShape {
    pub prefix: String,
    pub tail: usize,
}

/// A kind of resource, known by its id field.
#[derive(Debug, Clone)]
pub struct Kind {
    /// The resource group (`vserver_group`), which names its state machine.
    pub resource: String,
    pub shape: IdShape,
    /// The request gives the id itself (a key pair's name) instead of the model making one.
    pub given: bool,
}

/// A request parameter that names existing resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdRef {
    /// The parameter as the request spells it (`LoadBalancerIds`).
    pub param: String,
    /// The id field it names (`LoadBalancerId`).
    pub key: String,
    pub kind: String,
    /// A list of ids rather than one.
    pub many: bool,
    /// An Alibaba listener, named by its load balancer and port.
    pub slb_listener: bool,
}

/// What a create answers with: the id field and whether it is a list.
#[derive(Debug, Clone)]
pub struct Created {
    /// The answer's field (`VServerGroupId`, `LocationIds`, `ConfigId`).
    pub field: String,
    /// The id field other actions use for it (`UconfigId` where CreateCustomizedConfig answers
    /// `ConfigId`).
    pub key: String,
    pub kind: String,
    pub in_list: bool,
    /// The request gives the id.
    pub given: bool,
}

impl Created {
    /// The ids an answer to the create carries under its id field, wherever the documents put
    /// them: a string, a list of them, a list of objects carrying the key, or v2's
    /// `{dealId: [ids]}`.
    pub fn ids_in(&self, body: &serde_json::Value) -> Vec<String> {
        let mut out = Vec::new();
        collect(body, &self.field, &self.key, &mut out, false);
        out
    }
}

fn collect(v: &serde_json::Value, field: &str, key: &str, out: &mut Vec<String>, inside: bool) {
    use serde_json::Value;
    let Value::Object(m) = v else {
        if let Value::Array(a) = v {
            a.iter().for_each(|i| collect(i, field, key, out, false));
        }
        return;
    };
    for (k, x) in m {
        let hit = k == field || k == key;
        match x {
            Value::String(s) if hit && !s.is_empty() => out.push(s.clone()),
            Value::Array(a) if hit || inside => a.iter().for_each(|i| match i {
                Value::String(s) => out.push(s.clone()),
                other => collect(other, field, key, out, false),
            }),
            Value::Object(_) if hit => collect(x, field, key, out, true),
            other => collect(other, field, key, out, false),
        }
    }
}

/// A read's documented list: where it sits in the answer and which id field its items carry.
#[derive(Debug, Clone)]
pub struct ListPlan {
    /// `["VServerGroups", "VServerGroup"]` for SLB's wrapped lists, `["TargetGroupSet"]`.
    pub path: Vec<String>,
    pub key: String,
    pub kind: String,
    /// One row per item of this attribute list of each resource (a target group's instances),
    /// instead of one row per resource.
    pub flatten: Option<String>,
}

/// The paging parameters an action takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    None,
    /// Alibaba's 1-based PageNumber and PageSize.
    Pages,
    /// Tencent's Offset and Limit (v2: offset and limit).
    Offset {
        lower: bool,
    },
}

/// One action's meaning.
#[derive(Debug, Clone)]
pub struct Binding {
    pub verb: Verb,
    pub creates: Option<Created>,
    /// The resource the action addresses; for a create, its parent if any.
    pub target: Option<IdRef>,
    /// Every parameter naming existing resources, target included.
    pub refs: Vec<IdRef>,
    /// The list parameter whose items are attached, detached, updated or created one each.
    pub members: Option<String>,
    pub list: Option<ListPlan>,
    pub paging: Paging,
    /// The documented quotas the action must keep (see [`super::quota`]).
    pub quotas: Vec<super::quota::Quota>,
}

/// Every action's binding, and the kinds of one dialect.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    pub kinds: BTreeMap<String, Kind>,
    pub actions: BTreeMap<String, Binding>,
}

impl Bindings {
    pub fn of(d: &Dialect) -> Bindings {
        let kinds = kinds(d);
        let actions = d
            .actions
            .values()
            .map(|a| (a.name.clone(), bind(d, &kinds, a)))
            .collect();
        Bindings { kinds, actions }
    }
}

impl Bindings {
    /// One action's binding (the kinds it needs are the whole dialect's).
    pub fn of_action(d: &Dialect, action: &str) -> Option<Binding> {
        let a = d.actions.get(action)?;
        Some(bind(d, &kinds(d), a))
    }
}

/// `LoadBalancerIds` -> `LoadBalancerId`, `UconfigIdList` -> `UconfigId`.
pub fn singular(name: &str) -> &str {
    if let Some(s) = name.strip_suffix("IdList") {
        return &name[..s.len() + 2];
    }
    if name.ends_with("Ids") || name.ends_with("ids") {
        return &name[..name.len() - 1];
    }
    name
}

fn is_id_name(name: &str) -> bool {
    !matches!(name, "RequestId" | "requestId" | "RegionId" | "TaskId") && name.ends_with("Id")
}

/// The id field a create action answers with, and whether it is a list of ids.
fn answered_id(a: &Action) -> Option<(String, bool)> {
    a.response.iter().find_map(|f| {
        let single = singular(&f.name);
        if !is_id_name(single) {
            return None;
        }
        let list = single != f.name || f.ty == ParamType::Array;
        Some((f.name.clone(), list))
    })
}

fn kinds(d: &Dialect) -> BTreeMap<String, Kind> {
    let mut out = BTreeMap::new();
    for a in d.actions.values() {
        let over = a.model.as_ref();
        let verb = over.and_then(|m| m.verb.as_deref()).and_then(Verb::parse);
        if verb.unwrap_or(Verb::of_name(&a.name)) != Verb::Create {
            continue;
        }
        let answered = answered_id(a);
        let key = match over.and_then(|m| m.target.clone()) {
            Some(t) => t,
            None => match &answered {
                Some((f, _)) => singular(f).to_string(),
                None => continue,
            },
        };
        let given = over.is_some_and(|m| m.given);
        let field = answered.map(|(f, _)| f).unwrap_or_else(|| key.clone());
        let mut shape = id_shape(a, &field, &a.resource);
        if let Some(p) = over.and_then(|m| m.id_prefix.clone()) {
            shape.prefix = p;
        }
        out.entry(key.clone()).or_insert_with(|| Kind {
            resource: a.resource.clone(),
            shape,
            given,
        });
    }
    out
}

/// The shape of ids in the create action's example answer (`"VServerGroupId": "rsp-cige6j5e7p"`
/// gives `rsp-` and 10), else the resource's initials and 8 characters.
fn id_shape(a: &Action, field: &str, resource: &str) -> IdShape {
    let example = a
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .find_map(|e| example_value(&e.body, e.format, field));
    match example {
        Some(v) => shape_of(&v),
        None => IdShape {
            prefix: format!(
                "{}-",
                resource
                    .split('_')
                    .filter_map(|w| w.chars().next())
                    .collect::<String>()
            ),
            tail: 8,
        },
    }
}

fn example_value(body: &str, format: ExampleFormat, field: &str) -> Option<String> {
    let f = regex::escape(field);
    let pattern = match format {
        ExampleFormat::Xml => format!(r"<{f}>\s*(?:<\w+>)?\s*([^<\s]+)"),
        _ => format!(r#""{f}"\s*:\s*\[?\s*"([^"]+)""#),
    };
    let re = Regex::new(&pattern).ok()?;
    re.captures(body).map(|c| c[1].to_string())
}

fn shape_of(v: &str) -> IdShape {
    // Examples mask ids (`i-7ecpqvkicnchxccozrp****`) and ENS's print them in brackets.
    let v = v.trim_matches(|c: char| matches!(c, '[' | ']' | '"' | ' ' | ','));
    let v = v.split(',').next().unwrap_or(v);
    let (prefix, tail) = match v.split_once('-') {
        Some((p, t)) if p.len() <= 6 && p.chars().all(|c| c.is_ascii_alphabetic()) => {
            (format!("{p}-"), t)
        }
        _ => (String::new(), v),
    };
    IdShape {
        prefix,
        tail: tail.len().clamp(8, 24),
    }
}

/// The parameters of `a` that name resources of a known kind.
fn refs(d: &Dialect, kinds: &BTreeMap<String, Kind>, a: &Action) -> Vec<IdRef> {
    let rpc = d.header.protocol == Protocol::Rpc;
    let mut out: Vec<IdRef> = a
        .params
        .iter()
        .filter_map(|p| {
            let key = singular(&p.name);
            let kind = kinds.get(key)?;
            Some(IdRef {
                param: p.name.clone(),
                key: key.to_string(),
                kind: kind.resource.clone(),
                many: key != p.name || p.ty == ParamType::Array,
                slb_listener: false,
            })
        })
        .collect();
    let has = |n: &str| a.params.iter().any(|p| p.name == n);
    if rpc && has("LoadBalancerId") && has("ListenerPort") {
        out.push(IdRef {
            param: "ListenerPort".into(),
            key: "ListenerPort".into(),
            kind: "listener".into(),
            many: false,
            slb_listener: true,
        });
    }
    out
}

/// The list parameter whose items an action moves: the first list or JSON parameter that does
/// not name resources, else (a plain string list like SourceItems) the first such string.
fn members(a: &Action, refs: &[IdRef]) -> Option<String> {
    let is_ref = |p: &Param| refs.iter().any(|r| r.param == p.name);
    a.params
        .iter()
        .find(|p| matches!(p.ty, ParamType::Array | ParamType::Json) && !is_ref(p))
        .map(|p| p.name.clone())
}

/// A read's list: a top-level list field (or SLB's wrapper around one) whose items carry a
/// known id field.
fn list_plan(d: &Dialect, kinds: &BTreeMap<String, Kind>, a: &Action) -> Option<ListPlan> {
    let fields_of = |f: &'_ Param| -> Vec<Param> {
        if !f.fields.is_empty() {
            return f.fields.clone();
        }
        let s = f.structure.as_deref();
        s.and_then(|s| d.structures.get(s))
            .map(|s| s.fields.clone())
            .unwrap_or_default()
    };
    for f in &a.response {
        let (path, items) = match f.ty {
            ParamType::Array => (vec![f.name.clone()], fields_of(f)),
            ParamType::Object | ParamType::Json => {
                let inner = fields_of(f);
                match inner.as_slice() {
                    [only] if only.ty == ParamType::Array => {
                        (vec![f.name.clone(), only.name.clone()], fields_of(only))
                    }
                    _ => continue,
                }
            }
            _ => continue,
        };
        // Only a list of the action's own resource (or the one it is documented to list):
        // other ids in its items are attributes.
        let listed = a.model.as_ref().and_then(|m| m.lists.as_ref());
        let resource = listed.unwrap_or(&a.resource);
        let key = items
            .iter()
            .find(|i| kinds.get(&i.name).is_some_and(|k| &k.resource == resource));
        if let Some(key) = key {
            let flatten = a.model.as_ref().and_then(|m| m.members.clone());
            return Some(ListPlan {
                path,
                key: key.name.clone(),
                kind: resource.clone(),
                flatten,
            });
        }
    }
    None
}

fn paging(a: &Action) -> Paging {
    let has = |n: &str| a.params.iter().any(|p| p.name == n);
    if has("PageNumber") || has("PageSize") {
        Paging::Pages
    } else if has("Offset") || has("Limit") {
        Paging::Offset { lower: false }
    } else if has("offset") || has("limit") {
        Paging::Offset { lower: true }
    } else {
        Paging::None
    }
}

fn bind(d: &Dialect, kinds: &BTreeMap<String, Kind>, a: &Action) -> Binding {
    let over = a.model.clone().unwrap_or_default();
    let mut verb = over
        .verb
        .as_deref()
        .and_then(Verb::parse)
        .unwrap_or(Verb::of_name(&a.name));
    let mut refs = refs(d, kinds, a);
    refs.retain(|r| !over.unchecked.contains(&r.param));
    let members = over.members.clone().or_else(|| members(a, &refs));
    let creates = (verb == Verb::Create)
        .then(|| created(kinds, a, over.target.as_deref()).or_else(|| slb_listener(&refs)))
        .flatten();
    if verb == Verb::Create && creates.is_none() {
        // A "create" that answers no new id adds to an existing resource (SNAT IPs).
        verb = Verb::Attach;
    }
    let own = |r: &&IdRef| r.kind == a.resource;
    let target = match (&over.target, verb) {
        (Some(t), v) if v != Verb::Create => refs.iter().find(|r| &r.param == t).cloned(),
        (_, Verb::Create) => refs
            .iter()
            .rfind(|r| Some(&r.key) != creates.as_ref().map(|c| &c.key))
            .cloned(),
        _ => refs.iter().rfind(own).or(refs.last()).cloned(),
    };
    // Deleting items of a resource (DeleteRewrite's RewriteInfos from a load balancer) detaches.
    if verb == Verb::Delete
        && members.is_some()
        && target.as_ref().is_some_and(|t| t.kind != a.resource)
    {
        verb = Verb::Detach;
    }
    // A read that requires one resource's id describes it (DescribeEpnInstanceAttribute), even
    // where its answer holds a list.
    let one = target.as_ref().is_some_and(|t| {
        !t.many && t.kind == a.resource && a.params.iter().any(|p| p.name == t.param && p.required)
    });
    let list = (verb == Verb::Read && !one)
        .then(|| list_plan(d, kinds, a))
        .flatten();
    Binding {
        verb,
        creates,
        target,
        refs,
        members,
        list,
        paging: paging(a),
        quotas: super::quota::of_action(d, &a.name),
    }
}

/// An Alibaba listener is created under the port the request gives.
fn slb_listener(refs: &[IdRef]) -> Option<Created> {
    refs.iter().find(|r| r.slb_listener).map(|r| Created {
        field: r.param.clone(),
        key: r.key.clone(),
        kind: r.kind.clone(),
        in_list: false,
        given: true,
    })
}

fn created(kinds: &BTreeMap<String, Kind>, a: &Action, target: Option<&str>) -> Option<Created> {
    let answered = answered_id(a);
    let key = match (target, &answered) {
        (Some(t), _) => t.to_string(),
        (None, Some((f, _))) => singular(f).to_string(),
        (None, None) => return None,
    };
    // No id field: the ids sit in a documented list of the new resources (SLB's CreateRules
    // answers Rules.Rule[].RuleId).
    let listed = || {
        a.response.iter().find_map(|f| {
            let inner = f
                .fields
                .iter()
                .flat_map(|i| std::iter::once(i).chain(&i.fields));
            inner
                .clone()
                .any(|i| i.name == key)
                .then(|| (f.name.clone(), true))
        })
    };
    // Nor a documented list: one resource per item of the members list (v2's rules).
    let per_item = a.model.as_ref().is_some_and(|m| m.members.is_some());
    let (field, in_list) = answered
        .or_else(listed)
        .unwrap_or_else(|| (key.clone(), per_item));
    let kind = kinds.get(&key)?;
    Some(Created {
        field,
        kind: kind.resource.clone(),
        given: kind.given,
        key,
        in_list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_come_from_the_longest_leading_word() {
        assert_eq!(Verb::of_name("CreateVServerGroup"), Verb::Create);
        assert_eq!(Verb::of_name("BatchDeregisterTargets"), Verb::Detach);
        assert_eq!(Verb::of_name("UnAssociateEnsEipAddress"), Verb::Detach);
        assert_eq!(Verb::of_name("AddTags"), Verb::Attach);
        assert_eq!(Verb::of_name("SetRule"), Verb::Update);
        // "Get" must be a whole word: GetCertList reads, "Getaway" would not.
        assert_eq!(Verb::of_name("GetMonitorData"), Verb::Read);
        assert_eq!(Verb::of_name("Getaway"), Verb::Update);
    }

    #[test]
    fn id_shapes_follow_the_examples() {
        assert_eq!(
            shape_of("rsp-cige6j5e7p"),
            IdShape {
                prefix: "rsp-".into(),
                tail: 10
            }
        );
        assert_eq!(
            shape_of("139a00604ad-cn-east-hangzhou-01"),
            IdShape {
                prefix: String::new(),
                tail: 24
            }
        );
        assert_eq!(
            example_value(
                r#"{"VServerGroupId" : "rsp-cige6j5e7p"}"#,
                ExampleFormat::Json,
                "VServerGroupId"
            ),
            Some("rsp-cige6j5e7p".into())
        );
        assert_eq!(
            example_value(
                "<InstanceIds><InstanceId>i-5t8</InstanceId></InstanceIds>",
                ExampleFormat::Xml,
                "InstanceIds"
            ),
            Some("i-5t8".into())
        );
    }

    #[test]
    fn plurals_name_their_singular_id() {
        assert_eq!(singular("LoadBalancerIds"), "LoadBalancerId");
        assert_eq!(singular("UconfigIdList"), "UconfigId");
        assert_eq!(singular("listenerIds"), "listenerId");
        assert_eq!(singular("VServerGroupId"), "VServerGroupId");
    }
}
