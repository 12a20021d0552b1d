//! A small semver.org 2.0.0 parser and ordering: the local path crate the test's adapter uses.

use std::cmp::Ordering;

/// A parsed version: major, minor and patch, a pre-release label and build metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub numbers: [i64; 3],
    pub pre: Option<String>,
    pub build: Option<String>,
}

fn number(text: &str) -> Option<i64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}

fn identifiers(text: &str, no_leading_zero: bool) -> bool {
    text.split('.').all(|id| {
        let numeric = id.bytes().all(|b| b.is_ascii_digit());
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !(no_leading_zero && numeric && id.len() > 1 && id.starts_with('0'))
    })
}

/// Parse exactly the semver.org grammar.
pub fn parse(text: &str) -> Option<Parsed> {
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) if identifiers(build, false) => (rest, Some(build.to_string())),
        Some(_) => return None,
        None => (text, None),
    };
    let (numbers, pre) = match rest.split_once('-') {
        Some((numbers, pre)) if identifiers(pre, true) => (numbers, Some(pre.to_string())),
        Some(_) => return None,
        None => (rest, None),
    };
    let parts: Vec<Option<i64>> = numbers.split('.').map(number).collect();
    match parts[..] {
        [Some(a), Some(b), Some(c)] => Some(Parsed { numbers: [a, b, c], pre, build }),
        _ => None,
    }
}

fn identifier_order(a: &str, b: &str) -> Ordering {
    let numeric = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    match (numeric(a), numeric(b)) {
        (true, true) => (a.len(), a).cmp(&(b.len(), b)),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// Order two versions by semver.org precedence (build metadata ignored).
pub fn precedence(a: &Parsed, b: &Parsed) -> Ordering {
    a.numbers.cmp(&b.numbers).then_with(|| match (&a.pre, &b.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let (left, right): (Vec<&str>, Vec<&str>) = (x.split('.').collect(), y.split('.').collect());
            left.iter()
                .zip(&right)
                .map(|(p, q)| identifier_order(p, q))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(left.len().cmp(&right.len()))
        }
    })
}
