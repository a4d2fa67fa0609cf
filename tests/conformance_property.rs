//! Stateful property tests: random histories of valid and invalid calls, on the target
//! (the embedded emulator, or `LBCONFORM_TARGET=URL`) and on the model side by side, for every
//! dialect. A failure is shrunk and printed as a case file (also written to
//! `target/lbconform-shrunk-<dialect>.toml`). `PROPTEST_CASES` sets the number of histories
//! (default 32, up to 12 steps each; `LBCONFORM_PROPTEST_STEPS`, `LBCONFORM_PROPTEST_SEED`).
//! Also: a target broken on purpose (the fault proxy) is caught, and the shrunk case replays
//! the failure through the ordinary runner. A non-loopback target is skipped (with the reason)
//! unless `LBCONFORM_ALLOW_BILLABLE=1`; load balancers are named with the run's prefix and
//! deleted after each history, and a test checks nothing with the prefix is left.

use std::sync::Arc;
use std::time::Instant;

use lbconform::conformance::case::SuiteFile;
use lbconform::conformance::cleanup;
use lbconform::conformance::client::Client;
use lbconform::conformance::property::{self, Op, Profile, PropConfig, PropFailure, Stats};
use lbconform::conformance::proxy::{self, Fault};
use lbconform::conformance::runner::{Outcome, RunConfig, Runner};
use lbconform::conformance::target::{Credentials, Target};
use lbconform::spec::Spec;

fn spec() -> Arc<Spec> {
    Arc::new(lbconform::spec::load_default().unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn write_shrunk(f: &PropFailure) -> std::path::PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("lbconform-shrunk-{}.toml", f.dialect));
    let _ = std::fs::write(&path, &f.case_toml);
    path
}

#[test]
fn the_target_answers_random_histories_as_the_model_predicts() {
    let spec = spec();
    let rt = runtime();
    let which = std::env::var("LBCONFORM_TARGET").unwrap_or_else(|_| "embedded".into());
    let target = rt.block_on(Target::open(spec.clone(), &which)).unwrap();
    let cfg = PropConfig::default();
    let mut failures = Vec::new();
    for d in &spec.dialects {
        let Some(profile) = Profile::of(d.id()) else {
            continue;
        };
        let start = Instant::now();
        match property::check(&rt, spec.clone(), &target, &profile, &cfg) {
            Ok(Stats {
                skipped: Some(why), ..
            }) => eprintln!("{}: skipped: {why}", d.id()),
            Ok(stats) => {
                eprintln!(
                    "{}: {} histories of up to {} steps agree with the model ({:.2} s): {} calls, {} succeeded, errors {:?}",
                    d.id(),
                    stats.histories,
                    cfg.max_steps,
                    start.elapsed().as_secs_f64(),
                    stats.calls,
                    stats.ok,
                    stats.errors
                );
                // The histories are worth something only if many calls succeed.
                assert!(
                    stats.ok * 3 >= stats.calls,
                    "{}: too few successes: {stats:?}",
                    d.id()
                );
            }
            Err(f) => {
                let path = write_shrunk(&f);
                eprintln!(
                    "{}: {}\nshrunk history {:?}\ncase file ({}):\n{}",
                    f.dialect,
                    f.message,
                    f.history,
                    path.display(),
                    f.case_toml
                );
                failures.push(format!("{}: {}", f.dialect, f.message));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The property run on `dialect` through the fault proxy.
fn broken(fault: Fault, dialect: &str, cases: u32) -> (Option<PropFailure>, Arc<Spec>) {
    let spec = spec();
    let rt = runtime();
    let r = rt.block_on(async {
        let t = Target::embedded(spec.clone()).await.unwrap();
        let accounts = [Credentials::documented(), Credentials::embedded_second()];
        let addr = proxy::spawn(t.addr, &t.host, fault, &accounts)
            .await
            .unwrap();
        (t.through(addr), t)
    });
    let (through, _keep) = r;
    let cfg = PropConfig {
        cases,
        ..PropConfig::default()
    };
    let profile = Profile::of(dialect).unwrap();
    (
        property::check(&rt, spec.clone(), &through, &profile, &cfg).err(),
        spec,
    )
}

/// Runs a shrunk case file through the ordinary runner, on a clean and on a broken target.
fn replay(spec: Arc<Spec>, toml_text: &str, fault: Fault) -> (Outcome, Outcome) {
    let file: SuiteFile = toml::from_str(toml_text).unwrap();
    let mut case = file.cases[0].clone();
    case.dialect = file.dialect.clone().unwrap();
    let rt = runtime();
    rt.block_on(async {
        let clean = Target::embedded(spec.clone()).await.unwrap();
        let ok = Runner::new(spec.clone(), &clean, RunConfig::new(7))
            .run_case(&case)
            .await;
        let t = Target::embedded(spec.clone()).await.unwrap();
        let accounts = [Credentials::documented(), Credentials::embedded_second()];
        let addr = proxy::spawn(t.addr, &t.host, fault, &accounts)
            .await
            .unwrap();
        let through = t.through(addr);
        let bad = Runner::new(spec.clone(), &through, RunConfig::new(7))
            .run_case(&case)
            .await;
        (ok.outcome, bad.outcome)
    })
}

#[test]
fn a_renamed_error_code_is_caught_shrunk_and_replayed() {
    let (f, spec) = broken(Fault::RenameErrorCode, "aliyun-slb", 32);
    let f = f.expect("the property test notices InvalidLoadBalancerId.Missing");
    eprintln!("{}\n{:?}\n{}", f.message, f.history, f.case_toml);
    assert!(
        f.message.contains("InvalidLoadBalancerId.Missing"),
        "{}",
        f.message
    );
    // Shrunk: one call on a load balancer that does not exist is enough.
    assert!(f.history.len() <= 2, "{:?}", f.history);
    let (clean, bad) = replay(spec, &f.case_toml, Fault::RenameErrorCode);
    assert_eq!(
        clean,
        Outcome::Pass,
        "the shrunk case passes on the emulator"
    );
    assert_eq!(
        bad,
        Outcome::Fail,
        "the shrunk case fails on the broken target"
    );
}

#[test]
fn a_running_listener_that_starts_again_is_caught() {
    let (f, spec) = broken(Fault::RestartRunningListener, "aliyun-slb", 256);
    let f = f.expect("the property test notices a second start succeeding");
    eprintln!("{}\n{:?}\n{}", f.message, f.history, f.case_toml);
    assert!(
        f.message.contains("StartLoadBalancerListener"),
        "{}",
        f.message
    );
    let starts = f
        .history
        .iter()
        .filter(|o| matches!(o, Op::StartListener { .. }))
        .count();
    assert!(starts >= 1 && f.history.len() <= 6, "{:?}", f.history);
    let (clean, bad) = replay(spec, &f.case_toml, Fault::RestartRunningListener);
    assert_eq!(clean, Outcome::Pass);
    assert_eq!(bad, Outcome::Fail);
}

#[test]
fn a_billable_target_is_refused_without_the_opt_in() {
    let why = property::billable_refusal(false, false).expect("a non-loopback target is refused");
    assert!(why.contains("LBCONFORM_ALLOW_BILLABLE"), "{why}");
    assert_eq!(property::billable_refusal(false, true), None);
    assert_eq!(property::billable_refusal(true, false), None);
    // check() itself refuses: a target marked non-loopback runs no history.
    let spec = spec();
    let rt = runtime();
    let mut t = rt.block_on(Target::embedded(spec.clone())).unwrap();
    t.loopback = false;
    let cfg = PropConfig {
        allow_billable: false,
        ..PropConfig::default()
    };
    let profile = Profile::of("aliyun-slb").unwrap();
    let stats = property::check(&rt, spec, &t, &profile, &cfg).unwrap();
    assert!(stats.skipped.is_some(), "{stats:?}");
    assert_eq!(stats.calls, 0, "no call reached the target");
}

#[test]
fn a_property_run_names_with_the_prefix_and_leaves_nothing() {
    let spec = spec();
    let rt = runtime();
    let t = rt.block_on(Target::embedded(spec.clone())).unwrap();
    let client = Client::new(&t);
    let cfg = PropConfig {
        cases: 8,
        ..PropConfig::default()
    };
    // The runner's prefix for the same seed.
    assert_eq!(cfg.prefix, RunConfig::new(cfg.seed).prefix);
    assert!(cfg.prefix.starts_with("lbc-"), "{}", cfg.prefix);
    for d in &spec.dialects {
        let Some(profile) = Profile::of(d.id()) else {
            continue;
        };
        let stats = property::check(&rt, spec.clone(), &t, &profile, &cfg)
            .unwrap_or_else(|f| panic!("{}: {}", f.dialect, f.message));
        assert!(stats.ok > 0, "{}: {stats:?}", d.id());
        let left = rt
            .block_on(cleanup::list_prefixed(
                &client,
                d,
                &cfg.prefix,
                "cn-hangzhou",
            ))
            .unwrap();
        assert!(left.is_empty(), "{}: left behind: {left:?}", d.id());
    }
}
