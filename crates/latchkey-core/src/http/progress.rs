//! How much of an answer has arrived while it downloads, reported at most
//! every [`REPORT_EVERY`] so a fast download costs a handful of calls, and
//! an answer that arrives within that time costs none.

use serde::Serialize;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// The shortest gap between two reports: about ten a second.
pub const REPORT_EVERY: Duration = Duration::from_millis(100);

/// Bytes of the body received so far: counts only, never content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Received {
    pub bytes: u64,
    /// What the server announced (`Content-Length`), if it did.
    pub expected: Option<u64>,
    /// The whole body is in; what remains is reading it for the view.
    pub complete: bool,
}

/// Where a send reports [`Received`].
pub type ReportProgress = dyn Fn(Received) + Send + Sync;

/// Drops reports that come sooner than [`REPORT_EVERY`] after the last one
/// (or after the body started).
pub(crate) struct Throttle<'a> {
    report: &'a (dyn Fn(Received) + Send + Sync + 'a),
    expected: Option<u64>,
    next: Instant,
    /// The count last reported, if any was.
    last: Option<u64>,
}

impl<'a> Throttle<'a> {
    pub fn new(report: &'a (dyn Fn(Received) + Send + Sync + 'a), expected: Option<u64>) -> Self {
        Self::starting_at(report, expected, Instant::now())
    }

    fn starting_at(
        report: &'a (dyn Fn(Received) + Send + Sync + 'a),
        expected: Option<u64>,
        start: Instant,
    ) -> Self {
        Self {
            report,
            expected,
            next: start + REPORT_EVERY,
            last: None,
        }
    }

    pub fn received(&mut self, bytes: u64) {
        self.received_at(bytes, Instant::now());
    }

    fn received_at(&mut self, bytes: u64, now: Instant) {
        if now < self.next {
            return;
        }
        self.next = now + REPORT_EVERY;
        self.send(bytes, false);
    }

    /// The body ended at `bytes`: says so if anything was reported before
    /// (a body that came within the first interval stays unreported).
    pub fn finished(&mut self, bytes: u64) {
        if self.last.is_some() {
            self.send(bytes, true);
        }
    }

    fn send(&mut self, bytes: u64, complete: bool) {
        self.last = Some(bytes);
        (self.report)(Received {
            bytes,
            expected: self.expected,
            complete,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn reports_at_most_once_per_interval_and_none_in_the_first() {
        let seen = Mutex::new(Vec::new());
        let report = |r: Received| seen.lock().unwrap().push(r.bytes);
        let start = Instant::now();
        let mut throttle = Throttle::starting_at(&report, Some(900), start);
        let at = |ms| start + Duration::from_millis(ms);
        throttle.received_at(100, at(10));
        throttle.received_at(200, at(99));
        throttle.received_at(300, at(100));
        throttle.received_at(400, at(150));
        throttle.received_at(500, at(199));
        throttle.received_at(600, at(250));
        throttle.received_at(700, at(900));
        throttle.finished(750);
        assert_eq!(*seen.lock().unwrap(), vec![300, 600, 700, 750]);
    }

    #[test]
    fn a_body_within_the_first_interval_reports_nothing_even_at_its_end() {
        let seen = Mutex::new(Vec::new());
        let report = |r: Received| seen.lock().unwrap().push(r);
        let start = Instant::now();
        let mut throttle = Throttle::starting_at(&report, None, start);
        throttle.received_at(100, start + Duration::from_millis(5));
        throttle.finished(100);
        assert!(seen.lock().unwrap().is_empty());
    }

    #[test]
    fn carries_the_announced_length() {
        let seen = Mutex::new(None);
        let report = |r: Received| *seen.lock().unwrap() = Some(r);
        let start = Instant::now();
        let mut throttle = Throttle::starting_at(&report, Some(2048), start);
        throttle.received_at(1024, start + REPORT_EVERY);
        assert_eq!(
            *seen.lock().unwrap(),
            Some(Received {
                bytes: 1024,
                expected: Some(2048),
                complete: false,
            })
        );
    }
}
