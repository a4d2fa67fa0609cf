//! Health-check timing: detection and recovery latency within the analytic interval across a
//! sweep of interval, timeout and threshold, for both timeout rules; a checker that needs one
//! failure too many is caught.

use lbconform::sim::checks::{latency, Status};
use lbconform::sim::health::TimeoutRule;
use lbconform::sim::simulation::{run, RunOptions};
use lbconform::sim::Scenario;

fn scenario(dialect: &str, i: f64, t: f64, u: u32, h: u32, jitter: f64) -> Scenario {
    // Eight crashes per run at irregular instants, so the probe phase varies.
    let mut faults = String::new();
    for k in 0..8 {
        let at = 40.0 + k as f64 * 157.3 + (k * k) as f64 * 0.731;
        faults.push_str(&format!(
            "[[faults]]\nbackend = \"b-{}\"\nkind = \"crash\"\nat_s = {at}\nuntil_s = {}\n",
            k % 3 + 1,
            at + (u + 1) as f64 * i + t.max(i) + 5.0
        ));
    }
    Scenario::from_toml(&format!(
        r#"
name = "hc"
dialect = "{dialect}"
duration_s = 1400
seed = {seed}
[listener]
scheduler = "wrr"
[listener.health_check]
interval_s = {i}
timeout_s = {t}
healthy_threshold = {h}
unhealthy_threshold = {u}
jitter_s = {jitter}
[workload]
arrival = {{ kind = "poisson", rate = 20.0 }}
[[backends]]
name = "b"
count = 3
weight = 10
workers = 4
service = {{ kind = "exponential", mean_ms = 2.0 }}
{faults}
"#,
        seed = (i * 100.0 + t * 10.0) as u64 + u as u64
    ))
    .unwrap()
}

fn check(s: &Scenario, rule: TimeoutRule, extra: u32) -> (Status, Status, String) {
    let mut o = RunOptions::for_scenario(s);
    o.timeout_rule = rule;
    o.extra_failures = extra;
    let out = run(s, None, o).unwrap();
    let d = latency(&out, true);
    let r = latency(&out, false);
    (d.status, r.status, format!("{d:?} {r:?}"))
}

#[test]
fn detection_and_recovery_latency_hold_across_a_sweep() {
    let mut n = 0;
    for &i in &[1.0, 2.0, 5.0, 10.0] {
        for &t in &[1.0, 2.0, 4.0, 8.0] {
            for &(u, h) in &[(2, 2), (3, 5), (5, 3)] {
                for (dialect, rule) in [
                    ("aliyun-slb", TimeoutRule::RaiseToInterval),
                    ("tencent-clb", TimeoutRule::MustBeLess),
                ] {
                    if rule == TimeoutRule::MustBeLess && t >= i {
                        continue;
                    }
                    let s = scenario(dialect, i, t, u, h, 0.0);
                    let (d, r, msg) = check(&s, rule, 0);
                    assert_eq!(d, Status::Pass, "I={i} T={t} U={u} {dialect}: {msg}");
                    assert_eq!(r, Status::Pass, "I={i} T={t} H={h} {dialect}: {msg}");
                    n += 1;
                }
            }
        }
    }
    assert!(n >= 30);
}

#[test]
fn jittered_probes_stay_within_the_widened_interval() {
    for &j in &[0.2, 0.5] {
        let s = scenario("tencent-clb", 5.0, 2.0, 3, 3, j);
        let (d, r, msg) = check(&s, TimeoutRule::MustBeLess, 0);
        assert_eq!((d, r), (Status::Pass, Status::Pass), "{msg}");
    }
}

#[test]
fn a_checker_needing_one_failure_too_many_is_caught() {
    for &i in &[1.0, 2.0, 5.0] {
        for &u in &[2, 3, 5] {
            let s = scenario("aliyun-slb", i, 1.0, u, 2, 0.0);
            let (d, _, msg) = check(&s, TimeoutRule::RaiseToInterval, 1);
            assert_eq!(d, Status::Fail, "I={i} U={u}: {msg}");
        }
    }
}

#[test]
fn slb_timeout_below_interval_is_replaced_by_the_interval() {
    let s = scenario("aliyun-slb", 5.0, 1.0, 3, 3, 0.0);
    let o = run(&s, None, RunOptions::for_scenario(&s)).unwrap();
    let t = o.timing.unwrap();
    assert_eq!(t.timeout, 5_000_000_000);
    assert_eq!(t.configured_timeout, 1_000_000_000);
}

#[test]
fn tencent_rejects_a_timeout_not_below_the_interval() {
    let s = scenario("tencent-clb", 2.0, 2.0, 3, 3, 0.0);
    let mut o = RunOptions::for_scenario(&s);
    o.timeout_rule = TimeoutRule::MustBeLess;
    let e = run(&s, None, o).unwrap_err().to_string();
    assert!(e.contains("must be less than"), "{e}");
}
