//! The documented limits the emulator enforces on requests rather than on stored resources,
//! read off the spec's limits (`model = { rate = ... }` and `model = { size = ... }`):
//!
//! - request rates, a token bucket per limit, action and (as the limit says) account and
//!   region, on the model clock. Off by default: SDK users, the suite and the benchmarks send
//!   far faster than the documented 20 requests per second, and an emulator that throttled
//!   them would be no use; `serve --rate-limits documented` or `/_lbconform/limits?rate=...`
//!   turns them on. Off, a request costs one relaxed atomic load.
//! - request and response sizes, always (a real gateway refuses them too).
//! - the HTTPS-only rule of a dialect that documents it (v2's 4600), when told to serve HTTPS
//!   only: the emulator listens on plain HTTP, so a request counts as HTTPS when a terminator
//!   in front of it says so with `X-Forwarded-Proto: https`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::spec::{Dialect, Limit, Spec};
use crate::wire::HttpRequest;

/// A limit passed: the code to answer and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: String,
    pub detail: String,
}

/// One rate limit of one dialect.
#[derive(Debug, Clone)]
struct Rate {
    name: String,
    per_sec: u64,
    by_account: bool,
    by_region: bool,
    code: String,
}

/// What a size limit bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bounded {
    Get,
    Form,
    Json,
    Response,
}

#[derive(Debug, Clone)]
struct Size {
    name: String,
    what: Bounded,
    bytes: u64,
    code: String,
}

/// A bucket's tokens at a time of the model clock.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_ms: u64,
}

/// (limit, action, account, region): one bucket.
type Key = (String, String, String, String);

pub struct Limits {
    rates_on: AtomicBool,
    https_only: AtomicBool,
    /// (dialect, action) -> its rate limits; a limit naming no actions bounds every action.
    rates: HashMap<(String, String), Vec<Rate>>,
    sizes: HashMap<String, Vec<Size>>,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

impl Limits {
    pub fn new(spec: &Spec, rates_on: bool, https_only: bool) -> Limits {
        let mut rates: HashMap<(String, String), Vec<Rate>> = HashMap::new();
        let mut sizes: HashMap<String, Vec<Size>> = HashMap::new();
        for d in &spec.dialects {
            for l in &d.limits {
                if let Some(r) = rate_of(l) {
                    for a in actions_of(d, l) {
                        rates
                            .entry((d.id().to_string(), a))
                            .or_default()
                            .push(r.clone());
                    }
                }
                if let Some(s) = size_of(l) {
                    sizes.entry(d.id().to_string()).or_default().push(s);
                }
            }
        }
        Limits {
            rates_on: AtomicBool::new(rates_on),
            https_only: AtomicBool::new(https_only),
            rates,
            sizes,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Turns the documented rates on (with fresh buckets) or off.
    pub fn set_rates(&self, on: bool) {
        self.buckets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.rates_on.store(on, Ordering::Relaxed);
    }

    pub fn rates_on(&self) -> bool {
        self.rates_on.load(Ordering::Relaxed)
    }

    pub fn set_https_only(&self, on: bool) {
        self.https_only.store(on, Ordering::Relaxed);
    }

    pub fn https_only(&self) -> bool {
        self.https_only.load(Ordering::Relaxed)
    }

    /// Takes one token from every bucket the call counts in, or refuses it (taking none) when
    /// one is empty.
    pub fn take(
        &self,
        d: &Dialect,
        action: &str,
        account: &str,
        region: &str,
        now_ms: u64,
    ) -> Result<(), Refusal> {
        if !self.rates_on() {
            return Ok(());
        }
        let Some(rules) = self.rates.get(&(d.id().to_string(), action.to_string())) else {
            return Ok(());
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let mut keys = Vec::with_capacity(rules.len());
        for r in rules {
            let key = (
                r.name.clone(),
                action.to_string(),
                if r.by_account { account } else { "" }.to_string(),
                if r.by_region { region } else { "" }.to_string(),
            );
            let cap = r.per_sec as f64;
            let b = buckets.entry(key.clone()).or_insert(Bucket {
                tokens: cap,
                at_ms: now_ms,
            });
            // Refilled at the documented rate since it was last used, never above one
            // second's worth: a burst of `per_sec` calls passes, the next one does not.
            let elapsed = now_ms.saturating_sub(b.at_ms) as f64;
            b.tokens = (b.tokens + elapsed * cap / 1000.0).min(cap);
            b.at_ms = now_ms.max(b.at_ms);
            if b.tokens < 1.0 {
                return Err(Refusal {
                    code: r.code.clone(),
                    detail: format!(
                        "{action} is limited to {} requests per second ({})",
                        r.per_sec, r.name
                    ),
                });
            }
            keys.push(key);
        }
        for k in keys {
            if let Some(b) = buckets.get_mut(&k) {
                b.tokens -= 1.0;
            }
        }
        Ok(())
    }

    /// A request larger than the dialect documents.
    pub fn request_size(&self, d: &Dialect, req: &HttpRequest) -> Option<Refusal> {
        let what = if req.method.eq_ignore_ascii_case("GET") {
            (Bounded::Get, req.query.len())
        } else if req.is_form() {
            (Bounded::Form, req.body.len())
        } else {
            (Bounded::Json, req.body.len())
        };
        self.over(d, what.0, what.1 as u64)
    }

    /// A body the server stopped reading at its own bound (the largest any dialect allows):
    /// the dialect's largest request size limit, if it has one.
    pub fn body_too_large(&self, d: &Dialect) -> Option<Refusal> {
        let s = self
            .sizes
            .get(d.id())?
            .iter()
            .filter(|s| s.what != Bounded::Response)
            .max_by_key(|s| s.bytes)?;
        Some(Refusal {
            code: s.code.clone(),
            detail: format!("the request is larger than {} bytes ({})", s.bytes, s.name),
        })
    }

    /// An answer larger than the dialect documents.
    pub fn response_size(&self, d: &Dialect, len: usize) -> Option<Refusal> {
        self.over(d, Bounded::Response, len as u64)
    }

    fn over(&self, d: &Dialect, what: Bounded, len: u64) -> Option<Refusal> {
        let s = self
            .sizes
            .get(d.id())?
            .iter()
            .find(|s| s.what == what && len > s.bytes)?;
        Some(Refusal {
            code: s.code.clone(),
            detail: format!("{len} bytes; at most {} ({})", s.bytes, s.name),
        })
    }
}

fn rate_of(l: &Limit) -> Option<Rate> {
    let m = l.model.as_ref()?;
    let per = m.rate.as_ref()?;
    Some(Rate {
        name: l.name.clone(),
        per_sec: l.value.as_u64()?,
        by_account: per.iter().any(|p| p == "account"),
        by_region: per.iter().any(|p| p == "region"),
        code: m.code.clone(),
    })
}

fn size_of(l: &Limit) -> Option<Size> {
    let m = l.model.as_ref()?;
    let what = match m.size.as_deref()? {
        "get" => Bounded::Get,
        "form" => Bounded::Form,
        "json" => Bounded::Json,
        "response" => Bounded::Response,
        _ => return None,
    };
    Some(Size {
        name: l.name.clone(),
        what,
        bytes: l.bytes()?,
        code: m.code.clone(),
    })
}

fn actions_of(d: &Dialect, l: &Limit) -> Vec<String> {
    if l.actions.is_empty() {
        d.actions.keys().cloned().collect()
    } else {
        l.actions.clone()
    }
}
