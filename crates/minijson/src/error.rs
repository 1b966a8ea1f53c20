//! The parse error.

/// Why a text is not JSON: a short message and the byte offset where parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at byte {offset}")]
pub struct Error {
    message: &'static str,
    offset: usize,
}

impl Error {
    pub(crate) fn new(message: &'static str, offset: usize) -> Self {
        Error { message, offset }
    }

    /// What is wrong, e.g. "expected `,` or `}`".
    pub fn message(&self) -> &'static str {
        self.message
    }

    /// The byte offset in the input where the problem was found.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_problem_and_the_byte_offset() {
        let err = Error::new("trailing characters", 7);
        assert_eq!(
            err.to_string(),
            "trailing characters at byte 7",
            "display text"
        );
        assert_eq!(
            (err.message(), err.offset()),
            ("trailing characters", 7),
            "accessors"
        );
    }
}
