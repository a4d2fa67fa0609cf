//! Open arrival processes and client populations.

use std::path::Path;

use anyhow::{bail, Context, Result};
use rand::Rng;
use rand_distr::{Distribution, Exp1};

use super::scenario::Arrival;
use super::{secs, Nanos};

/// Generates arrival instants, one after another.
#[derive(Debug, Clone)]
pub enum Arrivals {
    Poisson {
        mean_gap: f64,
    },
    Constant {
        gap: Nanos,
        next: Nanos,
    },
    Bursts {
        mean_gap: f64,
        size: u32,
        spacing: Nanos,
        left: u32,
    },
    Schedule {
        steps: Vec<(Nanos, f64)>,
    },
    /// (time, client) pairs from a trace, in time order.
    Trace {
        rows: Vec<(Nanos, u32)>,
        pos: usize,
    },
}

impl Arrivals {
    pub fn new(a: &Arrival, base: &Path) -> Result<Self> {
        Ok(match a {
            Arrival::Poisson { rate } => Arrivals::Poisson {
                mean_gap: 1e9 / positive(*rate)?,
            },
            Arrival::Constant { rate } => Arrivals::Constant {
                gap: (1e9 / positive(*rate)?) as Nanos,
                next: 0,
            },
            Arrival::Bursts {
                rate,
                size,
                spacing_ms,
            } => Arrivals::Bursts {
                mean_gap: 1e9 / positive(*rate)?,
                size: (*size).max(1),
                spacing: secs(spacing_ms / 1000.0),
                left: 0,
            },
            Arrival::Schedule { steps } => {
                if steps.is_empty() {
                    bail!("a rate schedule needs at least one [at_s, rate] step");
                }
                Arrivals::Schedule {
                    steps: steps.iter().map(|s| (secs(s[0]), s[1].max(0.0))).collect(),
                }
            }
            Arrival::Trace { path } => {
                let p = base.join(path);
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("reading trace {}", p.display()))?;
                let mut rows = vec![];
                for (n, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') || line.starts_with("time") {
                        continue;
                    }
                    let mut it = line.split(',');
                    let t: f64 = it
                        .next()
                        .unwrap_or("")
                        .trim()
                        .parse()
                        .with_context(|| format!("trace line {}", n + 1))?;
                    let c: u32 = it
                        .next()
                        .map(|s| s.trim().parse())
                        .transpose()?
                        .unwrap_or(0);
                    rows.push((secs(t), c));
                }
                rows.sort_by_key(|r| r.0);
                Arrivals::Trace { rows, pos: 0 }
            }
        })
    }

    /// The next arrival after `now`, with the client when the process fixes it.
    pub fn next<R: Rng>(&mut self, now: Nanos, rng: &mut R) -> Option<(Nanos, Option<u32>)> {
        match self {
            Arrivals::Poisson { mean_gap } => {
                let g: f64 = Exp1.sample(rng);
                Some((now + (g * *mean_gap) as Nanos + 1, None))
            }
            Arrivals::Constant { gap, next } => {
                *next += *gap;
                Some((*next, None))
            }
            Arrivals::Bursts {
                mean_gap,
                size,
                spacing,
                left,
            } => {
                if *left > 0 {
                    *left -= 1;
                    return Some((now + *spacing, None));
                }
                *left = *size - 1;
                let g: f64 = Exp1.sample(rng);
                Some((now + (g * *mean_gap) as Nanos + 1, None))
            }
            Arrivals::Schedule { steps } => {
                // Piecewise-constant Poisson: by memorylessness, redraw at each step boundary.
                let mut t = now;
                loop {
                    let i = steps.partition_point(|s| s.0 <= t);
                    let rate = if i == 0 { 0.0 } else { steps[i - 1].1 };
                    let boundary = steps.get(i).map(|s| s.0);
                    if rate <= 0.0 {
                        t = boundary?;
                        continue;
                    }
                    let g: f64 = Exp1.sample(rng);
                    let cand = t + (g * 1e9 / rate) as Nanos + 1;
                    match boundary {
                        Some(b) if cand >= b => t = b,
                        _ => return Some((cand, None)),
                    }
                }
            }
            Arrivals::Trace { rows, pos } => {
                let r = rows.get(*pos)?;
                *pos += 1;
                Some((r.0.max(now), Some(r.1)))
            }
        }
    }
}

fn positive(rate: f64) -> Result<f64> {
    if rate > 0.0 && rate.is_finite() {
        Ok(rate)
    } else {
        bail!("arrival rate must be positive, got {rate}")
    }
}

/// A client's identity as the schedulers see it.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub src_ip: u32,
    pub src_port: u16,
    /// QUIC connection ID (the first 8 bytes).
    pub cid: u64,
}

impl Client {
    pub fn new(index: u32) -> Self {
        let h = super::scheduler::maglev::mix64(index as u64 ^ 0x00C1_1E47);
        let c = super::scheduler::maglev::mix64(h);
        Client {
            // 10.0.0.0/8 addresses.
            src_ip: 0x0A00_0000 | (h as u32 & 0x00FF_FFFF),
            src_port: 1024 + ((h >> 32) as u16 % 60000),
            cid: c,
        }
    }
}
