//! Runs cases against a target: substitutes `${var}`, signs and sends each call, checks the
//! answer (the case's expectations plus the checks every answer must pass), captures values
//! from answers (ids are learnt from the target, never assumed), polls `eventually` steps with
//! a bounded backoff (advancing the target's manual clock instead of sleeping when it has one),
//! and deletes what each case created.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::case::{AdminOp, Case, Need, Step};
use super::cleanup::{self, created_ids, lb_kind, Created, Registry};
use super::client::{flat_value, Answer, CallOpts, Client};
use super::target::Target;
use crate::spec::{Dialect, Protocol, Spec};

/// How a run is set up.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The name prefix of every resource created (`lbc-<seed>-`).
    pub prefix: String,
    pub allow_billable: bool,
    pub seed: u64,
}

impl RunConfig {
    pub fn new(seed: u64) -> RunConfig {
        RunConfig {
            prefix: format!("lbc-{:x}-", seed & 0xff_ffff),
            allow_billable: false,
            seed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

/// The answer of a failed step, as a report shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShownAnswer {
    pub http_status: u16,
    pub code: Option<String>,
    pub message: String,
    pub raw: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Failure {
    /// 1-based step number.
    pub step: usize,
    pub action: Option<String>,
    pub message: String,
    /// The request line as sent (`GET /?Action=...`, or `POST / {json}`).
    pub request: Option<String>,
    pub answer: Option<ShownAnswer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseResult {
    pub id: String,
    pub dialect: String,
    pub features: Vec<String>,
    pub generated: bool,
    pub outcome: Outcome,
    /// Why a case was skipped.
    pub reason: Option<String>,
    /// Listed in the --expect file.
    #[serde(default)]
    pub expected_failure: bool,
    pub failure: Option<Failure>,
    pub duration_ms: u64,
    /// The spec items the case exercised (empty when skipped).
    pub coverage: Vec<String>,
}

/// Looks a path up: a JSON pointer (`/A/0/B`) or a dotted path (`A.0.B`).
pub fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    if path.starts_with('/') {
        return v.pointer(path);
    }
    let mut cur = v;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Equal as JSON, or as the same text (XML answers carry every value as text).
pub fn loosely_equal(actual: &Value, expected: &Value) -> bool {
    if actual == expected {
        return true;
    }
    let scalar = |v: &Value| !(v.is_object() || v.is_array() || v.is_null());
    scalar(actual)
        && scalar(expected)
        && flat_value(actual).eq_ignore_ascii_case(&flat_value(expected))
}

fn subst(v: &Value, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if !name.contains("${") && !name.contains('}') {
                    return vars
                        .get(name)
                        .cloned()
                        .ok_or_else(|| format!("unknown variable ${{{name}}}"));
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                out.push_str(&rest[..i]);
                let after = &rest[i + 2..];
                let j = after
                    .find('}')
                    .ok_or_else(|| format!("unclosed ${{ in {s}"))?;
                let name = &after[..j];
                let val = vars
                    .get(name)
                    .ok_or_else(|| format!("unknown variable ${{{name}}}"))?;
                out.push_str(&flat_value(val));
                rest = &after[j + 1..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(a) => {
            Value::Array(a.iter().map(|x| subst(x, vars)).collect::<Result<_, _>>()?)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), subst(x, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// Runs cases on one target.
pub struct Runner {
    pub spec: Arc<Spec>,
    pub client: Client,
    pub admin: bool,
    pub manual_clock: bool,
    pub loopback: bool,
    pub has_second: bool,
    pub config: RunConfig,
    pub registry: Registry,
    /// The setup shared by the generated cases of one action (see `Step::shared`).
    shared: std::sync::Mutex<Option<Shared>>,
}

/// A shared setup that has run: its variables, what it created, or how it failed.
struct Shared {
    key: String,
    vars: BTreeMap<String, Value>,
    created: Vec<Created>,
    failure: Option<Failure>,
}

struct Ctx<'a> {
    d: &'a Dialect,
    vars: BTreeMap<String, Value>,
    last: Option<crate::wire::HttpRequest>,
    created: Vec<Created>,
}

type StepResult = Result<(), Box<Failure>>;

impl Runner {
    pub fn new(spec: Arc<Spec>, target: &Target, config: RunConfig) -> Runner {
        Runner {
            spec,
            client: Client::new(target),
            admin: target.admin,
            manual_clock: target.manual_clock,
            loopback: target.loopback,
            has_second: target.second.is_some(),
            config,
            registry: Registry::default(),
            shared: std::sync::Mutex::new(None),
        }
    }

    /// Why `case` cannot run on this target, if it cannot.
    pub fn skip_reason(&self, case: &Case) -> Option<String> {
        for n in &case.needs {
            let (met, what) = match n {
                Need::Admin => (self.admin, "the target has no /_lbconform/ admin endpoints"),
                Need::ManualClock => (self.manual_clock, "the target's clock cannot be advanced"),
                Need::SecondAccount => (
                    self.has_second,
                    "no second key pair (set the vendor variables with _2 appended)",
                ),
            };
            if !met {
                return Some(what.into());
            }
        }
        let d = self.spec.dialect(&case.dialect)?;
        let mutating = case
            .actions()
            .any(|a| d.action(a).is_none_or(|x| x.mutating));
        if mutating && !self.loopback && !self.config.allow_billable {
            return Some(
                "mutating case against a non-loopback target: pass --allow-billable".into(),
            );
        }
        None
    }

    /// Runs one case, deleting what it created whatever the outcome.
    pub async fn run_case(&self, case: &Case) -> CaseResult {
        let start = Instant::now();
        let mut result = CaseResult {
            id: case.id.clone(),
            dialect: case.dialect.clone(),
            features: case.features.clone(),
            generated: case.generated,
            outcome: Outcome::Pass,
            reason: None,
            expected_failure: false,
            failure: None,
            duration_ms: 0,
            coverage: Vec::new(),
        };
        let Some(d) = self.spec.dialect(&case.dialect) else {
            result.outcome = Outcome::Fail;
            result.failure = Some(Failure {
                step: 0,
                action: None,
                message: format!("unknown dialect {}", case.dialect),
                request: None,
                answer: None,
            });
            return result;
        };
        if let Some(r) = self.skip_reason(case) {
            result.outcome = Outcome::Skip;
            result.reason = Some(r);
            return result;
        }
        let mut vars = BTreeMap::new();
        vars.insert(
            "prefix".to_string(),
            Value::String(self.config.prefix.clone()),
        );
        vars.insert("seed".to_string(), Value::from(self.config.seed));
        let setup: Vec<&Step> = case.steps.iter().filter(|s| s.shared.is_some()).collect();
        let mut failed = false;
        if let Some(key) = setup.first().and_then(|s| s.shared.clone()) {
            match self.shared_setup(d, &key, &setup, &vars).await {
                Ok(v) => vars = v,
                Err(f) => {
                    result.outcome = Outcome::Fail;
                    result.failure = Some(f);
                    failed = true;
                }
            }
        }
        let mut ctx = Ctx {
            d,
            vars,
            last: None,
            created: Vec::new(),
        };
        let limits = self.limits_before(case).await;
        let capacity = self.capacity_before(case).await;
        'steps: for (i, step) in case.steps.iter().enumerate() {
            if failed || step.shared.is_some() {
                continue;
            }
            for k in 1..=step.repeat.unwrap_or(1) {
                if step.repeat.is_some() {
                    // `${n}`: which call of the burst this is, from 1.
                    ctx.vars.insert("n".into(), Value::from(k));
                }
                if let Err(f) = self.run_step(&mut ctx, i + 1, step).await {
                    result.outcome = Outcome::Fail;
                    result.failure = Some(*f);
                    break 'steps;
                }
            }
        }
        // Before cleaning up: the deletes must not be throttled.
        if let Some(q) = limits {
            let _ = self.client.admin("POST", "limits", &q).await;
        }
        for q in capacity {
            let _ = self.client.admin("POST", "capacity", &q).await;
        }
        let mut created = std::mem::take(&mut ctx.created);
        // Children before their parents.
        created.reverse();
        self.delete(created).await;
        if case.steps.iter().any(|s| s.release_shared) {
            self.release_shared().await;
        }
        result.coverage = case.coverage_items();
        result.duration_ms = start.elapsed().as_millis() as u64;
        result
    }

    /// For a case that changes the emulator's request limits, the settings to restore after
    /// it (as a `limits` query), read before it runs.
    async fn limits_before(&self, case: &Case) -> Option<String> {
        if !case.steps.iter().any(|s| s.admin == Some(AdminOp::Limits)) {
            return None;
        }
        let (_, v) = self.client.admin("POST", "limits", "").await.ok()?;
        Some(format!(
            "rate={}&https={}",
            v["rate"].as_str().unwrap_or("off"),
            v["https"].as_str().unwrap_or("off")
        ))
    }

    /// For a case that sets regions' room, the settings to restore after it (as `capacity`
    /// queries, one per region it sets), read before it runs.
    async fn capacity_before(&self, case: &Case) -> Vec<String> {
        let arg = |s: &Step, k: &str| s.args.get(k).and_then(Value::as_str).map(str::to_string);
        let set: BTreeSet<(String, String)> = case
            .steps
            .iter()
            .filter(|s| s.admin == Some(AdminOp::Capacity))
            .filter_map(|s| Some((arg(s, "region")?, arg(s, "kind").unwrap_or("*".into()))))
            .collect();
        if set.is_empty() {
            return Vec::new();
        }
        let before = match self.client.admin("POST", "capacity", "").await {
            Ok((_, v)) => v,
            Err(_) => Value::Null,
        };
        let entries = before["free"].as_array().cloned().unwrap_or_default();
        let restore = |r: &str, k: &str| {
            let e = entries.iter().find(|e| e["region"] == r && e["kind"] == k);
            e.and_then(|e| e["free"].as_u64())
                .map_or("unlimited".into(), |n| n.to_string())
        };
        let pct = crate::wire::encode::percent_encode;
        set.into_iter()
            .map(|(r, k)| {
                format!(
                    "region={}&kind={}&free={}",
                    pct(&r),
                    pct(&k),
                    restore(&r, &k)
                )
            })
            .collect()
    }

    /// The region of the resource (made in this case, else earlier in the run) whose id one of
    /// `params` names: a child's delete call needs its parent's region. Searched by reference,
    /// this case's resources first, since params may be large (an oversize request).
    fn parent_region(&self, created: &[Created], params: &Map<String, Value>) -> Option<String> {
        let names = |p: &Created| {
            params.values().any(|v| match v {
                Value::String(s) => s.contains(&p.id),
                other => flat_value(other).contains(&p.id),
            })
        };
        match created.iter().find(|p| names(p)) {
            Some(p) => p.region.clone(),
            None => self
                .registry
                .snapshot()
                .into_iter()
                .find(|p| names(p))
                .and_then(|p| p.region),
        }
    }

    /// Deletes `items` and forgets them in the registry.
    async fn delete(&self, items: Vec<Created>) {
        if items.is_empty() {
            return;
        }
        let left = cleanup::delete_all(
            &self.client,
            &self.spec,
            items.clone(),
            self.admin,
            self.manual_clock,
        )
        .await;
        let mut all = self.registry.take();
        all.retain(|c| !items.contains(c));
        for (c, why) in left {
            eprintln!("cleanup: could not delete {} ({}): {why}", c.id, c.dialect);
        }
        for c in all {
            self.registry.add(c);
        }
    }

    /// The variables of the shared setup `key`, running it first unless it is the one that
    /// ran last (the previous one's resources are deleted then). A failed setup fails every
    /// case that shares it, without running it again.
    async fn shared_setup(
        &self,
        d: &Dialect,
        key: &str,
        steps: &[&Step],
        vars: &BTreeMap<String, Value>,
    ) -> Result<BTreeMap<String, Value>, Failure> {
        let cached = self.shared.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(s) = cached {
            if s.key == key {
                let out = match &s.failure {
                    Some(f) => Err(f.clone()),
                    None => Ok(s.vars.clone()),
                };
                *self.shared.lock().unwrap_or_else(|p| p.into_inner()) = Some(s);
                return out;
            }
            self.delete(s.created.into_iter().rev().collect()).await;
        }
        let mut ctx = Ctx {
            d,
            vars: vars.clone(),
            last: None,
            created: Vec::new(),
        };
        let mut failure = None;
        for (i, step) in steps.iter().enumerate() {
            if let Err(f) = self.run_step(&mut ctx, i + 1, step).await {
                let mut f = *f;
                f.message = format!("setup (shared by the action's cases): {}", f.message);
                failure = Some(f);
                break;
            }
        }
        let out = match &failure {
            Some(f) => Err(f.clone()),
            None => Ok(ctx.vars.clone()),
        };
        *self.shared.lock().unwrap_or_else(|p| p.into_inner()) = Some(Shared {
            key: key.to_string(),
            vars: ctx.vars,
            created: ctx.created,
            failure,
        });
        out
    }

    /// Deletes what the shared setup created, so the next case sets it up afresh.
    async fn release_shared(&self) {
        let s = self.shared.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(s) = s {
            self.delete(s.created.into_iter().rev().collect()).await;
        }
    }

    /// Deletes everything still recorded (the end of a run, or Ctrl-C).
    pub async fn cleanup_all(&self) {
        self.shared.lock().unwrap_or_else(|p| p.into_inner()).take();
        let items = self.registry.take();
        self.delete(items).await;
    }

    async fn run_step(&self, ctx: &mut Ctx<'_>, n: usize, step: &Step) -> StepResult {
        let fail = |message: String, a: Option<&Answer>| {
            Box::new(Failure {
                step: n,
                action: step.call.clone(),
                message,
                request: a.map(|a| a.request.line()),
                answer: a.map(|a| ShownAnswer {
                    http_status: a.http_status,
                    code: a.code.clone(),
                    message: a.message.clone(),
                    raw: a.raw.chars().take(2000).collect(),
                }),
            })
        };
        if let Some(op) = step.admin {
            let args =
                subst(&Value::Object(step.args.clone()), &ctx.vars).map_err(|e| fail(e, None))?;
            let query = crate::wire::encode::encode_pairs(
                args.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str(), flat_value(v)))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(|(k, v)| (*k, v.as_str())),
            );
            let (s, body) = self
                .client
                .admin("POST", op.path(), &query)
                .await
                .map_err(|e| fail(format!("admin {}: {e}", op.path()), None))?;
            if s != 200 {
                return Err(fail(
                    format!("admin {} answered {s}: {body}", op.path()),
                    None,
                ));
            }
            if op == AdminOp::Advance && !self.manual_clock {
                return Err(fail("the clock cannot be advanced".into(), None));
            }
            return Ok(());
        }
        let action = step.call.clone().unwrap_or_default();
        let params =
            subst(&Value::Object(step.params.clone()), &ctx.vars).map_err(|e| fail(e, None))?;
        let mut params = params.as_object().cloned().unwrap_or_default();
        for (p, len) in &step.pad {
            params.insert(p.clone(), Value::String("x".repeat(*len as usize)));
        }
        let kind = lb_kind(ctx.d.id());
        if let Some(k) = kind.as_ref().filter(|k| k.create == action) {
            if !params.contains_key(k.name_param)
                && ctx
                    .d
                    .action(&action)
                    .is_some_and(|a| a.params.iter().any(|p| p.name == k.name_param))
            {
                params.insert(
                    k.name_param.into(),
                    Value::String(self.config.prefix.clone()),
                );
            }
        }
        // Refused rather than ignored: a case that means another way of sending would pass
        // without testing it.
        if step.send.is_some() && ctx.d.header.protocol != Protocol::Tc3 {
            return Err(fail("`send` is for Tencent 3.0 only".into(), None));
        }
        let opts = CallOpts {
            signing: step.signing,
            second_account: step.account.as_deref() == Some("second"),
            format: step.format.clone(),
            version: step.version.clone(),
            send: step.send.unwrap_or_default(),
            method: step.method.clone(),
            host: step.host.clone(),
        };
        let deadline = step.eventually.as_ref().map(|e| e.timeout_ms).unwrap_or(0);
        let mut waited = 0u64;
        let mut delay = 50u64;
        let answer = loop {
            let a = if step.replay {
                let Some(last) = ctx.last.clone() else {
                    return Err(fail("replay: there is no previous call".into(), None));
                };
                self.client.send_call(ctx.d, last).await
            } else {
                self.client.call(ctx.d, &action, &params, &opts).await
            }
            .map_err(|e| fail(format!("{action}: {e}"), None))?;
            let Some(ev) = &step.eventually else { break a };
            let ev_path = subst(&Value::String(ev.path.clone()), &ctx.vars)
                .map(|v| flat_value(&v))
                .map_err(|e| fail(e, None))?;
            let now = lookup(&a.body, &ev_path);
            if now.is_some_and(|v| loosely_equal(v, &ev.equals)) {
                break a;
            }
            if waited >= deadline {
                return Err(fail(
                    format!(
                        "{} did not become {} within {} ms (last: {})",
                        ev.path,
                        ev.equals,
                        deadline,
                        now.map(Value::to_string).unwrap_or("absent".into())
                    ),
                    Some(&a),
                ));
            }
            let step_ms = delay.min(deadline - waited);
            if self.manual_clock {
                let _ = self
                    .client
                    .admin("POST", "clock/advance", &format!("ms={step_ms}"))
                    .await;
            } else {
                tokio::time::sleep(Duration::from_millis(step_ms)).await;
            }
            waited += step_ms;
            delay = (delay * 2).min(2000);
        };
        if !step.replay {
            ctx.last = Some(answer.sent.clone());
        }
        let new_ids = if answer.code.is_none() {
            created_ids(ctx.d, &action, &answer.body)
        } else {
            Vec::new()
        };
        if answer.code.is_none() {
            {
                for (key, id) in new_ids.iter().cloned() {
                    let c = Created {
                        dialect: ctx.d.id().to_string(),
                        id,
                        key,
                        second_account: opts.second_account,
                        // Else the region of the parent it was made in (a VServerGroup's
                        // load balancer), which its delete call needs.
                        region: params
                            .get("RegionId")
                            .map(flat_value)
                            .or_else(|| self.parent_region(&ctx.created, &params)),
                        from: params.clone(),
                    };
                    // What no action can delete is not the run's to clean up.
                    if !cleanup::deletable(ctx.d, &c) {
                        continue;
                    }
                    self.registry.add(c.clone());
                    ctx.created.push(c);
                }
            }
        }
        if let Some(msg) = generic_checks(ctx.d, &answer, &opts) {
            return Err(fail(msg, Some(&answer)));
        }
        if let Some(msg) = check_expect(ctx.d, step, &answer) {
            return Err(fail(msg, Some(&answer)));
        }
        let path_of = |p: &str, vars: &BTreeMap<String, Value>| {
            subst(&Value::String(p.to_string()), vars).map(|v| flat_value(&v))
        };
        for (path, want) in &step.fields {
            let want = subst(want, &ctx.vars).map_err(|e| fail(e, Some(&answer)))?;
            let path = &path_of(path, &ctx.vars).map_err(|e| fail(e, Some(&answer)))?;
            let got = lookup(&answer.body, path);
            let ok = match want.as_str() {
                Some("exists") => got.is_some(),
                Some("absent") => got.is_none(),
                Some("nonempty") => got.is_some_and(|v| match v {
                    Value::Array(a) => !a.is_empty(),
                    Value::String(s) => !s.is_empty(),
                    Value::Null => false,
                    _ => true,
                }),
                _ => got.is_some_and(|g| loosely_equal(g, &want)),
            };
            if !ok {
                return Err(fail(
                    format!(
                        "field {path}: expected {want}, got {}",
                        got.map(Value::to_string)
                            .unwrap_or("nothing (absent)".into())
                    ),
                    Some(&answer),
                ));
            }
        }
        if let Some(var) = &step.capture_created {
            let Some((_, id)) = new_ids.first() else {
                return Err(fail(
                    format!("the answer names no new id for ${{{var}}}"),
                    Some(&answer),
                ));
            };
            ctx.vars.insert(var.clone(), Value::String(id.clone()));
        }
        if step.settle {
            if self.manual_clock {
                let _ = self.client.admin("POST", "clock/advance", "ms=60000").await;
            } else {
                // No clock to move: a bounded wait for the transitional state to pass.
                tokio::time::sleep(Duration::from_millis(3000)).await;
            }
        }
        for (var, path) in &step.capture {
            let path = &path_of(path, &ctx.vars).map_err(|e| fail(e, Some(&answer)))?;
            let Some(v) = lookup(&answer.body, path) else {
                return Err(fail(
                    format!("capture {var}: the answer has no {path}"),
                    Some(&answer),
                ));
            };
            ctx.vars.insert(var.clone(), v.clone());
        }
        Ok(())
    }
}

/// The statuses the spec documents for `code` in `d` (empty when it documents none); a code
/// that fills a template (`MissingLoadBalancerId`) has the template's.
pub fn documented_statuses(d: &Dialect, code: &str) -> Vec<u16> {
    let mut s: Vec<u16> = d.errors_for(code).iter().map(|e| e.http_status).collect();
    s.sort_unstable();
    s.dedup();
    s
}

/// What every answer must satisfy, whatever the case expects.
fn generic_checks(d: &Dialect, a: &Answer, opts: &CallOpts) -> Option<String> {
    if let Some(e) = &a.parse_error {
        return Some(format!("the answer is not in {}'s format: {e}", d.id()));
    }
    match d.header.protocol {
        Protocol::Rpc => {
            let asked = opts
                .format
                .as_deref()
                .unwrap_or("json")
                .to_ascii_lowercase();
            if asked != a.format {
                return Some(format!(
                    "asked for Format={} and was answered in {}",
                    asked.to_uppercase(),
                    a.format.to_uppercase()
                ));
            }
            if a.body.get("RequestId").is_none() {
                return Some("the answer carries no RequestId".into());
            }
            match &a.code {
                None if a.http_status != 200 => {
                    return Some(format!("a success answered with HTTP {}", a.http_status))
                }
                Some(c) => {
                    let documented = documented_statuses(d, c);
                    if !documented.is_empty() && !documented.contains(&a.http_status) {
                        return Some(format!(
                            "{c} answered with HTTP {}; the documents give {:?}",
                            a.http_status, documented
                        ));
                    }
                }
                None => {}
            }
        }
        Protocol::Tc3 | Protocol::V2 => {
            if a.http_status != 200 {
                return Some(format!(
                    "{} answers every call with HTTP 200, this one with {}",
                    d.id(),
                    a.http_status
                ));
            }
            if d.header.protocol == Protocol::Tc3 && a.body.get("RequestId").is_none() {
                return Some("the answer carries no RequestId".into());
            }
        }
    }
    None
}

fn check_expect(d: &Dialect, step: &Step, a: &Answer) -> Option<String> {
    let default = super::case::Expect {
        ok: Some(true),
        ..Default::default()
    };
    let e = step.expect.as_ref().unwrap_or(&default);
    let got = || match &a.code {
        Some(c) => format!("{c}: {}", a.message),
        None => "success".into(),
    };
    if e.ok == Some(true) && a.code.is_some() {
        return Some(format!("expected success, got {}", got()));
    }
    if e.ok == Some(false) && a.code.is_none() {
        return Some("expected an error, got success".into());
    }
    if let Some(c) = &e.code {
        if a.code.as_deref() != Some(c.as_str()) {
            return Some(format!("expected {c}, got {}", got()));
        }
        if e.http_status.is_none() && d.header.protocol == Protocol::Rpc {
            let documented = documented_statuses(d, c);
            if !documented.is_empty() && !documented.contains(&a.http_status) {
                return Some(format!(
                    "expected {c} with HTTP {documented:?}, got HTTP {}",
                    a.http_status
                ));
            }
        }
    }
    if !e.code_in.is_empty() && !a.code.as_ref().is_some_and(|c| e.code_in.contains(c)) {
        return Some(format!("expected one of {:?}, got {}", e.code_in, got()));
    }
    if let Some(re) = &e.code_matches {
        let r = Regex::new(re).ok()?;
        if !a.code.as_deref().is_some_and(|c| r.is_match(c)) {
            return Some(format!("expected an error matching /{re}/, got {}", got()));
        }
    }
    if let Some(re) = &e.code_not_matches {
        let r = Regex::new(re).ok()?;
        if a.code.as_deref().is_some_and(|c| r.is_match(c)) {
            return Some(format!("expected no error matching /{re}/, got {}", got()));
        }
    }
    if let Some(s) = e.http_status {
        if a.http_status != s {
            return Some(format!("expected HTTP {s}, got HTTP {}", a.http_status));
        }
    }
    None
}

/// Runs `cases` in order; on Ctrl-C stops, deletes what was created and returns what ran.
pub async fn run_all(
    runner: &Runner,
    cases: &[Case],
    progress: &dyn Fn(&CaseResult),
) -> (Vec<CaseResult>, bool) {
    let mut results = Vec::with_capacity(cases.len());
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut interrupted = false;
    for c in cases {
        tokio::select! {
            r = runner.run_case(c) => {
                progress(&r);
                results.push(r);
            }
            _ = &mut ctrl_c => {
                eprintln!("interrupted: deleting {} resource(s) created by the run", runner.registry.len());
                interrupted = true;
                break;
            }
        }
    }
    runner.cleanup_all().await;
    (results, interrupted)
}

/// The dialect parameters map type cases use.
pub type Params = Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_are_dotted_or_pointers() {
        let v = json!({"A": [{"B": 1}], "C": {"D": "x"}});
        assert_eq!(lookup(&v, "A.0.B"), Some(&json!(1)));
        assert_eq!(lookup(&v, "/C/D"), Some(&json!("x")));
        assert_eq!(lookup(&v, "A.1.B"), None);
        assert_eq!(lookup(&v, "C.D.E"), None);
    }

    #[test]
    fn values_compare_as_json_or_text() {
        assert!(loosely_equal(&json!("80"), &json!(80)));
        assert!(loosely_equal(&json!("Running"), &json!("running")));
        assert!(loosely_equal(&json!(true), &json!("true")));
        assert!(!loosely_equal(&json!(null), &json!("")));
        assert!(!loosely_equal(&json!([1]), &json!("[1]")));
    }

    #[test]
    fn variables_keep_their_type_when_alone_and_become_text_inside() {
        let mut vars = BTreeMap::new();
        vars.insert("n".to_string(), json!(42));
        vars.insert("lb".to_string(), json!("lb-1"));
        assert_eq!(subst(&json!("${n}"), &vars).unwrap(), json!(42));
        assert_eq!(
            subst(&json!("id-${n}-${lb}"), &vars).unwrap(),
            json!("id-42-lb-1")
        );
        assert_eq!(
            subst(&json!({"a": ["${lb}"]}), &vars).unwrap(),
            json!({"a": ["lb-1"]})
        );
        assert!(subst(&json!("${nope}"), &vars).is_err());
    }
}
