import { readFileSync } from "node:fs";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Seconds each slow test file took in a full run (`CI=true npm test` of a clean clone on a 2-core machine, three
 * files at a time); files under 8 s are left out.
 */
const measured: Record<string, number> = JSON.parse(
  readFileSync(new URL("./test-durations.json", import.meta.url), "utf8"),
);

/**
 * Runs the slowest files first, so the last minutes are not one long file alone on its fork. Vitest orders by the
 * durations it cached in node_modules, but a clean clone (CI) has none and falls back to file size, which put a
 * 46 s Sentinel file last. Files measured here go first, longest first; the others keep Vitest's order.
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (file: TestSpecification) =>
      measured[path.relative(file.project.config.root, file.moduleId)] ?? 0;
    return (await super.sort(files)).sort((a, b) => seconds(b) - seconds(a));
  }
}
