//! The resources of every account, and the ids they get.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{Map, Value};

use super::attrs::Attrs;
use super::capacity::Capacity;

/// One resource of one account: its kind (`load_balancer`, `listener`), its state in its state
/// machine, its documented attributes, and a pending completion of a transitional state.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub kind: String,
    pub id: String,
    pub account: String,
    pub region: String,
    pub parent: Option<String>,
    pub state: String,
    pub attrs: Attrs,
    pub pending: Option<Pending>,
    /// Creation order, for the documented "newest first" and stable pagination.
    pub seq: u64,
}

/// A call made with a ClientToken: its parameters and the answer it got.
pub type Remembered = (Value, Map<String, Value>);

/// A transitional state completing at `due_ms` of model time.
#[derive(Debug, Clone, Serialize)]
pub struct Pending {
    pub to: String,
    pub due_ms: u64,
}

/// Everything the model holds. One lock guards it: requests are short, and one lock makes
/// every action atomic, so concurrent clients cannot corrupt state or lose a resource. A copy
/// serves dry runs.
#[derive(Debug, Clone)]
pub struct Store {
    pub resources: Resources,
    /// (account, kind) -> creation seq -> id: what `of_kind` lists, without a scan and a sort.
    by_kind: HashMap<(String, String), BTreeSet<(u64, String)>>,
    /// parent id -> child ids, so removing a tree does not scan every resource.
    children: HashMap<String, BTreeSet<String>>,
    /// ClientToken idempotence: (account, action, token) -> the first call and its answer.
    pub idempotency: BTreeMap<(String, String, String), Remembered>,
    /// Backend health set through the admin endpoint: (account, server id) -> status.
    pub health: BTreeMap<(String, String), String>,
    /// The ECS instances registered through the admin endpoint: (account, instance id) ->
    /// the instance.
    pub ecs: BTreeMap<(String, String), Ecs>,
    /// The room regions have left, set through the admin endpoint (none: no limit).
    pub capacity: Capacity,
    /// Pending completions by due time, so settling costs what is due, not what exists.
    due: BTreeSet<(u64, String)>,
    seq: u64,
    rng: ChaCha8Rng,
}

/// An ECS instance the model knows of (SLB backends are instances it does not host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ecs {
    /// `classic` or the instance's VPC id.
    pub network: String,
    /// Released: its id names nothing any more.
    pub released: bool,
}

impl Default for Store {
    fn default() -> Store {
        Store::new(0x1bc0_f0a2)
    }
}

impl Store {
    pub fn new(seed: u64) -> Store {
        Store {
            resources: Resources::default(),
            by_kind: HashMap::new(),
            children: HashMap::new(),
            due: BTreeSet::new(),
            idempotency: BTreeMap::new(),
            health: BTreeMap::new(),
            ecs: BTreeMap::new(),
            capacity: Capacity::default(),
            seq: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// `prefix` + `n` random lower-case letters and digits, unique in the store.
    pub fn new_id(&mut self, prefix: &str, n: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        loop {
            let tail: String = (0..n)
                .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
                .collect();
            let id = format!("{prefix}{tail}");
            if !self.resources.contains_key(&id) {
                return id;
            }
        }
    }

    pub fn random_u8(&mut self) -> u8 {
        self.rng.random()
    }

    /// A resource of `account` by id: another account's resource is not found, as the
    /// documents answer (no Forbidden that would reveal it exists).
    pub fn get(&self, account: &str, id: &str) -> Option<&Resource> {
        self.resources.get(id).filter(|r| r.account == account)
    }

    pub fn get_mut(&mut self, account: &str, id: &str) -> Option<&mut Resource> {
        self.resources.get_mut(id).filter(|r| r.account == account)
    }

    /// The resources of one kind owned by `account`, oldest first.
    pub fn of_kind<'s>(
        &'s self,
        account: &'s str,
        kind: &'s str,
    ) -> impl Iterator<Item = &'s Resource> + 's {
        self.by_kind
            .get(&(account.to_string(), kind.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|(_, id)| self.resources.0.get(id))
            // A handler may have changed a resource's account or kind since it was indexed.
            .filter(move |r| r.account == account && r.kind == kind)
    }

    /// How many resources of `kind` owned by `account` sit directly under `parent`.
    pub fn count_children(&self, account: &str, parent: &str, kind: &str) -> usize {
        self.children_of(account, parent, kind).count()
    }

    /// The resources of `kind` owned by `account` directly under `parent`, oldest first.
    pub fn children_of<'s>(
        &'s self,
        account: &'s str,
        parent: &'s str,
        kind: &'s str,
    ) -> impl Iterator<Item = &'s Resource> + 's {
        let mut found: Vec<&Resource> = self
            .children
            .get(parent)
            .into_iter()
            .flatten()
            .filter_map(|id| self.resources.0.get(id))
            .filter(|r| r.kind == kind && r.account == account)
            .filter(|r| r.parent.as_deref() == Some(parent))
            .collect();
        found.sort_by_key(|r| r.seq);
        found.into_iter()
    }

    /// Adds a resource, tracking its pending completion if it has one.
    pub fn insert(&mut self, r: Resource) {
        let id = r.id.clone();
        self.unindex(&id);
        self.by_kind
            .entry((r.account.clone(), r.kind.clone()))
            .or_default()
            .insert((r.seq, id.clone()));
        if let Some(p) = &r.parent {
            self.children
                .entry(p.clone())
                .or_default()
                .insert(id.clone());
        }
        self.resources.0.insert(id.clone(), r);
        self.track(&id);
    }

    /// Forgets the index entries of resource `id` (being replaced or removed).
    fn unindex(&mut self, id: &str) {
        let Some(old) = self.resources.0.get(id) else {
            return;
        };
        let key = (old.account.clone(), old.kind.clone());
        if let Some(ids) = self.by_kind.get_mut(&key) {
            ids.remove(&(old.seq, id.to_string()));
            if ids.is_empty() {
                self.by_kind.remove(&key);
            }
        }
        if let Some(p) = old.parent.clone() {
            if let Some(c) = self.children.get_mut(&p) {
                c.remove(id);
                if c.is_empty() {
                    self.children.remove(&p);
                }
            }
        }
    }

    /// Indexes the pending completion a handler just gave resource `id`.
    pub fn track(&mut self, id: &str) {
        if let Some(p) = self.resources.get(id).and_then(|r| r.pending.as_ref()) {
            self.due.insert((p.due_ms, id.to_string()));
        }
    }

    /// Completes every transitional state whose time has come.
    pub fn settle(&mut self, now_ms: u64) {
        while let Some((due, id)) = self.due.first().cloned() {
            if due > now_ms {
                break;
            }
            self.due.pop_first();
            // A resource deleted, or given a newer pending state since, is skipped.
            if let Some(r) = self.resources.get_mut(&id) {
                if r.pending.as_ref().is_some_and(|p| p.due_ms == due) {
                    if let Some(p) = r.pending.take() {
                        r.state = p.to;
                    }
                }
            }
        }
    }

    /// Removes a resource and everything under it.
    pub fn remove_tree(&mut self, id: &str) {
        // The index, checked against each child's parent in case a handler re-parented it.
        let children: Vec<String> = self
            .children
            .get(id)
            .into_iter()
            .flatten()
            .filter(|c| self.resources.0.get(*c).and_then(|r| r.parent.as_deref()) == Some(id))
            .cloned()
            .collect();
        for c in children {
            self.remove_tree(&c);
        }
        self.unindex(id);
        self.children.remove(id);
        self.resources.0.remove(id);
    }
}

/// Every resource by id. Read and changed in place freely; added and removed only through
/// [`Store::insert`] and [`Store::remove_tree`], which keep the indexes.
#[derive(Debug, Default, Clone)]
pub struct Resources(BTreeMap<String, Resource>);

impl Resources {
    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.0.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Resource> {
        self.0.get_mut(id)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// By id.
    pub fn values(&self) -> impl Iterator<Item = &Resource> {
        self.0.values()
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Resource> {
        self.0.values_mut()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Resource)> {
        self.0.iter()
    }
}

impl std::ops::Index<&String> for Resources {
    type Output = Resource;

    fn index(&self, id: &String) -> &Resource {
        &self.0[id]
    }
}

impl std::ops::Index<&str> for Resources {
    type Output = Resource;

    fn index(&self, id: &str) -> &Resource {
        &self.0[id]
    }
}
