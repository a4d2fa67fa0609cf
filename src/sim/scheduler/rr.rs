//! Round robin: eligible backends in index order, one after another; weights other than 0 are
//! ignored (Alibaba `rr`: "requests go to the backends in turn").

use super::{PickCtx, Scheduler};

#[derive(Debug, Default, Clone)]
pub struct RoundRobin {
    ring: Vec<u32>,
    pos: usize,
}

impl RoundRobin {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Scheduler for RoundRobin {
    fn name(&self) -> &str {
        "rr"
    }
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]) {
        self.ring = (0..weights.len() as u32)
            .filter(|&i| eligible[i as usize] && weights[i as usize] > 0)
            .collect();
        self.pos = 0;
    }
    #[inline]
    fn pick(&mut self, _ctx: &PickCtx<'_>) -> Option<usize> {
        if self.ring.is_empty() {
            return None;
        }
        let b = self.ring[self.pos];
        self.pos += 1;
        if self.pos == self.ring.len() {
            self.pos = 0;
        }
        Some(b as usize)
    }
}
