import { describe, expect, it } from "vitest";
import { z } from "zod";
import { firstIssueLine, issueLines } from "../../../src/domain/issues/issue-lines.js";

const schema = z.strictObject({
  services: z.record(z.string(), z.strictObject({ replicas: z.number().int() })),
  tags: z.array(z.string()).optional(),
});

const issuesOf = (value: unknown) => schema.safeParse(value).error?.issues ?? [];

describe("issueLines", () => {
  it("says each issue as its path, dotted, then its message", () => {
    expect(
      issueLines(issuesOf({ services: { shop: { replicas: 1.5 } }, tags: ["a", 2] }), "(top level)"),
    ).toEqual([
      "services.shop.replicas: Invalid input: expected int, received number",
      "tags.1: Invalid input: expected string, received number",
    ]);
  });

  it("names an issue about the whole input with the label it is given", () => {
    expect(issueLines(issuesOf(null), "body")).toEqual([
      "body: Invalid input: expected object, received null",
    ]);
    expect(issueLines(issuesOf({ services: {}, extra: 1 }), "(top level)")).toEqual([
      '(top level): Unrecognized key: "extra"',
    ]);
  });

  it("with an empty label, leaves the whole input's issue as the message after a colon", () => {
    expect(issueLines(issuesOf(42), "")).toEqual([": Invalid input: expected object, received number"]);
  });
});

describe("firstIssueLine", () => {
  it("says only the first issue, as issueLines does, and nothing when there is none", () => {
    expect(
      firstIssueLine(issuesOf({ services: { shop: { replicas: 1.5 } }, tags: ["a", 2] }), "(body)"),
    ).toBe("services.shop.replicas: Invalid input: expected int, received number");
    expect(firstIssueLine(issuesOf(null), "(body)")).toBe(
      "(body): Invalid input: expected object, received null",
    );
    expect(firstIssueLine([], "(body)")).toBeUndefined();
  });
});
