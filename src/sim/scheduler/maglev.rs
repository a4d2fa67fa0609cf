//! Consistent hashing with Maglev's lookup table (Eisenbud et al., NSDI 2016): each eligible
//! backend fills table slots in its own permutation order, in turns, until the prime-sized table
//! is full. A lookup is one hash and one index, and a backend leaving moves little more than its
//! own 1/n of the keys. Used for Alibaba ENS `sch` / `qch` / `iqch` and Tencent `ip_hash` /
//! `IP_HASH`; the [`KeyKind`] says what is hashed.

use super::{KeyKind, PickCtx, Scheduler};

/// SplitMix64 finaliser: a fast, well-mixed 64-bit hash.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

const PRIMES: [u64; 5] = [65_537, 262_147, 1_048_583, 2_097_169, 4_194_319];

#[derive(Debug, Clone)]
pub struct Maglev {
    kind: KeyKind,
    table: Vec<u32>,
}

impl Maglev {
    pub fn new(kind: KeyKind) -> Self {
        Maglev {
            kind,
            table: vec![],
        }
    }
    /// Table size for n backends: a prime at least 100·n where possible (the paper's advice).
    pub fn table_size(n: usize) -> u64 {
        let want = 100 * n as u64;
        *PRIMES.iter().find(|&&p| p >= want).unwrap_or(&PRIMES[4])
    }
}

impl Scheduler for Maglev {
    fn name(&self) -> &str {
        match self.kind {
            KeyKind::QuicCid => "qch",
            KeyKind::IquicBytes => "iqch",
            _ => "sch",
        }
    }
    fn key_kind(&self) -> KeyKind {
        self.kind
    }
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]) {
        let members: Vec<u32> = (0..weights.len() as u32)
            .filter(|&i| eligible[i as usize] && weights[i as usize] > 0)
            .collect();
        self.table.clear();
        if members.is_empty() {
            return;
        }
        let m = Self::table_size(weights.len());
        let (offset, skip): (Vec<u64>, Vec<u64>) = members
            .iter()
            .map(|&b| {
                // Permutations depend on the backend's identity, not its position among members,
                // so removing one backend leaves the others' preferences unchanged.
                let h1 = mix64(b as u64 ^ 0x6D61_676C_6576_0001);
                let h2 = mix64(b as u64 ^ 0x6D61_676C_6576_0002);
                (h1 % m, h2 % (m - 1) + 1)
            })
            .unzip();
        let mut next = vec![0u64; members.len()];
        let mut table = vec![u32::MAX; m as usize];
        let mut filled = 0u64;
        'outer: loop {
            for i in 0..members.len() {
                let mut c = (offset[i] + next[i] * skip[i]) % m;
                while table[c as usize] != u32::MAX {
                    next[i] += 1;
                    c = (offset[i] + next[i] * skip[i]) % m;
                }
                table[c as usize] = members[i];
                next[i] += 1;
                filled += 1;
                if filled == m {
                    break 'outer;
                }
            }
        }
        self.table = table;
    }
    #[inline]
    fn pick(&mut self, ctx: &PickCtx<'_>) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let h = mix64(ctx.key);
        // Lemire's multiply-shift range reduction.
        let i = ((h as u128 * self.table.len() as u128) >> 64) as usize;
        Some(self.table[i] as usize)
    }
}
