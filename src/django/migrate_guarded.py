"""phasegate's lock guard around `manage.py migrate` on PostgreSQL.

    python migrate_guarded.py manage.py migrate <app> <migration> [options]

Run it with the project directory as the working directory, like manage.py. Standard library and Django only
(3.2 to 5.x); it may also run as `python -c <source> manage.py migrate ...` where the file is absent (a Job in the
release's image). Settings come from the environment:

  PHASEGATE_LOCK_TIMEOUT_MS       SET lock_timeout on every PostgreSQL connection (0: no limit)
  PHASEGATE_STATEMENT_TIMEOUT_MS  statement_timeout around statements that take ACCESS EXCLUSIVE (0: no limit)

Why a wrapper and not PGOPTIONS: PGOPTIONS would put statement_timeout on every statement of the process, including
a data migration's long UPDATE or a VALIDATE CONSTRAINT that lets writes go on; here only the statements that block
readers are limited. lock_timeout is what keeps readers moving: a waiting ALTER TABLE queues every later reader
behind it, so it must give up quickly and try again later rather than wait.

A statement cancelled by lock_timeout (SQLSTATE 55P03) ends the process with exit status 75 (EX_TEMPFAIL) and a
line "phasegate: lock timeout (SQLSTATE 55P03): ..." on stderr; the migration's transaction was rolled back, so
running the same command again is safe. Any other failure keeps Django's own exit status and traceback.
"""
import os
import re
import runpy
import sys
import traceback

LOCK_TIMEOUT_EXIT = 75
LOCK_NOT_AVAILABLE = "55P03"
# ALTER TABLE takes ACCESS EXCLUSIVE except VALIDATE CONSTRAINT; DROP INDEX only without CONCURRENTLY.
ACCESS_EXCLUSIVE = re.compile(
    r"^\s*(ALTER\s+TABLE\b(?!.*\bVALIDATE\s+CONSTRAINT\b)|DROP\s+TABLE\b|TRUNCATE\b|DROP\s+INDEX\b(?!\s+CONCURRENTLY))",
    re.IGNORECASE | re.DOTALL,
)


def milliseconds(name):
    raw = os.environ.get(name, "0")
    try:
        value = int(raw)
    except ValueError:
        sys.exit("phasegate: %s must be a whole number of milliseconds, got %r" % (name, raw))
    if value < 0:
        sys.exit("phasegate: %s must not be negative, got %d" % (name, value))
    return value


def install_lock_timeout(lock_timeout_ms):
    from django.db.backends.signals import connection_created

    def set_lock_timeout(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = %d" % lock_timeout_ms)

    connection_created.connect(set_lock_timeout, weak=False)


def install_statement_timeout(statement_timeout_ms):
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    execute = BaseDatabaseSchemaEditor.execute

    def guarded_execute(self, sql, params=()):
        connection = self.connection
        if connection.vendor != "postgresql" or not ACCESS_EXCLUSIVE.match(str(sql)):
            return execute(self, sql, params)
        # Inside the migration's transaction SET LOCAL is undone by a rollback; outside one (atomic = False) the
        # session setting is put back by hand.
        scope = "LOCAL " if connection.in_atomic_block else ""
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            previous = cursor.fetchone()[0]
            cursor.execute("SET %sstatement_timeout = %d" % (scope, statement_timeout_ms))
        try:
            result = execute(self, sql, params)
        except BaseException:
            if not scope:
                restore(connection, scope, previous)
            raise
        restore(connection, scope, previous)
        return result

    BaseDatabaseSchemaEditor.execute = guarded_execute


def restore(connection, scope, previous):
    # A literal, not a parameter: psycopg 3 with server-side binding cannot bind SET.
    with connection.cursor() as cursor:
        cursor.execute("SET %sstatement_timeout = '%s'" % (scope, previous.replace("'", "''")))


def sqlstate(error):
    """The SQLSTATE of a database error or of what caused it (psycopg2: pgcode, psycopg 3: sqlstate)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        code = getattr(error, "pgcode", None) or getattr(error, "sqlstate", None)
        if code:
            return code
        error = error.__cause__ or error.__context__
    return None


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: migrate_guarded.py manage.py migrate <app> <migration> [options]")
    lock_timeout_ms = milliseconds("PHASEGATE_LOCK_TIMEOUT_MS")
    statement_timeout_ms = milliseconds("PHASEGATE_STATEMENT_TIMEOUT_MS")
    if lock_timeout_ms:
        install_lock_timeout(lock_timeout_ms)
    if statement_timeout_ms:
        install_statement_timeout(statement_timeout_ms)
    manage_py = argv[0]
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(manage_py)))
    try:
        runpy.run_path(manage_py, run_name="__main__")
    except Exception as error:
        if sqlstate(error) != LOCK_NOT_AVAILABLE:
            raise
        traceback.print_exc()
        last = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        sys.stderr.write("phasegate: lock timeout (SQLSTATE %s): %s\n" % (LOCK_NOT_AVAILABLE, last))
        sys.exit(LOCK_TIMEOUT_EXIT)


if __name__ == "__main__":
    main(sys.argv[1:])
