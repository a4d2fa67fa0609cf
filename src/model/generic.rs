//! The meaning of every action that needs no code of its own, executed from its
//! [`Binding`](super::binding::Binding): a create stores a resource with the request's
//! attributes and answers its new id; a read lists, filters and pages what is stored, or
//! answers one resource's attributes, or (a catalogue: zones, prices, specs) the documented
//! example; updates, attaches and detaches change what later reads answer; deletes remove a
//! resource with everything under it. Every resource a request names must exist in the
//! caller's account (else the dialect's not-found code), and every state machine involved is
//! asked first, so what a state forbids is forbidden here too.

use serde_json::{Map, Value};

use super::binding::{Binding, IdRef, Kind, ListPlan, Paging, Verb};
use super::children;
use super::lifecycle::{birth, completion, step};
use super::project::project;
use super::shape;
use super::store::{Pending, Resource, Store};
use super::{Call, Ctx, Failure, Outcome};
use crate::spec::{
    Dialect, ExampleFormat, ExampleKind, ParamType, Protocol, StateMachine, Transition,
};
use crate::wire::aliyun_v1::format_iso8601;

/// The attribute holding a resource's creation time (milliseconds), shown under the documented
/// time field names.
const CREATED: &str = "_created_ms";
/// The id fields an attach without a list parameter linked (an EIP's InstanceId).
const LINKS: &str = "_links";
const TIME_FIELDS: &[&str] = &[
    "CreateTime",
    "CreatedTime",
    "CreationTime",
    "CreateTimestamp",
    "AddTimestamp",
    "AllocationTime",
    "UploadTime",
    "createTime",
];

pub fn execute(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let b = ctx
        .model
        .binding(call.dialect.id(), &call.action.name)
        .ok_or_else(|| Failure::new(not_allowed(call.dialect), "the action has no binding"))?;
    match b.verb {
        Verb::Create => create(ctx, s, call, b),
        Verb::Read => read(ctx, s, call, b),
        Verb::Update => update(ctx, s, call, b),
        Verb::Delete => delete(s, call, b),
        Verb::Attach | Verb::Detach => link(ctx, s, call, b),
        Verb::Run => run(ctx, s, call, b),
    }
}

fn not_allowed(d: &Dialect) -> &str {
    d.header
        .model
        .not_allowed
        .as_deref()
        .unwrap_or("InvalidParameter")
}

fn not_found(d: &Dialect, param: &str) -> String {
    d.header
        .model
        .not_found_code(param)
        .unwrap_or("InvalidParameter")
        .to_string()
}

/// The not-found code for id field `key`: its own, unless the action's table leaves it out and
/// documents the dialect's default instead (Tencent's DescribeRewrite answers ResourceNotFound
/// for a listener, not InvalidParameter.ListenerIdNotFound).
fn documented_not_found(call: &Call, key: &str) -> String {
    let own = not_found(call.dialect, key);
    let default = not_found(call.dialect, "default");
    let documents = |c: &str| super::guards::documents(call.dialect, call.action, c);
    if !documents(&own) && documents(&default) {
        default
    } else {
        own
    }
}

/// The ids a parameter gives: one string or number, a list, or a JSON list in a string.
fn values(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().flat_map(values).collect(),
        Value::String(s) if s.trim_start().starts_with('[') => serde_json::from_str::<Value>(s)
            .map(|v| values(&v))
            .unwrap_or_else(|_| vec![s.clone()]),
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// The store ids a reference names (an Alibaba listener is its load balancer and port).
pub(crate) fn ids(call: &Call, r: &IdRef) -> Vec<String> {
    let Some(v) = call.params.get(&r.param) else {
        return Vec::new();
    };
    if r.slb_listener {
        let lb = call.str("LoadBalancerId").unwrap_or_default();
        return values(v)
            .iter()
            .map(|port| super::alibaba_lb::listener_id(lb, port.parse().unwrap_or(0)))
            .collect();
    }
    values(v)
}

/// A batch naming some resources that do not exist, where the dialect documents a
/// partial-success code (v2's 5400): the parameters narrowed to the resources that do, and the
/// ids left out. `None` when nothing would be left or nothing is missing.
pub(crate) fn narrowed(
    s: &Store,
    call: &Call,
    b: &Binding,
) -> Option<(Map<String, Value>, Vec<String>)> {
    call.dialect.header.model.partial.as_ref()?;
    let mut params = call.params.clone();
    let mut missing = Vec::new();
    for r in b.refs.iter().filter(|r| r.many && !r.slb_listener) {
        let Some(Value::Array(items)) = params.get(&r.param) else {
            continue;
        };
        let exists = |v: &Value| {
            v.as_str()
                .is_some_and(|id| s.get(call.account, id).is_some())
        };
        let (keep, gone): (Vec<Value>, Vec<Value>) = items.iter().cloned().partition(exists);
        if gone.is_empty() {
            continue;
        }
        if keep.is_empty() {
            return None;
        }
        missing.extend(
            gone.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string()),
        );
        params.insert(r.param.clone(), Value::Array(keep));
    }
    (!missing.is_empty()).then_some((params, missing))
}

/// Every named resource exists in the caller's account, and no state of theirs forbids the
/// action. A read's own list kind is a filter, not a reference.
pub(crate) fn check_refs(s: &Store, call: &Call, b: &Binding) -> Result<(), Failure> {
    let listed = b.list.as_ref().map(|l| l.kind.as_str());
    let created = b.creates.as_ref().map(|c| c.key.as_str());
    for r in &b.refs {
        let is_given =
            created == Some(r.key.as_str()) && b.creates.as_ref().is_some_and(|c| c.given);
        if Some(r.kind.as_str()) == listed || is_given {
            continue;
        }
        for id in ids(call, r) {
            let res = s.get(call.account, &id).ok_or_else(|| {
                Failure::new(
                    &documented_not_found(call, &r.key),
                    format!("{} {id} does not exist", r.param),
                )
            })?;
            forbidden(call, res)?;
        }
    }
    Ok(())
}

fn machine<'d>(d: &'d Dialect, kind: &str) -> Option<&'d StateMachine> {
    d.state_machines.get(kind)
}

/// What the resource's current state says about the action.
fn forbidden(call: &Call, r: &Resource) -> Result<(), Failure> {
    let Some(m) = machine(call.dialect, &r.kind) else {
        return Ok(());
    };
    let st = m
        .states
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(&r.state));
    match st.and_then(|s| s.forbids.iter().find(|f| f.action == call.action.name)) {
        Some(f) => Err(Failure::new(
            f.error.as_deref().unwrap_or(not_allowed(call.dialect)),
            format!("{} {} is {}", r.kind, r.id, r.state),
        )),
        None => Ok(()),
    }
}

/// The transition the action takes `r` along, if its machine has one, or why it may not.
fn next<'d>(call: &Call<'d>, r: &Resource) -> Result<Option<&'d Transition>, Failure> {
    let Some(m) = machine(call.dialect, &r.kind) else {
        return Ok(None);
    };
    let wanted = m.state_field.as_deref().and_then(|f| call.str(f));
    step(m, &r.state, &call.action.name, wanted).map_err(|n| {
        Failure::new(
            n.error.as_deref().unwrap_or(not_allowed(call.dialect)),
            format!(
                "{} {} is {}; {} is not allowed",
                r.kind, r.id, n.state, call.action.name
            ),
        )
    })
}

/// Whether every addressed resource may take the action: checked for all before any changes,
/// so a refused request changes nothing.
fn allowed(call: &Call, r: &Resource) -> Result<(), Failure> {
    next(call, r).map(|_| ())
}

/// Moves `r` along the action's transition; a transitional state completes after the
/// transition delay.
fn transition(ctx: &Ctx, call: &Call, r: &mut Resource) {
    let Some(m) = machine(call.dialect, &r.kind) else {
        return;
    };
    if let Ok(Some(t)) = next(call, r) {
        r.pending = completion(m, &t.to, &r.state).map(|to| Pending {
            to: to.to_string(),
            due_ms: ctx.due(),
        });
        r.state = t.to.clone();
    }
}

/// The parameters worth keeping as attributes (all but the references already recorded).
fn attributes(call: &Call) -> Map<String, Value> {
    call.params.clone()
}

/// How many resources one create makes: one per item of its list parameter, or its count
/// parameter (ENS `Quantity`, Tencent `Number`), else one.
pub(super) fn count(call: &Call, b: &Binding) -> (usize, Vec<Map<String, Value>>) {
    let list_create = b.creates.as_ref().is_some_and(|c| c.in_list);
    if !list_create {
        return (1, Vec::new());
    }
    if let Some(m) = &b.members {
        let items = call.items(m);
        if !items.is_empty() {
            return (items.len(), items);
        }
    }
    let n = ["Quantity", "Number", "Amount", "Count"]
        .iter()
        .find_map(|p| {
            call.params
                .get(*p)
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        })
        .unwrap_or(1);
    (n.clamp(1, 100) as usize, Vec::new())
}

fn create(ctx: &Ctx, s: &mut Store, call: &Call, b: &Binding) -> Outcome {
    // Every create binding names a kind; a miss is a spec the model cannot run, answered as
    // a refusal rather than a panic on a request from the network.
    let cannot = || Failure::new(not_allowed(call.dialect), "the model cannot create this");
    let c = b.creates.as_ref().ok_or_else(cannot)?;
    let kind: &Kind = ctx
        .model
        .kind(call.dialect.id(), &c.key)
        .ok_or_else(cannot)?;
    let parent = b
        .target
        .as_ref()
        .and_then(|t| ids(call, t).into_iter().next());
    // A clone starts from its source's attributes (CloneLoadBalancer names the source by the
    // id field the copy gets).
    let source = b
        .refs
        .iter()
        .find(|r| r.key == c.key && !c.given)
        .and_then(|r| ids(call, r).into_iter().next())
        .and_then(|id| s.get(call.account, &id))
        .map(|r| r.attrs.to_map())
        .unwrap_or_default();
    let (n, items) = count(call, b);
    let mut made = Vec::with_capacity(n);
    for i in 0..n {
        let id = if kind.given {
            let given = call.str(&c.key).unwrap_or_default().to_string();
            if s.get(call.account, &given).is_some() {
                let code = call.dialect.header.model.already_exists.as_deref();
                return Err(Failure::new(
                    code.unwrap_or("InvalidParameter"),
                    format!("{} {given} already exists", c.key),
                ));
            }
            given
        } else {
            s.new_id(&kind.shape.prefix, kind.shape.tail)
        };
        let mut attrs = source.clone();
        attrs.extend(attributes(call));
        if let Some(item) = items.get(i) {
            attrs.extend(item.clone());
        }
        attrs.insert(c.key.clone(), Value::String(id.clone()));
        if !c.in_list {
            attrs.insert(c.field.clone(), Value::String(id.clone()));
        }
        stamp(ctx, &mut attrs);
        let (state, pending) = match machine(call.dialect, &kind.resource) {
            Some(m) => {
                let (state, next) = birth(m, &call.action.name);
                let pending = next.map(|to| Pending {
                    to,
                    due_ms: ctx.due(),
                });
                (state, pending)
            }
            None => (String::new(), None),
        };
        let seq = s.next_seq();
        s.insert(Resource {
            kind: kind.resource.clone(),
            id: id.clone(),
            account: call.account.into(),
            region: region(call),
            parent: parent.clone(),
            state,
            attrs: attrs.into(),
            pending,
            seq,
        });
        made.push(id);
    }
    let mut src = made
        .first()
        .and_then(|id| s.get(call.account, id))
        .map(|r| view(call.dialect, r))
        .unwrap_or_default();
    // Whether the documented list holds objects (SLB's Rules) or bare ids (ENS's InstanceIds,
    // wrapped or not).
    let listed_objects = call.action.response.iter().any(|f| {
        f.name == c.field
            && match f.fields.as_slice() {
                [only] if only.ty == ParamType::Array => !only.fields.is_empty(),
                fields => !fields.is_empty(),
            }
    });
    let v = match (c.in_list, listed_objects) {
        (true, true) => Value::Array(
            made.iter()
                .filter_map(|id| s.get(call.account, id))
                .map(|r| Value::Object(view(call.dialect, r)))
                .collect(),
        ),
        (true, false) => Value::Array(made.into_iter().map(Value::String).collect()),
        (false, _) => Value::String(made.swap_remove(0)),
    };
    src.insert(c.field.clone(), v);
    Ok(answer(call, &src))
}

/// The region a new resource lives in: the request's (Tencent 3.0 names it in a header, which
/// the parameters lack), else its region parameter, for a call made without the pipeline.
fn region(call: &Call) -> String {
    if !call.region.is_empty() {
        return call.region.to_string();
    }
    ["RegionId", "EnsRegionId", "Region"]
        .iter()
        .find_map(|p| call.str(p))
        .unwrap_or_default()
        .to_string()
}

/// A resource as reads see it: its attributes, its state under the machine's state field,
/// and its creation time under the documented time field names.
pub fn view(d: &Dialect, r: &Resource) -> Map<String, Value> {
    let mut m = r.attrs.to_map();
    if let Some(f) = machine(d, &r.kind).and_then(|m| m.state_field.clone()) {
        m.insert(f, Value::String(r.state.clone()));
    }
    if let Some(t) = created_at(d, r) {
        for f in TIME_FIELDS {
            m.entry(f.to_string())
                .or_insert_with(|| Value::String(t.clone()));
        }
    }
    m
}

/// Records that a resource is made now, by the model's clock; reads show the time under the
/// documented time field names.
pub(super) fn stamp(ctx: &Ctx, attrs: &mut Map<String, Value>) {
    attrs.insert(
        CREATED.into(),
        Value::from(ctx.model.clock.unix_ms(ctx.now_ms)),
    );
}

/// When a stamped resource was made, in the dialect's time format.
pub(super) fn created_at(d: &Dialect, r: &Resource) -> Option<String> {
    let ms = r.attrs.get(CREATED).and_then(Value::as_u64)?;
    Some(format_time(d, ms))
}

fn format_time(d: &Dialect, ms: u64) -> String {
    let iso = format_iso8601((ms / 1000) as i64);
    match d.header.protocol {
        Protocol::Rpc => iso,
        // Tencent writes "2006-01-02 15:04:05".
        _ => iso.replace('T', " ").trim_end_matches('Z').to_string(),
    }
}

/// The answer: the documented response fields filled from `src`.
fn answer(call: &Call, src: &Map<String, Value>) -> Map<String, Value> {
    let d = call.dialect;
    let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
    project(&call.action.response, src, &structs, &envelope(d))
}

/// Fields the renderer adds around every answer (RequestId, v2's code and message).
fn envelope(d: &Dialect) -> Vec<&str> {
    let common = d.header.common_response.iter().map(|f| f.name.as_str());
    common.chain(["RequestId", "requestId"]).collect()
}

/// Any handler's answer in the documented shape ([`shape::conform`]): every documented field
/// present, as the vendors answer (zero where the model has nothing to say), with the documented
/// wrapping and types; envelope fields a handler set, such as the task requestId of v2's
/// asynchronous answers, are kept.
pub fn complete(call: &Call, body: Map<String, Value>) -> Map<String, Value> {
    let d = call.dialect;
    let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
    shape::conform(&call.action.response, body, &structs, &envelope(d))
}

fn read(ctx: &Ctx, s: &Store, call: &Call, b: &Binding) -> Outcome {
    if let Some(plan) = &b.list {
        return Ok(list(ctx, s, call, b, plan));
    }
    if let Some(t) = &b.target {
        if let Some(r) = ids(call, t).first().and_then(|id| s.get(call.account, id)) {
            let mut v = view(call.dialect, r);
            children::embed(ctx, s, call, &call.action.response, &r.id, &mut v);
            return Ok(answer(call, &v));
        }
    }
    Ok(answer(call, &example(call).unwrap_or_default()))
}

/// The documented example answer, for catalogue reads the model holds no state for.
fn example(call: &Call) -> Option<Map<String, Value>> {
    let body = call
        .action
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response && e.format == ExampleFormat::Json)
        .find_map(|e| serde_json::from_str::<Value>(&e.body).ok())?;
    let body = match body {
        Value::Object(mut m) if m.len() == 1 && m.contains_key("Response") => {
            m.remove("Response")?
        }
        other => other,
    };
    body.as_object().cloned()
}

/// Whether resource view `v` matches the request's filters: every parameter that names one of
/// its attributes (or, plural, lists the allowed values), and Tencent's `Filters`. A filter by
/// the parent (v2's DescribeForwardLBListeners by loadBalancerId) holds the row to the
/// resource it was created under, whether or not its own attributes repeat the parent's id.
fn matches(
    call: &Call,
    b: &Binding,
    plan: &ListPlan,
    v: &Map<String, Value>,
    parent: Option<&Resource>,
) -> bool {
    let paging = [
        "PageNumber",
        "PageSize",
        "Offset",
        "Limit",
        "offset",
        "limit",
        "OrderBy",
        "OrderType",
    ];
    call.params.iter().all(|(k, want)| {
        if paging.contains(&k.as_str()) {
            return true;
        }
        if k == "Filters" {
            return filters(want, v);
        }
        let key = if b.refs.iter().any(|r| &r.param == k && r.key == plan.key) {
            plan.key.as_str()
        } else {
            super::binding::singular(k)
        };
        let allowed = values(want);
        let by_parent = b
            .refs
            .iter()
            .find(|r| &r.param == k && r.key != plan.key)
            .and_then(|r| parent.filter(|p| p.kind == r.kind));
        match (attr(v, key), by_parent) {
            (Some(have), _) => {
                allowed.is_empty() || values(have).iter().any(|h| allowed.contains(h))
            }
            (None, Some(p)) => allowed.is_empty() || allowed.contains(&p.id),
            (None, None) => true,
        }
    })
}

fn attr<'v>(v: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    v.get(name).or_else(|| {
        v.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, x)| x)
    })
}

/// Tencent's `Filters: [{Name: "load-balancer-id", Values: [...]}]`, matched to attributes by
/// name without dashes or case.
fn filters(f: &Value, v: &Map<String, Value>) -> bool {
    let Some(list) = f.as_array() else {
        return true;
    };
    list.iter().all(|f| {
        let name: String = f
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        let want = f.get("Values").map(values).unwrap_or_default();
        match attr(v, &name) {
            Some(have) => want.is_empty() || values(have).iter().any(|h| want.contains(h)),
            None => true,
        }
    })
}

fn list(ctx: &Ctx, s: &Store, call: &Call, b: &Binding, plan: &ListPlan) -> Map<String, Value> {
    let item_fields = children::item_fields(call, &plan.path);
    let all: Vec<Map<String, Value>> = s
        .of_kind(call.account, &plan.kind)
        .flat_map(|r| {
            let mut v = view(call.dialect, r);
            children::embed(ctx, s, call, item_fields, &r.id, &mut v);
            let parent = r.parent.as_deref().and_then(|p| s.get(call.account, p));
            rows(v, plan.flatten.as_deref())
                .into_iter()
                .filter(move |v| matches(call, b, plan, v, parent))
        })
        .collect();
    let total = all.len();
    let (skip, take, echo) = page(call, b.paging);
    let items: Vec<Value> = all
        .into_iter()
        .skip(skip)
        .take(take)
        .map(Value::Object)
        .collect();
    let mut src = Map::new();
    src.insert("TotalCount".into(), Value::from(total));
    src.insert("totalCount".into(), Value::from(total));
    src.extend(echo);
    let list = match plan.path.as_slice() {
        [outer, inner] => {
            let mut m = Map::new();
            m.insert(inner.clone(), Value::Array(items));
            (outer.clone(), Value::Object(m))
        }
        _ => (plan.path[0].clone(), Value::Array(items)),
    };
    src.insert(list.0, list.1);
    answer(call, &src)
}

/// A resource's rows in a list: itself, or one per item of its `flatten` list, each item
/// carrying the resource's own attributes beside its own.
fn rows(v: Map<String, Value>, flatten: Option<&str>) -> Vec<Map<String, Value>> {
    let Some(f) = flatten else {
        return vec![v];
    };
    let items = v.get(f).map(member_items).unwrap_or_default();
    items
        .into_iter()
        .map(|it| {
            let mut row = v.clone();
            if let Value::Object(m) = it {
                row.extend(m);
            }
            row
        })
        .collect()
}

/// Rows to skip and take, and the paging fields the answer echoes.
fn page(call: &Call, p: Paging) -> (usize, usize, Map<String, Value>) {
    let num = |n: &str| {
        call.params
            .get(n)
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
    };
    let default = |n: &str, d: u64| {
        call.action
            .params
            .iter()
            .find(|q| q.name == n)
            .and_then(|q| q.default.as_ref())
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(d)
    };
    let mut echo = Map::new();
    match p {
        Paging::None => (0, usize::MAX, echo),
        Paging::Pages => {
            let number = num("PageNumber").unwrap_or(1).max(1);
            let size = num("PageSize").unwrap_or(default("PageSize", 10)).max(1);
            echo.insert("PageNumber".into(), Value::from(number));
            echo.insert("PageSize".into(), Value::from(size));
            (((number - 1) * size) as usize, size as usize, echo)
        }
        Paging::Offset { lower } => {
            let (o, l) = if lower {
                ("offset", "limit")
            } else {
                ("Offset", "Limit")
            };
            let offset = num(o).unwrap_or(0);
            let limit = num(l).unwrap_or(default(l, 20));
            (offset as usize, limit as usize, echo)
        }
    }
}

/// The reference the call addresses: the binding's target when the request gives it, else the
/// last reference it does give (RegisterTargets without a LocationId addresses the listener).
fn target<'b>(call: &Call, b: &'b Binding) -> Option<&'b IdRef> {
    let given = |r: &&IdRef| call.params.contains_key(&r.param);
    b.target
        .iter()
        .find(given)
        .or_else(|| b.refs.iter().rfind(given))
}

/// The resources an action addresses: its target's ids.
fn targets(call: &Call, b: &Binding) -> Vec<String> {
    target(call, b).map(|t| ids(call, t)).unwrap_or_default()
}

/// A resource the request names, or the dialect's not-found refusal.
fn found<'s>(s: &'s Store, call: &Call, id: &str) -> Result<&'s Resource, Failure> {
    s.get(call.account, id).ok_or_else(|| {
        Failure::new(
            &not_found(call.dialect, "default"),
            format!("{id} does not exist"),
        )
    })
}

/// Every addressed resource may take the action, before any of them changes.
fn all_allowed(s: &Store, call: &Call, ids: &[String]) -> Result<(), Failure> {
    for id in ids {
        allowed(call, found(s, call, id)?)?;
    }
    Ok(())
}

fn update(ctx: &Ctx, s: &mut Store, call: &Call, b: &Binding) -> Outcome {
    let ids = targets(call, b);
    all_allowed(s, call, &ids)?;
    let skip: Vec<&str> = target(call, b).iter().map(|t| t.param.as_str()).collect();
    for id in &ids {
        let Some(r) = s.get_mut(call.account, id) else {
            continue;
        };
        transition(ctx, call, r);
        let state_field = machine(call.dialect, &r.kind).and_then(|m| m.state_field.as_deref());
        for (k, v) in &call.params {
            if skip.contains(&k.as_str()) || Some(k.as_str()) == state_field {
                continue;
            }
            if swap(r, call, k, v) {
                continue;
            }
            match (r.attrs.get_mut(k), v) {
                (Some(Value::Array(have)), Value::Array(new))
                    if b.members.as_deref() == Some(k) =>
                {
                    merge(have, new, true)
                }
                _ => {
                    r.attrs.insert(k.clone(), v.clone());
                }
            }
        }
        s.track(id);
    }
    Ok(respond(s, call, &ids))
}

/// `OldBackendServers` with `NewBackendServers` replace those items of `BackendServers`.
fn swap(r: &mut Resource, call: &Call, k: &str, v: &Value) -> bool {
    if let Some(rest) = k.strip_prefix("New") {
        return call.params.contains_key(&format!("Old{rest}"));
    }
    let Some(rest) = k.strip_prefix("Old") else {
        return false;
    };
    let Some(new) = call.params.get(&format!("New{rest}")) else {
        return false;
    };
    let old: Vec<Value> = member_items(v).iter().map(identity).collect();
    let have = r
        .attrs
        .entry(rest.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(have) = have {
        have.retain(|h| !old.contains(&identity(h)));
        merge(have, &member_items(new), false);
    }
    true
}

/// The answer about the first addressed resource (or just the documented shape).
fn respond(s: &Store, call: &Call, ids: &[String]) -> Map<String, Value> {
    let src = ids
        .first()
        .and_then(|id| s.get(call.account, id))
        .map(|r| view(call.dialect, r))
        .unwrap_or_default();
    answer(call, &src)
}

fn delete(s: &mut Store, call: &Call, b: &Binding) -> Outcome {
    let ids = targets(call, b);
    for id in &ids {
        allowed(call, found(s, call, id)?)?;
        not_in_use(s, call, b, id)?;
    }
    for id in &ids {
        s.remove_tree(id);
    }
    Ok(answer(call, &Map::new()))
}

/// A delete of what another resource of the account still names in the target's id field is
/// refused with the `[model]` `in_use` code for that field, where the action documents it.
fn not_in_use(s: &Store, call: &Call, b: &Binding, id: &str) -> Result<(), Failure> {
    let Some(key) = target(call, b).map(|t| t.key.as_str()) else {
        return Ok(());
    };
    let Some(code) = call.dialect.header.model.in_use.get(key) else {
        return Ok(());
    };
    if !call.action.errors.iter().any(|e| &e.code == code) {
        return Ok(());
    }
    let names = |v: &Value| values(v).iter().any(|x| x == id);
    let user = s
        .resources
        .values()
        .find(|r| r.account == call.account && r.id != id && r.attrs.get(key).is_some_and(names));
    match user {
        Some(r) => Err(Failure::new(code, format!("{id} is used by {}", r.id))),
        None => Ok(()),
    }
}

/// The identity of a list item: its id, address and port fields (a backend is its server and
/// port), else the whole item.
fn identity(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let key: Map<String, Value> = m
        .iter()
        .filter(|(k, _)| {
            let l = k.to_ascii_lowercase();
            l.ends_with("id")
                || l.ends_with("ip")
                || l.ends_with("port")
                || matches!(
                    l.as_str(),
                    "key"
                        | "tagkey"
                        | "domain"
                        | "url"
                        | "type"
                        | "portrange"
                        | "ipprotocol"
                        | "direction"
                        | "destcidrip"
                        | "sourcecidrip"
                )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if key.is_empty() {
        v.clone()
    } else {
        Value::Object(key)
    }
}

/// Merges `new` into `have` by identity: a known item is updated, an unknown one appended
/// (or, with `only_known`, ignored).
fn merge(have: &mut Vec<Value>, new: &[Value], only_known: bool) {
    for n in new {
        let id = identity(n);
        match have.iter_mut().find(|h| identity(h) == id) {
            Some(Value::Object(h)) => {
                if let Value::Object(n) = n {
                    h.extend(n.clone());
                }
            }
            Some(h) => *h = n.clone(),
            None if !only_known => have.push(n.clone()),
            None => {}
        }
    }
}

/// The items of a list parameter: a list, a JSON list in a string, or comma-separated words.
pub fn member_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::String(s) if s.trim_start().starts_with('[') => {
            serde_json::from_str::<Vec<Value>>(s).unwrap_or_default()
        }
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| Value::String(w.to_string()))
            .collect(),
        Value::Object(_) => vec![v.clone()],
        _ => Vec::new(),
    }
}

/// The list an attach or detach moves items of, and the items: the request's list parameter,
/// or, for a list the request has no parameter for, one item made of its other parameters.
fn members(call: &Call, b: &Binding, target: &Option<String>) -> Option<(String, Vec<Value>)> {
    let m = b.members.as_ref()?;
    if call.action.params.iter().any(|p| &p.name == m) {
        return call.params.get(m).map(|v| (m.clone(), member_items(v)));
    }
    let item: Map<String, Value> = call
        .params
        .iter()
        .filter(|(k, _)| Some(*k) != target.as_ref() && !b.refs.iter().any(|r| &r.param == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some((m.clone(), vec![Value::Object(item)]))
}

fn link(ctx: &Ctx, s: &mut Store, call: &Call, b: &Binding) -> Outcome {
    let attach = b.verb == Verb::Attach;
    let ids = targets(call, b);
    all_allowed(s, call, &ids)?;
    let target_param = target(call, b).map(|t| t.param.clone());
    let others: Vec<(String, Vec<String>)> = b
        .refs
        .iter()
        .filter(|r| Some(&r.param) != target_param.as_ref() && !r.slb_listener)
        .map(|r| (r.key.clone(), self::ids(call, r)))
        .collect();
    for id in &ids {
        let Some(r) = s.get_mut(call.account, id) else {
            continue;
        };
        // The parent the target was created under is not linked again.
        let parent = r.parent.clone();
        let others: Vec<(String, Vec<String>)> = others
            .iter()
            .filter(|(_, v)| parent.as_ref().is_none_or(|p| !v.contains(p)))
            .cloned()
            .collect();
        transition(ctx, call, r);
        match members(call, b, &target_param) {
            Some((m, items)) => {
                let entry = r
                    .attrs
                    .entry(m.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if !entry.is_array() {
                    *entry = Value::Array(member_items(entry));
                }
                let Some(have) = entry.as_array_mut() else {
                    continue;
                };
                if attach {
                    merge(have, &items, false);
                } else {
                    let gone: Vec<Value> = items.iter().map(identity).collect();
                    have.retain(|h| !gone.contains(&identity(h)));
                }
            }
            None => relink(r, &others, attach),
        }
        s.track(id);
    }
    Ok(respond(s, call, &ids))
}

/// An attach without a list parameter links the other resources it names (an EIP to its
/// instance); the matching detach unlinks them, or everything linked when it names none.
fn relink(r: &mut Resource, others: &[(String, Vec<String>)], attach: bool) {
    let mut links: Vec<String> = r.attrs.get(LINKS).map(values).unwrap_or_default();
    if attach {
        for (key, ids) in others {
            let v = match ids.as_slice() {
                [one] => Value::String(one.clone()),
                many => Value::Array(many.iter().cloned().map(Value::String).collect()),
            };
            r.attrs.insert(key.clone(), v);
            if !links.contains(key) {
                links.push(key.clone());
            }
        }
    } else {
        let named: Vec<&String> = others.iter().map(|(k, _)| k).collect();
        let gone: Vec<String> = if named.is_empty() {
            links.clone()
        } else {
            links
                .iter()
                .filter(|l| named.contains(l))
                .cloned()
                .collect()
        };
        for k in &gone {
            r.attrs.remove(k);
        }
        links.retain(|l| !gone.contains(l));
    }
    r.attrs.insert(
        LINKS.into(),
        Value::Array(links.into_iter().map(Value::String).collect()),
    );
}

fn run(ctx: &Ctx, s: &mut Store, call: &Call, b: &Binding) -> Outcome {
    let ids = targets(call, b);
    all_allowed(s, call, &ids)?;
    for id in &ids {
        let Some(r) = s.get_mut(call.account, id) else {
            continue;
        };
        transition(ctx, call, r);
        s.track(id);
    }
    Ok(respond(s, call, &ids))
}
