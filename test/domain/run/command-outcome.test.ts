import { describe, expect, it } from "vitest";
import { commandOutcome, describeFailure } from "../../../src/domain/run/command-outcome.js";

function failed(stderr: string, stdout = "") {
  return commandOutcome(["python", "manage.py", "migrate"], {
    exitCode: 1,
    signal: null,
    timedOut: false,
    stdout,
    stderr,
    durationMs: 10,
  });
}

/** What Django 3.2 on psycopg2 prints when a migration's SQL fails: two chained tracebacks, then PostgreSQL's notes. */
const CHAINED = `Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/django/db/backends/utils.py", line 82, in _execute
    return self.cursor.execute(sql)
psycopg2.errors.UndefinedColumn: column "x" does not exist
LINE 1: SELECT "x" FROM pg_class
               ^


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "manage.py", line 22, in <module>
    main()
  File "/usr/lib/python3/dist-packages/django/db/utils.py", line 90, in __exit__
    raise dj_exc_value.with_traceback(traceback) from exc_value
django.db.utils.ProgrammingError: column "x" does not exist
LINE 1: SELECT "x" FROM pg_class
               ^
`;

describe("describeFailure: the line that says what went wrong", () => {
  it("names Python's exception, not PostgreSQL's LINE or DETAIL note after it", () => {
    expect(describeFailure(failed(CHAINED))).toBe(
      'exited with 1: django.db.utils.ProgrammingError: column "x" does not exist',
    );
    const dropped = `Traceback (most recent call last):
  File "manage.py", line 22, in <module>
psycopg2.errors.UndefinedTable: could not open relation with OID 16412
DETAIL: It seems to have just been dropped or renamed.
HINT: Retry the statement.
`;
    expect(describeFailure(failed(dropped))).toBe(
      "exited with 1: psycopg2.errors.UndefinedTable: could not open relation with OID 16412",
    );
  });

  it("prefers phasegate's own explanation, and falls back to the last line when no exception is named", () => {
    const lockTimeout = `${CHAINED}phasegate: lock timeout (SQLSTATE 55P03): canceling statement due to lock timeout\n`;
    expect(describeFailure(failed(lockTimeout))).toBe(
      "exited with 1: phasegate: lock timeout (SQLSTATE 55P03): canceling statement due to lock timeout",
    );
    expect(describeFailure(failed("registry said no\nDETAIL: quota\n"))).toBe("exited with 1: DETAIL: quota");
    expect(describeFailure(failed("", "CommandError: App 'nope' does not have migrations.\n"))).toBe(
      "exited with 1: CommandError: App 'nope' does not have migrations.",
    );
  });
});
