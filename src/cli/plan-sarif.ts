import type { Finding } from "./plan-findings.js";

const RULES: Record<Finding["rule"], string> = {
  "unsafe-operation":
    "An operation no order makes safe in one release: old or new code fails during the rollout.",
  "contract-before-expand":
    "A migration that must run before the deploy depends on one that can only run after it.",
  "mixed-migration": "A migration mixes expand and contract operations.",
  "release-behind-database":
    "The database has applied migrations the release lacks: it is older than the schema.",
  lock: "A statement holds a strong lock on an existing table for longer than a moment.",
};

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function driver() {
  return {
    name: "phasegate",
    rules: Object.entries(RULES).map(([id, text]) => ({ id, shortDescription: { text } })),
  };
}

/** `phasegate plan --format sarif`: SARIF 2.1.0, one result per finding, for GitHub code scanning and others. */
export function renderSarif(findings: Finding[]): string {
  const results = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: Object.keys(RULES).indexOf(finding.rule),
    level: finding.level,
    message: { text: finding.message },
    locations: finding.location
      ? [
          {
            physicalLocation: {
              artifactLocation: { uri: finding.location.file },
              region: { startLine: finding.location.line },
            },
          },
        ]
      : [],
  }));
  const sarif = { $schema: SCHEMA, version: "2.1.0", runs: [{ tool: { driver: driver() }, results }] };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** A run that could not plan (exit 2): no results, and why in a tool execution notification. */
export function renderSarifError(message: string, file: string | null, line: number | null): string {
  const location = file
    ? [
        {
          physicalLocation: {
            artifactLocation: { uri: file },
            ...(line ? { region: { startLine: line } } : {}),
          },
        },
      ]
    : [];
  const invocation = {
    executionSuccessful: false,
    toolExecutionNotifications: [{ level: "error", message: { text: message }, locations: location }],
  };
  const sarif = {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [{ tool: { driver: driver() }, invocations: [invocation], results: [] }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
