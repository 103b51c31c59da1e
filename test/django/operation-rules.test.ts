import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { hasRule } from "../../src/domain/classify/classify.js";
import { describeEachDjango } from "../../testkit/django-matrix.js";

/** Every operation class Django ships: django.db.migrations.operations and django.contrib.postgres.operations. */
const LIST_OPERATIONS = `
import inspect, json
import django.db.migrations.operations as ops
import django.contrib.postgres.operations as pg
from django.db.migrations.operations.base import Operation
own = {n for n, c in vars(pg).items() if inspect.isclass(c) and issubclass(c, Operation) and c.__module__ == pg.__name__}
print(json.dumps(sorted(set(ops.__all__) | own)))
`;

/** Base classes that no migration uses as such: no rule on purpose. */
const NO_RULE = ["CollationOperation"];

describeEachDjango("the operations Django ships", (python) => {
  const operations = JSON.parse(
    execFileSync(python, ["-c", LIST_OPERATIONS], { encoding: "utf8" }),
  ) as string[];

  it("each has a verdict rule, or is a base class without one", () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((type) => !hasRule(type))).toEqual(
      NO_RULE.filter((type) => operations.includes(type)),
    );
  });

  it("CollationOperation is only the base of CreateCollation and RemoveCollation", () => {
    const bases = execFileSync(
      python,
      [
        "-c",
        "import django.contrib.postgres.operations as pg; print(sorted(c.__name__ for c in pg.CollationOperation.__subclasses__()))",
      ],
      { encoding: "utf8" },
    ).trim();
    expect(bases).toBe("['CreateCollation', 'RemoveCollation']");
    expect(hasRule("CollationOperation")).toBe(false);
  });
});
