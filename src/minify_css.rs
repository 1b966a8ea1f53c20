//! A conservative CSS minifier for the stylesheets compiled into the widget (used by
//! `build.rs`): drops comments, collapses runs of whitespace to one space and removes the
//! whitespace next to `{`, `}` and `;`. Quoted strings are copied unchanged. Nothing else is
//! rewritten, so selectors (`.a :hover` vs `.a:hover`) and values (`calc(1px - 2px)`) keep
//! their meaning.

/// `css` without comments and redundant whitespace.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = '\0';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                push_space(&mut out, &mut pending_space, c);
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == c {
                        break;
                    }
                }
            }
            c => {
                push_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out
}

/// Writes the space owed before `next`, unless it is next to a brace or semicolon.
fn push_space(out: &mut String, pending: &mut bool, next: char) {
    let tight = |c: char| matches!(c, '{' | '}' | ';');
    if *pending && !out.is_empty() && !out.ends_with(tight) && !tight(next) {
        out.push(' ');
    }
    *pending = false;
}

#[cfg(test)]
mod tests {
    use super::minify_css;

    #[test]
    fn comments_and_indentation_go_and_rules_keep_their_meaning() {
        let css = "/* header\n * more */\n.a .b:hover > .c {\n  color: red; /* why */\n  margin: calc(1px - 2px) 0;\n}\n\n@media (min-width: 481px) {\n  .d :not(.e) { top: 0; }\n}\n";
        assert_eq!(
            minify_css(css),
            ".a .b:hover > .c{color: red;margin: calc(1px - 2px) 0;}@media (min-width: 481px){.d :not(.e){top: 0;}}"
        );
    }

    #[test]
    fn quoted_strings_are_copied_unchanged() {
        let css = ".a::before { content: \"/* not  a comment */\"; }\n.b[dir='r  tl'] { content: \"\\\"  x\"; }";
        assert_eq!(
            minify_css(css),
            ".a::before{content: \"/* not  a comment */\";}.b[dir='r  tl']{content: \"\\\"  x\";}"
        );
    }

    #[test]
    fn an_unterminated_comment_ends_the_sheet() {
        assert_eq!(minify_css(".a { top: 0; } /* open"), ".a{top: 0;}");
    }
}
