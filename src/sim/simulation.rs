//! The listener model: arrivals are scheduled onto backends, backends serve them, the health
//! checker probes the backends and takes failed ones out of rotation. Everything a check needs
//! is recorded in [`Outcome`].

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::backend::Backend;
use super::engine::EventQueue;
use super::health::{Checker, TimeoutRule, Timing};
use super::scenario::{FaultKind, Scenario, StickyKind};
use super::scheduler::{self, algorithm, Algorithm, KeyKind, PickCtx, Scheduler};
use super::workload::{Arrivals, Client};
use super::{secs, Nanos};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ev {
    Arrival { client: u32 },
    Depart { b: u32, epoch: u32, arrived: Nanos },
    Probe { b: u32, k: u32 },
    ProbeResult { b: u32, k: u32, ok: bool },
    Fault { i: u32, phase: u8 },
}

/// How to run: the timeout rule (from the spec), and hooks for tests.
pub struct RunOptions {
    pub timeout_rule: TimeoutRule,
    /// Use this scheduler instead of the scenario's (a user's own, or a broken one in a test).
    pub scheduler: Option<Box<dyn Scheduler>>,
    /// Deliberate health-checker defect: failures needed beyond the threshold.
    pub extra_failures: u32,
    /// Directory trace paths are relative to.
    pub base_dir: PathBuf,
    /// Called with the fraction done, now and then.
    pub progress: Option<Box<dyn FnMut(f64)>>,
    /// Record every pick (for smoothness tests; memory grows with the run).
    pub record_picks: bool,
}

impl RunOptions {
    pub fn for_scenario(s: &Scenario) -> Self {
        RunOptions {
            timeout_rule: TimeoutRule::builtin(&s.dialect),
            scheduler: None,
            extra_failures: 0,
            base_dir: PathBuf::from("."),
            progress: None,
            record_picks: false,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BackendStats {
    pub name: String,
    pub weight: u32,
    pub picks: u64,
    pub completed: u64,
    /// Sent while the backend was down (lost between a failure and its detection).
    pub lost: u64,
    /// In the backend when it crashed.
    pub dropped_in_flight: u64,
    pub rejected: u64,
    pub response_sum_ns: f64,
    pub busy_ns: f64,
    pub max_conns: u32,
    /// The longest run of consecutive picks of this backend.
    pub max_run: u64,
    /// Picks made while the backend was out of rotation (must stay 0).
    pub picks_while_ineligible: u64,
    /// Picks that were not the least loaded eligible backend (wlc / least_conn).
    pub least_conn_violations: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeRecord {
    pub t: Nanos,
    pub backend: u32,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub t: Nanos,
    pub backend: u32,
    pub healthy: bool,
    /// Total arrivals so far (for lost-request expectations).
    pub arrivals: u64,
}

/// A fault interval as it happened: the backend was down (or degraded) over `[from, to)`.
#[derive(Debug, Clone, Serialize)]
pub struct FaultRecord {
    pub backend: u32,
    pub kind: FaultKind,
    pub from: Nanos,
    pub to: Option<Nanos>,
    pub arrivals_at_start: u64,
    /// Requests sent to the backend during the fault (for crash and flap).
    pub sent_during: u64,
    pub sent_before_detection: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub scenario: String,
    pub seed: u64,
    pub scheduler: String,
    pub duration_ns: Nanos,
    pub window_ns: Nanos,
    pub events: u64,
    pub arrivals: u64,
    pub no_backend: u64,
    pub backends: Vec<BackendStats>,
    /// picks[window][backend].
    pub window_picks: Vec<Vec<u32>>,
    /// Mean connections per backend sampled at each window end: conns[window][backend].
    pub window_conns: Vec<Vec<u32>>,
    /// Response-time sum and count per window (batch means).
    pub window_resp: Vec<(f64, u64)>,
    pub probes: Vec<ProbeRecord>,
    pub transitions: Vec<Transition>,
    pub faults: Vec<FaultRecord>,
    pub timing: Option<Timing>,
    pub sticky_eligible: u64,
    pub sticky_hits: u64,
    #[serde(skip)]
    pub picks: Vec<u32>,
}

impl Outcome {
    pub fn mean_response_ns(&self) -> f64 {
        let (s, n) = self.backends.iter().fold((0.0, 0u64), |a, b| {
            (a.0 + b.response_sum_ns, a.1 + b.completed)
        });
        s / n.max(1) as f64
    }
}

fn stream(seed: u64, k: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(k);
    r
}

/// Runs a scenario with its own seed (or `seed` when given).
pub fn run(s: &Scenario, seed: Option<u64>, mut opts: RunOptions) -> Result<Outcome> {
    let seed = seed.unwrap_or(s.seed);
    let duration = secs(s.duration_s);
    if duration == 0 {
        bail!("duration_s must be positive");
    }
    let window = secs(s.window_s).max(1);
    let mut backends: Vec<Backend> = s
        .expanded_backends()
        .into_iter()
        .map(|(n, spec)| Backend::new(n, &spec))
        .collect::<Result<_>>()?;
    if backends.is_empty() {
        bail!("a scenario needs at least one backend");
    }
    let n = backends.len();
    let weights: Vec<u32> = backends.iter().map(|b| b.weight).collect();
    let alg = algorithm(&s.listener.scheduler).ok();
    let mut sched: Box<dyn Scheduler> = match opts.scheduler.take() {
        Some(x) => x,
        None => scheduler::build(&s.listener.scheduler, Some(&s.listener.external_command))?,
    };
    let check_lc =
        matches!(alg, Some(Algorithm::Wlc | Algorithm::LeastConn)) && s.check_enabled("least_conn");
    let key_kind = sched.key_kind();
    let timing = s
        .listener
        .health_check
        .as_ref()
        .map(|hc| Timing::new(hc, opts.timeout_rule));
    if let (Some(t), TimeoutRule::MustBeLess) = (&timing, opts.timeout_rule) {
        if t.timeout >= t.interval {
            bail!(
                "{}: the health-check timeout ({} s) must be less than the interval ({} s)",
                s.dialect,
                t.timeout as f64 / 1e9,
                t.interval as f64 / 1e9
            );
        }
    }
    if let Some(t) = &timing {
        if t.interval == 0 {
            bail!("health_check.interval_s must be positive");
        }
    }

    let mut arrivals = Arrivals::new(&s.workload.arrival, &opts.base_dir)?;
    let clients_n = s.workload.clients.max(1);
    let clients: Vec<Client> = (0..clients_n).map(Client::new).collect();
    let mut rng_arr = stream(seed, 1);
    let mut rng_svc = stream(seed, 2);
    let mut rng_hc = stream(seed, 3);
    let mut rng_cli = stream(seed, 4);

    let mut q: EventQueue<Ev> = EventQueue::new();
    let mut eligible = vec![true; n];
    for (i, b) in backends.iter().enumerate() {
        eligible[i] = b.weight > 0;
    }
    sched.rebuild(&weights, &eligible);
    let mut checkers = vec![Checker::new(opts.extra_failures); n];
    let mut last_probe_applied = vec![0u32; n];
    let mut phase = vec![0u64; n];
    if let Some(t) = &timing {
        for (b, ph) in phase.iter_mut().enumerate() {
            *ph = rng_hc.random_range(0..t.interval);
            q.schedule(*ph, Ev::Probe { b: b as u32, k: 1 });
        }
    }
    let names: Vec<String> = backends.iter().map(|b| b.name.clone()).collect();
    let mut faults = vec![];
    for (i, f) in s.faults.iter().enumerate() {
        let Some(b) = names.iter().position(|x| *x == f.backend) else {
            bail!("fault names unknown backend `{}`", f.backend)
        };
        faults.push(FaultRecord {
            backend: b as u32,
            kind: f.kind,
            from: secs(f.at_s),
            to: f.until_s.map(secs),
            arrivals_at_start: 0,
            sent_during: 0,
            sent_before_detection: 0,
        });
        q.schedule(
            secs(f.at_s),
            Ev::Fault {
                i: i as u32,
                phase: 0,
            },
        );
    }
    // Flap expands into crash-like records as it happens; keep the configured ones separate.
    let cfg_faults = s.faults.clone();
    let mut fault_log: Vec<FaultRecord> = vec![];
    let mut open_down: Vec<Option<usize>> = vec![None; n];

    if let Some((t, c)) = arrivals.next(0, &mut rng_arr) {
        let client = c.unwrap_or_else(|| rng_cli.random_range(0..clients_n));
        q.schedule_next(t, Ev::Arrival { client });
    }

    let windows = duration.div_ceil(window) as usize;
    let mut out = Outcome {
        scenario: s.name.clone(),
        seed,
        scheduler: sched.name().to_string(),
        duration_ns: duration,
        window_ns: window,
        events: 0,
        arrivals: 0,
        no_backend: 0,
        backends: backends
            .iter()
            .map(|b| BackendStats {
                name: b.name.clone(),
                weight: b.weight,
                ..Default::default()
            })
            .collect(),
        window_picks: vec![vec![0; n]; windows],
        window_conns: vec![vec![0; n]; windows],
        window_resp: vec![(0.0, 0); windows],
        probes: vec![],
        transitions: vec![],
        faults: vec![],
        timing,
        sticky_eligible: 0,
        sticky_hits: 0,
        picks: vec![],
    };
    let sticky = s.listener.sticky.clone();
    let sticky_timeout = sticky.as_ref().map(|x| secs(x.timeout_s)).unwrap_or(0);
    let mut jar: Vec<(u32, Nanos)> = vec![(u32::MAX, 0); clients_n as usize];
    let mut conns = vec![0u32; n];
    let mut run_b = u32::MAX;
    let mut run_len = 0u64;
    let mut next_window_end = window;
    let mut w_idx = 0usize;
    let progress_step = (duration / 100).max(1);
    let mut next_progress = progress_step;

    while let Some((now, ev)) = q.pop_until(duration) {
        while now >= next_window_end && w_idx < windows {
            out.window_conns[w_idx].copy_from_slice(&conns);
            w_idx += 1;
            next_window_end += window;
        }
        if let Some(p) = opts.progress.as_mut() {
            if now >= next_progress {
                p(now as f64 / duration as f64);
                next_progress = now + progress_step;
            }
        }
        // The window of `now` (events at or after the end count in the last one). The loop
        // above keeps `w_idx · window <= now < (w_idx + 1) · window` while `w_idx < windows`,
        // so this is `now / window` without a division per event.
        let wi = w_idx.min(windows - 1);
        debug_assert_eq!(wi, ((now / window) as usize).min(windows - 1));
        match ev {
            Ev::Arrival { client } => {
                out.arrivals += 1;
                if let Some((t, c)) = arrivals.next(now, &mut rng_arr) {
                    let client = c.unwrap_or_else(|| rng_cli.random_range(0..clients_n));
                    q.schedule_next(t, Ev::Arrival { client });
                }
                // Generated clients are already in range; only a trace's may need wrapping.
                let ci = if client < clients_n {
                    client as usize
                } else {
                    (client % clients_n) as usize
                };
                let cl = clients[ci];
                // Sticky sessions first.
                let mut chosen = None;
                if let Some(st) = &sticky {
                    let (b, exp) = jar[ci];
                    let valid = b != u32::MAX && (st.kind == StickyKind::Server || exp > now);
                    if valid {
                        out.sticky_eligible += 1;
                        if eligible[b as usize] {
                            out.sticky_hits += 1;
                            chosen = Some(b as usize);
                        }
                    }
                }
                let chosen = match chosen {
                    Some(b) => Some(b),
                    None => {
                        let key = match key_kind {
                            KeyKind::None => 0,
                            KeyKind::SourceIp => cl.src_ip as u64,
                            KeyKind::QuicCid => cl.cid,
                            KeyKind::IquicBytes => (cl.cid >> 40) & 0xFF_FFFF,
                        };
                        sched.pick(&PickCtx { conns: &conns, key })
                    }
                };
                let Some(b) = chosen else {
                    out.no_backend += 1;
                    continue;
                };
                if sticky.is_some() {
                    jar[ci] = (b as u32, now + sticky_timeout);
                }
                let st = &mut out.backends[b];
                st.picks += 1;
                out.window_picks[wi][b] += 1;
                if opts.record_picks {
                    out.picks.push(b as u32);
                }
                if run_b == b as u32 {
                    run_len += 1;
                } else {
                    run_b = b as u32;
                    run_len = 1;
                }
                if run_len > st.max_run {
                    st.max_run = run_len;
                }
                if !eligible[b] {
                    st.picks_while_ineligible += 1;
                }
                if check_lc {
                    let (cb, wb) = (conns[b] as u64, weights[b] as u64);
                    if (0..n)
                        .any(|j| eligible[j] && (conns[j] as u64) * wb < cb * weights[j] as u64)
                    {
                        out.backends[b].least_conn_violations += 1;
                    }
                }
                for f in fault_log.iter_mut() {
                    if f.backend == b as u32 && f.to.is_none_or(|t| now < t) {
                        f.sent_during += 1;
                        if eligible[b] {
                            f.sent_before_detection += 1;
                        }
                    }
                }
                let be = &mut backends[b];
                let st = &mut out.backends[b];
                if be.down {
                    st.lost += 1;
                    continue;
                }
                if be.capacity > 0 && be.in_system >= be.capacity {
                    st.rejected += 1;
                    continue;
                }
                be.in_system += 1;
                conns[b] += 1;
                st.max_conns = st.max_conns.max(be.in_system);
                if be.busy < be.workers {
                    be.busy += 1;
                    let d = (be.service.sample(&mut rng_svc) as f64 * be.slow_factor) as Nanos;
                    st.busy_ns += d as f64;
                    q.schedule(
                        now + d,
                        Ev::Depart {
                            b: b as u32,
                            epoch: be.epoch,
                            arrived: now,
                        },
                    );
                } else {
                    be.queue.push_back(now);
                }
            }
            Ev::Depart { b, epoch, arrived } => {
                let bi = b as usize;
                let be = &mut backends[bi];
                if epoch != be.epoch {
                    continue;
                }
                let st = &mut out.backends[bi];
                st.completed += 1;
                let r = (now - arrived) as f64;
                st.response_sum_ns += r;
                out.window_resp[wi].0 += r;
                out.window_resp[wi].1 += 1;
                be.in_system -= 1;
                conns[bi] -= 1;
                if let Some(a) = be.queue.pop_front() {
                    let d = (be.service.sample(&mut rng_svc) as f64 * be.slow_factor) as Nanos;
                    st.busy_ns += d as f64;
                    q.schedule(
                        now + d,
                        Ev::Depart {
                            b,
                            epoch,
                            arrived: a,
                        },
                    );
                } else {
                    be.busy -= 1;
                }
            }
            Ev::Probe { b, k } => {
                let t = timing.expect("probes only with a health check");
                let bi = b as usize;
                let next = phase[bi] + k as u64 * t.interval;
                let j = if t.jitter > 0 {
                    rng_hc.random_range(0..=t.jitter)
                } else {
                    0
                };
                q.schedule(next + j, Ev::Probe { b, k: k + 1 });
                let be = &backends[bi];
                let (at, ok) = if be.down {
                    (now + t.timeout, false)
                } else {
                    let lat = (t.probe_latency as f64 * be.slow_factor) as Nanos;
                    if lat > t.timeout {
                        (now + t.timeout, false)
                    } else {
                        (now + lat, !be.fail_hc)
                    }
                };
                q.schedule(at, Ev::ProbeResult { b, k, ok });
            }
            Ev::ProbeResult { b, k, ok } => {
                let t = timing.expect("probes only with a health check");
                let bi = b as usize;
                if k <= last_probe_applied[bi] {
                    continue; // superseded by a newer answer
                }
                last_probe_applied[bi] = k;
                out.probes.push(ProbeRecord {
                    t: now,
                    backend: b,
                    ok,
                });
                if let Some(h) = checkers[bi].record(ok, &t) {
                    out.transitions.push(Transition {
                        t: now,
                        backend: b,
                        healthy: h,
                        arrivals: out.arrivals,
                    });
                    eligible[bi] = h && weights[bi] > 0;
                    sched.rebuild(&weights, &eligible);
                }
            }
            Ev::Fault { i, phase: ph } => {
                let f = &cfg_faults[i as usize];
                let bi = faults[i as usize].backend as usize;
                let until = f.until_s.map(secs);
                let be = &mut backends[bi];
                match f.kind {
                    FaultKind::Crash | FaultKind::Flap => {
                        let going_down = ph % 2 == 0;
                        if going_down {
                            be.down = true;
                            be.epoch += 1;
                            out.backends[bi].dropped_in_flight += be.in_system as u64;
                            conns[bi] -= be.in_system;
                            be.in_system = 0;
                            be.busy = 0;
                            be.queue.clear();
                            open_down[bi] = Some(fault_log.len());
                            fault_log.push(FaultRecord {
                                backend: bi as u32,
                                kind: f.kind,
                                from: now,
                                to: None,
                                arrivals_at_start: out.arrivals,
                                sent_during: 0,
                                sent_before_detection: 0,
                            });
                        } else {
                            be.down = false;
                            if let Some(k) = open_down[bi].take() {
                                fault_log[k].to = Some(now);
                            }
                        }
                        let next = if f.kind == FaultKind::Flap {
                            now + secs(if going_down { f.down_s } else { f.up_s })
                        } else if going_down {
                            until.unwrap_or(Nanos::MAX)
                        } else {
                            Nanos::MAX
                        };
                        let next = match until {
                            Some(u) if f.kind == FaultKind::Flap && next >= u && going_down => u,
                            Some(u) if f.kind == FaultKind::Flap && next >= u => Nanos::MAX,
                            _ => next,
                        };
                        if next != Nanos::MAX {
                            q.schedule(next, Ev::Fault { i, phase: ph + 1 });
                        }
                    }
                    FaultKind::Slow | FaultKind::FailHealthCheck => {
                        let on = ph == 0;
                        if f.kind == FaultKind::Slow {
                            be.slow_factor = if on { f.factor.max(0.0) } else { 1.0 };
                        } else {
                            be.fail_hc = on;
                        }
                        fault_log.push(FaultRecord {
                            backend: bi as u32,
                            kind: f.kind,
                            from: now,
                            to: if on { until } else { Some(now) },
                            arrivals_at_start: out.arrivals,
                            sent_during: 0,
                            sent_before_detection: 0,
                        });
                        if on {
                            if let Some(u) = until {
                                q.schedule(u, Ev::Fault { i, phase: 1 });
                            }
                        }
                    }
                }
            }
        }
    }
    while w_idx < windows {
        out.window_conns[w_idx].copy_from_slice(&conns);
        w_idx += 1;
    }
    out.events = q.processed();
    out.faults = fault_log
        .into_iter()
        .filter(|f| matches!(f.kind, FaultKind::Crash | FaultKind::Flap) || f.to != Some(f.from))
        .collect();
    if let Some(p) = opts.progress.as_mut() {
        p(1.0);
    }
    Ok(out)
}

/// Loads a scenario file and runs it with the spec's timeout rule.
pub fn run_file(path: &Path, seed: Option<u64>, rule: TimeoutRule) -> Result<(Scenario, Outcome)> {
    let s = Scenario::load(path)?;
    let mut o = RunOptions::for_scenario(&s);
    o.timeout_rule = rule;
    o.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let out = run(&s, seed, o).with_context(|| format!("running {}", s.name))?;
    Ok((s, out))
}
