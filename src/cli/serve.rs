//! `lbconform serve`: all four dialects on one port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::emulator::accounts::Accounts;
use crate::emulator::{server, Config, Emulator};
use crate::model::clock::ClockMode;
use crate::spec;
use crate::wire::replay::Window;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Clock {
    Real,
    Manual,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, default_value = "127.0.0.1:9650")]
    pub addr: SocketAddr,
    /// TOML file of `[[credentials]] id, secret, account` (default: the documents' example keys).
    #[arg(long)]
    pub credentials: Option<PathBuf>,
    /// `manual`: transitional states complete only when /_lbconform/clock/advance moves the clock.
    #[arg(long, value_enum, default_value = "real")]
    pub clock: Clock,
    /// How long transitional states (starting, stopping, configuring) last.
    #[arg(long, default_value_t = 1000)]
    pub transition_delay_ms: u64,
    /// How far a request's timestamp may be from the server's clock, in seconds.
    #[arg(long, default_value_t = 900)]
    pub timestamp_window_secs: i64,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let spec = Arc::new(spec::load_default()?);
    let accounts = match &args.credentials {
        Some(p) => Accounts::from_file(p)?,
        None => Accounts::default(),
    };
    let clock = match args.clock {
        Clock::Real => ClockMode::Real,
        Clock::Manual => ClockMode::Manual,
    };
    let config = Config {
        clock,
        transition_delay_ms: args.transition_delay_ms,
        window: Window {
            max_skew_secs: args.timestamp_window_secs,
        },
        accounts,
    };
    let em = Arc::new(Emulator::new(spec, config));
    tokio::runtime::Runtime::new()?.block_on(server::serve(em, args.addr))?;
    Ok(ExitCode::SUCCESS)
}
