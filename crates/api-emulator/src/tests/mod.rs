//! In-process route tests (`tower::ServiceExt::oneshot`).
