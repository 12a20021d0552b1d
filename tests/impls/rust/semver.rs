//! A correct hand-written implementation of specs/semver.spec.md (semver.org 2.0.0).

use std::cmp::Ordering;

use crate::api::SemverApi;
use crate::types::*;

/// Implements [`SemverApi`].
#[derive(Debug, Default)]
pub struct Semver {}

/// Parse a number: `0` or digits without a leading zero.
fn number(text: &str) -> Option<i64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}

/// Whether `text` is dot-separated identifiers of ASCII letters, digits and `-`.
fn identifiers(text: &str, numbers_without_zero: bool) -> bool {
    text.split('.').all(|id| {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
        let numeric = id.bytes().all(|b| b.is_ascii_digit());
        !id.is_empty()
            && id.bytes().all(word)
            && !(numbers_without_zero && numeric && id.len() > 1 && id.starts_with('0'))
    })
}

/// Order two pre-release identifiers: numbers numerically, before words.
fn identifier_order(a: &str, b: &str) -> Ordering {
    let numeric = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    match (numeric(a), numeric(b)) {
        (true, true) => (a.len(), a).cmp(&(b.len(), b)),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

fn order(a: &Version, b: &Version) -> Ordering {
    let numbers = (a.major, a.minor, a.patch).cmp(&(b.major, b.minor, b.patch));
    numbers.then_with(|| match (&a.pre, &b.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let (left, right): (Vec<&str>, Vec<&str>) =
                (x.split('.').collect(), y.split('.').collect());
            left.iter()
                .zip(&right)
                .map(|(p, q)| identifier_order(p, q))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(left.len().cmp(&right.len()))
        }
    })
}

impl SemverApi for Semver {
    fn parse(&self, text: &str) -> Result<Version, SemverError> {
        let invalid = || SemverError::InvalidVersion {
            text: text.to_string(),
        };
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) if identifiers(build, false) => (rest, Some(build.to_string())),
            Some(_) => return Err(invalid()),
            None => (text, None),
        };
        let (numbers, pre) = match rest.split_once('-') {
            Some((numbers, pre)) if identifiers(pre, true) => (numbers, Some(pre.to_string())),
            Some(_) => return Err(invalid()),
            None => (rest, None),
        };
        let parts: Vec<Option<i64>> = numbers.split('.').map(number).collect();
        match parts[..] {
            [Some(major), Some(minor), Some(patch)] => Ok(Version {
                major,
                minor,
                patch,
                pre,
                build,
            }),
            _ => Err(invalid()),
        }
    }

    fn compare(&self, a: &Version, b: &Version) -> Order {
        match order(a, b) {
            Ordering::Less => Order::Less,
            Ordering::Equal => Order::Equal,
            Ordering::Greater => Order::Greater,
        }
    }

    fn bump(&self, version: Version, part: Part) -> Version {
        let Version {
            major,
            minor,
            patch,
            pre,
            ..
        } = version;
        let pre = pre.is_some();
        match part {
            Part::Major if pre && minor == 0 && patch == 0 => Version::new(major, 0, 0),
            Part::Major => Version::new(major + 1, 0, 0),
            Part::Minor if pre && patch == 0 => Version::new(major, minor, 0),
            Part::Minor => Version::new(major, minor + 1, 0),
            Part::Patch if pre => Version::new(major, minor, patch),
            Part::Patch => Version::new(major, minor, patch + 1),
        }
    }

    fn newest(&self, versions: &[Version]) -> Option<Version> {
        let mut best: Option<&Version> = None;
        for version in versions {
            if best.map_or(true, |b| order(version, b) == Ordering::Greater) {
                best = Some(version);
            }
        }
        best.cloned()
    }
}
