//! `lbconform run`, `lbconform gate`, `lbconform cleanup` and `lbconform spec coverage`.
//!
//! Exit codes (ARCHITECTURE.md): 0 when everything passed or failed only as `--expect` allows;
//! 1 on unexpected failures (gate: on a regression); 2 on bad usage or an unreachable target.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::conformance::client::Client;
use crate::conformance::report::{self, Report};
use crate::conformance::target::Target;
use crate::conformance::{self, case, cleanup, gate as gating, RunOptions};
use crate::spec::{self, Spec};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Junit,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// `embedded` (the emulator, in-process on a loopback port) or a URL (`http://host:port`,
    /// `https://host[:port]`).
    #[arg(long, default_value = "embedded", env = "LBCONFORM_TARGET")]
    pub target: String,
    /// `all` or a dialect id (aliyun-slb, aliyun-ens, tencent-clb, tencent-clb-v2); repeatable.
    #[arg(long, default_value = "all")]
    pub dialect: Vec<String>,
    /// The suite directory or one suite file (default: the crate's suites/).
    #[arg(long)]
    pub suite: Option<PathBuf>,
    /// Only cases whose id matches this regex.
    #[arg(long)]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub report: ReportFormat,
    /// Write the report here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Known failures (TOML `[[failure]] id, reason`): only other failures fail the run.
    #[arg(long)]
    pub expect: Option<PathBuf>,
    /// Seeds the run's name prefix.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Allow mutating cases against a non-loopback target (they cost money there).
    #[arg(long, env = "LBCONFORM_ALLOW_BILLABLE")]
    pub allow_billable: bool,
    /// A PEM file of extra root certificates to trust for an https target (a local TLS
    /// terminator's self-signed certificate); the web roots are always trusted.
    #[arg(long, env = "LBCONFORM_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Leave out the cases generated from the spec.
    #[arg(long)]
    pub no_generated: bool,
    /// Write an expect file listing this run's failures.
    #[arg(long)]
    pub write_expect: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    #[arg(long)]
    pub baseline: PathBuf,
    #[arg(long)]
    pub current: PathBuf,
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Delete the load balancers whose name starts with this.
    #[arg(long)]
    pub prefix: String,
    #[arg(long, default_value = "embedded", env = "LBCONFORM_TARGET")]
    pub target: String,
    #[arg(long, default_value = "all")]
    pub dialect: Vec<String>,
    /// Alibaba's region to list.
    #[arg(long, default_value = "cn-hangzhou")]
    pub region: String,
    /// Only list, delete nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn usage(e: anyhow::Error) -> Result<ExitCode> {
    eprintln!("error: {e:#}");
    Ok(ExitCode::from(2))
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    if let Some(ca) = &args.ca_file {
        // The client reads its extra roots from the variable (as `cargo test` runs do).
        std::env::set_var(crate::conformance::client::CA_FILE_VAR, ca);
    }
    let spec = Arc::new(spec::load_default()?);
    let filter = match args.filter.as_deref().map(regex::Regex::new).transpose() {
        Ok(f) => f,
        Err(e) => return usage(e.into()),
    };
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    let opts = RunOptions {
        dialects: args.dialect.clone(),
        suite: args.suite.clone().unwrap_or_else(case::default_suite_dir),
        filter,
        expect: args.expect.clone(),
        seed,
        allow_billable: args.allow_billable,
        generated: !args.no_generated,
        progress: std::io::stderr().is_terminal(),
    };
    let rt = tokio::runtime::Runtime::new()?;
    let report = rt.block_on(async {
        let target = Target::open(spec.clone(), &args.target).await?;
        conformance::run(spec.clone(), &target, &opts).await
    });
    let report = match report {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let text = match args.report {
        ReportFormat::Text => report::text::render(&report),
        ReportFormat::Json => report.to_json(),
        ReportFormat::Junit => report::junit::render(&report),
    };
    match &args.out {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?;
            eprintln!(
                "{} cases: {} passed, {} failed ({} unexpected), {} skipped; report in {}",
                report.summary.total,
                report.summary.passed,
                report.summary.failed,
                report.summary.unexpected_failures,
                report.summary.skipped,
                p.display()
            );
        }
        None => print!("{text}"),
    }
    if let Some(p) = &args.write_expect {
        std::fs::write(p, conformance::expect::Expected::render(&report.cases))?;
    }
    Ok(if report.summary.unexpected_failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_report(p: &PathBuf) -> Result<Report> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    Report::from_json(&text).with_context(|| format!("parsing {}", p.display()))
}

pub fn gate(args: GateArgs) -> Result<ExitCode> {
    let (a, b) = match (read_report(&args.baseline), read_report(&args.current)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return usage(e),
    };
    let regs = gating::regressions(&a, &b);
    for r in &regs {
        println!("REGRESSION {r}");
    }
    println!(
        "{} regression(s); baseline {} passed, current {} passed",
        regs.len(),
        a.summary.passed,
        b.summary.passed
    );
    Ok(if regs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn cleanup(args: CleanupArgs) -> Result<ExitCode> {
    let spec = Arc::new(spec::load_default()?);
    let dialects = match conformance::selected_dialects(&spec, &args.dialect) {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let target = match Target::open(spec.clone(), &args.target).await {
            Ok(t) => t,
            Err(e) => return usage(e),
        };
        let client = Client::new(&target);
        let mut failed = 0;
        for id in &dialects {
            let Some(d) = spec.dialect(id) else { continue };
            let found = match cleanup::list_prefixed(&client, d, &args.prefix, &args.region).await {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("{id}: {e:#}");
                    failed += 1;
                    continue;
                }
            };
            for c in &found {
                println!("{id} {}", c.id);
            }
            if !args.dry_run {
                for (c, why) in
                    cleanup::delete_all(&client, &spec, found, target.admin, target.manual_clock)
                        .await
                {
                    eprintln!("{id}: could not delete {}: {why}", c.id);
                    failed += 1;
                }
            }
        }
        Ok(if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}

/// Per dialect, the generated valid-edge cases (min, max, len-min, len-max) that expect
/// success, and those that expect only "no validation error" with the generator's reason.
type ValidEdges = std::collections::BTreeMap<String, (usize, Vec<(String, String)>)>;

fn valid_edges(cases: &[case::Case]) -> ValidEdges {
    let mut out = ValidEdges::new();
    for c in cases.iter().filter(|c| c.generated) {
        let valid = ["/min", "/max", "/len-min", "/len-max"]
            .iter()
            .any(|e| c.id.ends_with(e));
        let Some(expect) = c.steps.last().and_then(|s| s.expect.as_ref()) else {
            continue;
        };
        if !valid || !c.features.iter().any(|f| f == "param-edges") {
            continue;
        }
        let entry = out.entry(c.dialect.clone()).or_default();
        if expect.ok == Some(true) {
            entry.0 += 1;
        } else {
            entry.1.push((c.id.clone(), c.description.clone()));
        }
    }
    out
}

pub fn spec_coverage(spec: &Spec, suite: Option<PathBuf>, json: bool) -> Result<ExitCode> {
    let opts = RunOptions {
        dialects: spec.dialects.iter().map(|d| d.id().to_string()).collect(),
        suite: suite.unwrap_or_else(case::default_suite_dir),
        ..RunOptions::default()
    };
    let (cov, not_generated) = conformance::static_coverage(spec, &opts)?;
    let (cases, _, _) = conformance::select_cases(spec, &opts, "lbc-")?;
    let valid = valid_edges(&cases);
    if json {
        let valid: serde_json::Map<String, serde_json::Value> = valid
            .iter()
            .map(|(d, (ok, weak))| {
                let weak: Vec<_> = weak
                    .iter()
                    .map(|(id, why)| serde_json::json!({"case": id, "why": why}))
                    .collect();
                (
                    d.clone(),
                    serde_json::json!({"expect_success": ok, "weaker": weak}),
                )
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "coverage": cov,
                "not_generated": not_generated,
                "valid_edges": valid
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for d in &cov.dialects {
        println!("{}:", d.id);
        for (name, c) in [
            ("actions", &d.actions),
            ("transitions", &d.transitions),
            ("param edges", &d.param_edges),
            ("errors", &d.errors),
        ] {
            println!(
                "  {name}: {}/{} exercised ({:.0}%)",
                c.exercised,
                c.total,
                c.percent()
            );
            if name != "param edges" {
                for m in &c.missing {
                    println!("    never: {m}");
                }
                for n in &c.not_provokable {
                    println!("    not provokable: {} ({})", n.item, n.reason);
                }
            } else {
                if !c.missing.is_empty() {
                    println!("    never: {} edges (--json lists them)", c.missing.len());
                }
                for n in &c.not_provokable {
                    println!("    not generated: {} ({})", n.item, n.reason);
                }
            }
        }
        if let Some((ok, weak)) = valid.get(&d.id) {
            println!(
                "  valid edges: {ok}/{} expect success ({} only no validation error; --json \
                 lists why)",
                ok + weak.len(),
                weak.len()
            );
        }
        for n in not_generated
            .iter()
            .filter(|n| n.dialect == d.id && n.item.is_none())
        {
            println!("  no generated cases for {}: {}", n.action, n.why);
        }
    }
    Ok(ExitCode::SUCCESS)
}
