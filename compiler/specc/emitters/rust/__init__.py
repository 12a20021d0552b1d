"""The Rust target: a dependency-free crate with types, a trait, a scaffold and `#[test]`s."""
