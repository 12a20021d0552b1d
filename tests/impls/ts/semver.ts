// A correct hand-written implementation of specs/semver.spec.md (semver.org 2.0.0).
import type { SemverApi } from "./api.js";
import { InvalidVersion, type Order, type Part, type Version } from "./types.js";

const NUMBER = "(0|[1-9][0-9]*)";
const PRE_IDENTIFIER = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
const VERSION = new RegExp(
  `^${NUMBER}\\.${NUMBER}\\.${NUMBER}` +
    `(?:-(${PRE_IDENTIFIER}(?:\\.${PRE_IDENTIFIER})*))?` +
    "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$",
);

function sign(difference: number): number {
  return Math.sign(difference);
}

/** Order two pre-release identifiers: numbers numerically, before words. */
function identifierOrder(a: string, b: string): number {
  const numeric = (x: string) => /^[0-9]+$/.test(x);
  if (numeric(a) && numeric(b)) return sign(Number(a) - Number(b));
  if (numeric(a) || numeric(b)) return numeric(a) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Return -1, 0 or 1 as `a` orders before, with or after `b`. */
function order(a: Version, b: Version): number {
  for (const [x, y] of [[a.major, b.major], [a.minor, b.minor], [a.patch, b.patch]]) {
    if (x !== y) return sign(x - y);
  }
  if (a.pre === undefined || b.pre === undefined) {
    return Number(a.pre === undefined) - Number(b.pre === undefined);
  }
  const left = a.pre.split(".");
  const right = b.pre.split(".");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const found = identifierOrder(left[i], right[i]);
    if (found !== 0) return found;
  }
  return sign(left.length - right.length);
}

export class Semver implements SemverApi {
  parse(text: string): Version {
    // `$` alone would also match before a final line break.
    const match = text.includes("\n") ? null : VERSION.exec(text);
    if (match === null) throw new InvalidVersion({ text });
    const version: Version = { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
    if (match[4] !== undefined) version.pre = match[4];
    if (match[5] !== undefined) version.build = match[5];
    return version;
  }

  compare(a: Version, b: Version): Order {
    const found = order(a, b);
    return found < 0 ? "less" : found > 0 ? "greater" : "equal";
  }

  bump(version: Version, part: Part): Version {
    const { major, minor, patch } = version;
    const pre = version.pre !== undefined;
    if (part === "major") {
      return { major: pre && minor === 0 && patch === 0 ? major : major + 1, minor: 0, patch: 0 };
    }
    if (part === "minor") {
      return { major, minor: pre && patch === 0 ? minor : minor + 1, patch: 0 };
    }
    return { major, minor, patch: pre ? patch : patch + 1 };
  }

  newest(versions: Version[]): Version | undefined {
    let best: Version | undefined;
    for (const version of versions) {
      if (best === undefined || order(version, best) > 0) best = version;
    }
    return best;
  }
}
