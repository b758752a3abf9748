//! The time, as a value the application is given rather than reads: production uses the
//! system clock; tests move a `ManualClock` forward instead of sleeping or editing stored
//! timestamps.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

/// Unix milliseconds now.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now_ms(&self) -> i64;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// Starts at the system's time now.
    pub fn starting_now() -> Self {
        Self(AtomicI64::new(SystemClock.now_ms()))
    }

    /// Jumps to `ms` (Unix milliseconds): a test that needs a certain local hour.
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }

    pub fn advance(&self, by: std::time::Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.0.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
