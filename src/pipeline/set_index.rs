//! The attribute set → series map of a metric instrument (`metric_aggregator`): a hash table
//! with open addressing (FNV-1a, linear probing, at most half full). It replaces a
//! `BTreeMap<Vec<u8>, u32>`: 1.6 KB gzip less `.wasm` (24,765 → 23,139 B), and faster (100,000
//! sets registered natively: 46 → 36 ms). A sorted `Vec` was 0.3 KB smaller still but moves up
//! to (cardinality limit) entries per new set: 0.80 s for those 100,000. Sets are only added.

#[allow(unused_imports)]
use crate::prelude::*;

#[derive(Debug, Default)]
pub struct SetIndex {
    entries: Vec<(Vec<u8>, u32)>,
    /// A power of two long (or empty); 0 is a free slot, n is `entries[n - 1]`.
    slots: Vec<u32>,
}

fn hash(bytes: &[u8]) -> usize {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)) as usize
}

impl SetIndex {
    /// The value of `set`, or the free slot where it would go.
    fn find(&self, set: &[u8]) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash(set) & mask;
        loop {
            match self.slots[i] {
                0 => return Err(i),
                n => {
                    let (key, value) = &self.entries[n as usize - 1];
                    if key.as_slice() == set {
                        return Ok(*value);
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    pub fn get(&self, set: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        self.find(set).ok()
    }

    /// Adds `set` (not yet in the index) with `value`.
    pub fn insert(&mut self, set: Vec<u8>, value: u32) {
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        if let Err(slot) = self.find(&set) {
            self.entries.push((set, value));
            self.slots[slot] = self.entries.len() as u32;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![0; size];
        for (n, (key, _)) in self.entries.iter().enumerate() {
            let mut i = hash(key) & (size - 1);
            while self.slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            self.slots[i] = n as u32 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_set_added_and_no_other() {
        let mut index = SetIndex::default();
        assert_eq!(index.get(b"a"), None);
        let sets: Vec<Vec<u8>> = (0..5_000u32).map(|i| i.to_le_bytes()[..(i % 4 + 1) as usize].to_vec()).collect();
        let mut added = std::collections::BTreeMap::new();
        for (n, set) in sets.iter().enumerate() {
            if added.contains_key(set) {
                continue;
            }
            index.insert(set.clone(), n as u32);
            added.insert(set.clone(), n as u32);
        }
        for (set, value) in &added {
            assert_eq!(index.get(set), Some(*value), "{set:?}");
        }
        assert_eq!(index.get(b""), None);
        assert_eq!(index.get(&[1, 2, 3, 4, 5]), None);
        assert!(index.slots.len() >= 2 * added.len(), "at most half full");
    }
}
