export interface TemplateValues {
  version: string;
  service: string;
  runId: string;
}

/** Fills `{version}`, `{service}` and `{runId}` in every argv element; no shell ever parses the result. */
export function fillTemplate(argv: readonly string[], values: TemplateValues): string[] {
  return argv.map((arg) =>
    arg.replaceAll(/\{(version|service|runId)\}/g, (_, name: keyof TemplateValues) => values[name]),
  );
}
