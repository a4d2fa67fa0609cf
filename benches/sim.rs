//! Events per second for the standard scenario (suites/sim/standard.toml: 10 backends,
//! Poisson arrivals at 100k/s, health checks on), one thread.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lbconform::sim::simulation::{run, RunOptions};
use lbconform::sim::Scenario;

fn bench(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites/sim/standard.toml");
    let mut s = Scenario::load(&path).unwrap();
    s.duration_s = 2.0;
    let events = run(&s, None, RunOptions::for_scenario(&s)).unwrap().events;
    let mut g = c.benchmark_group("sim");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function("standard_10_backends_events", |b| {
        b.iter(|| run(&s, None, RunOptions::for_scenario(&s)).unwrap().events)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
