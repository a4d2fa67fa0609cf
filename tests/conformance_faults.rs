//! The suite catches faults: the embedded emulator behind a fault-injecting proxy, one
//! deliberate departure from the documents at a time, and for each the case that must notice
//! it fails (while it passes without the fault).

use std::sync::Arc;

use lbconform::conformance::proxy::{self, Fault};
use lbconform::conformance::report::Report;
use lbconform::conformance::runner::Outcome;
use lbconform::conformance::target::{Credentials, Target};
use lbconform::conformance::{self, RunOptions};

/// The case each fault must make fail.
fn catcher(f: Fault) -> &'static [&'static str] {
    match f {
        Fault::AcceptOutOfRangeInterval => &[
            "slb/listener/health-check-interval-range",
            "gen/aliyun-slb/CreateLoadBalancerTCPListener/HealthCheckInterval/max+1",
            "clb/listener/health-check-rules",
        ],
        Fault::RestartRunningListener => &["slb/listener/start-running-refused"],
        Fault::Status400For404 => &["slb/lb/not-found-is-404"],
        Fault::RenameErrorCode => &["slb/lb/not-found-is-404"],
        Fault::DropResponseField => &["slb/lb/create-describe-delete"],
        Fault::JsonForXml => &["slb/lb/xml-is-answered-in-xml"],
        Fault::SkipSignatureCheck => &[
            "slb/signature/bad-signature",
            "clb/signature/bad-signature",
            "v2/signature/bad-signature",
        ],
        Fault::FinishTaskEarly => &[
            "clb/tasks/running-then-succeeded",
            "v2/tasks/in-progress-then-success",
        ],
    }
}

fn run(fault: Option<Fault>, filter: &str) -> Report {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let target = Target::embedded(spec.clone()).await.unwrap();
        let target = match fault {
            Some(f) => {
                let accounts = [Credentials::documented(), Credentials::embedded_second()];
                let addr = proxy::spawn(target.addr, &target.host, f, &accounts)
                    .await
                    .unwrap();
                target.through(addr)
            }
            None => target,
        };
        let opts = RunOptions {
            filter: Some(regex::Regex::new(filter).unwrap()),
            expect: Some(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("suites/expected-failures.toml"),
            ),
            ..RunOptions::default()
        };
        conformance::run(spec, &target, &opts).await.unwrap()
    })
}

fn filter_for(ids: &[&str]) -> String {
    format!(
        "^({})$",
        ids.iter()
            .map(|i| regex::escape(i))
            .collect::<Vec<_>>()
            .join("|")
    )
}

#[test]
fn each_fault_is_reported_by_the_case_that_watches_for_it() {
    let mut missed = Vec::new();
    for f in Fault::ALL {
        let ids = catcher(f);
        let filter = filter_for(ids);
        let clean = run(None, &filter);
        assert_eq!(clean.cases.len(), ids.len(), "{f:?}: every catcher exists");
        for c in &clean.cases {
            assert_eq!(
                c.outcome,
                Outcome::Pass,
                "{f:?}: {} must pass without the fault: {:?}",
                c.id,
                c.failure
            );
        }
        let broken = run(Some(f), &filter);
        for id in ids {
            let c = broken.cases.iter().find(|c| c.id == *id).unwrap();
            if c.outcome != Outcome::Fail {
                missed.push(format!("{f:?} was not caught by {id}"));
            } else {
                eprintln!(
                    "{f:?} caught by {id}: {}",
                    c.failure.as_ref().map(|x| x.message.as_str()).unwrap_or("")
                );
            }
        }
    }
    assert!(missed.is_empty(), "{missed:#?}");
}

#[test]
fn the_whole_hand_written_suite_notices_a_target_that_skips_signature_checks() {
    let r = run(Some(Fault::SkipSignatureCheck), "^(slb|clb|v2|ens)/");
    let failed: Vec<&str> = r
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Fail && !c.expected_failure)
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        failed.iter().any(|id| id.contains("signature")),
        "{failed:?}"
    );
    assert!(
        failed.iter().all(|id| id.contains("signature")),
        "only signature cases notice: {failed:?}"
    );
}
