//! `lbconform spec stats|show|check|export`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::spec::{self, check::Seeds};

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// The spec directory (default: $LBCONFORM_SPEC_DIR, else the crate's own spec/).
    #[arg(long, global = true)]
    pub spec_dir: Option<PathBuf>,
    /// Only this dialect (aliyun-slb, aliyun-ens, tencent-clb, tencent-clb-v2).
    #[arg(long, global = true)]
    pub dialect: Option<String>,
    #[command(subcommand)]
    pub command: SpecCommand,
}

#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// Counts per dialect: actions, parameters, errors, structures, state machines, errata.
    Stats {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A readable page for one action, with its sources.
    Show { dialect: String, action: String },
    /// Consistency check; exits 1 when a problem is found.
    Check {
        /// The seed documents citations are checked against (default: ../shared/seeds).
        #[arg(long)]
        seeds_dir: Option<PathBuf>,
    },
    /// What the conformance suite never exercises: actions, transitions, parameter edges and
    /// errors (counted as `lbconform run` counts them).
    Coverage {
        /// The suite directory (default: the crate's suites/).
        #[arg(long)]
        suite: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the whole spec in the export format of ARCHITECTURE.md.
    Export {
        /// JSON output (the only format).
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: SpecArgs) -> Result<ExitCode> {
    let dir = args.spec_dir.clone().unwrap_or_else(spec::default_spec_dir);
    let mut loaded = spec::load(&dir)?;
    if let Some(id) = &args.dialect {
        loaded.dialects.retain(|d| d.id() == id);
        if loaded.dialects.is_empty() {
            bail!("no dialect `{id}` in {}", dir.display());
        }
    }
    match args.command {
        SpecCommand::Stats { json } => stats(&loaded, json),
        SpecCommand::Show { dialect, action } => {
            let Some(d) = loaded.dialect(&dialect) else {
                bail!("no dialect `{dialect}`");
            };
            let Some(a) = d.action(&action) else {
                bail!("dialect `{dialect}` has no action `{action}`");
            };
            print!("{}", spec::show::show(d, a));
            Ok(ExitCode::SUCCESS)
        }
        SpecCommand::Coverage { suite, json } => {
            crate::cli::run::spec_coverage(&loaded, suite, json)
        }
        SpecCommand::Check { seeds_dir } => {
            let seeds = Seeds::read(&seeds_dir.unwrap_or_else(spec::default_seeds_dir));
            if seeds.is_empty() {
                eprintln!(
                    "warning: no seed documents in {}; citations get structural checks only",
                    seeds.dir().display()
                );
            }
            let problems = spec::check::check(&loaded, &seeds);
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                println!("spec ok: {} dialects, no problems", loaded.dialects.len());
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{} problems", problems.len());
                Ok(ExitCode::from(1))
            }
        }
        SpecCommand::Export { json } => {
            if !json {
                bail!("only `--json` export exists");
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&spec::export::export(&loaded))?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn stats(s: &spec::Spec, json: bool) -> Result<ExitCode> {
    let all: Vec<_> = s.dialects.iter().map(spec::stats::stats).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<16} {:>7} {:>6} {:>7} {:>8} {:>6} {:>6} {:>5} {:>6} {:>6} {:>6}",
        "dialect",
        "actions",
        "params",
        "nested",
        "response",
        "errors",
        "structs",
        "sms",
        "trans",
        "limits",
        "errata"
    );
    for st in &all {
        println!(
            "{:<16} {:>7} {:>6} {:>7} {:>8} {:>6} {:>6} {:>5} {:>6} {:>6} {:>6}",
            st.dialect,
            st.actions,
            st.params,
            st.params_nested,
            st.response_fields,
            st.errors,
            st.structures,
            st.state_machines,
            st.transitions,
            st.limits,
            st.errata
        );
    }
    Ok(ExitCode::SUCCESS)
}
