//! Smooth weighted round robin (nginx's `ngx_http_upstream_get_peer`): every pick adds each
//! eligible backend's weight to its current value, picks the largest (first on ties), and takes
//! the total off the winner. Weights 5, 1, 1 give `a a b a c a a`.
//!
//! [`LinearWrr`] is that algorithm as nginx runs it, O(n) per pick. [`TableWrr`] runs it once
//! over a whole period (sum of weights / gcd picks, after which every current value is back to 0)
//! when the eligible set changes, and then serves picks from the table in O(1): the same
//! sequence, hence the same smoothness, at a few nanoseconds per pick. Building costs
//! O(n · period); when that exceeds [`TableWrr::MAX_BUILD_WORK`] it falls back to the linear
//! algorithm (reported by [`TableWrr::is_table`]).

use super::{PickCtx, Scheduler};

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// nginx SWRR, O(n) per pick.
#[derive(Debug, Default, Clone)]
pub struct LinearWrr {
    weights: Vec<i64>,
    current: Vec<i64>,
    total: i64,
}

impl LinearWrr {
    pub fn new() -> Self {
        Self::default()
    }
    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.total == 0 {
            return None;
        }
        let mut best = usize::MAX;
        let mut best_v = i64::MIN;
        for (i, (c, w)) in self.current.iter_mut().zip(&self.weights).enumerate() {
            if *w == 0 {
                continue;
            }
            *c += *w;
            if *c > best_v {
                best_v = *c;
                best = i;
            }
        }
        self.current[best] -= self.total;
        Some(best)
    }
}

impl Scheduler for LinearWrr {
    fn name(&self) -> &str {
        "linear_wrr"
    }
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]) {
        self.weights = weights
            .iter()
            .zip(eligible)
            .map(|(&w, &e)| if e { w as i64 } else { 0 })
            .collect();
        self.current = vec![0; weights.len()];
        self.total = self.weights.iter().sum();
    }
    fn pick(&mut self, _ctx: &PickCtx<'_>) -> Option<usize> {
        self.next()
    }
}

/// nginx SWRR served from a precomputed period: O(1) per pick.
#[derive(Debug, Default, Clone)]
pub struct TableWrr {
    table: Vec<u32>,
    pos: usize,
    fallback: Option<LinearWrr>,
}

impl TableWrr {
    /// Upper bound on n · period for building a table (beyond it: the linear algorithm).
    pub const MAX_BUILD_WORK: u64 = 2_000_000_000;

    pub fn new() -> Self {
        Self::default()
    }
    /// Whether picks come from a table (false: the O(n) fallback).
    pub fn is_table(&self) -> bool {
        self.fallback.is_none()
    }
    /// The period, when table-driven.
    pub fn period(&self) -> &[u32] {
        &self.table
    }
}

impl Scheduler for TableWrr {
    fn name(&self) -> &str {
        "wrr"
    }
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]) {
        let mut lin = LinearWrr::new();
        lin.rebuild(weights, eligible);
        self.pos = 0;
        self.table.clear();
        let g = lin
            .weights
            .iter()
            .filter(|w| **w > 0)
            .fold(0u64, |g, &w| gcd(g, w as u64));
        if g == 0 {
            self.fallback = None;
            return;
        }
        let period = lin.total as u64 / g;
        let n = lin.weights.iter().filter(|w| **w > 0).count() as u64;
        if n.saturating_mul(period) > Self::MAX_BUILD_WORK || period > u32::MAX as u64 {
            self.fallback = Some(lin);
            return;
        }
        // Reduce by the gcd: same sequence, shorter period.
        for w in lin.weights.iter_mut() {
            *w /= g as i64;
        }
        lin.total /= g as i64;
        // Compact the eligible backends so the scan touches only them.
        let idx: Vec<u32> = (0..lin.weights.len() as u32)
            .filter(|&i| lin.weights[i as usize] > 0)
            .collect();
        let w: Vec<i64> = idx.iter().map(|&i| lin.weights[i as usize]).collect();
        let mut cur = vec![0i64; w.len()];
        self.table.reserve(period as usize);
        for _ in 0..period {
            let mut best = 0;
            let mut best_v = i64::MIN;
            for (j, (c, wj)) in cur.iter_mut().zip(&w).enumerate() {
                *c += *wj;
                if *c > best_v {
                    best_v = *c;
                    best = j;
                }
            }
            cur[best] -= lin.total;
            self.table.push(idx[best]);
        }
        self.fallback = None;
    }
    #[inline]
    fn pick(&mut self, ctx: &PickCtx<'_>) -> Option<usize> {
        if let Some(f) = &mut self.fallback {
            return f.pick(ctx);
        }
        if self.table.is_empty() {
            return None;
        }
        let b = self.table[self.pos];
        self.pos += 1;
        if self.pos == self.table.len() {
            self.pos = 0;
        }
        Some(b as usize)
    }
}

/// The longest run of consecutive picks of one backend that smooth WRR allows: the largest
/// integer below `2S / (S - w)` for weight `w` out of a total `S` (no bound when it is the only
/// eligible backend). In nginx SWRR a backend's current value stays inside `(-S, S)`, and a run
/// of `R` picks lowers it by `R·(S - w)`, hence `R < 2S / (S - w)`. A plain "weighted" round
/// robin that serves each backend in a block (a×50, b×10, c×10) breaks it; a test checks that
/// SWRR meets it over random weight vectors.
pub fn smooth_run_bound(w: u64, total: u64) -> Option<u64> {
    if w == 0 {
        return Some(0);
    }
    if total <= w {
        return None;
    }
    let others = total - w;
    Some((2 * total).div_ceil(others) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scheduler::picks;

    #[test]
    fn table_equals_linear() {
        for w in [vec![5, 1, 1], vec![3, 7, 2, 2], vec![10, 0, 4], vec![1; 9]] {
            assert_eq!(
                picks(&mut TableWrr::new(), &w, 200),
                picks(&mut LinearWrr::new(), &w, 200)
            );
        }
    }
}
