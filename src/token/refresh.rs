//! When to refresh a token ahead of its expiry.

/// Milliseconds from `now_ms` until the token should be refreshed: at 80 % of the remaining
/// lifetime or 60 s before `expires_at_ms`, whichever comes first, but never sooner than half the
/// remaining lifetime (so a short-lived token cannot cause a refresh loop).
///
/// Returns `None` when the token already looks expired (e.g. clock skew): then the widget relies on
/// the service rejecting the token instead of refreshing in a tight loop.
///
/// ```
/// use operator_chat::token::refresh_delay_ms;
/// let three_hours = 3 * 3600 * 1000;
/// assert_eq!(refresh_delay_ms(0, three_hours), Some(three_hours as u64 * 8 / 10));
/// assert_eq!(refresh_delay_ms(0, 100_000), Some(50_000)); // 60 s before would be 40 s
/// assert_eq!(refresh_delay_ms(5, 5), None);
/// ```
pub fn refresh_delay_ms(now_ms: i64, expires_at_ms: i64) -> Option<u64> {
    let remaining = u64::try_from(expires_at_ms.checked_sub(now_ms)?).ok()?;
    if remaining == 0 {
        return None;
    }
    let at_80_percent = remaining / 10 * 8 + remaining % 10 * 8 / 10;
    let minute_before = remaining.saturating_sub(60_000);
    Some(at_80_percent.min(minute_before).max(remaining / 2))
}

#[cfg(test)]
mod tests {
    use super::refresh_delay_ms;

    #[test]
    fn long_lived_tokens_refresh_at_eighty_percent() {
        assert_eq!(refresh_delay_ms(1_000, 1_000 + 10_000_000), Some(8_000_000));
    }

    #[test]
    fn medium_tokens_refresh_a_minute_before_expiry() {
        assert_eq!(refresh_delay_ms(0, 200_000), Some(140_000));
    }

    #[test]
    fn short_tokens_refresh_at_half_life_not_immediately() {
        assert_eq!(refresh_delay_ms(0, 30_000), Some(15_000));
        assert_eq!(refresh_delay_ms(0, 1), Some(0));
    }

    #[test]
    fn expired_or_skewed_tokens_get_no_proactive_refresh() {
        assert_eq!(refresh_delay_ms(10, 5), None);
        assert_eq!(
            refresh_delay_ms(i64::MIN, i64::MAX),
            None,
            "overflow is not a panic"
        );
    }
}
