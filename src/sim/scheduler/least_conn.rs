//! Least connections. `wlc` (LVS): the eligible backend with the smallest connections / weight,
//! compared exactly by cross-multiplication, first index on ties. `least_conn` (nginx, Tencent):
//! the same ratio, but ties are broken round robin from a rotating start so equal backends share
//! the load instead of the first one taking every tie.

use super::{PickCtx, Scheduler};

#[derive(Debug, Clone)]
pub struct LeastConn {
    name: &'static str,
    rotate_ties: bool,
    members: Vec<u32>,
    weights: Vec<u64>,
    start: usize,
}

impl LeastConn {
    pub fn wlc() -> Self {
        LeastConn {
            name: "wlc",
            rotate_ties: false,
            members: vec![],
            weights: vec![],
            start: 0,
        }
    }
    pub fn nginx() -> Self {
        LeastConn {
            name: "least_conn",
            rotate_ties: true,
            ..Self::wlc()
        }
    }
}

impl Scheduler for LeastConn {
    fn name(&self) -> &str {
        self.name
    }
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]) {
        self.members = (0..weights.len() as u32)
            .filter(|&i| eligible[i as usize] && weights[i as usize] > 0)
            .collect();
        self.weights = self
            .members
            .iter()
            .map(|&i| weights[i as usize] as u64)
            .collect();
        self.start = 0;
    }
    #[inline]
    fn pick(&mut self, ctx: &PickCtx<'_>) -> Option<usize> {
        let n = self.members.len();
        if n == 0 {
            return None;
        }
        let s = if self.rotate_ties { self.start % n } else { 0 };
        let mut best = s;
        let mut bc = ctx.conns[self.members[s] as usize] as u64;
        let mut bw = self.weights[s];
        for k in 1..n {
            let j = if s + k >= n { s + k - n } else { s + k };
            let c = ctx.conns[self.members[j] as usize] as u64;
            let w = self.weights[j];
            // c / w < bc / bw
            if c * bw < bc * w {
                best = j;
                bc = c;
                bw = w;
            }
        }
        if self.rotate_ties {
            self.start = best + 1;
        }
        Some(self.members[best] as usize)
    }
}
