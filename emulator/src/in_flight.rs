//! How many calls are being served at once, overall and per account, and the most there have
//! been: what a client's concurrency bounds look like from the server's side.
//!
//! A call counts overall from the moment its request head is read until its answer is ready (or
//! its connection is dropped), and for its account from the moment the account is known (after
//! the signature is read, before any injected latency).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Calls being served and the high-water marks.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    gauges: Mutex<Gauges>,
}

#[derive(Debug, Default)]
struct Gauges {
    overall: Gauge,
    by_account: BTreeMap<String, Gauge>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Gauge {
    now: usize,
    peak: usize,
}

impl Gauge {
    fn enter(&mut self) {
        self.now += 1;
        self.peak = self.peak.max(self.now);
    }

    fn leave(&mut self) {
        self.now = self.now.saturating_sub(1);
    }
}

/// One call being served; it leaves the counts when dropped.
#[must_use = "the call counts as served only while its guard lives"]
pub(crate) struct Serving<'a> {
    in_flight: &'a InFlight,
    account: Option<String>,
}

impl InFlight {
    fn gauges(&self) -> std::sync::MutexGuard<'_, Gauges> {
        self.gauges.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A call begins.
    pub(crate) fn enter(&self) -> Serving<'_> {
        self.gauges().overall.enter();
        Serving {
            in_flight: self,
            account: None,
        }
    }

    /// A call for `account` begins (it also counts overall through [`InFlight::enter`]).
    pub(crate) fn enter_account(&self, account: &str) -> Serving<'_> {
        self.gauges()
            .by_account
            .entry(account.to_string())
            .or_default()
            .enter();
        Serving {
            in_flight: self,
            account: Some(account.to_string()),
        }
    }

    /// The most calls served at once.
    pub(crate) fn peak(&self) -> usize {
        self.gauges().overall.peak
    }

    /// The most calls served at once for each account that had any.
    pub(crate) fn peak_by_account(&self) -> BTreeMap<String, usize> {
        self.gauges()
            .by_account
            .iter()
            .map(|(account, gauge)| (account.clone(), gauge.peak))
            .collect()
    }

    /// Starts the high-water marks again from the calls being served now.
    pub(crate) fn reset_peaks(&self) {
        let mut gauges = self.gauges();
        gauges.overall.peak = gauges.overall.now;
        gauges.by_account.retain(|_, gauge| gauge.now > 0);
        for gauge in gauges.by_account.values_mut() {
            gauge.peak = gauge.now;
        }
    }
}

impl Drop for Serving<'_> {
    fn drop(&mut self) {
        let mut gauges = self.in_flight.gauges();
        let gauge = match &self.account {
            None => Some(&mut gauges.overall),
            Some(account) => gauges.by_account.get_mut(account),
        };
        if let Some(gauge) = gauge {
            gauge.leave();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn peaks_are_high_water_marks_per_account() {
        let in_flight = InFlight::default();
        let a = in_flight.enter();
        let a_account = in_flight.enter_account("111111111111");
        let b = in_flight.enter();
        let b_account = in_flight.enter_account("111111111111");
        let c = in_flight.enter();
        let c_account = in_flight.enter_account("222222222222");
        drop((a, a_account, b, b_account));
        let d = in_flight.enter();
        let d_account = in_flight.enter_account("222222222222");
        assert_eq!(in_flight.peak(), 3);
        assert_eq!(
            in_flight.peak_by_account(),
            BTreeMap::from([("111111111111".into(), 2), ("222222222222".into(), 2)])
        );
        drop((c, c_account));
        in_flight.reset_peaks();
        assert_eq!(in_flight.peak(), 1, "one call still being served");
        assert_eq!(
            in_flight.peak_by_account(),
            BTreeMap::from([("222222222222".into(), 1)])
        );
        drop((d, d_account));
        in_flight.reset_peaks();
        assert_eq!(in_flight.peak(), 0);
        assert!(in_flight.peak_by_account().is_empty());
    }
}
