//! Exponential backoff with full jitter, with an injected random source.

/// A source of uniform random numbers in `[0, 1)`. Injected so tests are deterministic; the
/// browser adapter can wrap `Math.random`.
pub trait RandomSource {
    /// The next number in `[0, 1)`.
    fn next_unit(&mut self) -> f64;
}

/// A tiny deterministic generator (SplitMix64), good enough for jitter.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl RandomSource for SplitMix64 {
    fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Backoff parameters. Defaults: base 500 ms, factor 2, cap 30 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Ceiling of the first retry's delay.
    pub base_ms: u64,
    /// Growth per attempt.
    pub factor: u64,
    /// Largest ceiling.
    pub cap_ms: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base_ms: 500,
            factor: 2,
            cap_ms: 30_000,
        }
    }
}

impl Backoff {
    /// The largest delay for retry `attempt` (1-based): `min(cap, base × factor^(attempt-1))`.
    pub fn ceiling_ms(&self, attempt: u32) -> u64 {
        let growth = self.factor.saturating_pow(attempt.saturating_sub(1));
        self.base_ms.saturating_mul(growth).min(self.cap_ms)
    }

    /// Full jitter: uniform in `[0, ceiling]`, but never less than `floor_ms` (Retry-After).
    pub fn delay_ms(
        &self,
        attempt: u32,
        random: &mut dyn RandomSource,
        floor_ms: Option<u64>,
    ) -> u64 {
        let ceiling = self.ceiling_ms(attempt);
        let unit = random.next_unit();
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let jittered = ((ceiling as f64 + 1.0) * unit) as u64;
        jittered.min(ceiling).max(floor_ms.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(f64);
    impl RandomSource for Fixed {
        fn next_unit(&mut self) -> f64 {
            self.0
        }
    }

    #[test]
    fn ceilings_double_from_500ms_and_stop_at_30s() {
        let b = Backoff::default();
        let ceilings: Vec<u64> = (1..=8).map(|a| b.ceiling_ms(a)).collect();
        assert_eq!(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(
            b.ceiling_ms(u32::MAX),
            30_000,
            "huge attempts saturate, no overflow"
        );
    }

    #[test]
    fn jitter_stays_within_zero_and_the_ceiling() {
        let b = Backoff::default();
        let mut rng = SplitMix64(42);
        for attempt in 1..=12 {
            for _ in 0..500 {
                let d = b.delay_ms(attempt, &mut rng, None);
                assert!(
                    d <= b.ceiling_ms(attempt),
                    "attempt {attempt}: {d} over ceiling"
                );
            }
        }
        assert_eq!(b.delay_ms(3, &mut Fixed(0.0), None), 0);
        assert_eq!(b.delay_ms(3, &mut Fixed(0.999_999_999), None), 2000);
        assert_eq!(
            b.delay_ms(3, &mut Fixed(f64::NAN), None),
            0,
            "bad randomness is not a panic"
        );
    }

    #[test]
    fn jitter_spreads_over_the_range() {
        let b = Backoff::default();
        let mut rng = SplitMix64(7);
        let delays: Vec<u64> = (0..1000).map(|_| b.delay_ms(5, &mut rng, None)).collect();
        assert!(delays.iter().any(|&d| d < 2000), "some short delays");
        assert!(delays.iter().any(|&d| d > 6000), "some long delays");
    }

    #[test]
    fn retry_after_is_a_floor_even_above_the_cap() {
        let b = Backoff::default();
        assert_eq!(b.delay_ms(1, &mut Fixed(0.0), Some(2000)), 2000);
        assert_eq!(b.delay_ms(9, &mut Fixed(0.0), Some(45_000)), 45_000);
        assert_eq!(b.delay_ms(9, &mut Fixed(0.99), Some(10)), 29_700);
    }
}
