//! See ARCHITECTURE.md; not built yet.
