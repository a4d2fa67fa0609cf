//! What a region has room for. A real region runs out (a zone sold out, no addresses left) and
//! a create there is refused with the documented code for it (Tencent's ResourceInsufficient
//! 资源不足, which CreateLoadBalancer's table lists, and ResourcesSoldOut 资源售罄, which
//! CloneLoadBalancer's adds). Nothing a request says causes that, so the emulator's regions
//! never run out unless a test says so through `/_lbconform/capacity`; a create that needs more
//! than is left is then refused with the dialect's `[model] sold_out` or `insufficient` code,
//! where the action documents it, and nothing is made.

use std::collections::BTreeMap;

use super::binding::Binding;
use super::store::Store;
use super::{guards, Call, Failure};

/// The name that stands for every region, or every kind, not set on its own.
pub const ANY: &str = "*";

/// Per (region, kind of resource), either possibly [`ANY`], how many more resources creates may
/// make there. A create draws on the most specific entry that matches it; none: no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capacity {
    free: BTreeMap<(String, String), u64>,
}

impl Capacity {
    /// Leaves `free` more resources of `kind` to be made in `region`; `None` lifts that
    /// entry, so the region and kind draw on the next broader one, if any.
    pub fn set(&mut self, region: &str, kind: &str, free: Option<u64>) {
        let key = (region.to_string(), kind.to_string());
        match free {
            Some(n) => self.free.insert(key, n),
            None => self.free.remove(&key),
        };
    }

    /// Every entry: (region, kind) and its room.
    pub fn settings(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.free
            .iter()
            .map(|((r, k), n)| (r.as_str(), k.as_str(), *n))
    }

    /// The entry a create of `kind` in `region` draws on, if one limits it.
    fn key(&self, region: &str, kind: &str) -> Option<(String, String)> {
        [(region, kind), (region, ANY), (ANY, kind), (ANY, ANY)]
            .into_iter()
            .map(|(r, k)| (r.to_string(), k.to_string()))
            .find(|key| self.free.contains_key(key))
    }
}

/// The codes a create answers when its region lacks room, where the action documents them:
/// sold out when nothing is left, insufficient when less is left than the request needs (or
/// nothing, where the action has no sold-out code; erratum clb3-sold-out-or-insufficient).
struct Refusals<'d, 'b> {
    kind: &'b str,
    insufficient: Option<&'d str>,
    sold_out: Option<&'d str>,
}

impl<'d, 'b> Refusals<'d, 'b> {
    /// `None` where the create documents neither code, or is no create.
    fn of(call: &Call<'d>, b: &'b Binding) -> Option<Refusals<'d, 'b>> {
        let kind = &b.creates.as_ref()?.kind;
        let hints = &call.dialect.header.model;
        let documented = |c: &'d Option<String>| {
            c.as_deref()
                .filter(|c| guards::documents(call.dialect, call.action, c))
        };
        let r = Refusals {
            kind,
            insufficient: documented(&hints.insufficient),
            sold_out: documented(&hints.sold_out),
        };
        (r.insufficient.is_some() || r.sold_out.is_some()).then_some(r)
    }

    fn code(&self, left: u64) -> Option<&'d str> {
        match self.sold_out {
            Some(c) if left == 0 => Some(c),
            _ => self.insufficient,
        }
    }
}

/// Refuses a create that needs more room than its region has left.
pub fn check(s: &Store, call: &Call, b: &Binding) -> Result<(), Failure> {
    let Some(refusals) = Refusals::of(call, b) else {
        return Ok(());
    };
    let kind = refusals.kind;
    let Some(key) = s.capacity.key(call.region, kind) else {
        return Ok(());
    };
    let left = s.capacity.free[&key];
    let needed = super::generic::count(call, b).0 as u64;
    if needed <= left {
        return Ok(());
    }
    // Less room than asked for, on a create documenting only the sold-out code: that code.
    let Some(code) = refusals.code(left).or(refusals.sold_out) else {
        return Ok(());
    };
    let detail = format!(
        "the region {} has room for {left} more {kind}, and the request needs {needed}",
        call.region
    );
    Err(Failure::new(code, detail))
}

/// Takes the room a create that succeeded used.
pub fn spend(s: &mut Store, call: &Call, b: &Binding) {
    let Some(refusals) = Refusals::of(call, b) else {
        return;
    };
    let Some(key) = s.capacity.key(call.region, refusals.kind) else {
        return;
    };
    let needed = super::generic::count(call, b).0 as u64;
    if let Some(left) = s.capacity.free.get_mut(&key) {
        *left = left.saturating_sub(needed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_entry_is_the_one_drawn_on() {
        let mut c = Capacity::default();
        c.set(ANY, ANY, Some(5));
        c.set("ap-guangzhou", ANY, Some(1));
        c.set("ap-guangzhou", "listener", Some(0));
        let key = |r, k| c.key(r, k).map(|(r, k)| format!("{r}/{k}"));
        assert_eq!(
            key("ap-guangzhou", "listener").as_deref(),
            Some("ap-guangzhou/listener")
        );
        assert_eq!(
            key("ap-guangzhou", "load_balancer").as_deref(),
            Some("ap-guangzhou/*")
        );
        assert_eq!(key("ap-beijing", "listener").as_deref(), Some("*/*"));
        let mut c = c.clone();
        c.set(ANY, ANY, None);
        assert_eq!(
            c.key("ap-beijing", "listener"),
            None,
            "lifting the limit leaves none"
        );
    }
}
