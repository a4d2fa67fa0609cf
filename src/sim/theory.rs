//! Queueing formulas the simulator must reproduce.

/// M/M/1: mean response (sojourn) time `1 / (μ - λ)`.
pub fn mm1_response(lambda: f64, mu: f64) -> f64 {
    1.0 / (mu - lambda)
}

/// M/M/c with random dispatch to `c` identical single-server queues: each is M/M/1 at `λ/c`.
pub fn random_dispatch_response(lambda: f64, mu: f64, c: u32) -> f64 {
    mm1_response(lambda / c as f64, mu)
}

/// Round-robin dispatch to `c` identical single-server queues: each sees Erlang-c interarrival
/// times (rate λ per phase), an E_c/M/1 queue. Mean sojourn `1 / (μ (1 - σ))` where `σ` solves
/// `σ = (λ / (λ + μ (1 - σ)))^c`.
pub fn round_robin_response(lambda: f64, mu: f64, c: u32) -> f64 {
    let mut sigma: f64 = 0.5;
    for _ in 0..10_000 {
        let next = (lambda / (lambda + mu * (1.0 - sigma))).powi(c as i32);
        if (next - sigma).abs() < 1e-15 {
            sigma = next;
            break;
        }
        sigma = next;
    }
    1.0 / (mu * (1.0 - sigma))
}

/// Erlang C: probability of waiting in an M/M/c queue with one shared queue.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / c as f64;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / k as f64;
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho);
    last / (sum + last)
}

/// Mean and half-width of a confidence interval from batch means (Student t with the given
/// quantile).
pub fn batch_means(batches: &[f64], t_quantile: f64) -> (f64, f64) {
    let n = batches.len() as f64;
    let mean = batches.iter().sum::<f64>() / n;
    let var = batches.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, t_quantile * (var / n).sqrt())
}
