import { z } from "zod";
import { closest } from "./closest.js";
import { keysAllowedAt } from "./schema-keys.js";

/** One mistake in a services file: where it is, what is wrong, and what to write instead. */
export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
  /** Null when the message already says what to do (the schema's own messages do). */
  fix: string | null;
}

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value === "string" ? "the text" : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

/** zod's generic wording ("Too small: …", "Invalid input") is replaced; the schema's own messages are kept. */
const GENERIC = /^(Too small|Too big|Invalid)/;

const TYPE_FIXES: Record<string, string> = {
  boolean: "write true or false (no quotes)",
  number: "write a plain number, without a unit or quotes",
  string: 'write text; quote it when YAML would read it as something else ("on", "1e3", "0755")',
  array: "write a list: [a, b] or one '- item' per line",
  object: "write a mapping: one 'key: value' per line, indented under it",
  record: "write a mapping: one 'key: value' per line, indented under it",
};

const NOUNS: Record<string, string> = { array: "a list", object: "a mapping", record: "a mapping" };

function typeProblem(issue: Issue & { code: "invalid_type" }, data: unknown): ConfigProblem {
  const value = valueAt(data, issue.path);
  const key = String(issue.path.at(-1) ?? "services");
  const parent = issue.path.length > 1 ? `under ${String(issue.path.at(-2))}` : "at the top level";
  const expected = NOUNS[issue.expected] ?? `a ${issue.expected}`;
  if (value === undefined)
    return {
      path: issue.path,
      message: `"${key}" is missing`,
      fix: `add ${key}: (${expected}) ${parent}; see schema/services.schema.json for what it holds`,
    };
  if (issue.path.length === 0)
    return {
      path: [],
      message: `the file holds ${describeValue(value)}, not a mapping`,
      fix: 'start it with "services:" and one entry per service, as examples/services.example.yaml does',
    };
  return {
    path: issue.path,
    message: `expected ${expected}, found ${describeValue(value)}`,
    fix: GENERIC.test(issue.message) ? (TYPE_FIXES[issue.expected] ?? null) : issue.message,
  };
}

function unknownKeyProblems(issue: Issue & { code: "unrecognized_keys" }, data: unknown, schema: object) {
  const allowed = keysAllowedAt(schema, issue.path, data);
  return issue.keys.map((key): ConfigProblem => {
    const meant = closest(key, allowed);
    return {
      path: [...issue.path, key],
      message: `unknown key "${key}"`,
      fix: meant
        ? `did you mean "${meant}"?`
        : `remove it${allowed.length > 0 ? `; the keys allowed here are ${allowed.join(", ")}` : ""}`,
    };
  });
}

/** What zod v4 adds to a union issue when the discriminator (`kind`) matched no option. */
const discriminatorMiss = z.object({ discriminator: z.string(), options: z.array(z.unknown()) });

/** "use one of: …", led by the one a typo most likely meant. */
function oneOf(values: readonly unknown[], written: unknown): string {
  const choices = `use one of: ${values.map((value) => JSON.stringify(value)).join(", ")}`;
  const candidates = values.filter((value): value is string => typeof value === "string");
  const meant = typeof written === "string" ? closest(written, candidates) : null;
  return meant ? `did you mean "${meant}"? (${choices})` : choices;
}

function problemOf(issue: Issue, data: unknown, schema: object): ConfigProblem[] {
  const value = valueAt(data, issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownKeyProblems(issue, data, schema);
    case "invalid_type":
      return [typeProblem(issue, data)];
    case "invalid_value":
      return [
        {
          path: issue.path,
          message: `${describeValue(value)} is not allowed here`,
          fix: oneOf(issue.values, value),
        },
      ];
    case "invalid_key": {
      const why = issue.issues.map((inner) => inner.message).join("; ");
      return [
        {
          path: issue.path,
          message: `"${String(issue.path.at(-1))}" is not a valid name: ${why}`,
          fix: "rename it",
        },
      ];
    }
    case "invalid_union": {
      const miss = discriminatorMiss.safeParse(issue);
      if (miss.success)
        return [
          {
            path: issue.path,
            message: `${describeValue(value)} is not a known ${miss.data.discriminator}`,
            fix: oneOf(miss.data.options, value),
          },
        ];
      return [
        {
          path: issue.path,
          message: `${describeValue(value)} matches none of the accepted forms`,
          fix: "see schema/services.schema.json for the forms this place accepts",
        },
      ];
    }
    default:
      if (!GENERIC.test(issue.message)) return [{ path: issue.path, message: issue.message, fix: null }];
      return [
        {
          path: issue.path,
          message: `${describeValue(value)} is out of range: ${issue.message}`,
          fix: "see schema/services.schema.json for the accepted values",
        },
      ];
  }
}

/** Every problem zod found, one per mistake (an issue naming three unknown keys gives three problems). */
export function configProblems(issues: readonly Issue[], data: unknown, schema: object): ConfigProblem[] {
  return issues.flatMap((issue) => problemOf(issue, data, schema));
}
