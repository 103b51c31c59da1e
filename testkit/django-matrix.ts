import { describe, it } from "vitest";
import { DJANGO_VERSIONS, type DjangoVersion, djangoPython, missing } from "./python.js";

/**
 * One describe block per Django version. A version the machine lacks fails the run under CI (CI=true) and is
 * skipped elsewhere, so a laptop without `scripts/bootstrap.sh` still runs the rest.
 */
export function describeEachDjango(
  title: string,
  body: (python: string, version: DjangoVersion) => void,
  versions: readonly DjangoVersion[] = DJANGO_VERSIONS,
): void {
  for (const version of versions) {
    const name = `${title} (Django ${version})`;
    const python = djangoPython(version);
    if (python) describe(name, () => body(python, version));
    else if (process.env.CI) {
      describe(name, () => {
        it(`has Django ${version}`, () => {
          throw new Error(missing(version));
        });
      });
    } else describe.skip(name, () => it(missing(version), () => {}));
  }
}
