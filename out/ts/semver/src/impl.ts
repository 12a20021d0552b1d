// Scaffolded once by specc from semver.spec.md; yours to edit: specc never overwrites it.
import type { SemverApi } from "./api.js";
import { NotImplementedError, type Version, type Part, type Order } from "./types.js";

export class Semver implements SemverApi {
  parse(_text: string): Version {
    throw new NotImplementedError("parse");
  }

  compare(_a: Version, _b: Version): Order {
    throw new NotImplementedError("compare");
  }

  bump(_version: Version, _part: Part): Version {
    throw new NotImplementedError("bump");
  }

  newest(_versions: Version[]): Version | undefined {
    throw new NotImplementedError("newest");
  }
}
