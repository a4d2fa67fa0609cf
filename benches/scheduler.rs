//! ns per pick for each scheduler at 10, 100, 1,000 and 10,000 backends, with the O(n) nginx
//! smooth WRR (`linear_wrr`) in the same run as the baseline for the table-driven `wrr`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lbconform::sim::scheduler::{self, PickCtx};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("pick");
    g.throughput(Throughput::Elements(1));
    for &n in &[10usize, 100, 1000, 10_000] {
        // Weights 1..=10 cycling: a realistic mix, period = 5.5·n.
        let weights: Vec<u32> = (0..n).map(|i| 1 + (i % 10) as u32).collect();
        let eligible = vec![true; n];
        let conns: Vec<u32> = (0..n).map(|i| (i * 7 % 13) as u32).collect();
        for name in [
            "wrr",
            "linear_wrr",
            "rr",
            "wlc",
            "least_conn",
            "sch",
            "qch",
            "iqch",
        ] {
            let mut s = scheduler::build(name, None).unwrap();
            s.rebuild(&weights, &eligible);
            let mut key = 0u64;
            g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| {
                    key = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
                    black_box(s.pick(&PickCtx { conns: &conns, key }))
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_millis(800))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
