//! `lbconform sim SCENARIO.toml [--seed N] [--out DIR] [--sweep]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::sim::checks::{run_checks, Status};
use crate::sim::simulation::RunOptions;
use crate::sim::spec_link::{effective_rule, validate, Verdict};
use crate::sim::{plot, report, sweep, Scenario};

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The scenario file (see suites/sim/README.md).
    pub scenario: PathBuf,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to write metrics.json, timeseries.csv, probes.csv and the SVG plots.
    #[arg(long, default_value = "sim-out")]
    pub out: PathBuf,
    /// Run the scenario over its [[sweep]] grid and write sweep.csv instead.
    #[arg(long)]
    pub sweep: bool,
    /// The spec directory (default: $LBCONFORM_SPEC_DIR, else the crate's own spec/).
    #[arg(long)]
    pub spec_dir: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

fn bar(quiet: bool, len: u64) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

pub fn run(args: SimArgs) -> Result<ExitCode> {
    let scn = Scenario::load(&args.scenario)?;
    let dir = args
        .spec_dir
        .clone()
        .unwrap_or_else(crate::spec::default_spec_dir);
    let spec = crate::sim::spec_link::load_for(&dir, &scn.dialect);
    let (rule, why) = effective_rule(spec.as_ref(), &scn.dialect);
    let findings = validate(&scn, spec.as_ref());
    let spec_ok = findings.iter().all(|f| f.verdict != Verdict::NotAllowed);
    std::fs::create_dir_all(&args.out)?;
    if args.sweep {
        let b = bar(args.quiet, 1);
        let (csv, ok) = sweep::sweep(&scn, args.seed, rule, |i, n| {
            b.set_length(n as u64);
            b.set_position(i as u64);
        })?;
        b.finish_and_clear();
        let p = args.out.join("sweep.csv");
        std::fs::write(&p, &csv)?;
        print!("{csv}");
        println!("wrote {}", p.display());
        return Ok(if ok && spec_ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let mut opts = RunOptions::for_scenario(&scn);
    opts.timeout_rule = rule;
    opts.base_dir = args
        .scenario
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let b = bar(args.quiet, 1000);
    let bb = b.clone();
    opts.progress = Some(Box::new(move |f| bb.set_position((f * 1000.0) as u64)));
    let out = crate::sim::run(&scn, args.seed, opts)?;
    b.finish_and_clear();
    let checks = run_checks(&scn, &out);
    print!("{}", report::table(&out, &findings, &checks));
    println!("\ntimeout rule: {rule:?}, {why}");
    report::write_all(&args.out, &out, &findings, &checks)?;
    plot::load_svg(&out, &args.out.join("load.svg"))?;
    if out.timing.is_some() {
        plot::health_svg(&out, &args.out.join("health.svg"))?;
    }
    println!("wrote {}", args.out.display());
    let ok = spec_ok && checks.iter().all(|c| c.status != Status::Fail);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
