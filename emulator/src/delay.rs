//! Injected latency, precise to a fraction of a millisecond however many answers wait at once.
//!
//! Tokio's timer fires on whole milliseconds and after the deadline (a 20 ms sleep takes
//! 21–22 ms), which latency benches would read as client overhead; a thread's sleep is precise.
//! One thread, started on the first delay, sleeps for every answer waiting: until the earliest
//! deadline, when it wakes each answer whose time has come. (A blocking thread that slept each
//! answer's last milliseconds cost two context switches an answer: at 5,000 answers a second,
//! the largest part of the emulator's CPU.)

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// Waits `latency`, to within a fraction of a millisecond.
pub(crate) async fn delay(latency: Duration) {
    let (ring, rung) = oneshot::channel();
    alarms().set(Instant::now() + latency, ring);
    // The alarm thread never ends, so the alarm always rings.
    let _ = rung.await;
}

/// The process's alarms, and the thread that rings them.
fn alarms() -> &'static Alarms {
    static ALARMS: OnceLock<&'static Alarms> = OnceLock::new();
    ALARMS.get_or_init(|| {
        let alarms: &'static Alarms = Box::leak(Box::default());
        std::thread::Builder::new()
            .name("emulator-latency".into())
            .spawn(|| alarms.ring())
            .expect("the emulator's latency thread starts");
        alarms
    })
}

/// Alarms set and not rung yet, earliest first.
#[derive(Default)]
struct Alarms {
    pending: Mutex<Pending>,
    /// Told when an alarm earlier than every other is set.
    earlier: Condvar,
}

/// The alarms and how many have been set.
#[derive(Default)]
struct Pending {
    /// By deadline, then by the order they were set in (two may share a deadline).
    alarms: BTreeMap<(Instant, u64), oneshot::Sender<()>>,
    count: u64,
}

impl Alarms {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, at: Instant, ring: oneshot::Sender<()>) {
        let mut pending = self.lock();
        let earliest = pending
            .alarms
            .first_key_value()
            .is_none_or(|(&(first, _), _)| at < first);
        pending.count += 1;
        let key = (at, pending.count);
        pending.alarms.insert(key, ring);
        if earliest {
            self.earlier.notify_one();
        }
    }

    /// Rings each alarm when its time comes, for ever.
    fn ring(&self) -> ! {
        let mut pending = self.lock();
        loop {
            let now = Instant::now();
            while let Some(alarm) = pending.alarms.first_entry() {
                if alarm.key().0 > now {
                    break;
                }
                // An answer whose connection went away no longer listens.
                let _ = alarm.remove().send(());
            }
            let next = pending
                .alarms
                .first_key_value()
                .map(|(&(at, _), _)| at - now);
            pending = match next {
                Some(wait) => {
                    let woken = self.earlier.wait_timeout(pending, wait);
                    woken.unwrap_or_else(PoisonError::into_inner).0
                }
                None => self
                    .earlier
                    .wait(pending)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Never early; and an alarm set after a later one rings at its own time, not at the later
    /// one's (the thread, asleep until the later deadline, is woken to sleep less).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_delay_ends_at_its_own_deadline_in_whatever_order_they_were_set() {
        let latencies = [400, 1, 200, 1, 50, 10].map(Duration::from_millis);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for latency in latencies {
            tasks.push(tokio::spawn(async move {
                delay(latency).await;
                start.elapsed()
            }));
            // Each is set before the next.
            tokio::task::yield_now().await;
        }
        for (latency, task) in latencies.into_iter().zip(tasks) {
            let end = task.await.expect("the delay's task ends");
            assert!(end >= latency, "{latency:?} ended early, at {end:?}");
            assert!(
                end < latency + Duration::from_millis(150),
                "{latency:?} ended at {end:?}, as if it waited for a later alarm"
            );
        }
    }
}
