//! Operator API emulator.
