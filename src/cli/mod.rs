//! The `lbconform` command line (ARCHITECTURE.md fixes its shape). One module per subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod run;
pub mod serve;
pub mod sim;
pub mod spec;

#[derive(Debug, Parser)]
#[command(
    name = "lbconform",
    version,
    about = "Conformance suite, reference emulator and traffic simulator for cloud load-balancer APIs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect the machine-readable spec of the four APIs.
    Spec(spec::SpecArgs),
    /// Serve the four dialects on one port (the reference emulator).
    Serve(serve::ServeArgs),
    /// Run the conformance suite against the embedded emulator or a URL.
    Run(run::RunArgs),
    /// Compare two JSON reports; exits 1 on a regression.
    Gate(run::GateArgs),
    /// Delete the load balancers whose name starts with a prefix (what an interrupted run left).
    Cleanup(run::CleanupArgs),
    /// Run a traffic simulation scenario (suites/sim/*.toml); exits 1 when a check fails.
    Sim(sim::SimArgs),
}

/// Runs the command line; the exit code follows ARCHITECTURE.md (2 for bad usage).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Spec(args) => spec::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Sim(args) => sim::run(args),
        Command::Run(args) => run::run(args),
        Command::Gate(args) => run::gate(args),
        Command::Cleanup(args) => run::cleanup(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
