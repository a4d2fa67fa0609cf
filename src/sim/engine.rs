//! The event queue: a binary min-heap keyed by (time, sequence number). The sequence number is
//! the insertion order, so events at the same instant run first-scheduled first, deterministically
//! (the SimPy rule). Payloads are small `Copy` values so a push or a pop moves 24 bytes.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Nanos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry<E> {
    time: Nanos,
    seq: u64,
    event: E,
}

impl<E: Eq> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}
impl<E: Eq> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A deterministic future-event list.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
    now: Nanos,
    processed: u64,
}

impl<E: Eq + Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Eq + Copy> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            seq: 0,
            now: 0,
            processed: 0,
        }
    }
    /// The current virtual time (the time of the last event popped).
    pub fn now(&self) -> Nanos {
        self.now
    }
    /// Events popped so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
    /// Schedules `event` at absolute time `at` (never before now).
    pub fn schedule(&mut self, at: Nanos, event: E) {
        let time = at.max(self.now);
        self.seq += 1;
        self.heap.push(Entry {
            time,
            seq: self.seq,
            event,
        });
    }
    /// Pops the next event if it is due no later than `until`.
    pub fn pop_until(&mut self, until: Nanos) -> Option<(Nanos, E)> {
        match self.heap.peek() {
            Some(e) if e.time <= until => {
                let e = self.heap.pop().expect("peeked");
                self.now = e.time;
                self.processed += 1;
                Some((e.time, e.event))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn ties_run_in_insertion_order() {
        let mut q = EventQueue::new();
        q.schedule(5, 1u32);
        q.schedule(3, 2);
        q.schedule(5, 3);
        q.schedule(3, 4);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop_until(u64::MAX).map(|x| x.1)).collect();
        assert_eq!(order, vec![2, 4, 1, 3]);
    }
}
