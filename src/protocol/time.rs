//! A tiny RFC 3339 date-time parser: enough for `created_at` and `expires_at`, no date crate.

use super::ProtocolError;

/// Parses an RFC 3339 date-time (`2025-07-01T12:00:00Z`, `…T12:00:00.250+02:00`) into Unix
/// milliseconds (UTC). Fractions beyond milliseconds are truncated; leap second `:60` is accepted
/// as `:59`. Anything else is an [`ProtocolError::InvalidTimestamp`].
///
/// ```
/// use operator_chat::protocol::parse_rfc3339_millis;
/// assert_eq!(parse_rfc3339_millis("2025-07-01T12:00:00Z"), Ok(1_751_371_200_000));
/// assert!(parse_rfc3339_millis("yesterday").is_err());
/// ```
pub fn parse_rfc3339_millis(text: &str) -> Result<i64, ProtocolError> {
    parse(text.as_bytes()).ok_or_else(|| ProtocolError::InvalidTimestamp(text.to_owned()))
}

fn parse(b: &[u8]) -> Option<i64> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?.min(59);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if rest.first() == Some(&b'.') {
        let frac_len = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac_len == 0 {
            return None;
        }
        let frac = &rest[1..1 + frac_len];
        for i in 0..3 {
            millis = millis * 10 + frac.get(i).map_or(0, |d| i64::from(d - b'0'));
        }
        rest = &rest[1 + frac_len..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(secs * 1000 + millis)
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339_millis as p;

    #[test]
    fn utc_timestamps_match_known_unix_times() {
        assert_eq!(p("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(p("2025-07-01T15:00:00Z"), Ok(1_751_382_000_000));
        assert_eq!(p("2000-02-29T23:59:59Z"), Ok(951_868_799_000));
        assert_eq!(p("1969-12-31T23:00:00Z"), Ok(-3_600_000));
    }

    #[test]
    fn fractions_are_read_as_milliseconds() {
        assert_eq!(p("1970-01-01T00:00:01.5Z"), Ok(1500));
        assert_eq!(p("1970-01-01T00:00:01.123456789Z"), Ok(1123));
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(p("1970-01-01T02:00:00+02:00"), Ok(0));
        assert_eq!(p("1969-12-31T19:30:00-04:30"), Ok(0));
        assert_eq!(p("1970-01-01t00:00:00z"), Ok(0));
    }

    #[test]
    fn invalid_dates_and_shapes_are_rejected() {
        for bad in [
            "",
            "2025-07-01",
            "2025-07-01T12:00:00",
            "2025-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2025-07-01T24:00:00Z",
            "2025-07-01T12:00:00.Z",
            "2025-07-01T12:00:00+0200",
            "2025-07-01X12:00:00Z",
            "２025-07-01T12:00:00Z",
            "2025-07-01T12:00:00Zjunk",
        ] {
            assert!(p(bad).is_err(), "`{bad}` should be rejected");
        }
    }
}
