//! The `/_lbconform/` endpoints tests drive the emulator with. All answer JSON.
//!
//! | endpoint | effect |
//! |---|---|
//! | `POST /_lbconform/reset` | forget every resource, nonce and armed fault |
//! | `POST /_lbconform/clock/advance?ms=N` | move the manual clock forward N ms |
//! | `GET  /_lbconform/state` | every resource as JSON |
//! | `POST /_lbconform/lock?id=ID` / `unlock?id=ID` | lock or unlock a load balancer |
//! | `POST /_lbconform/health?server=ID&status=S` | set a backend's health (normal, abnormal) |
//! | `POST /_lbconform/ecs?id=ID&owner=RESOURCE_ID&network=classic\|VPC_ID[&state=released]` | tell the model about an ECS instance of the account owning `owner`: its network, or that it was released |
//! | `POST /_lbconform/fail?count=N&kind=unavailable\|throttle` | fail the next N calls |
//! | `POST /_lbconform/capacity?region=R&free=N\|unlimited[&kind=K]` | leave region R room for N more resources of kind K (`*`, K's default: every region or kind not set on its own): a create needing more is refused with the dialect's `[model] insufficient` code (Tencent ResourceInsufficient), where the action documents it; without arguments, answers the settings |
//! | `POST /_lbconform/limits?rate=documented\|off&https=required\|off` | turn the documented request rates on (fresh counts) or off, and v2's HTTPS-only rule; either may be left out; answers the settings |
//! | `POST /_lbconform/transition?id=ID&trigger=internal:T` | fire an internal transition of the resource's state machine (a Tencent instance's `internal:expire`, a task's `internal:fail`) |

use serde_json::{json, Value};

use super::{Emulator, Fault};
use crate::model::capacity::ANY;
use crate::wire::encode::decode_pairs;
use crate::wire::request::{param, HttpRequest};
use crate::wire::response::Rendered;

fn answer(status: u16, v: Value) -> Rendered {
    Rendered {
        status,
        content_type: "application/json",
        body: serde_json::to_vec(&v).unwrap_or_default(),
    }
}

fn bad(msg: &str) -> Rendered {
    answer(400, json!({"error": msg}))
}

pub fn handle(em: &Emulator, req: &HttpRequest) -> Rendered {
    let Ok(q) = decode_pairs(&req.query) else {
        return bad("malformed query string");
    };
    let arg = |k: &str| param(&q, k).map(str::to_string);
    match req.path.trim_start_matches("/_lbconform/") {
        "reset" => {
            em.reset();
            answer(200, json!({"reset": true}))
        }
        "clock/advance" => match arg("ms").and_then(|m| m.parse::<u64>().ok()) {
            Some(ms) if em.model.clock.advance(ms) => {
                answer(200, json!({"now_ms": em.model.clock.now_ms()}))
            }
            Some(_) => bad("the clock is real; start with --clock manual"),
            None => bad("ms=N is required"),
        },
        "state" => {
            let store = em.model.store();
            answer(
                200,
                json!({"now_ms": em.model.clock.now_ms(), "resources": store.resources.values().collect::<Vec<_>>()}),
            )
        }
        action @ ("lock" | "unlock") => {
            let Some(id) = arg("id") else {
                return bad("id=ID is required");
            };
            let mut store = em.model.store();
            let Some(r) = store.resources.get_mut(&id) else {
                return answer(404, json!({"error": "no such resource"}));
            };
            // Unlocking restores the state the lock interrupted, and leaves an unlocked
            // resource as it is.
            const BEFORE: &str = "_state_before_lock";
            if action == "lock" && r.state != "locked" {
                r.attrs.insert(BEFORE.into(), json!(r.state));
                r.state = "locked".into();
            } else if action == "unlock" && r.state == "locked" {
                let before = r.attrs.remove(BEFORE);
                r.state = before
                    .as_ref()
                    .and_then(|v| v.as_str())
                    .unwrap_or("active")
                    .to_string();
            }
            answer(200, json!({"id": id, "state": r.state}))
        }
        "transition" => {
            let (Some(id), Some(trigger)) = (arg("id"), arg("trigger")) else {
                return bad("id=ID&trigger=internal:T are required");
            };
            if !trigger.starts_with("internal:") {
                return bad("only internal:* triggers; actions go through the API");
            }
            let mut store = em.model.store();
            let Some(r) = store.resources.get_mut(&id) else {
                return answer(404, json!({"error": "no such resource"}));
            };
            // The resource's machine is the one of its kind whose transitions know the trigger
            // from its state (kinds are shared by name across dialects, states are not).
            let to = em.spec.dialects.iter().find_map(|d| {
                let m = d.state_machines.get(&r.kind)?;
                m.transitions
                    .iter()
                    .find(|t| t.trigger == trigger && t.from.eq_ignore_ascii_case(&r.state))
                    .map(|t| t.to.clone())
            });
            match to {
                Some(to) => {
                    r.state = to;
                    r.pending = None;
                    answer(200, json!({"id": id, "state": r.state}))
                }
                None => answer(
                    409,
                    json!({"error": format!("no {trigger} from {}", r.state)}),
                ),
            }
        }
        "health" => {
            let (Some(server), Some(status)) = (arg("server"), arg("status")) else {
                return bad("server=ID&status=S are required");
            };
            let mut store = em.model.store();
            let owners: Vec<String> = store
                .resources
                .values()
                .filter(|r| has_backend(r, &server))
                .map(|r| r.account.clone())
                .collect();
            for account in owners {
                store
                    .health
                    .insert((account, server.clone()), status.clone());
            }
            answer(200, json!({"server": server, "status": status}))
        }
        "ecs" => {
            // An ECS instance of the account that owns resource `owner` (SLB does not host
            // instances; see model::backends).
            let (Some(id), Some(owner)) = (arg("id"), arg("owner")) else {
                return bad(
                    "id=ID&owner=RESOURCE_ID are required (network=classic|VPC_ID optional)",
                );
            };
            let network = arg("network").unwrap_or_else(|| "classic".into());
            let released = arg("state").as_deref() == Some("released");
            let mut store = em.model.store();
            let Some(account) = store.resources.get(&owner).map(|r| r.account.clone()) else {
                return answer(404, json!({"error": format!("no resource {owner}")}));
            };
            let ecs = crate::model::store::Ecs {
                network: network.clone(),
                released,
            };
            store.ecs.insert((account, id.clone()), ecs);
            answer(
                200,
                json!({"id": id, "network": network, "released": released}),
            )
        }
        "fail" => {
            let count = arg("count").and_then(|c| c.parse().ok()).unwrap_or(1);
            let kind = match arg("kind").as_deref() {
                Some("throttle") => Fault::Throttled,
                _ => Fault::Unavailable,
            };
            em.inject(kind, count);
            answer(200, json!({"armed": count}))
        }
        "limits" => limits(em, arg("rate").as_deref(), arg("https").as_deref()),
        "capacity" => {
            let kind = arg("kind").unwrap_or_else(|| ANY.into());
            capacity(em, arg("region").as_deref(), &kind, arg("free").as_deref())
        }
        _ => answer(
            404,
            json!({"error": "unknown admin endpoint", "see": "README.md § Admin endpoints"}),
        ),
    }
}

/// `rate=documented|off`, `https=required|off`: the limits the emulator enforces on request.
fn limits(em: &Emulator, rate: Option<&str>, https: Option<&str>) -> Rendered {
    let rate = match rate {
        Some("documented") => Some(true),
        Some("off") => Some(false),
        None => None,
        Some(_) => return bad("rate is documented or off"),
    };
    let https = match https {
        Some("required") => Some(true),
        Some("off") => Some(false),
        None => None,
        Some(_) => return bad("https is required or off"),
    };
    if let Some(on) = rate {
        em.limits.set_rates(on);
    }
    if let Some(on) = https {
        em.limits.set_https_only(on);
    }
    answer(
        200,
        json!({
            "rate": if em.limits.rates_on() { "documented" } else { "off" },
            "https": if em.limits.https_only() { "required" } else { "off" },
        }),
    )
}

/// `region=R&free=N|unlimited[&kind=K]`: the room region R has left for new resources of kind
/// K (`*`, the default: every region or kind not set on its own); without arguments, only the
/// settings are answered.
fn capacity(em: &Emulator, region: Option<&str>, kind: &str, free: Option<&str>) -> Rendered {
    let mut store = em.model.store();
    match (region, free) {
        (None, None) => {}
        (Some(r), Some(f)) if !r.is_empty() && !kind.is_empty() => {
            let free = match f {
                "unlimited" => None,
                n => match n.parse::<u64>() {
                    Ok(n) => Some(n),
                    Err(_) => return bad("free is a count or unlimited"),
                },
            };
            store.capacity.set(r, kind, free);
        }
        _ => return bad("region=R&free=N|unlimited go together (kind=K optional)"),
    }
    let free: Vec<Value> = store
        .capacity
        .settings()
        .map(|(region, kind, free)| json!({"region": region, "kind": kind, "free": free}))
        .collect();
    answer(200, json!({"free": free}))
}

/// Whether `r` has `server` as a backend: an Alibaba BackendServers entry, a Tencent target or
/// a v2 backend.
fn has_backend(r: &crate::model::store::Resource, server: &str) -> bool {
    let list = |k: &str, id: &str| {
        r.attrs
            .get(k)
            .and_then(Value::as_array)
            .is_some_and(|b| b.iter().any(|x| x[id] == server))
    };
    list("BackendServers", "ServerId")
        || list("Targets", "InstanceId")
        || list("backends", "instanceId")
}
