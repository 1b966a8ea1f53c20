//! `cargo xtask bench`: transfer size, streaming latency, long transcripts, reconnect and
//! replay, load to interactive, the widget on a host page beside its peers, and server capacity,
//! measured in one run and written to `target/bench/`.
//!
//! The node scripts in `xtask/bench/` measure and write raw samples; the modules here summarise them
//! (percentiles, medians over runs), print the tables and write the Markdown, JSON and SVG.

mod capacity;
mod embed;
mod load;
mod machine;
mod output;
mod replay;
mod run;
mod section;
mod servers;
mod size;
mod snapshot;
mod stats;
mod streaming;
mod svg;
mod table;
mod transcript;

pub use run::run;
