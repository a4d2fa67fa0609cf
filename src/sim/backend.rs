//! A backend: weight, workers, capacity, a service-time distribution and its fault state.

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};

use super::scenario::{BackendSpec, Service};
use super::{secs, Nanos};

/// A sampler of service times in nanoseconds.
#[derive(Debug, Clone)]
pub enum ServiceTime {
    Exp(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Constant(Nanos),
}

impl ServiceTime {
    pub fn new(s: &Service) -> anyhow::Result<Self> {
        Ok(match *s {
            Service::Exponential { mean_ms } => {
                ServiceTime::Exp(Exp::new(1.0 / (mean_ms * 1e6)).map_err(anyhow::Error::msg)?)
            }
            Service::LogNormal { mean_ms, sigma } => {
                // mean = exp(mu + sigma²/2)
                let mu = (mean_ms * 1e6).ln() - sigma * sigma / 2.0;
                ServiceTime::LogNormal(LogNormal::new(mu, sigma).map_err(anyhow::Error::msg)?)
            }
            Service::Constant { ms } => ServiceTime::Constant(secs(ms / 1000.0)),
        })
    }
    #[inline]
    pub fn sample<R: Rng>(&self, rng: &mut R) -> Nanos {
        match self {
            ServiceTime::Exp(d) => d.sample(rng) as Nanos,
            ServiceTime::LogNormal(d) => d.sample(rng) as Nanos,
            ServiceTime::Constant(c) => *c,
        }
    }
}

/// A backend's live state.
#[derive(Debug, Clone)]
pub struct Backend {
    pub name: String,
    pub weight: u32,
    pub workers: u32,
    pub capacity: u32,
    pub service: ServiceTime,
    /// Requests in the backend (in service and queued): the load balancer's connection count.
    pub in_system: u32,
    pub busy: u32,
    /// Arrival times of queued requests.
    pub queue: std::collections::VecDeque<Nanos>,
    /// Down (crashed, or in a flap's down phase).
    pub down: bool,
    pub slow_factor: f64,
    pub fail_hc: bool,
    /// Bumped on a crash so departures of dropped requests are ignored.
    pub epoch: u32,
}

impl Backend {
    pub fn new(name: String, spec: &BackendSpec) -> anyhow::Result<Self> {
        Ok(Backend {
            name,
            weight: spec.weight,
            workers: spec.workers.max(1),
            capacity: spec.capacity,
            service: ServiceTime::new(&spec.service)?,
            in_system: 0,
            busy: 0,
            queue: Default::default(),
            down: false,
            slow_factor: 1.0,
            fail_hc: false,
            epoch: 0,
        })
    }
}
