//! Scheduler semantics and the checks that must catch broken schedulers.

use lbconform::sim::checks::{run_checks, Status};
use lbconform::sim::scheduler::{self, picks, wrr, PickCtx, Scheduler};
use lbconform::sim::simulation::{run, RunOptions};
use lbconform::sim::Scenario;

#[test]
fn smooth_wrr_5_1_1_is_the_nginx_sequence() {
    for name in ["wrr", "linear_wrr", "WRR"] {
        let mut s = scheduler::build(name, None).unwrap();
        let seq: String = picks(s.as_mut(), &[5, 1, 1], 14)
            .into_iter()
            .map(|i| (b'a' + i as u8) as char)
            .collect();
        assert_eq!(seq, "aabacaaaabacaa", "{name}");
    }
}

fn lcg(x: &mut u64) -> u64 {
    *x = x
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *x >> 33
}

#[test]
fn table_wrr_equals_nginx_and_meets_the_run_bound() {
    let mut seed = 42u64;
    for _ in 0..300 {
        let n = 2 + (lcg(&mut seed) % 8) as usize;
        let w: Vec<u32> = (0..n).map(|_| (lcg(&mut seed) % 20) as u32).collect();
        if w.iter().filter(|&&x| x > 0).count() < 2 {
            continue;
        }
        let total: u64 = w.iter().map(|&x| x as u64).sum();
        let len = 3 * total as usize;
        let a = picks(&mut wrr::TableWrr::new(), &w, len);
        let b = picks(&mut wrr::LinearWrr::new(), &w, len);
        assert_eq!(a, b, "weights {w:?}");
        // Exact shares over one period.
        for (i, &wi) in w.iter().enumerate() {
            let c = a[..total as usize].iter().filter(|&&x| x == i).count() as u64;
            assert_eq!(c, wi as u64, "weights {w:?}");
        }
        // Longest run (the sequence repeats, so 3 periods cover every cyclic run).
        let mut run = 1;
        for k in 1..len {
            run = if a[k] == a[k - 1] { run + 1 } else { 1 };
            let bound = wrr::smooth_run_bound(w[a[k]] as u64, total).unwrap();
            assert!(
                run <= bound,
                "weights {w:?}: run {run} of {} > {bound}",
                a[k]
            );
        }
    }
}

#[test]
fn weight_zero_and_ineligible_backends_take_no_traffic() {
    for name in [
        "wrr",
        "rr",
        "wlc",
        "least_conn",
        "sch",
        "qch",
        "iqch",
        "ip_hash",
    ] {
        let mut s = scheduler::build(name, None).unwrap();
        s.rebuild(&[3, 0, 2, 5], &[true, true, true, false]);
        let conns = [0, 0, 0, 0];
        for k in 0..5000u64 {
            let b = s
                .pick(&PickCtx {
                    conns: &conns,
                    key: k.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                })
                .unwrap();
            assert!(b == 0 || b == 2, "{name} picked {b}");
        }
        s.rebuild(&[3, 0, 2, 5], &[false; 4]);
        assert_eq!(
            s.pick(&PickCtx {
                conns: &conns,
                key: 1
            }),
            None,
            "{name}"
        );
    }
}

#[test]
fn wlc_picks_least_connections_per_weight() {
    let mut s = scheduler::build("wlc", None).unwrap();
    s.rebuild(&[1, 2, 4], &[true; 3]);
    // 3/1, 5/2, 9/4: backend 2 has 2.25, the smallest.
    assert_eq!(
        s.pick(&PickCtx {
            conns: &[3, 5, 9],
            key: 0
        }),
        Some(2)
    );
    assert_eq!(
        s.pick(&PickCtx {
            conns: &[2, 5, 9],
            key: 0
        }),
        Some(0)
    );
}

const BASE: &str = r#"
name = "t"
dialect = "aliyun-slb"
duration_s = 20
seed = 3
[listener]
scheduler = "wrr"
[workload]
arrival = { kind = "poisson", rate = 2000.0 }
[[backends]]
name = "a"
weight = 5
workers = 16
service = { kind = "exponential", mean_ms = 1.0 }
[[backends]]
name = "b"
weight = 1
workers = 16
service = { kind = "exponential", mean_ms = 1.0 }
[[backends]]
name = "c"
weight = 1
workers = 16
service = { kind = "exponential", mean_ms = 1.0 }
[checks]
enabled = ["share", "jain", "smoothness", "no_traffic_after_down"]
share_max_rel_error = 0.05
"#;

fn status(s: &Scenario, sched: Option<Box<dyn Scheduler>>) -> Vec<(String, Status)> {
    let mut o = RunOptions::for_scenario(s);
    o.scheduler = sched;
    let out = run(s, None, o).unwrap();
    run_checks(s, &out)
        .into_iter()
        .map(|c| (c.name, c.status))
        .collect()
}

fn get(v: &[(String, Status)], n: &str) -> Status {
    v.iter().find(|x| x.0 == n).unwrap().1
}

#[test]
fn correct_wrr_passes_every_check() {
    let s = Scenario::from_toml(BASE).unwrap();
    let r = status(&s, None);
    assert!(r.iter().all(|x| x.1 == Status::Pass), "{r:?}");
}

/// Sends a tenth of `a`'s picks to `b`: a 10% share error.
struct Biased(wrr::TableWrr, u64);
impl Scheduler for Biased {
    fn name(&self) -> &str {
        "biased"
    }
    fn rebuild(&mut self, w: &[u32], e: &[bool]) {
        self.0.rebuild(w, e)
    }
    fn pick(&mut self, c: &PickCtx<'_>) -> Option<usize> {
        let b = self.0.pick(c)?;
        self.1 += 1;
        Some(if b == 0 && self.1 % 10 == 0 { 1 } else { b })
    }
}

/// Right shares, no smoothness: `a`×50, `b`×10, `c`×10.
struct Blocky(usize);
impl Scheduler for Blocky {
    fn name(&self) -> &str {
        "blocky"
    }
    fn rebuild(&mut self, _: &[u32], _: &[bool]) {}
    fn pick(&mut self, _: &PickCtx<'_>) -> Option<usize> {
        self.0 = (self.0 + 1) % 70;
        Some(match self.0 {
            0..=49 => 0,
            50..=59 => 1,
            _ => 2,
        })
    }
}

#[test]
fn a_biased_scheduler_is_caught() {
    let s = Scenario::from_toml(BASE).unwrap();
    let r = status(&s, Some(Box::new(Biased(wrr::TableWrr::new(), 0))));
    assert_eq!(get(&r, "share"), Status::Fail, "{r:?}");
    assert_eq!(get(&r, "jain"), Status::Fail, "{r:?}");
}

#[test]
fn a_non_smooth_wrr_is_caught_by_smoothness_only() {
    let s = Scenario::from_toml(BASE).unwrap();
    let r = status(&s, Some(Box::new(Blocky(69))));
    assert_eq!(get(&r, "share"), Status::Pass, "{r:?}");
    assert_eq!(get(&r, "smoothness"), Status::Fail, "{r:?}");
}

/// Ignores eligibility: keeps sending to a backend marked down.
struct Deaf(wrr::TableWrr);
impl Scheduler for Deaf {
    fn name(&self) -> &str {
        "deaf"
    }
    fn rebuild(&mut self, w: &[u32], _: &[bool]) {
        self.0.rebuild(w, &vec![true; w.len()])
    }
    fn pick(&mut self, c: &PickCtx<'_>) -> Option<usize> {
        self.0.pick(c)
    }
}

#[test]
fn a_scheduler_ignoring_health_is_caught() {
    let text = format!(
        "{BASE}\n[listener.health_check]\ninterval_s = 1\ntimeout_s = 1\nhealthy_threshold = 2\nunhealthy_threshold = 2\n[[faults]]\nbackend = \"b\"\nkind = \"crash\"\nat_s = 5\n"
    )
    .replace("[checks]", "[checks_unused]");
    // Move [checks] after the inserted tables by rebuilding the text.
    let text = text.replace("[checks_unused]", "[checks]");
    let s = Scenario::from_toml(&text).unwrap();
    let good = status(&s, None);
    assert_eq!(get(&good, "no_traffic_after_down"), Status::Pass);
    let bad = status(&s, Some(Box::new(Deaf(wrr::TableWrr::new()))));
    assert_eq!(get(&bad, "no_traffic_after_down"), Status::Fail);
}

/// Claims to be least-connections but picks the first eligible backend.
struct FirstOnly(Vec<bool>);
impl Scheduler for FirstOnly {
    fn name(&self) -> &str {
        "first"
    }
    fn rebuild(&mut self, _: &[u32], e: &[bool]) {
        self.0 = e.to_vec()
    }
    fn pick(&mut self, _: &PickCtx<'_>) -> Option<usize> {
        self.0.iter().position(|&e| e)
    }
}

#[test]
fn least_connection_invariant_holds_and_catches_a_fake() {
    for name in ["wlc", "least_conn", "LEAST_CONN"] {
        let text = BASE
            .replace("scheduler = \"wrr\"", &format!("scheduler = \"{name}\""))
            .replace("\"share\", \"jain\", \"smoothness\",", "\"least_conn\",");
        let s = Scenario::from_toml(&text).unwrap();
        let r = status(&s, None);
        assert_eq!(get(&r, "least_conn"), Status::Pass, "{name} {r:?}");
        let r = status(&s, Some(Box::new(FirstOnly(vec![]))));
        assert_eq!(get(&r, "least_conn"), Status::Fail, "{name} {r:?}");
    }
}

#[test]
fn maglev_remaps_about_one_nth_when_a_backend_leaves() {
    for n in [5usize, 10, 50] {
        let mut s = scheduler::build("sch", None).unwrap();
        let w = vec![1u32; n];
        let mut e = vec![true; n];
        let conns = vec![0; n];
        s.rebuild(&w, &e);
        let keys: Vec<u64> = (0..50_000u64).map(|k| k * 7919 + 13).collect();
        let before: Vec<_> = keys
            .iter()
            .map(|&k| {
                s.pick(&PickCtx {
                    conns: &conns,
                    key: k,
                })
            })
            .collect();
        e[n / 2] = false;
        s.rebuild(&w, &e);
        let mut moved = 0;
        for (k, b) in keys.iter().zip(&before) {
            let a = s.pick(&PickCtx {
                conns: &conns,
                key: *k,
            });
            if a != *b {
                moved += 1;
                // Keys of surviving backends mostly stay.
            }
            assert_ne!(a, Some(n / 2));
        }
        let frac = moved as f64 / keys.len() as f64;
        let ideal = 1.0 / n as f64;
        assert!(
            frac >= ideal * 0.8 && frac <= ideal + 0.02,
            "n={n}: {frac} vs {ideal}"
        );
    }
}

#[test]
fn external_plugin_over_json_lines() {
    let script =
        r#"while IFS= read -r l; do case "$l" in *'"pick"'*) echo '{"backend":2}';; esac; done"#;
    let cmd: Vec<String> = vec!["sh".into(), "-c".into(), script.into()];
    let mut s = scheduler::build("external", Some(&cmd)).unwrap();
    s.rebuild(&[1, 1, 1], &[true; 3]);
    for _ in 0..10 {
        assert_eq!(
            s.pick(&PickCtx {
                conns: &[0, 0, 0],
                key: 0
            }),
            Some(2)
        );
    }
}
