//! The model's time: the real clock, or a manual one that moves only when a test advances it, so
//! intermediate states (a listener still `starting`) can be observed deterministically.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    Real,
    Manual,
}

#[derive(Debug)]
pub struct Clock {
    mode: ClockMode,
    start: Instant,
    /// Wall-clock milliseconds when the model started, so model time can be shown as a date.
    epoch_ms: u64,
    manual_ms: AtomicU64,
}

impl Clock {
    pub fn new(mode: ClockMode) -> Clock {
        Clock {
            mode,
            start: Instant::now(),
            epoch_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            manual_ms: AtomicU64::new(0),
        }
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Milliseconds of model time since the model started.
    pub fn now_ms(&self) -> u64 {
        match self.mode {
            ClockMode::Real => self.start.elapsed().as_millis() as u64,
            ClockMode::Manual => self.manual_ms.load(Ordering::SeqCst),
        }
    }

    /// Model time `ms` as Unix milliseconds: the wall clock at start plus model time.
    pub fn unix_ms(&self, ms: u64) -> u64 {
        self.epoch_ms + ms
    }

    /// Moves a manual clock forward; a real clock ignores it and says so.
    pub fn advance(&self, ms: u64) -> bool {
        if self.mode == ClockMode::Manual {
            self.manual_ms.fetch_add(ms, Ordering::SeqCst);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let c = Clock::new(ClockMode::Manual);
        assert_eq!(c.now_ms(), 0);
        assert!(c.advance(250));
        assert_eq!(c.now_ms(), 250);
        assert!(!Clock::new(ClockMode::Real).advance(5));
    }
}
