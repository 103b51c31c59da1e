import type { CliFailure } from "./cli-error.js";
import type { Finding } from "./plan-findings.js";

/** GitHub's escaping of workflow command data and property values. */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

function command(level: "error" | "warning", message: string, properties: Record<string, string>): string {
  const list = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(",");
  return `::${level}${list ? ` ${list}` : ""}::${escapeData(message)}`;
}

/** `phasegate plan --format github`: one workflow annotation per finding, on its migration file and line. */
export function renderGithubAnnotations(findings: Finding[]): string {
  const lines = findings.map((finding) =>
    command(finding.level, finding.message, {
      ...(finding.location ? { file: finding.location.file, line: String(finding.location.line) } : {}),
      title: finding.title,
    }),
  );
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** An exit-2 error as an annotation, on the user's file when Python said which. */
export function renderGithubError(message: string, failure: CliFailure, file: string | null): string {
  const where = file
    ? { file, ...(failure.location?.line ? { line: String(failure.location.line) } : {}) }
    : {};
  return `${command("error", message, { ...where, title: `phasegate: ${failure.kind}` })}\n`;
}
