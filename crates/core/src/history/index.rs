//! The history's two hash indexes (patient id → patient, event id → patient), each split
//! into shards whose shares of the hashes differ, so that the shards grow one at a time.
//!
//! A hash table grows by moving every entry into a table twice its size. The event index
//! holds an entry per claim version, and on the service's stream one growth of a single
//! table at 458,752 entries took 35 ms alone and 50-80 ms on the loaded service: that long
//! the partition's worker screened nothing, and at 35,000 events/s the queue behind it set
//! the p99 (BENCHMARKS.md, "The p99 with history: the event index's growth"). Shards of
//! equal shares would not help: the hashes spread entries evenly, so equal shards fill up,
//! and grow, together. Here shard `i`'s share is proportional to 2^(i/SHARDS): the shares
//! span a factor of two, evenly in log scale, so as the index doubles each shard crosses
//! one growth point, at its own time. A growth then moves at most about 1/23 of the entries.

use std::sync::LazyLock;

use hashbrown::HashTable;

use super::Slot;

const SHARDS: usize = 32;

/// Shard `i` holds the hashes whose bits 32..48 are at most `BOUNDS[i]` (and above
/// `BOUNDS[i - 1]`). Those bits are the ones hashbrown does not use within a table of fewer
/// than 2^32 buckets: it places an entry by the low bits and tags it with the top seven.
static BOUNDS: LazyLock<[u16; SHARDS]> = LazyLock::new(|| {
    let weight = |shard: usize| (shard as f64 / SHARDS as f64).exp2();
    let total: f64 = (0..SHARDS).map(weight).sum();
    let mut bounds = [u16::MAX; SHARDS];
    let mut below = 0.0;
    for (shard, bound) in bounds.iter_mut().enumerate().take(SHARDS - 1) {
        below += weight(shard);
        *bound = (below / total * f64::from(u16::MAX)).round() as u16;
    }
    bounds
});

/// A hash index of [`Slot`]s, in staggered shards. Entries are looked up with the hash
/// and a comparison the caller gives (the ids are not copied into the index), which only
/// entries of the same full hash reach: the comparison reads the patient's own memory,
/// while the slot's hash is already at hand.
pub(super) struct Index {
    shards: Box<[HashTable<Slot>]>,
}

impl Default for Index {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
        }
    }
}

impl Index {
    pub(super) fn find(&self, hash: u64, mut eq: impl FnMut(&Slot) -> bool) -> Option<&Slot> {
        self.shards[shard(hash)].find(hash, |slot| slot.hash == hash && eq(slot))
    }

    /// Adds an entry; the caller knows no equal one is held.
    pub(super) fn insert_unique(&mut self, hash: u64, patient: u32) {
        self.shards[shard(hash)].insert_unique(hash, Slot { hash, patient }, |slot| slot.hash);
    }

    /// Removes the first entry `eq` accepts among those with `hash`.
    pub(super) fn remove(&mut self, hash: u64, mut eq: impl FnMut(&Slot) -> bool) {
        let same = |slot: &Slot| slot.hash == hash && eq(slot);
        if let Ok(entry) = self.shards[shard(hash)].find_entry(hash, same) {
            entry.remove();
        }
    }
}

fn shard(hash: u64) -> usize {
    let key = (hash >> 32) as u16;
    BOUNDS.partition_point(|bound| *bound < key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// splitmix64: well-spread hashes, the same on every run.
    fn hashes(count: u64) -> impl Iterator<Item = u64> {
        (1..=count).map(|i| {
            let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        })
    }

    #[test]
    fn the_shares_rise_evenly_over_a_factor_of_two() {
        let bounds = *BOUNDS;
        assert_eq!(bounds[SHARDS - 1], u16::MAX);
        let shares: Vec<f64> = std::iter::once(0)
            .chain(bounds)
            .collect::<Vec<u16>>()
            .windows(2)
            .map(|pair| f64::from(pair[1] - pair[0]))
            .collect();
        for pair in shares.windows(2) {
            let step = pair[1] / pair[0];
            assert!((step - 2f64.powf(1.0 / 32.0)).abs() < 0.002, "{shares:?}");
        }
        assert!((shares[SHARDS - 1] / shares[0] - 2f64.powf(31.0 / 32.0)).abs() < 0.01);
    }

    /// The property the shards are for: however large the index, no growth moves more
    /// than a small part of it, and the growths come one at a time.
    #[test]
    fn a_growth_moves_a_small_part_of_the_index() {
        let mut index = Index::default();
        let mut capacities = vec![0; SHARDS];
        let mut growths = Vec::new();
        for (count, hash) in hashes(1_500_000).enumerate() {
            let shard = shard(hash);
            let before = index.shards[shard].len();
            index.insert_unique(hash, 0);
            let capacity = index.shards[shard].capacity();
            if capacity != capacities[shard] {
                capacities[shard] = capacity;
                if count >= 100_000 {
                    growths.push((count as f64, before as f64));
                }
            }
        }
        // From 100,000 to 1,500,000 entries (3.9 doublings) every shard grows about 4 times.
        assert!((110..=140).contains(&growths.len()), "{}", growths.len());
        for &(count, _) in &growths {
            // All that moved while the index grew by another 1 %: a single table would
            // move all of it at once.
            let moved: f64 = growths
                .iter()
                .filter(|(at, _)| (count..count * 1.01).contains(at))
                .map(|(_, moved)| moved)
                .sum();
            assert!(moved / count < 0.1, "{moved} of {count} moved within 1 %");
        }
        let largest = growths
            .iter()
            .map(|(at, moved)| moved / at)
            .fold(0.0, f64::max);
        assert!(
            largest < 1.0 / 20.0,
            "a growth moved {largest:.3} of the index"
        );
    }

    #[test]
    fn finds_and_removes_by_hash_and_comparison() {
        let mut index = Index::default();
        let all: Vec<u64> = hashes(10_000).collect();
        for (patient, hash) in all.iter().enumerate() {
            index.insert_unique(*hash, patient as u32);
        }
        for (patient, hash) in all.iter().enumerate() {
            let found = index.find(*hash, |slot| slot.patient == patient as u32);
            assert_eq!(found.map(|slot| slot.hash), Some(*hash));
        }
        index.remove(all[7], |slot| slot.patient == 7);
        assert!(index.find(all[7], |_| true).is_none());
        assert!(index.find(all[8], |slot| slot.patient == 8).is_some());
    }
}
