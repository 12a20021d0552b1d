// An adapter over npm's `semver` (a declared dependency) implementing semver.spec.md.
import semver from "semver";
import type { SemverApi } from "./api.js";
import { InvalidVersion, type Order, type Part, type Version } from "./types.js";

/** The version as npm's semver reads it. */
function text(version: Version): string {
  const pre = version.pre === undefined ? "" : `-${version.pre}`;
  const build = version.build === undefined ? "" : `+${version.build}`;
  return `${version.major}.${version.minor}.${version.patch}${pre}${build}`;
}

export class Semver implements SemverApi {
  parse(text: string): Version {
    // npm's semver also reads `v1.2.3`, `=1.2.3` and surrounding whitespace; the spec does not.
    const strict = text === text.trim() && /^[0-9]/.test(text);
    const parsed = strict ? semver.parse(text) : null;
    if (parsed === null) throw new InvalidVersion({ text });
    const version: Version = { major: parsed.major, minor: parsed.minor, patch: parsed.patch };
    if (parsed.prerelease.length > 0) version.pre = parsed.prerelease.join(".");
    if (parsed.build.length > 0) version.build = parsed.build.join(".");
    return version;
  }

  compare(a: Version, b: Version): Order {
    const orders: Order[] = ["less", "equal", "greater"];
    return orders[semver.compare(text(a), text(b)) + 1];
  }

  bump(version: Version, part: Part): Version {
    const bumped = semver.inc(text(version), part);
    if (bumped === null) throw new Error(`cannot bump ${text(version)}`);
    return this.parse(bumped);
  }

  newest(versions: Version[]): Version | undefined {
    let best: Version | undefined;
    for (const version of versions) {
      if (best === undefined || semver.compare(text(version), text(best)) > 0) best = version;
    }
    return best;
  }
}
