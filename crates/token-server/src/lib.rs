//! Token server (filled by its own issue).
