"""phasegate's lock guard around `manage.py migrate` on PostgreSQL.

    python migrate_guarded.py manage.py migrate <app> <migration> [options]

Run it with the project directory as the working directory, like manage.py. Standard library and Django only
(3.2 to 5.x); it may also run as `python -c <source> manage.py migrate ...` where the file is absent (a Job in the
release's image). Settings come from the environment:

  PHASEGATE_LOCK_TIMEOUT_MS       SET lock_timeout on every PostgreSQL connection (0: no limit)
  PHASEGATE_STATEMENT_TIMEOUT_MS  statement_timeout around statements that take ACCESS EXCLUSIVE (0: no limit)
  PHASEGATE_MIGRATE_LOCK_WAIT_MS  how long to wait for another migrate of the same database to end (0: no limit)

One migrate per database at a time: the connection Django migrates with first takes a session-level advisory lock
(pg_try_advisory_lock) keyed on the database's name, and keeps it until it closes. The lock lives in the database
server, so it also covers a migrate whose client was killed while its backend still runs a statement (the backend
ends, releasing the lock, only when it notices). A second migrate waits for it (saying so on stderr), and once it
has the lock Django reads django_migrations afresh: what the first one applied is no longer pending. Waiting longer
than PHASEGATE_MIGRATE_LOCK_WAIT_MS ends the process with exit status 76 and a line naming the session holding it.
Other databases (SQLite, MySQL) get no such lock.

Why a wrapper and not PGOPTIONS: PGOPTIONS would put statement_timeout on every statement of the process, including
a data migration's long UPDATE or a VALIDATE CONSTRAINT that lets writes go on; here only the statements that block
readers are limited. lock_timeout is what keeps readers moving: a waiting ALTER TABLE queues every later reader
behind it, so it must give up quickly and try again later rather than wait.

Concurrent index builds (CREATE [UNIQUE] INDEX CONCURRENTLY, as AddIndexConcurrently or RunSQL writes it) run without
lock_timeout: they wait for older transactions by design, without blocking reads or writes, bounded by the step's
own timeout. A build that fails, is cancelled or is killed leaves an INVALID index behind, on which the next try
would fail ("already exists") or, with IF NOT EXISTS, silently keep a useless index. So the guard drops it with
DROP INDEX CONCURRENTLY IF EXISTS when the build fails, and before every build finds and drops an INVALID index of
that name an earlier, killed try left (saying so on stderr).

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
MIGRATE_LOCK_BUSY_EXIT = 76
LOCK_NOT_AVAILABLE = "55P03"
# First half of the advisory lock key ("phgt"); the second is derived from the database name.
MIGRATE_LOCK_CLASS = 0x70686774
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


CONCURRENT_INDEX = re.compile(
    r'^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(?!ON\s)((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))?)',
    re.IGNORECASE,
)


def set_lock_timeout(connection, value):
    # A literal, not a parameter: psycopg 3 with server-side binding cannot bind SET.
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '%s'" % str(value).replace("'", "''"))


def drop_invalid_index(connection, name, why):
    """Drops the index `name` (as the SQL quotes it) if it exists and is INVALID; True when it did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
        row = cursor.fetchone()
        if not row or not row[0]:
            return False
        sys.stderr.write("phasegate: dropping the INVALID index %s %s\n" % (name, why))
        sys.stderr.flush()
        cursor.execute("DROP INDEX CONCURRENTLY IF EXISTS %s" % name)
        return True


def install_concurrent_index_guard():
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    execute = BaseDatabaseSchemaEditor.execute

    def guarded_execute(self, sql, params=()):
        connection = self.connection
        match = CONCURRENT_INDEX.match(str(sql)) if connection.vendor == "postgresql" else None
        if match is None:
            return execute(self, sql, params)
        name = match.group(1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            previous = cursor.fetchone()[0]
        # Outside a transaction (CONCURRENTLY cannot run in one): a session setting, put back afterwards.
        set_lock_timeout(connection, 0)
        try:
            drop_invalid_index(connection, name, "an earlier, interrupted build left")
            try:
                return execute(self, sql, params)
            except BaseException:
                drop_after_failure(connection, name)
                raise
        finally:
            try:
                set_lock_timeout(connection, previous)
            except Exception:
                pass  # the connection is gone; nothing to put back

    BaseDatabaseSchemaEditor.execute = guarded_execute


def drop_after_failure(connection, name):
    try:
        drop_invalid_index(connection, name, "the failed build left, so that the next try can build it")
    except Exception as error:
        sys.stderr.write(
            "phasegate: could not drop the INVALID index %s (%s); the next try drops it first\n" % (name, error))


def restore(connection, scope, previous):
    # A literal, not a parameter: psycopg 3 with server-side binding cannot bind SET.
    with connection.cursor() as cursor:
        cursor.execute("SET %sstatement_timeout = '%s'" % (scope, previous.replace("'", "''")))


def migrate_alias(argv):
    """The database alias `manage.py migrate` works on (--database, "default" otherwise)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--database="):
            return arg.split("=", 1)[1]
        if arg == "--database" and i + 1 < len(argv):
            return argv[i + 1]
    return "default"


def migrate_lock_holder(cursor, key):
    cursor.execute(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''), "
        "coalesce(extract(epoch FROM now() - a.backend_start)::int, 0) "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s AND l.objsubid = 2",
        [MIGRATE_LOCK_CLASS, key],
    )
    row = cursor.fetchone()
    if row is None:
        return "a session that just ended"
    pid, application, state, age = row
    return "PostgreSQL backend %s%s, %s, connected %d s ago" % (
        pid, " (%s)" % application if application else "", state or "state unknown", age)


def migrate_target(argv):
    """(app, migration) of `manage.py migrate <app> <migration>`, or None."""
    positional = [arg for arg in argv[1:] if not arg.startswith("-")]
    if len(positional) >= 3 and positional[0] == "migrate":
        return positional[1], positional[2]
    return None


def report_applied(cursor, target):
    """Says on stdout when the target is applied already (an earlier attempt applied it): Django skips it."""
    if target is None:
        return
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return
    cursor.execute("SELECT 1 FROM django_migrations WHERE app = %s AND name = %s", list(target))
    if cursor.fetchone():
        sys.stdout.write("phasegate: already applied: %s %s\n" % target)
        sys.stdout.flush()


def take_migrate_lock(connection, wait_ms, target):
    import time
    import zlib

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]
        key = zlib.crc32(database.encode("utf-8")) & 0x7FFFFFFF
        deadline = time.monotonic() + wait_ms / 1000.0 if wait_ms else None
        said = False
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [MIGRATE_LOCK_CLASS, key])
            if cursor.fetchone()[0]:
                if said:
                    sys.stderr.write("phasegate: the other migrate of database %s ended; going on\n" % database)
                report_applied(cursor, target)
                return
            holder = migrate_lock_holder(cursor, key)
            if deadline is not None and time.monotonic() >= deadline:
                sys.stderr.write(
                    "phasegate: another migrate of database %s is still running (%s) after %d ms; nothing was "
                    "changed: let it end (or end that session), then retry\n" % (database, holder, wait_ms))
                sys.stderr.flush()
                os._exit(MIGRATE_LOCK_BUSY_EXIT)
            if not said:
                sys.stderr.write(
                    "phasegate: another migrate of database %s is still running (%s); waiting for it\n"
                    % (database, holder))
                sys.stderr.flush()
                said = True
            time.sleep(0.2)


def install_migrate_lock(argv, wait_ms):
    from django.db.backends.signals import connection_created

    alias = migrate_alias(argv)
    target = migrate_target(argv)

    def lock_database(sender, connection, **kwargs):
        if connection.vendor == "postgresql" and connection.alias == alias:
            take_migrate_lock(connection, wait_ms, target)

    connection_created.connect(lock_database, weak=False)


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
    migrate_lock_wait_ms = milliseconds("PHASEGATE_MIGRATE_LOCK_WAIT_MS")
    # Before the lock timeout's handler: the lock is taken first on a new connection.
    install_migrate_lock(argv, migrate_lock_wait_ms)
    if lock_timeout_ms:
        install_lock_timeout(lock_timeout_ms)
    if statement_timeout_ms:
        install_statement_timeout(statement_timeout_ms)
    install_concurrent_index_guard()
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
