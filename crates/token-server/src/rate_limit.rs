//! Token buckets for the dev server: one per client address (IPv6 grouped by /64), checked
//! before auth, then one per authorized caller. Each map is bounded and swept on a timer, and a
//! request costs one hash lookup (amortized O(1)).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, Weak};
use std::time::{Duration, Instant};

/// Bucket size and refill rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests allowed back to back.
    pub burst: u32,
    /// Sustained requests per minute.
    pub per_minute: u32,
}

impl RateLimit {
    /// Per caller: 20 at once, then 60 a minute. Far above a widget's needs (one mint per token
    /// lifetime plus reconnects), low enough to stop a script hammering Operator through us.
    pub const PER_CALLER: RateLimit = RateLimit {
        burst: 20,
        per_minute: 60,
    };

    /// Per client address (IPv4 address or IPv6 /64), mints and demo logins together: 30 at
    /// once, then 60 a minute, however many identities the address holds.
    pub const PER_ADDRESS: RateLimit = RateLimit {
        burst: 30,
        per_minute: 60,
    };

    /// How long an untouched bucket takes to refill completely (then it equals a new one).
    pub fn full_after(&self) -> Duration {
        Duration::from_secs_f64(
            f64::from(self.burst.max(1)) * 60.0 / f64::from(self.per_minute.max(1)),
        )
    }
}

impl Default for RateLimit {
    /// [`RateLimit::PER_CALLER`].
    fn default() -> Self {
        RateLimit::PER_CALLER
    }
}

/// The address a bucket belongs to: an IPv4 address, the /64 prefix of an IPv6 address (one
/// subscriber usually holds a whole /64), or `Unknown` when the peer address is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An IPv4 peer (IPv4-mapped IPv6 addresses included).
    V4([u8; 4]),
    /// The first 64 bits of an IPv6 peer.
    V6Prefix([u8; 8]),
    /// No peer address (e.g. a router driven without `ConnectInfo`): all such share a bucket.
    Unknown,
}

impl ClientKey {
    /// The bucket key of a peer address.
    pub fn of(ip: Option<IpAddr>) -> ClientKey {
        match ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(v4)) => ClientKey::V4(v4.octets()),
            Some(IpAddr::V6(v6)) => {
                let mut prefix = [0u8; 8];
                prefix.copy_from_slice(&v6.octets()[..8]);
                ClientKey::V6Prefix(prefix)
            }
            None => ClientKey::Unknown,
        }
    }
}

/// Keys kept per generation by default (two generations at most: 200,000 buckets).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A bounded set of token buckets keyed by `K`.
///
/// Buckets live in two generations. A request looks its key up in the current one (moving it
/// there from the previous one); [`sweep`](Limiter::sweep), run on a timer every
/// [`sweep_every`](Limiter::sweep_every), drops the previous generation and starts a new
/// current one. A bucket untouched for a whole period has refilled, so dropping it loses
/// nothing. When the current generation reaches its capacity it is rotated at once, so the
/// map never holds more than twice the capacity.
#[derive(Debug)]
pub struct Limiter<K> {
    limit: RateLimit,
    capacity: usize,
    generations: Mutex<Generations<K>>,
}

#[derive(Debug)]
struct Generations<K> {
    current: HashMap<K, Bucket>,
    previous: HashMap<K, Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl<K: Eq + Hash> Limiter<K> {
    /// A limiter with the given limit and [`DEFAULT_CAPACITY`].
    pub fn new(limit: RateLimit) -> Self {
        Self::with_capacity(limit, DEFAULT_CAPACITY)
    }

    /// A limiter keeping at most `capacity` keys per generation.
    pub fn with_capacity(limit: RateLimit, capacity: usize) -> Self {
        Limiter {
            limit,
            capacity: capacity.max(1),
            generations: Mutex::new(Generations {
                current: HashMap::new(),
                previous: HashMap::new(),
            }),
        }
    }

    /// Takes one token for `key` at `now`; `Err(wait)` when the bucket is empty.
    pub fn check(&self, key: K, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.limit.burst.max(1));
        let per_sec = f64::from(self.limit.per_minute.max(1)) / 60.0;
        let mut gens = self.lock();
        let dropped = (gens.current.len() >= self.capacity && !gens.current.contains_key(&key))
            .then(|| rotate(&mut gens));
        let Generations { current, previous } = &mut *gens;
        let bucket = current.entry(key).or_insert_with_key(|key| {
            previous.remove(key).unwrap_or(Bucket {
                tokens: burst,
                updated: now,
            })
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(burst);
        bucket.updated = now;
        let result = if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        };
        drop(gens);
        // The dropped generation is freed after the lock is released.
        drop(dropped);
        result
    }

    /// Drops the previous generation and starts a new current one (the timer's job).
    pub fn sweep(&self) {
        let dropped = rotate(&mut self.lock());
        drop(dropped);
    }

    /// How often to [`sweep`](Limiter::sweep): the time a bucket takes to refill, between
    /// one second and ten minutes.
    pub fn sweep_every(&self) -> Duration {
        self.limit
            .full_after()
            .clamp(Duration::from_secs(1), Duration::from_secs(600))
    }

    /// How many buckets are held (both generations).
    pub fn len(&self) -> usize {
        let gens = self.lock();
        gens.current.len() + gens.previous.len()
    }

    /// Whether no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations<K>> {
        self.generations.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Sweeps `limiter` every `every` on the current tokio runtime until the limiter is dropped.
/// Without a runtime nothing is spawned (the capacity still bounds the map).
pub fn spawn_sweeper<K>(limiter: Weak<Limiter<K>>, every: Duration)
where
    K: Eq + Hash + Send + Sync + 'static,
{
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            ticks.tick().await;
            match limiter.upgrade() {
                Some(limiter) => limiter.sweep(),
                None => break,
            }
        }
    });
}

/// Makes the current generation the previous one; returns the generation that is dropped.
fn rotate<K>(gens: &mut Generations<K>) -> HashMap<K, Bucket> {
    let current = std::mem::take(&mut gens.current);
    std::mem::replace(&mut gens.previous, current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;
    use std::sync::Arc;

    fn limit(burst: u32, per_minute: u32) -> RateLimit {
        RateLimit { burst, per_minute }
    }

    #[test]
    fn burst_is_allowed_then_the_next_request_waits() {
        let limiter = Limiter::new(limit(3, 60));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.check("a", t0), Ok(()), "request {i} within burst");
        }
        let wait = limiter
            .check("a", t0)
            .expect_err("fourth request is limited");
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(
            limiter.check("a", t0 + Duration::from_secs(1)),
            Ok(()),
            "refilled"
        );
    }

    #[test]
    fn keys_have_separate_buckets() {
        let limiter = Limiter::new(limit(1, 1));
        let t0 = Instant::now();
        assert_eq!(limiter.check("a", t0), Ok(()));
        assert!(limiter.check("a", t0).is_err(), "a is limited");
        assert_eq!(limiter.check("b", t0), Ok(()), "b is not limited by a");
    }

    #[test]
    fn ipv6_addresses_of_one_slash_64_share_a_key_and_mapped_ipv4_is_ipv4() {
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff:eeee:dddd:cccc".parse().unwrap();
        let other: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::of(Some(a.into())), ClientKey::of(Some(b.into())));
        assert_ne!(
            ClientKey::of(Some(a.into())),
            ClientKey::of(Some(other.into()))
        );
        let mapped: Ipv6Addr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(
            ClientKey::of(Some(mapped.into())),
            ClientKey::V4([192, 0, 2, 7])
        );
        assert_eq!(ClientKey::of(None), ClientKey::Unknown);
    }

    #[test]
    fn the_map_never_holds_more_than_two_generations_of_keys() {
        let limiter = Limiter::with_capacity(limit(5, 60), 100);
        let t0 = Instant::now();
        for i in 0..1_000 {
            limiter.check(i, t0).unwrap();
            assert!(
                limiter.len() <= 200,
                "{} buckets after {i} keys",
                limiter.len()
            );
        }
    }

    #[test]
    fn a_sweep_keeps_buckets_in_use_and_two_sweeps_drop_idle_ones() {
        let limiter = Limiter::new(limit(1, 1));
        let t0 = Instant::now();
        limiter.check("busy", t0).unwrap();
        limiter.sweep();
        assert!(
            limiter.check("busy", t0).is_err(),
            "one sweep does not refill a bucket in use"
        );
        limiter.sweep();
        limiter.sweep();
        assert!(
            limiter.is_empty(),
            "idle buckets are swept: {}",
            limiter.len()
        );
    }

    #[test]
    fn the_sweep_period_is_the_refill_time_within_bounds() {
        assert_eq!(
            Limiter::<u8>::new(RateLimit::PER_CALLER).sweep_every(),
            Duration::from_secs(20)
        );
        assert_eq!(
            Limiter::<u8>::new(limit(1, 6000)).sweep_every(),
            Duration::from_secs(1)
        );
        assert_eq!(
            Limiter::<u8>::new(limit(1_000_000, 1)).sweep_every(),
            Duration::from_secs(600)
        );
    }

    #[tokio::test]
    async fn the_sweeper_empties_idle_buckets_on_its_timer_and_stops_with_the_limiter() {
        let limiter = Arc::new(Limiter::new(limit(5, 60)));
        limiter.check("idle", Instant::now()).unwrap();
        spawn_sweeper(Arc::downgrade(&limiter), Duration::from_millis(20));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !limiter.is_empty() {
            assert!(Instant::now() < deadline, "the sweeper never ran");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
