/** A validation issue as zod reports it: where in the input (keys and indexes), and what is wrong there. */
export interface PathIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * One line an issue, `path: message` ("services.shop.access.approvers: name at least one approver"); an issue
 * about the whole input (an empty path) is named `topLevel` instead ("(top level)", "body", "line"…).
 */
export function issueLines(issues: readonly PathIssue[], topLevel: string): string[] {
  return issues.map((issue) => `${issue.path.map(String).join(".") || topLevel}: ${issue.message}`);
}

/** The first issue's line, for a message that names one problem; undefined when there is none. */
export function firstIssueLine(issues: readonly PathIssue[], topLevel: string): string | undefined {
  return issueLines(issues.slice(0, 1), topLevel)[0];
}
