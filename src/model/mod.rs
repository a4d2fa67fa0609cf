//! The executable reference model: the spec made executable, used by the emulator and, next, by
//! the conformance oracle.
//!
//! - [`validate`]: spec-driven validation of every request;
//! - [`lifecycle`]: the spec's state machines, executed;
//! - [`shape`]: answers conformed to the documented response shape;
//! - [`store`]: resources per account, ids;
//! - [`attrs`]: a resource's attributes, a compact `Map`;
//! - [`clock`]: real or manual model time;
//! - [`certificate`]: an uploaded certificate and key checked for format, encryption and match;
//! - [`backends`]: SLB backend server ids: their shape, the account's ECS inventory, networks;
//! - [`listener_checks`]: SLB refusals that depend on the listener: its protocol, its server
//!   groups' layer, its access control status;
//! - [`tags`]: SLB's tag sets, counted over the load balancers that carry them;
//! - [`alibaba_lb`]: the Alibaba classic load balancer of SLB and ENS (ELB), modelled so far;
//! - [`tencent_clb`]: Tencent CLB 3.0 load balancers, listeners, targets and tasks, so far;
//! - [`tencent_rewrite`]: Tencent CLB 3.0 redirects between forwarding rules;
//! - [`tencent_v2`]: the legacy v2 load balancers, listeners, backends and tasks, so far.
//!
//! - [`binding`] and [`generic`]: every other action, its meaning read off the spec (verb,
//!   resource, id parameters, documented lists) and executed;
//! - [`project`]: answers filled from the documented response fields;
//! - [`quota`]: the documented quotas the spec's limits bind;
//! - [`capacity`]: the room a region has left, finite only when a test says so;
//! - [`guards`]: the refusals `[model]` hints describe for every action (filters, protocols,
//!   dry runs);
//! - [`regions`]: the documented regions: unknown ones refused, DescribeRegions answered.

pub mod alibaba_lb;
pub mod attrs;
pub mod backends;
pub mod binding;
pub mod capacity;
pub mod certificate;
pub mod children;
pub mod clock;
pub mod generic;
pub mod guards;
pub mod lifecycle;
pub mod listener_checks;
pub mod project;
pub mod quota;
pub mod regions;
pub mod shape;
pub mod store;
pub mod tags;
pub mod tencent_clb;
pub mod tencent_rewrite;
pub mod tencent_v2;
pub mod validate;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};

use crate::spec::{Action, Dialect, Spec};
use binding::{Binding, Bindings, Kind};
use clock::{Clock, ClockMode};
use store::Store;

/// One validated call to the model.
pub struct Call<'a> {
    pub dialect: &'a Dialect,
    pub action: &'a Action,
    /// The account the credential belongs to.
    pub account: &'a str,
    /// The answer's RequestId: Tencent's asynchronous actions are polled by it.
    pub request_id: &'a str,
    /// The region the request names (its region parameter or header), empty if none.
    pub region: &'a str,
    pub params: Map<String, Value>,
}

impl Call<'_> {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(Value::as_str)
    }

    pub fn u64(&self, name: &str) -> Option<u64> {
        self.params.get(name).and_then(Value::as_u64)
    }

    /// A list parameter's string items (`LoadBalancerIds`).
    pub fn strings(&self, name: &str) -> Vec<String> {
        let items = self.params.get(name).and_then(Value::as_array);
        items
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A list parameter's structured items (`listeners`, `backends`).
    pub fn items(&self, name: &str) -> Vec<Map<String, Value>> {
        let items = self.params.get(name).and_then(Value::as_array);
        items
            .map(|a| a.iter().filter_map(|v| v.as_object().cloned()).collect())
            .unwrap_or_default()
    }

    /// One page of `all` by the offset and limit parameters the dialect names (Tencent's
    /// `Offset`/`Limit`, v2's `offset`/`limit`), the limit defaulting to 20 as both document.
    pub fn page(&self, all: &[Value], offset: &str, limit: &str) -> Vec<Value> {
        let skip = self.u64(offset).unwrap_or(0) as usize;
        let take = self.u64(limit).unwrap_or(20) as usize;
        all.iter().skip(skip).take(take).cloned().collect()
    }
}

/// Whether `action` documents `code`: in its own table, or in a dialect row that names the
/// action or no action at all (a code of every action).
pub fn documents(d: &Dialect, action: &Action, code: &str) -> bool {
    action.errors.iter().any(|e| e.code == code)
        || d.errors
            .iter()
            .any(|e| e.code == code && (e.actions.is_empty() || e.actions.contains(&action.name)))
}

/// An answer body from a `json!` object literal.
pub fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// An action refused: the dialect renders `code` with the status and message its spec gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub detail: String,
}

impl Failure {
    pub fn new(code: &str, detail: impl Into<String>) -> Failure {
        Failure {
            code: code.to_string(),
            detail: detail.into(),
        }
    }
}

pub type Outcome = Result<Map<String, Value>, Failure>;

/// The model: the spec, the clock, and the store.
pub struct Model {
    pub spec: Arc<Spec>,
    pub clock: Clock,
    /// How long transitional states take on the real clock (and per advance on the manual one).
    pub transition_delay_ms: u64,
    /// Each dialect's action meanings, read off the spec once.
    bindings: BTreeMap<String, Bindings>,
    store: Mutex<Store>,
}

impl Model {
    pub fn new(spec: Arc<Spec>, clock: ClockMode, transition_delay_ms: u64) -> Model {
        Model {
            clock: Clock::new(clock),
            transition_delay_ms,
            bindings: spec
                .dialects
                .iter()
                .map(|d| (d.id().to_string(), Bindings::of(d)))
                .collect(),
            spec,
            store: Mutex::new(Store::default()),
        }
    }

    /// What `action` of `dialect` means to the model.
    pub fn binding(&self, dialect: &str, action: &str) -> Option<&Binding> {
        self.bindings.get(dialect)?.actions.get(action)
    }

    /// The kind of resource id field `key` names in `dialect`.
    pub fn kind(&self, dialect: &str, key: &str) -> Option<&Kind> {
        self.bindings.get(dialect)?.kinds.get(key)
    }

    /// The store, with every due transition completed.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        let mut s = self.store.lock().unwrap_or_else(|p| p.into_inner());
        s.settle(self.clock.now_ms());
        s
    }

    pub fn reset(&self) {
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Store::default();
    }

    /// Runs one validated call.
    pub fn execute(&self, call: &Call) -> Outcome {
        let mut store = self.store();
        let ctx = Ctx {
            model: self,
            now_ms: self.clock.now_ms(),
        };
        // Every resource the request names must exist, and no state of theirs forbid the
        // action, before any handler runs (hand-written ones included); an action's
        // `[model] unchecked` list names the references taken on trust.
        guards::filters(call)?;
        if let Some(b) = self.binding(call.dialect.id(), &call.action.name) {
            if let Err(f) = generic::check_refs(&store, call, b) {
                return self.partially(&ctx, &mut store, call, b).unwrap_or(Err(f));
            }
            guards::protocols(&store, call, b)?;
            guards::taken(&store, call, b)?;
            quota::check(&store, call, &b.quotas)?;
            capacity::check(&store, call, b)?;
        }
        // A dry run runs on a copy of the store, which is then thrown away: it is refused as
        // the request would be, and otherwise answered with the dry-run code.
        if let Some(code) = guards::dry_run(call) {
            let mut scratch = store.clone();
            run(&ctx, &mut scratch, call)?;
            return Err(Failure::new(code, "the request would have succeeded"));
        }
        let body = run(&ctx, &mut store, call)?;
        if let Some(b) = self.binding(call.dialect.id(), &call.action.name) {
            capacity::spend(&mut store, call, b);
        }
        Ok(generic::complete(call, body))
    }

    /// A batch naming some resources that do not exist, where the dialect documents that only
    /// some operations succeeding has its own code: the rest are acted on, and the answer is
    /// that code. `None` where that does not apply.
    fn partially(&self, ctx: &Ctx, store: &mut Store, call: &Call, b: &Binding) -> Option<Outcome> {
        let code = call.dialect.header.model.partial.as_deref()?;
        let (params, missing) = generic::narrowed(store, call, b)?;
        let part = Call {
            dialect: call.dialect,
            action: call.action,
            account: call.account,
            request_id: call.request_id,
            region: call.region,
            params,
        };
        let done = generic::check_refs(store, &part, b)
            .and_then(|()| quota::check(store, &part, &b.quotas))
            .and_then(|()| run(ctx, store, &part));
        Some(done.and_then(|_| {
            Err(Failure::new(
                code,
                format!(
                    "some of the operations succeeded; {} do not exist",
                    missing.join(", ")
                ),
            ))
        }))
    }
}

/// The dialect's handler for one call.
fn run(ctx: &Ctx, store: &mut Store, call: &Call) -> Outcome {
    match call.dialect.id() {
        "aliyun-slb" | "aliyun-ens" => alibaba_lb::execute(ctx, store, call),
        "tencent-clb" => tencent_clb::execute(ctx, store, call),
        "tencent-clb-v2" => tencent_v2::execute(ctx, store, call),
        _ => generic::execute(ctx, store, call),
    }
}

/// What a handler may read besides the call: the model's settings and the time.
pub struct Ctx<'m> {
    pub model: &'m Model,
    pub now_ms: u64,
}

impl Ctx<'_> {
    pub fn due(&self) -> u64 {
        self.now_ms + self.model.transition_delay_ms
    }
}
