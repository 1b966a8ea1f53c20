//! [`Map`]: a JSON object, fields in insertion order.

use crate::Value;

/// A JSON object: string keys, each at most once, in insertion order.
///
/// Lookups scan the fields (objects on the wire are small). `==` ignores the order.
#[derive(Debug, Clone, Default)]
pub struct Map {
    fields: Vec<(String, Value)>,
}

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Map { fields: Vec::new() }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.fields
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`. An existing key keeps its position and the old value is returned.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.fields.push((key, value));
                None
            }
        }
    }

    /// Takes `key` out (the other fields keep their order).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.fields.iter().position(|(k, _)| k == key)?;
        Some(self.fields.remove(at).1)
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.fields.iter().map(|(k, v)| (k, v))
    }

    /// The fields in order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        self.fields.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.fields.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.fields.iter().map(|(_, v)| v)
    }

    /// Builds a map from fields that may repeat keys (as parsed): the first occurrence keeps
    /// its position, the last one gives the value. Linear for few fields, `n log n` for many,
    /// so hostile input with many keys cannot make parsing quadratic.
    pub(crate) fn from_parsed(fields: Vec<(String, Value)>) -> Map {
        const SCAN_BELOW: usize = 16;
        if fields.len() < SCAN_BELOW {
            let mut map = Map {
                fields: Vec::with_capacity(fields.len()),
            };
            for (k, v) in fields {
                map.insert(k, v);
            }
            return map;
        }
        let mut order: Vec<usize> = (0..fields.len()).collect();
        order.sort_unstable_by(|&a, &b| fields[a].0.cmp(&fields[b].0).then(a.cmp(&b)));
        // source[i] = Some(j): position i (a first occurrence) takes its value from j (the last).
        let mut source: Vec<Option<usize>> = vec![None; fields.len()];
        for run in order.chunk_by(|&a, &b| fields[a].0 == fields[b].0) {
            if let (Some(&first), Some(&last)) = (run.first(), run.last()) {
                source[first] = Some(last);
            }
        }
        let mut slots: Vec<Option<(String, Value)>> = fields.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(slots.len());
        for (at, from) in source.into_iter().enumerate() {
            let Some(from) = from else { continue };
            let key = slots[at].as_ref().map(|(k, _)| k.clone());
            if let (Some(key), Some((_, value))) = (key, slots[from].take()) {
                out.push((key, value));
            }
        }
        Map { fields: out }
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for Map {}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut map = Map::new();
        map.extend(iter);
        map
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.fields.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(keys: &[&str]) -> Map {
        let fields = keys.iter().enumerate();
        Map::from_parsed(
            fields
                .map(|(i, k)| (k.to_string(), Value::from(i)))
                .collect(),
        )
    }

    #[test]
    fn insert_replaces_in_place_and_returns_the_old_value() {
        let mut map = Map::new();
        assert_eq!(map.insert("a", Value::from(1)), None, "new key");
        map.insert("b", Value::from(2));
        assert_eq!(
            map.insert("a", Value::from(3)),
            Some(Value::from(1)),
            "old value"
        );
        let keys: Vec<_> = map.keys().cloned().collect();
        assert_eq!(keys, ["a", "b"], "a keeps its position");
        assert_eq!(map.get("a"), Some(&Value::from(3)), "new value");
    }

    #[test]
    fn remove_keeps_the_order_of_the_rest() {
        let mut map: Map = ["a", "b", "c"]
            .map(|k| (k.to_owned(), Value::Null))
            .into_iter()
            .collect();
        assert_eq!(map.remove("b"), Some(Value::Null), "removed");
        assert_eq!(map.remove("b"), None, "already gone");
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "c"], "order kept");
    }

    #[test]
    fn equality_ignores_order() {
        let ab: Map = [("a", 1), ("b", 2)]
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .into_iter()
            .collect();
        let ba: Map = [("b", 2), ("a", 1)]
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .into_iter()
            .collect();
        assert_eq!(ab, ba, "same fields, other order");
        assert_ne!(ab, Map::new(), "different length");
    }

    #[test]
    fn parsed_duplicates_keep_the_first_position_and_the_last_value_small_and_large() {
        for filler in [0, 40] {
            let mut keys = vec!["x", "y", "x"];
            let names: Vec<String> = (0..filler).map(|i| format!("k{i}")).collect();
            keys.extend(names.iter().map(String::as_str));
            keys.push("x");
            let map = parsed(&keys);
            assert_eq!(
                map.len(),
                2 + filler,
                "duplicates folded ({filler} fillers)"
            );
            assert_eq!(
                map.keys().next().map(String::as_str),
                Some("x"),
                "x stays first"
            );
            let last = keys.len() - 1;
            assert_eq!(
                map.get("x"),
                Some(&Value::from(last)),
                "last x wins ({filler})"
            );
            assert_eq!(map.get("y"), Some(&Value::from(1)), "y untouched");
        }
    }
}
