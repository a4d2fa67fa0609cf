//! Schedulers behind one trait. Dialect names map onto algorithms:
//!
//! | dialect | names | algorithm |
//! |---|---|---|
//! | aliyun-slb, aliyun-ens | `wrr` | smooth weighted round robin (nginx), table-driven: [`wrr::TableWrr`] |
//! | aliyun-slb, aliyun-ens | `rr` | plain round robin over eligible backends: [`rr::RoundRobin`] |
//! | aliyun-slb, aliyun-ens | `wlc` | weighted least connections (LVS): [`least_conn::LeastConn`] |
//! | aliyun-ens | `sch`, `qch`, `iqch` | Maglev consistent hash of the source IP / QUIC CID / CID bytes 2..4: [`maglev::Maglev`] |
//! | tencent-clb | `WRR`, `LEAST_CONN`, `IP_HASH` | the same three algorithms |
//! | tencent-clb-v2 | `wrr`, `least_conn`, `ip_hash` | the same three algorithms |
//!
//! Weight 0 takes no new traffic: every scheduler is rebuilt over the eligible set
//! (healthy and weight > 0). `external` runs a scheduler in another process ([`external`]).

pub mod external;
pub mod least_conn;
pub mod maglev;
pub mod rr;
pub mod wrr;

use anyhow::{bail, Result};

/// What a pick may look at.
#[derive(Debug, Clone, Copy)]
pub struct PickCtx<'a> {
    /// Active connections per backend (all backends, eligible or not).
    pub conns: &'a [u32],
    /// The request's hash key, extracted according to [`Scheduler::key_kind`].
    pub key: u64,
}

/// Which part of a request a hashing scheduler hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    None,
    /// The client's source address (sch, ip_hash, IP_HASH).
    SourceIp,
    /// The whole QUIC connection ID (qch).
    QuicCid,
    /// Bytes 2 to 4 (1-based) of the iQUIC connection ID (iqch).
    IquicBytes,
}

/// A load-balancing algorithm. Implementations must be deterministic.
pub trait Scheduler: Send {
    fn name(&self) -> &str;
    /// Called at start and whenever the eligible set or a weight changes.
    /// `eligible[i]` is false for a backend marked unhealthy or with weight 0.
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]);
    /// The backend for the next request, or `None` when no backend is eligible.
    fn pick(&mut self, ctx: &PickCtx<'_>) -> Option<usize>;
    fn key_kind(&self) -> KeyKind {
        KeyKind::None
    }
}

/// Rebuilds `s` over `weights` with every backend eligible and none loaded, and returns its next
/// `n` picks (key 0). The one helper the scheduler tests share, unit and integration alike.
///
/// # Panics
/// When the scheduler finds no backend (all weights 0).
pub fn picks(s: &mut dyn Scheduler, weights: &[u32], n: usize) -> Vec<usize> {
    s.rebuild(weights, &vec![true; weights.len()]);
    let conns = vec![0; weights.len()];
    (0..n)
        .map(|_| {
            s.pick(&PickCtx {
                conns: &conns,
                key: 0,
            })
            .expect("a scheduler with an eligible backend picks one")
        })
        .collect()
}

/// The canonical algorithm a dialect's scheduler name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Wrr,
    Rr,
    Wlc,
    LeastConn,
    Hash(KeyKind),
    /// nginx SWRR scanning all backends per pick: the O(n) baseline.
    LinearWrr,
    External,
}

/// Maps a scheduler name (any dialect's spelling, case-insensitive) to its algorithm.
pub fn algorithm(name: &str) -> Result<Algorithm> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "wrr" => Algorithm::Wrr,
        "rr" => Algorithm::Rr,
        "wlc" => Algorithm::Wlc,
        "least_conn" => Algorithm::LeastConn,
        "ip_hash" | "sch" => Algorithm::Hash(KeyKind::SourceIp),
        "qch" => Algorithm::Hash(KeyKind::QuicCid),
        "iqch" => Algorithm::Hash(KeyKind::IquicBytes),
        "linear_wrr" | "swrr_linear" => Algorithm::LinearWrr,
        "external" => Algorithm::External,
        other => bail!(
            "unknown scheduler `{other}` (known: wrr rr wlc sch qch iqch WRR LEAST_CONN IP_HASH \
             least_conn ip_hash linear_wrr external)"
        ),
    })
}

/// Builds a scheduler by name. `external` needs a command line (see [`external::External`]).
pub fn build(name: &str, external_cmd: Option<&[String]>) -> Result<Box<dyn Scheduler>> {
    Ok(match algorithm(name)? {
        Algorithm::Wrr => Box::new(wrr::TableWrr::new()),
        Algorithm::LinearWrr => Box::new(wrr::LinearWrr::new()),
        Algorithm::Rr => Box::new(rr::RoundRobin::new()),
        Algorithm::Wlc => Box::new(least_conn::LeastConn::wlc()),
        Algorithm::LeastConn => Box::new(least_conn::LeastConn::nginx()),
        Algorithm::Hash(k) => Box::new(maglev::Maglev::new(k)),
        Algorithm::External => {
            let Some(cmd) = external_cmd else {
                bail!("scheduler `external` needs listener.external_command")
            };
            Box::new(external::External::spawn(cmd)?)
        }
    })
}
