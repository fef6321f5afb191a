//! An opt-in cache of API responses, shared by every table of a [`crate::Library`].
//!
//! A response is kept per (target, operation, parameters including `NextToken`) for a
//! time-to-live, so looking at the same data twice (a second query, both sides of a self-join,
//! the pool listing a sessions scan makes) calls the API once. Failures are never kept.
//!
//! ```
//! use std::time::Duration;
//! use wsql::ApiCache;
//!
//! let cache = ApiCache::new(Some(Duration::from_secs(60)));
//! assert!(cache.is_enabled());
//! cache.set_enabled(false); // `\cache off`
//! cache.clear(); // `\cache clear`
//! assert_eq!(cache.stats().hits, 0);
//! ```

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::Result;

/// How long responses are kept when the cache is switched on without a TTL of its own.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

/// Entries past which expired ones are swept on insert, so a long session does not grow forever.
const SWEEP_AT: usize = 4096;

/// What identifies one response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    /// The target the call goes to ([`crate::targets::Target::key`]).
    target: String,
    /// The API operation, e.g. `DescribeWorkspaces`.
    operation: &'static str,
    /// Every request parameter, `NextToken` included, in a canonical rendering.
    parameters: String,
}

impl CacheKey {
    /// The key of one call of `operation` to `target` with `parameters` and `next_token`.
    pub fn new(
        target: &str,
        operation: &'static str,
        parameters: impl std::fmt::Display,
        next_token: Option<&str>,
    ) -> Self {
        Self {
            target: target.to_string(),
            operation,
            parameters: format!("{parameters} NextToken={}", next_token.unwrap_or("-")),
        }
    }
}

/// Counters of the cache since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Calls answered from the cache.
    pub hits: u64,
    /// Calls made while the cache was on (their answers were stored).
    pub misses: u64,
    /// Responses held now, expired ones included until they are swept.
    pub entries: usize,
}

struct Entry {
    stored_at: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

struct State {
    enabled: bool,
    ttl: Duration,
    entries: HashMap<CacheKey, Entry>,
}

/// The response cache. Off unless created with a TTL or switched on.
pub struct ApiCache {
    state: Mutex<State>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for ApiCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("ApiCache")
            .field("enabled", &state.enabled)
            .field("ttl", &state.ttl)
            .field("entries", &state.entries.len())
            .finish()
    }
}

impl Default for ApiCache {
    fn default() -> Self {
        Self::new(None)
    }
}

impl ApiCache {
    /// A cache keeping responses for `ttl`; `None` creates it switched off (with
    /// [`DEFAULT_TTL`] for when it is switched on).
    pub fn new(ttl: Option<Duration>) -> Self {
        Self {
            state: Mutex::new(State {
                enabled: ttl.is_some(),
                ttl: ttl.unwrap_or(DEFAULT_TTL),
                entries: HashMap::new(),
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether calls are answered from and stored into the cache.
    pub fn is_enabled(&self) -> bool {
        self.lock().enabled
    }

    /// Switches the cache on or off. Switching off also forgets every response.
    pub fn set_enabled(&self, enabled: bool) {
        let mut state = self.lock();
        state.enabled = enabled;
        if !enabled {
            state.entries.clear();
        }
    }

    /// How long a response is kept.
    pub fn ttl(&self) -> Duration {
        self.lock().ttl
    }

    /// Changes how long responses are kept, for those already stored too.
    pub fn set_ttl(&self, ttl: Duration) {
        self.lock().ttl = ttl;
    }

    /// Forgets every response (the counters stay).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// Hits, misses and entries so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.lock().entries.len(),
        }
    }

    /// The stored response for `key` if the cache is on and it has not expired.
    fn lookup<T: Clone + Send + Sync + 'static>(&self, key: &CacheKey) -> Option<T> {
        let mut state = self.lock();
        if !state.enabled {
            return None;
        }
        let ttl = state.ttl;
        let entry = state.entries.get(key)?;
        if entry.stored_at.elapsed() >= ttl {
            state.entries.remove(key);
            return None;
        }
        entry.value.downcast_ref::<T>().cloned()
    }

    fn store<T: Send + Sync + 'static>(&self, key: CacheKey, value: T) {
        let mut state = self.lock();
        if !state.enabled {
            return;
        }
        if state.entries.len() >= SWEEP_AT {
            let ttl = state.ttl;
            state.entries.retain(|_, e| e.stored_at.elapsed() < ttl);
        }
        state.entries.insert(
            key,
            Entry {
                stored_at: Instant::now(),
                value: Arc::new(value),
            },
        );
    }

    /// The response for `key`: from the cache when it holds a fresh one, else from `fetch`,
    /// which is then stored if it succeeded and the cache is on.
    pub(crate) async fn get_or_fetch<T, F, Fut>(&self, key: CacheKey, fetch: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if let Some(hit) = self.lookup::<T>(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        let enabled = self.is_enabled();
        let value = fetch().await?;
        if enabled {
            self.misses.fetch_add(1, Ordering::Relaxed);
            self.store(key, value.clone());
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn key(token: Option<&str>) -> CacheKey {
        CacheKey::new("us-east-1", "DescribeThings", "{Limit: 25}", token)
    }

    fn fetch_counting(calls: &AtomicUsize, cache: &ApiCache, k: CacheKey) -> Result<u32> {
        futures::executor::block_on(cache.get_or_fetch(k, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(7u32)
        }))
    }

    #[test]
    fn a_second_identical_call_is_a_hit() {
        let cache = ApiCache::new(Some(Duration::from_secs(60)));
        let calls = AtomicUsize::new(0);
        assert_eq!(fetch_counting(&calls, &cache, key(None)).ok(), Some(7));
        assert_eq!(fetch_counting(&calls, &cache, key(None)).ok(), Some(7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (1, 1, 1));
    }

    #[test]
    fn next_token_is_part_of_the_key() {
        let cache = ApiCache::new(Some(Duration::from_secs(60)));
        let calls = AtomicUsize::new(0);
        let _ = fetch_counting(&calls, &cache, key(None));
        let _ = fetch_counting(&calls, &cache, key(Some("t1")));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn off_by_default_and_when_switched_off() {
        let cache = ApiCache::default();
        let calls = AtomicUsize::new(0);
        let _ = fetch_counting(&calls, &cache, key(None));
        let _ = fetch_counting(&calls, &cache, key(None));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.stats(), CacheStats::default());
        cache.set_enabled(true);
        assert_eq!(cache.ttl(), DEFAULT_TTL);
        let _ = fetch_counting(&calls, &cache, key(None));
        cache.set_enabled(false);
        let _ = fetch_counting(&calls, &cache, key(None));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn entries_expire_and_clear_forgets() {
        let cache = ApiCache::new(Some(Duration::ZERO));
        let calls = AtomicUsize::new(0);
        let _ = fetch_counting(&calls, &cache, key(None));
        let _ = fetch_counting(&calls, &cache, key(None));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "a zero TTL keeps nothing");
        // A longer TTL applies to what is already stored.
        cache.set_ttl(Duration::from_secs(60));
        let _ = fetch_counting(&calls, &cache, key(None));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        cache.clear();
        let _ = fetch_counting(&calls, &cache, key(None));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn failures_are_not_kept() {
        let cache = ApiCache::new(Some(Duration::from_secs(60)));
        let failed: Result<u32> =
            futures::executor::block_on(cache.get_or_fetch(key(None), || async {
                Err(crate::Error::Internal("x".into()))
            }));
        assert!(failed.is_err());
        assert_eq!(cache.stats().entries, 0);
    }
}
