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

/// Whether the documented request rates are enforced.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RateLimits {
    /// Never throttle (SDK users, the suite and the benchmarks send far faster than documented).
    Off,
    /// The rates the documents give (Tencent 20/s per action, region and account; ENS per user).
    Documented,
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
    /// Enforce the documented request rates (also /_lbconform/limits?rate=documented|off).
    #[arg(long, value_enum, default_value = "off")]
    pub rate_limits: RateLimits,
    /// Serve as if over HTTPS only: a v2 request without `X-Forwarded-Proto: https` (from a
    /// TLS terminator in front) is answered 4600, as v2 documents.
    #[arg(long)]
    pub https_only: bool,
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
        rate_limits: matches!(args.rate_limits, RateLimits::Documented),
        https_only: args.https_only,
    };
    let em = Arc::new(Emulator::new(spec, config));
    tokio::runtime::Runtime::new()?.block_on(server::serve(em, args.addr))?;
    Ok(ExitCode::SUCCESS)
}
