import type { Finding } from "./plan-findings.js";

const RULES: Record<Finding["rule"], string> = {
  "unsafe-operation":
    "An operation no order makes safe in one release: old or new code fails during the rollout.",
  "contract-before-expand":
    "A migration that must run before the deploy depends on one that can only run after it.",
  "mixed-migration": "A migration mixes expand and contract operations.",
  lock: "A statement holds a strong lock on an existing table for longer than a moment.",
};

/** `phasegate plan --format sarif`: SARIF 2.1.0, one result per finding, for GitHub code scanning and others. */
export function renderSarif(findings: Finding[]): string {
  const rules = Object.entries(RULES).map(([id, text]) => ({ id, shortDescription: { text } }));
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
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "phasegate", rules } }, results }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
