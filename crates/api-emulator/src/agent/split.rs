//! Splitting a reply into `agent.message.delta` fragments on word boundaries.

/// Word counts of consecutive deltas, cycled: 2, 1, 3, 2, 1, 3, …
const PATTERN: [usize; 3] = [2, 1, 3];

/// Splits `text` into fragments of 1–3 words each (a word keeps its trailing whitespace), so
/// the fragments joined in order equal `text`. Empty text gives no fragments.
pub fn split_deltas(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < words.len() {
        let n = PATTERN[k % PATTERN.len()].min(words.len() - i);
        out.push(words[i..i + n].concat());
        i += n;
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_join_back_to_the_text_and_hold_one_to_three_words() {
        for text in [
            "Hello there, how are you doing today?",
            "one",
            "a  b",
            "",
            "x y z w v u t",
        ] {
            let parts = split_deltas(text);
            assert_eq!(parts.concat(), text, "joined deltas equal {text:?}");
            for p in &parts {
                let words = p.split_whitespace().count();
                assert!(words <= 3, "{p:?} has at most 3 words");
            }
        }
        assert_eq!(split_deltas("a b c d"), vec!["a b ", "c ", "d"]);
    }
}
