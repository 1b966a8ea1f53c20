//! Per-client token buckets for the mint endpoint, keyed by (client IP, caller).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Bucket size and refill rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests allowed back to back.
    pub burst: u32,
    /// Sustained requests per minute.
    pub per_minute: u32,
}

impl Default for RateLimit {
    /// 20 at once, then 60 a minute: far above a widget's needs (one mint per token lifetime
    /// plus reconnects), low enough to stop a script hammering the Operator API through us.
    fn default() -> Self {
        RateLimit {
            burst: 20,
            per_minute: 60,
        }
    }
}

/// Who a bucket belongs to: the client address and the authorized caller (if any).
pub type ClientKey = (Option<IpAddr>, String);

/// A set of token buckets; stale ones are swept when the map grows.
#[derive(Debug)]
pub struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<ClientKey, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

const SWEEP_ABOVE: usize = 10_000;

impl Limiter {
    /// A limiter with the given limit.
    pub fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            buckets: Mutex::default(),
        }
    }

    /// Takes one token for `key` at `now`; `Err(wait)` when the bucket is empty.
    pub fn check(&self, key: ClientKey, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.limit.burst.max(1));
        let per_sec = f64::from(self.limit.per_minute.max(1)) / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            let full_after = Duration::from_secs_f64(burst / per_sec);
            buckets.retain(|_, b| now.saturating_duration_since(b.updated) < full_after);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(caller: &str) -> ClientKey {
        (Some(IpAddr::from([127, 0, 0, 1])), caller.to_owned())
    }

    #[test]
    fn burst_is_allowed_then_the_next_request_waits() {
        let limiter = Limiter::new(RateLimit {
            burst: 3,
            per_minute: 60,
        });
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(
                limiter.check(key("a"), t0),
                Ok(()),
                "request {i} within burst"
            );
        }
        let wait = limiter
            .check(key("a"), t0)
            .expect_err("fourth request is limited");
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(
            limiter.check(key("a"), t0 + Duration::from_secs(1)),
            Ok(()),
            "refilled"
        );
    }

    #[test]
    fn callers_have_separate_buckets() {
        let limiter = Limiter::new(RateLimit {
            burst: 1,
            per_minute: 1,
        });
        let t0 = Instant::now();
        assert_eq!(limiter.check(key("a"), t0), Ok(()));
        assert!(limiter.check(key("a"), t0).is_err(), "a is limited");
        assert_eq!(limiter.check(key("b"), t0), Ok(()), "b is not limited by a");
    }
}
