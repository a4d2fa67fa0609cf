//! `spec check` catches each kind of inconsistency the spec issue names. Each test writes a small
//! dialect with one fault into a temporary directory and asserts the checker reports it.

use std::fs;
use std::path::Path;

use lbconform::spec::{self, check::Seeds};

const DIALECT: &str = r#"
id = "aliyun-slb"
name = "test"
version = "2014-05-15"
protocol = "rpc"
seeds = ["001_a96469f2036bcb17.txt"]
source = { file = "001_a96469f2036bcb17.txt", section = "简介" }
"#;

const ACTION: &str = r#"
name = "StartLoadBalancerListener"
resource = "listener"
source = { file = "001_a96469f2036bcb17.txt", section = "StartLoadBalancerListener" }
[[params]]
name = "ListenerPort"
type = "integer"
required = true
min = 1
max = 65535
"#;

/// Problems reported for a dialect made of `files` (path, contents), checked against the seeds.
fn problems(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("aliyun-slb");
    for (path, text) in files {
        let p = d.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    let loaded = spec::load(dir.path()).unwrap();
    let seeds = Seeds::read(&spec::default_seeds_dir());
    assert!(
        !seeds.is_empty(),
        "the seed documents are needed at {}",
        spec::default_seeds_dir().display()
    );
    spec::check::check(&loaded, &seeds)
        .into_iter()
        .map(|p| p.to_string())
        .collect()
}

fn assert_reports(files: &[(&str, &str)], needle: &str) {
    let found = problems(files);
    assert!(
        found.iter().any(|p| p.contains(needle)),
        "expected a problem containing `{needle}`, got {found:#?}"
    );
}

#[test]
fn a_consistent_dialect_has_no_problems() {
    assert_eq!(
        problems(&[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", ACTION)
        ]),
        Vec::<String>::new()
    );
}

#[test]
fn a_default_outside_its_range_or_enum_is_reported() {
    let out_of_range = format!("{ACTION}default = 70000\n");
    assert_reports(
        &[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", &out_of_range),
        ],
        "outside its range",
    );
    let bad_enum = format!("{ACTION}[[params]]\nname = \"HealthCheck\"\ntype = \"string\"\nenum = [\"on\", \"off\"]\ndefault = \"maybe\"\n");
    assert_reports(
        &[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", &bad_enum),
        ],
        "not in its enum",
    );
}

#[test]
fn min_above_max_is_reported() {
    let a = ACTION.replace("min = 1", "min = 70000");
    assert_reports(
        &[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", &a),
        ],
        "is above max",
    );
}

#[test]
fn a_transition_to_an_unknown_state_or_action_is_reported() {
    let sm = r#"
resource = "listener"
initial = "stopped"
source = { file = "001_a96469f2036bcb17.txt", section = "StartLoadBalancerListener" }
[[states]]
name = "stopped"
[[transitions]]
from = "stopped"
to = "flying"
trigger = "LaunchListener"
"#;
    let found = problems(&[
        ("dialect.toml", DIALECT),
        ("actions/StartLoadBalancerListener.toml", ACTION),
        ("state_machines/listener.toml", sm),
    ]);
    assert!(
        found.iter().any(|p| p.contains("unknown state `flying`")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("`LaunchListener` is neither an action")),
        "{found:#?}"
    );
}

#[test]
fn an_error_without_a_valid_http_status_or_source_is_reported() {
    let errors = "[[errors]]\ncode = \"Throttling\"\nhttp_status = 0\n";
    let found = problems(&[
        ("dialect.toml", DIALECT),
        ("actions/StartLoadBalancerListener.toml", ACTION),
        ("errors/common.toml", errors),
    ]);
    assert!(
        found.iter().any(|p| p.contains("no valid HTTP status")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("has no source")),
        "{found:#?}"
    );
}

#[test]
fn a_citation_of_a_heading_not_in_the_document_or_not_in_its_lines_is_reported() {
    let a = ACTION.replace(
        "section = \"StartLoadBalancerListener\"",
        "section = \"NoSuchHeadingAnywhere\"",
    );
    assert_reports(
        &[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", &a),
        ],
        "does not occur in",
    );
    let a = ACTION.replace(
        "section = \"StartLoadBalancerListener\" }",
        "section = \"StartLoadBalancerListener\", lines = [1, 20] }",
    );
    assert_reports(
        &[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", &a),
        ],
        "is not within lines",
    );
    let a = ACTION.replace(
        "001_a96469f2036bcb17.txt\", section = \"StartLoadBalancerListener\"",
        "003_150a1c7ffd6a604b.txt\", section = \"StartLoadBalancerListener\"",
    );
    assert_reports(
        &[
            ("dialect.toml", DIALECT),
            ("actions/StartLoadBalancerListener.toml", &a),
        ],
        "not one of this dialect's seeds",
    );
}

#[test]
fn an_erratum_without_evidence_or_a_second_reading_is_reported() {
    let e = r#"
[[errata]]
id = "x"
title = "t"
chosen = "a"
evidence = " "
readings = [{ text = "a", source = { file = "001_a96469f2036bcb17.txt", section = "简介" } }]
"#;
    let found = problems(&[
        ("dialect.toml", DIALECT),
        ("actions/StartLoadBalancerListener.toml", ACTION),
        ("errata/x.toml", e),
    ]);
    assert!(
        found.iter().any(|p| p.contains("without evidence")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("needs both readings")),
        "{found:#?}"
    );
}

#[test]
fn an_unknown_key_is_a_load_error_not_a_silent_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("aliyun-slb");
    fs::create_dir_all(d.join("actions")).unwrap();
    fs::write(d.join("dialect.toml"), DIALECT).unwrap();
    fs::write(
        d.join("actions/StartLoadBalancerListener.toml"),
        ACTION.replace("required = true", "requierd = true"),
    )
    .unwrap();
    let err = spec::load(Path::new(dir.path())).unwrap_err();
    assert!(format!("{err:#}").contains("requierd"), "{err:#}");
}

#[test]
fn an_enforced_limit_must_answer_a_documented_code_and_name_real_parameters() {
    let limit = |model: &str| {
        format!(
            r#"
[[limits]]
name = "listeners"
value = 50
unit = "listeners"
actions = ["StartLoadBalancerListener"]
description = "test"
source = {{ file = "001_a96469f2036bcb17.txt", section = "VipTooManyListeners", lines = [10533, 10544] }}
model = {model}
"#
        )
    };
    let quota = limit(r#"{ quota = "listener", under = "LoadBalancerId", code = "NoSuchCode" }"#);
    let files = [
        ("dialect.toml", DIALECT),
        ("actions/StartLoadBalancerListener.toml", ACTION),
        ("limits/a.toml", quota.as_str()),
    ];
    assert_reports(
        &files,
        "answers `NoSuchCode`, which no error table documents",
    );
    assert_reports(&files, "has no parameter `LoadBalancerId`");
    let rate = limit(r#"{ rate = ["account", "planet"], code = "NoSuchCode" }"#);
    let files = [
        ("dialect.toml", DIALECT),
        ("actions/StartLoadBalancerListener.toml", ACTION),
        ("limits/a.toml", rate.as_str()),
    ];
    assert_reports(&files, "a rate is per second");
    assert_reports(&files, "unknown rate dimension `planet`");
}
