//! A map kept in a `Vec`, for the widget's few-entry maps (field errors): one small instantiation of `Vec` code
//! instead of a `BTreeMap`'s node, search, split and merge code for every key/value type (about 10 KB of wasm).
//! Lookups are linear, which for a dozen form fields is as fast as a tree.

/// Entries in insertion order; at most one per key. Equal when they hold the same entries, in any order.
#[derive(Debug, Clone)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: PartialEq, V> SmallMap<K, V> {
    /// An empty map (allocates nothing).
    pub const fn new() -> Self {
        Self { entries: Vec::new() }
    }

    fn position(&self, key: &K) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    /// Sets the value of `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.position(key).map(|i| self.entries.swap_remove(i).1)
    }

    /// How many keys have a value.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key has a value.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The entries, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for SmallMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K: Eq, V: Eq> Eq for SmallMap<K, V> {}

#[cfg(test)]
mod tests {
    use super::SmallMap;

    #[test]
    fn behaves_like_a_map() {
        let mut map = SmallMap::new();
        assert!(map.is_empty());
        assert_eq!(map.insert("a", 1), None);
        assert_eq!(map.insert("b", 2), None);
        assert_eq!(map.insert("a", 3), Some(1));
        assert_eq!(map.len(), 2);
        assert_eq!(map.get(&"a"), Some(&3));
        assert!(map.contains_key(&"b"));
        assert!(!map.contains_key(&"c"));
        assert_eq!(map.remove(&"a"), Some(3));
        assert_eq!(map.remove(&"a"), None);
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn equality_ignores_order() {
        let mut one = SmallMap::new();
        one.insert(1, "x");
        one.insert(2, "y");
        let mut two = SmallMap::new();
        two.insert(2, "y");
        two.insert(1, "x");
        assert_eq!(one, two);
        two.insert(3, "z");
        assert_ne!(one, two);
        two.remove(&3);
        two.insert(1, "w");
        assert_ne!(one, two);
    }
}
