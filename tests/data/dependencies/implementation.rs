//! An adapter over the local path crate `semver-core` implementing semver.spec.md.

use std::cmp::Ordering;

use crate::api::SemverApi;
use crate::types::*;

/// Implements [`SemverApi`] with `semver_core`.
#[derive(Debug, Default)]
pub struct Semver {}

fn core(version: &Version) -> semver_core::Parsed {
    semver_core::Parsed {
        numbers: [version.major, version.minor, version.patch],
        pre: version.pre.clone(),
        build: version.build.clone(),
    }
}

fn ours(parsed: semver_core::Parsed) -> Version {
    let [major, minor, patch] = parsed.numbers;
    Version { major, minor, patch, pre: parsed.pre, build: parsed.build }
}

impl SemverApi for Semver {
    fn parse(&self, text: &str) -> Result<Version, SemverError> {
        semver_core::parse(text)
            .map(ours)
            .ok_or_else(|| SemverError::InvalidVersion { text: text.to_string() })
    }

    fn compare(&self, a: &Version, b: &Version) -> Order {
        match semver_core::precedence(&core(a), &core(b)) {
            Ordering::Less => Order::Less,
            Ordering::Equal => Order::Equal,
            Ordering::Greater => Order::Greater,
        }
    }

    fn bump(&self, version: Version, part: Part) -> Version {
        let [major, minor, patch] = version.numbers_after_bump(part);
        Version::new(major, minor, patch)
    }

    fn newest(&self, versions: &[Version]) -> Option<Version> {
        let mut best: Option<&Version> = None;
        for version in versions {
            let better = best.map_or(true, |b| {
                semver_core::precedence(&core(version), &core(b)) == Ordering::Greater
            });
            if better {
                best = Some(version);
            }
        }
        best.cloned()
    }
}

/// Bumping, by the smallest release after the version with zeros after the part.
trait Bump {
    fn numbers_after_bump(&self, part: Part) -> [i64; 3];
}

impl Bump for Version {
    fn numbers_after_bump(&self, part: Part) -> [i64; 3] {
        let pre = self.pre.is_some();
        let (major, minor, patch) = (self.major, self.minor, self.patch);
        match part {
            Part::Major if pre && minor == 0 && patch == 0 => [major, 0, 0],
            Part::Major => [major + 1, 0, 0],
            Part::Minor if pre && patch == 0 => [major, minor, 0],
            Part::Minor => [major, minor + 1, 0],
            Part::Patch if pre => [major, minor, patch],
            Part::Patch => [major, minor, patch + 1],
        }
    }
}
