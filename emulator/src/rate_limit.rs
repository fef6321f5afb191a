//! Request rate limits as AWS applies them: a token bucket per account and region, shared by
//! every WorkSpaces operation of that account in that region. A call takes a token; a bucket
//! holds at most `burst` tokens and gains `per_second` a second; a call that finds less than one
//! token is answered `ThrottlingException` ("Rate exceeded") and takes none, so a client that
//! backs off gets through as soon as the bucket refills. Every bucket starts full.
//!
//! One bucket per (account, region) is the shape of AWS's throttling (EC2 documents its API's
//! so; WorkSpaces publishes no rates, and answers `ThrottlingException`): a client reading many
//! accounts at once is limited in each account and region alone, never by a global rate, and
//! throttles itself only if it calls one account and region too fast. Off unless
//! [`crate::Faults::rate_limit`] sets one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The rate limit of every (account, region) of the emulator's WorkSpaces operations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Tokens a bucket gains a second: the sustained rate of calls.
    pub per_second: f64,
    /// Tokens a bucket holds at most (and starts with): calls a quiet account and region answer
    /// at once.
    pub burst: u32,
}

/// The buckets, one per (account, region) that has been called.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    buckets: Mutex<HashMap<(String, String), Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// Whether a call of `account` in `region` arriving at `now` is admitted under `limit`
    /// (it then takes a token) or throttled.
    pub(crate) fn admit(
        &self,
        limit: RateLimit,
        account: &str,
        region: &str,
        now: Instant,
    ) -> bool {
        let burst = f64::from(limit.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let key = (account.to_string(), region.to_string());
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            refilled_at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.refilled_at);
        bucket.tokens = (bucket.tokens + elapsed.as_secs_f64() * limit.per_second).min(burst);
        bucket.refilled_at = bucket.refilled_at.max(now);
        if bucket.tokens < 1.0 {
            return false;
        }
        bucket.tokens -= 1.0;
        true
    }

    /// Forgets every bucket: all start full again.
    pub(crate) fn reset(&self) {
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LIMIT: RateLimit = RateLimit {
        per_second: 10.0,
        burst: 3,
    };

    #[test]
    fn a_full_bucket_admits_its_burst_then_throttles() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        let admitted: Vec<bool> = (0..5)
            .map(|_| limiter.admit(LIMIT, "111111111111", "us-east-1", now))
            .collect();
        assert_eq!(admitted, [true, true, true, false, false]);
    }

    #[test]
    fn tokens_come_back_at_the_rate_and_never_beyond_the_burst() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.admit(LIMIT, "a", "r", start));
        }
        assert!(!limiter.admit(LIMIT, "a", "r", start + Duration::from_millis(50)));
        // 100 ms at 10 a second is one token.
        assert!(limiter.admit(LIMIT, "a", "r", start + Duration::from_millis(101)));
        assert!(!limiter.admit(LIMIT, "a", "r", start + Duration::from_millis(102)));
        // A long pause refills to the burst, no further.
        let later = start + Duration::from_secs(60);
        let admitted = (0..4)
            .filter(|_| limiter.admit(LIMIT, "a", "r", later))
            .count();
        assert_eq!(admitted, 3);
    }

    #[test]
    fn a_throttled_call_takes_no_token() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.admit(LIMIT, "a", "r", start));
        }
        // Refused calls in between do not delay the next token.
        for ms in [10, 30, 60, 90] {
            assert!(!limiter.admit(LIMIT, "a", "r", start + Duration::from_millis(ms)));
        }
        assert!(limiter.admit(LIMIT, "a", "r", start + Duration::from_millis(101)));
    }

    #[test]
    fn each_account_and_region_has_its_own_bucket() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert!(limiter.admit(LIMIT, "a", "us-east-1", now));
        }
        assert!(!limiter.admit(LIMIT, "a", "us-east-1", now));
        assert!(
            limiter.admit(LIMIT, "a", "eu-west-1", now),
            "another region"
        );
        assert!(
            limiter.admit(LIMIT, "b", "us-east-1", now),
            "another account"
        );
        limiter.reset();
        assert!(
            limiter.admit(LIMIT, "a", "us-east-1", now),
            "reset fills it again"
        );
    }
}
