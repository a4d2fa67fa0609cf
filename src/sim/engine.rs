//! The event queue: a binary min-heap keyed by (time, sequence number). The sequence number is
//! the insertion order, so events at the same instant run first-scheduled first, deterministically
//! (the SimPy rule). Keys are unique, so any correct priority queue pops the same sequence; this
//! one is tuned for the simulator's hot path: the (time, seq) key is compared as one 128-bit
//! integer, the smaller child is chosen without a branch, sifting moves a hole instead of
//! swapping, and a pop sinks the hole to a leaf before sifting the last entry up (Floyd). Payloads
//! are small `Copy` values stored inline: no allocation per event.
//!
//! Beside the heap there is one slot for a recurring source that never has more than one event
//! pending (the next arrival of an open workload): [`EventQueue::schedule_next`]. It takes its
//! sequence number from the same counter and a pop takes whichever of the slot and the heap's top
//! has the smaller (time, seq), so the order of events is exactly what it would be with the
//! event in the heap, but half of a typical run's events never pay for a heap push and pop.

use super::Nanos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry<E> {
    time: Nanos,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// (time, seq) as one integer: compared without a branch.
    #[inline(always)]
    fn key(&self) -> u128 {
        ((self.time as u128) << 64) | self.seq as u128
    }
}

/// A deterministic future-event list.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    /// The recurring source's pending event, if any.
    next: Option<Entry<E>>,
    seq: u64,
    now: Nanos,
    processed: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(1024),
            next: None,
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
        self.heap.len() + self.next.is_some() as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Schedules `event` at absolute time `at` (never before now).
    pub fn schedule(&mut self, at: Nanos, event: E) {
        let time = at.max(self.now);
        self.seq += 1;
        let e = Entry {
            time,
            seq: self.seq,
            event,
        };
        let pos = self.heap.len();
        self.heap.push(e);
        self.sift_up(pos, e);
    }
    /// Schedules the one pending event of the recurring source at `at` (never before now).
    /// Ordered exactly as [`EventQueue::schedule`] would order it.
    ///
    /// # Panics
    /// When the source already has an event pending.
    #[inline]
    pub fn schedule_next(&mut self, at: Nanos, event: E) {
        assert!(
            self.next.is_none(),
            "the recurring source already has an event pending"
        );
        let time = at.max(self.now);
        self.seq += 1;
        self.next = Some(Entry {
            time,
            seq: self.seq,
            event,
        });
    }
    /// Pops the next event if it is due no later than `until`.
    #[inline]
    pub fn pop_until(&mut self, until: Nanos) -> Option<(Nanos, E)> {
        let from_slot = match (&self.next, self.heap.first()) {
            (Some(n), Some(h)) => n.key() < h.key(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        let e = if from_slot {
            let n = self.next.as_ref().expect("checked");
            if n.time > until {
                return None;
            }
            self.next.take().expect("checked")
        } else {
            match self.heap.first() {
                Some(e) if e.time <= until => self.pop_heap(),
                _ => return None,
            }
        };
        self.now = e.time;
        self.processed += 1;
        Some((e.time, e.event))
    }

    /// Removes the heap's top (the heap is not empty): the hole left at the root sinks to a
    /// leaf along the smaller children, then the last entry moves into it and sifts up
    /// (Floyd's variant: the last entry nearly always belongs near the bottom).
    #[inline(always)]
    fn pop_heap(&mut self) -> Entry<E> {
        let top = self.heap[0];
        let last = self.heap.pop().expect("not empty");
        let h = &mut self.heap[..];
        let len = h.len();
        if len == 0 {
            return top;
        }
        let mut pos = 0;
        let mut child = 1;
        while child + 1 < len {
            child += (h[child + 1].key() < h[child].key()) as usize;
            h[pos] = h[child];
            pos = child;
            child = 2 * pos + 1;
        }
        if child < len {
            h[pos] = h[child];
            pos = child;
        }
        self.sift_up(pos, last);
        top
    }

    /// Moves `e` up from the hole at `pos` to its place and writes it there.
    #[inline(always)]
    fn sift_up(&mut self, mut pos: usize, e: Entry<E>) {
        let key = e.key();
        let h = &mut self.heap[..];
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if h[parent].key() <= key {
                break;
            }
            h[pos] = h[parent];
            pos = parent;
        }
        h[pos] = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
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

    #[test]
    fn pops_in_time_then_insertion_order_like_a_sorted_list() {
        // Interleaved pushes and pops with many ties, against a reference that sorts by
        // (time, seq).
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut q = EventQueue::new();
        let mut reference: Vec<(Nanos, u64)> = vec![];
        let mut seq = 0u64;
        let mut popped = vec![];
        let mut expected = vec![];
        for round in 0..20_000 {
            for _ in 0..rng.random_range(0..4) {
                let at = q.now() + rng.random_range(0..50u64);
                seq += 1;
                q.schedule(at, seq);
                reference.push((at.max(q.now()), seq));
            }
            if round % 3 != 0 {
                let until = q.now() + rng.random_range(0..30u64);
                if let Some((t, s)) = q.pop_until(until) {
                    popped.push((t, s));
                }
                reference.sort_unstable();
                if let Some(&(t, s)) = reference.first() {
                    if t <= until {
                        expected.push((t, s));
                        reference.remove(0);
                    }
                }
            }
            assert_eq!(q.len(), reference.len());
        }
        assert_eq!(popped, expected);
        assert!(popped.len() > 10_000);
    }

    #[test]
    fn the_recurring_slot_is_ordered_like_the_heap() {
        // The same schedule, once all in the heap and once with every other event of a
        // recurring source in the slot: the same pops, ties included.
        let mut a = EventQueue::new();
        let mut b = EventQueue::new();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        // Even payloads come from the recurring source, odd ones from elsewhere.
        let (mut even, mut odd) = (2u64, 1u64);
        a.schedule(3, 0u64);
        b.schedule_next(3, 0u64);
        let mut popped = 0;
        while popped < 50_000 {
            let until = a.now() + rnd(20);
            let ea = a.pop_until(until);
            assert_eq!(ea, b.pop_until(until));
            let Some((now, ev)) = ea else {
                a.schedule(until, odd);
                b.schedule(until, odd);
                odd += 2;
                continue;
            };
            popped += 1;
            if ev % 2 == 0 {
                // Sometimes a tie with other events.
                let at = now + rnd(6);
                a.schedule(at, even);
                b.schedule_next(at, even);
                even += 2;
            }
            for _ in 0..rnd(3) {
                let at = now + rnd(10);
                a.schedule(at, odd);
                b.schedule(at, odd);
                odd += 2;
            }
            assert_eq!(a.len(), b.len());
        }
    }
}
