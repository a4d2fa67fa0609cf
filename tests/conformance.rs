//! The conformance suite against the embedded emulator (or `LBCONFORM_TARGET=URL`): no failure
//! beyond `suites/expected-failures.toml`, and every failure listed there still fails (so the
//! list only shrinks honestly). Also: what the run created is gone afterwards, the JSON report
//! round-trips, and the gate sees a regression.

use std::sync::Arc;
use std::time::Instant;

use lbconform::conformance::case::SuiteFile;
use lbconform::conformance::client::Client;
use lbconform::conformance::report::{self, Report};
use lbconform::conformance::runner::{Outcome, RunConfig, Runner};
use lbconform::conformance::target::Target;
use lbconform::conformance::{self, gate, RunOptions};

fn expect_file() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites/expected-failures.toml")
}

#[test]
fn the_whole_suite_passes_but_for_the_expected_failures() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let which = std::env::var("LBCONFORM_TARGET").unwrap_or_else(|_| "embedded".into());
    let embedded = which == "embedded";
    let opts = RunOptions {
        expect: Some(expect_file()),
        seed: 42,
        ..RunOptions::default()
    };
    let start = Instant::now();
    let (report, leftover) = rt.block_on(async {
        let target = Target::open(spec.clone(), &which).await.unwrap();
        let report = conformance::run(spec.clone(), &target, &opts)
            .await
            .unwrap();
        let leftover = if target.admin {
            let (_, state) = Client::new(&target)
                .admin("GET", "state", "")
                .await
                .unwrap();
            let prefix = format!("lbc-{:x}-", 42);
            state["resources"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r.to_string().contains(&prefix) && r["state"] != "deleted")
                .map(|r| r["id"].to_string())
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        };
        (report, leftover)
    });
    let s = &report.summary;
    eprintln!(
        "{} cases against {which}: {} passed, {} failed ({} expected), {} skipped in {:.1} s",
        s.total,
        s.passed,
        s.failed,
        s.expected_failures,
        s.skipped,
        start.elapsed().as_secs_f64()
    );
    let unexpected: Vec<_> = report.unexpected().collect();
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        report::text::render(&report)
    );
    if embedded {
        assert!(
            s.fixed.is_empty(),
            "listed in suites/expected-failures.toml but passing now (remove them): {:?}",
            s.fixed
        );
        assert!(s.skipped == 0, "the embedded target meets every need");
        assert!(
            leftover.is_empty(),
            "resources the run created are still there: {leftover:?}"
        );
    }
    // Every listed failure is a case that exists.
    let listed = conformance::expect::Expected::load(&expect_file()).unwrap();
    for id in listed.0.keys() {
        assert!(
            report.cases.iter().any(|c| &c.id == id),
            "{id} is listed as an expected failure but no such case ran"
        );
    }
    // The JSON report round-trips, and the gate sees a case that regressed.
    let back = Report::from_json(&report.to_json()).unwrap();
    assert_eq!(back, report);
    assert!(gate::regressions(&report, &back).is_empty());
    let mut worse = back.clone();
    let passing = worse
        .cases
        .iter_mut()
        .find(|c| c.outcome == Outcome::Pass)
        .unwrap();
    passing.outcome = Outcome::Fail;
    let id = passing.id.clone();
    let regs = gate::regressions(&report, &worse);
    assert!(regs.len() == 1 && regs[0].contains(&id), "{regs:?}");
    let junit = report::junit::render(&report);
    assert!(junit.starts_with("<?xml") && junit.matches("<testcase").count() == s.total);
}

#[test]
fn mutating_cases_against_a_non_loopback_target_need_allow_billable() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let run = |allow: bool| {
        rt.block_on(async {
            let mut target = Target::embedded(spec.clone()).await.unwrap();
            target.loopback = false;
            let opts = RunOptions {
                filter: Some(
                    regex::Regex::new("^slb/(signature/bad-signature|lb/create-describe-delete)$")
                        .unwrap(),
                ),
                allow_billable: allow,
                ..RunOptions::default()
            };
            conformance::run(spec.clone(), &target, &opts)
                .await
                .unwrap()
        })
    };
    let r = run(false);
    let outcome = |r: &Report, id: &str| r.cases.iter().find(|c| c.id == id).unwrap().clone();
    let create = outcome(&r, "slb/lb/create-describe-delete");
    assert_eq!(create.outcome, Outcome::Skip);
    assert!(create.reason.unwrap().contains("--allow-billable"));
    assert_eq!(
        outcome(&r, "slb/signature/bad-signature").outcome,
        Outcome::Pass
    );
    let r = run(true);
    assert_eq!(
        outcome(&r, "slb/lb/create-describe-delete").outcome,
        Outcome::Pass
    );
}

#[test]
fn cases_without_their_needs_are_skipped_with_a_reason() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(async {
        // The emulator on the real clock with short transitions, as a target without admin
        // endpoints or a second account would be seen.
        let mut config = lbconform::conformance::target::embedded_config();
        config.clock = lbconform::model::clock::ClockMode::Real;
        config.transition_delay_ms = 100;
        let em = Arc::new(lbconform::emulator::Emulator::new(spec.clone(), config));
        let addr = lbconform::emulator::server::spawn(em.clone())
            .await
            .unwrap();
        let target = Target {
            name: "real clock, no admin".into(),
            addr,
            host: addr.to_string(),
            primary: lbconform::conformance::target::Credentials::documented(),
            second: None,
            admin: false,
            manual_clock: false,
            loopback: true,
            emulator: Some(em),
            tls_origin: None,
        };
        let opts = RunOptions {
            filter: Some(regex::Regex::new("^(slb|clb|v2|ens)/").unwrap()),
            expect: Some(expect_file()),
            ..RunOptions::default()
        };
        conformance::run(spec.clone(), &target, &opts)
            .await
            .unwrap()
    });
    let skipped: Vec<_> = r
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Skip)
        .collect();
    assert!(skipped.len() >= 10, "{}", skipped.len());
    assert!(skipped.iter().all(|c| c.reason.is_some()));
    // Without admin endpoints the polling cases wait on the real clock.
    assert!(
        r.unexpected().next().is_none(),
        "{}",
        report::text::render(&r)
    );
}

#[test]
fn a_way_of_sending_is_tencent_3_0_s_only_and_each_reaches_the_target() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    // A multipart body needs a field at least; v1 lists go as `Name.N`.
    let case = |dialect: &str, call: &str, send: &str| {
        let params = if dialect == "tencent-clb" {
            "Limit = 5, LoadBalancerIds = [\"lb-00000000\"]"
        } else {
            ""
        };
        let text = format!(
            "dialect = \"{dialect}\"\n[[case]]\nid = \"send/{send}\"\n[[case.steps]]\ncall = \"{call}\"\nsend = \"{send}\"\nparams = {{ {params} }}\n"
        );
        let file: SuiteFile = toml::from_str(&text).unwrap();
        let mut c = file.cases[0].clone();
        c.dialect = dialect.into();
        c
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let t = Target::embedded(spec.clone()).await.unwrap();
        let runner = Runner::new(spec.clone(), &t, RunConfig::new(7));
        // Every way but the broken one is answered as the plain JSON call would be.
        for send in ["json", "multipart", "v1-get", "v1-form"] {
            let r = runner
                .run_case(&case("tencent-clb", "DescribeLoadBalancers", send))
                .await;
            assert_eq!(r.outcome, Outcome::Pass, "{send}: {:?}", r.failure);
        }
        let r = runner
            .run_case(&case(
                "tencent-clb",
                "DescribeLoadBalancers",
                "multipart-broken",
            ))
            .await;
        let f = r.failure.expect("a broken body is refused");
        assert_eq!(f.answer.unwrap().code.as_deref(), Some("InvalidRequest"));
        // Elsewhere the key would be ignored, and the case pass without sending as it says.
        let r = runner
            .run_case(&case("aliyun-slb", "DescribeRegions", "v1-form"))
            .await;
        assert_eq!(r.outcome, Outcome::Fail);
        let f = r.failure.unwrap();
        assert!(f.message.contains("Tencent 3.0 only"), "{}", f.message);
        assert!(f.answer.is_none(), "nothing was sent");
    });
}
