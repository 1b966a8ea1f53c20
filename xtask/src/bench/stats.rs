//! Percentiles and spreads of measured samples.

/// Percentile `q` (0..=1) of `sorted` by linear interpolation between closest ranks; `None` when
/// there are no samples.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = q.clamp(0.0, 1.0) * last as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

/// The finite values of `values`, sorted ascending.
pub fn sorted(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Distribution of one set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of (finite) samples.
    pub n: usize,
    pub min: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Summary {
    /// Summary of `values` (non-finite values are dropped); `None` when nothing is left.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let v = sorted(values);
        let p = |q| percentile(&v, q);
        Some(Self {
            n: v.len(),
            min: *v.first()?,
            p10: p(0.10)?,
            p50: p(0.50)?,
            p90: p(0.90)?,
            p99: p(0.99)?,
            max: *v.last()?,
        })
    }
}

/// Median and range of one figure measured once per run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// Number of runs.
    pub runs: usize,
}

impl Spread {
    /// Median, min and max over runs; `None` without any finite value.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let s = Summary::of(values)?;
        Some(Self {
            median: s.p50,
            min: s.min,
            max: s.max,
            runs: s.n,
        })
    }

    /// `12.3 (11.0–14.2)` with `decimals` digits; the range is left out for a single run.
    pub fn show(&self, decimals: usize) -> String {
        if self.runs <= 1 || self.min == self.max {
            format!("{:.*}", decimals, self.median)
        } else {
            format!(
                "{:.*} ({:.*}–{:.*})",
                decimals, self.median, decimals, self.min, decimals, self.max
            )
        }
    }
}

/// `show` of an optional spread, `–` when nothing was measured.
pub fn show(spread: Option<Spread>, decimals: usize) -> String {
    spread.map_or_else(|| "–".to_string(), |s| s.show(decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_interpolates_between_closest_ranks() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 1.0), Some(4.0));
        assert_eq!(percentile(&v, 0.5), Some(2.5));
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn summary_sorts_and_drops_non_finite_samples() {
        let s = Summary::of([5.0, f64::NAN, 1.0, 3.0, f64::INFINITY]).expect("samples");
        assert_eq!((s.n, s.min, s.p50, s.max), (3, 1.0, 3.0, 5.0));
        assert!(Summary::of([f64::NAN]).is_none());
    }

    #[test]
    fn p99_of_a_hundred_samples_is_near_the_top() {
        let s = Summary::of((1..=100).map(f64::from)).expect("samples");
        assert!((s.p99 - 99.01).abs() < 1e-9, "{}", s.p99);
        assert!((s.p10 - 10.9).abs() < 1e-9, "{}", s.p10);
    }

    #[test]
    fn spread_shows_median_and_range_over_runs() {
        let s = Spread::of([3.0, 1.0, 2.0]).expect("runs");
        assert_eq!(s.show(1), "2.0 (1.0–3.0)");
        assert_eq!(Spread::of([4.0]).expect("one run").show(0), "4");
        assert_eq!(show(None, 1), "–");
    }
}
