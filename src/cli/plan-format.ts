/** What `phasegate plan --format` writes on stdout. */
export const FORMATS = ["text", "json", "github", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

/** The format asked for, read before the options are validated: errors in them are reported in it too. */
export function requestedFormat(argv: string[]): Format {
  if (argv.includes("--json")) return "json";
  const at = argv.indexOf("--format");
  const value =
    at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith("--format="))?.slice("--format=".length);
  return FORMATS.find((f) => f === value) ?? "text";
}
