//! A resource's attributes: the `serde_json::Map` API the handlers use (`get`, `insert`,
//! `remove`, `entry`, `iter`, `contains_key`, `attrs["Port"]`), stored compactly.
//!
//! A `Map` (an `IndexMap` with `preserve_order`) costs 104 bytes per slot, grows its slots by
//! doubling, keeps a hash index beside them and allocates every key: about 2 KB for a listener's
//! thirteen attributes. Here the keys are interned (attribute names are the spec's parameter and
//! field names, a small closed set) and the slots are one exactly-sized vector, searched linearly
//! (resources have tens of attributes, not thousands). The order is the `Map`'s: insertion order,
//! a replaced value keeps its place, and `remove` moves the last entry into the hole, as
//! `Map::remove` (`swap_remove`) does.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// The one shared copy of an attribute name.
pub fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let n: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(n);
    n
}

/// Attributes, with `Map`'s methods and order.
#[derive(Clone, Default, PartialEq)]
pub struct Attrs {
    entries: Vec<(&'static str, Value)>,
}

impl Attrs {
    pub fn new() -> Attrs {
        Attrs::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| *k == key)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key`; an existing key keeps its place. Returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.push(intern(&key), value);
                None
            }
        }
    }

    fn push(&mut self, key: &'static str, value: Value) {
        // Exactly sized: resources are many and rarely grow after creation.
        self.entries.reserve_exact(1);
        self.entries.push((key, value));
    }

    /// Removes `key` as `Map::remove` does with `preserve_order`: the last entry takes its place.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        Some(self.entries.swap_remove(i).1)
    }

    pub fn entry(&mut self, key: impl Into<String>) -> Entry<'_> {
        let key = key.into();
        let i = self.position(&key);
        Entry {
            attrs: self,
            key,
            at: i,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> + '_ {
        self.entries.iter().map(|(k, v)| (*k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut Value)> + '_ {
        self.entries.iter_mut().map(|(k, v)| (*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|(k, _)| *k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// A `Map` copy, in the same order (an answer built from the attributes).
    pub fn to_map(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }
}

/// A `Map::entry`-like view of one key.
pub struct Entry<'a> {
    attrs: &'a mut Attrs,
    key: String,
    at: Option<usize>,
}

impl<'a> Entry<'a> {
    pub fn or_insert(self, value: Value) -> &'a mut Value {
        self.or_insert_with(|| value)
    }

    pub fn or_insert_with(self, f: impl FnOnce() -> Value) -> &'a mut Value {
        let i = match self.at {
            Some(i) => i,
            None => {
                self.attrs.push(intern(&self.key), f());
                self.attrs.entries.len() - 1
            }
        };
        &mut self.attrs.entries[i].1
    }
}

impl std::ops::Index<&str> for Attrs {
    type Output = Value;

    /// `Value::Null` for a missing key, as `Map`'s index through `Value` answers.
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<Map<String, Value>> for Attrs {
    fn from(m: Map<String, Value>) -> Attrs {
        let mut entries = Vec::with_capacity(m.len());
        entries.extend(m.into_iter().map(|(k, v)| (intern(&k), v)));
        Attrs { entries }
    }
}

impl From<Attrs> for Map<String, Value> {
    fn from(a: Attrs) -> Map<String, Value> {
        a.entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }
}

impl From<Attrs> for Value {
    fn from(a: Attrs) -> Value {
        Value::Object(a.into())
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = (&'static str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (&'static str, Value)>,
        fn(&'a (&'static str, Value)) -> (&'static str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (*k, v))
    }
}

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The same operations on a `Map` and on `Attrs` leave the same entries in the same order.
    #[test]
    fn attrs_keep_the_order_and_answers_of_a_map() {
        let mut m = Map::new();
        let mut a = Attrs::new();
        for (k, v) in [("A", 1), ("B", 2), ("C", 3), ("D", 4)] {
            assert_eq!(m.insert(k.into(), json!(v)), a.insert(k.into(), json!(v)));
        }
        assert_eq!(
            m.insert("B".into(), json!(20)),
            a.insert("B".into(), json!(20))
        );
        assert_eq!(m.remove("A"), a.remove("A"));
        assert_eq!(m.remove("Z"), a.remove("Z"));
        m.entry("E").or_insert(json!(5));
        a.entry("E").or_insert(json!(5));
        m.entry("C").or_insert_with(|| json!(0));
        a.entry("C").or_insert_with(|| json!(0));
        assert_eq!(Value::Object(m.clone()), Value::from(a.clone()));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            serde_json::to_string(&a).unwrap()
        );
        assert_eq!(Attrs::from(m.clone()).to_map(), m);
        assert_eq!(a["C"], json!(3));
        assert_eq!(a["missing"], Value::Null);
        assert!(a.contains_key("E") && !a.contains_key("A"));
    }
}
