//! Which link destinations become `<a href>`: `https:`, `http:` and `mailto:` only.

/// The schemes a link may have to become a link (lower case, without the colon).
const ALLOWED: [&str; 3] = ["https", "http", "mailto"];

/// `dest` if it is an absolute `https:`, `http:` or `mailto:` URL, else `None` (the link stays
/// text). Checked the way a browser reads the attribute: leading and trailing spaces and control
/// characters and any tab or newline inside are ignored, and the scheme is case-insensitive, so
/// `JaVa\tScRiPt:` is recognised for what it is. Markdown has already decoded entities
/// (`&#106;avascript:` arrives as `javascript:`).
pub fn safe_href(dest: &str) -> Option<String> {
    let trimmed = dest.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, rest) = cleaned.split_once(':')?;
    let allowed = ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(scheme));
    (allowed && !rest.is_empty()).then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::safe_href;

    #[test]
    fn web_and_mail_links_pass() {
        for url in [
            "https://example.com/returns",
            "http://example.com",
            "mailto:help@example.com",
            "HTTPS://EXAMPLE.COM",
        ] {
            assert_eq!(safe_href(url).as_deref(), Some(url), "{url}");
        }
        assert_eq!(
            safe_href("  https://example.com\n").as_deref(),
            Some("https://example.com")
        );
    }

    #[test]
    fn every_other_scheme_or_a_relative_url_stays_text() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "/relative/path",
            "//evil.example/x",
            "#top",
            "https:",
            "",
        ] {
            assert_eq!(safe_href(url), None, "{url:?}");
        }
    }
}
