// Scaffolded once by specc from semver.spec.md; yours to edit: specc never overwrites it.
//! The implementation of semver.spec.md: replace each `todo!` with the real thing.
//!
//! `specc test --target rust` reports an operation as not implemented while it panics with
//! "not implemented: rule <id>". The conformance tests build [`Semver`] with `Default`.

use crate::api::SemverApi;
use crate::types::*;

/// Implements [`SemverApi`], one method per rule of the spec.
#[derive(Debug, Default)]
pub struct Semver {}

impl SemverApi for Semver {
    fn parse(&self, _text: &str) -> Result<Version, SemverError> {
        todo!("not implemented: rule parse")
    }

    fn compare(&self, _a: &Version, _b: &Version) -> Order {
        todo!("not implemented: rule compare")
    }

    fn bump(&self, _version: Version, _part: Part) -> Version {
        todo!("not implemented: rule bump")
    }

    fn newest(&self, _versions: &[Version]) -> Option<Version> {
        todo!("not implemented: rule newest")
    }
}
