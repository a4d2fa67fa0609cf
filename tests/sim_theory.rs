//! Queueing theory the simulator must reproduce: M/M/1, random dispatch (c independent M/M/1
//! queues) and round-robin dispatch (c E_c/M/1 queues), within 99% confidence intervals from
//! independent replications.

use lbconform::sim::scheduler::{PickCtx, Scheduler};
use lbconform::sim::simulation::{run, RunOptions};
use lbconform::sim::theory;
use lbconform::sim::Scenario;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Student t, 99% two-sided, 11 degrees of freedom.
const T99_11: f64 = 3.106;
const REPS: u64 = 12;

fn scn(sched: &str, c: u32, rate_per_s: f64, mean_ms: f64) -> Scenario {
    Scenario::from_toml(&format!(
        r#"
name = "theory"
dialect = "aliyun-slb"
duration_s = 120
[listener]
scheduler = "{sched}"
[workload]
arrival = {{ kind = "poisson", rate = {rate_per_s} }}
[[backends]]
name = "s"
count = {c}
weight = 1
workers = 1
service = {{ kind = "exponential", mean_ms = {mean_ms} }}
"#
    ))
    .unwrap()
}

struct Random(ChaCha8Rng, usize);
impl Scheduler for Random {
    fn name(&self) -> &str {
        "random"
    }
    fn rebuild(&mut self, w: &[u32], _: &[bool]) {
        self.1 = w.len()
    }
    fn pick(&mut self, _: &PickCtx<'_>) -> Option<usize> {
        Some(self.0.random_range(0..self.1))
    }
}

/// (mean response ms, utilisation) per replication.
fn replicate(s: &Scenario, random: bool) -> (Vec<f64>, Vec<f64>) {
    let mut w = vec![];
    let mut u = vec![];
    for r in 0..REPS {
        let mut o = RunOptions::for_scenario(s);
        if random {
            o.scheduler = Some(Box::new(Random(ChaCha8Rng::seed_from_u64(1000 + r), 0)));
        }
        let out = run(s, Some(r + 1), o).unwrap();
        w.push(out.mean_response_ns() / 1e6);
        let busy: f64 = out.backends.iter().map(|b| b.busy_ns).sum();
        u.push(busy / out.duration_ns as f64 / out.backends.len() as f64);
    }
    (w, u)
}

fn assert_in_ci(name: &str, xs: &[f64], expected: f64) {
    let (m, hw) = theory::batch_means(xs, T99_11);
    assert!(
        (m - expected).abs() <= hw,
        "{name}: simulated {m:.4} ± {hw:.4}, analytic {expected:.4}"
    );
    // The interval must also be informative (a few percent wide).
    assert!(hw < 0.05 * expected, "{name}: CI too wide ({hw})");
}

#[test]
fn mm1_matches_theory() {
    // λ = 700/s, μ = 1000/s: ρ = 0.7, W = 1/(μ-λ) = 3.333 ms.
    let s = scn("wrr", 1, 700.0, 1.0);
    let (w, u) = replicate(&s, false);
    assert_in_ci("M/M/1 W", &w, theory::mm1_response(0.7, 1.0));
    assert_in_ci("M/M/1 rho", &u, 0.7);
}

#[test]
fn random_dispatch_matches_independent_mm1_queues() {
    let s = scn("wrr", 4, 2400.0, 1.0);
    let (w, u) = replicate(&s, true);
    assert_in_ci(
        "random W",
        &w,
        theory::random_dispatch_response(2.4, 1.0, 4),
    );
    assert_in_ci("random rho", &u, 0.6);
}

#[test]
fn round_robin_dispatch_matches_erlang_arrivals() {
    let s = scn("rr", 4, 2400.0, 1.0);
    let (w, u) = replicate(&s, false);
    let expected = theory::round_robin_response(2.4, 1.0, 4);
    // Round robin beats random dispatch, as theory says.
    assert!(expected < theory::random_dispatch_response(2.4, 1.0, 4));
    assert_in_ci("rr W", &w, expected);
    assert_in_ci("rr rho", &u, 0.6);
}

#[test]
fn erlang_c_sanity() {
    // c = 1 reduces to ρ.
    assert!((theory::erlang_c(0.7, 1.0, 1) - 0.7).abs() < 1e-12);
    // A textbook value: λ=2, μ=1, c=3 → C ≈ 0.4444.
    assert!((theory::erlang_c(2.0, 1.0, 3) - 0.444_444).abs() < 1e-4);
}
