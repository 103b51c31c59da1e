"""phasegate's Django introspection helper: prints the pending migrations of a Django project as JSON.

    python introspect.py [--settings MODULE] [app:migration ...]
    python introspect.py [--settings MODULE] --live-facts REQUEST_JSON

The second form reads live facts about the database instead (see live_facts below).

Run it with the project directory (the one holding manage.py) as the working directory. Standard library and
Django only (3.2 to 5.x, by feature detection); it may also run as `python -c <source>` where the file is absent.
Stdout carries only the JSON document (src/django/contract.ts); on failure it is
{"error": {"kind": ..., "message": ..., "detail": ...}} with exit status 1. Django's own output goes to stderr.
Nothing is written to the database: SQL is collected the way `manage.py sqlmigrate` does, so it shares its limits:
the SQL is built against the live schema (an operation that looks up constraints of a table a pending migration
creates reports `sqlError` instead), RunPython is never called, and an operation of the project's own that uses the
connection directly instead of the schema editor would run its SQL.
A plan of many operations is described by two processes, where the system has fork() and two CPUs: the later half
by a forked child with its own database connection (split_point; PHASEGATE_HELPER_SPLIT_OPERATIONS=0 turns it off).
"""
import ast
import gc
import json
import os
import re
import sys
import traceback

REAL_STDOUT = sys.stdout


class Failure(Exception):
    def __init__(self, kind, message, detail=None, location=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail
        self.location = location


def one_line(error):
    """`Type: message` on one line (psycopg2 spreads its messages over several)."""
    message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return "%s: %s" % (type(error).__name__, message) if message else type(error).__name__


def parse_args(argv):
    settings, targets = None, []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--settings":
            if not args:
                raise Failure("usage", "--settings needs a module name")
            settings = args.pop(0)
        elif re.match(r"^\w+:\w+$", arg):
            app, name = arg.split(":")
            targets.append((app, name))
        else:
            raise Failure("usage", "unknown argument %r (expected --settings MODULE or app:migration)" % arg)
    return settings, targets


def settings_from_manage_py():
    try:
        with open("manage.py") as manage:
            source = manage.read()
    except OSError:
        return None
    found = re.search(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""", source)
    return found.group(1) if found else None


def setup_django(settings):
    # Like manage.py: the project directory is importable, not the directory of this file.
    sys.path[0:1] = [os.getcwd()]
    if settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings
    elif not os.environ.get("DJANGO_SETTINGS_MODULE"):
        found = settings_from_manage_py()
        if not found:
            raise Failure("settings", "no DJANGO_SETTINGS_MODULE: manage.py does not set one and --settings is missing")
        os.environ["DJANGO_SETTINGS_MODULE"] = found
    try:
        import django
    except ImportError as error:
        raise Failure("django-missing", "%s; Python is %s" % (one_line(error), sys.executable))
    from django.conf import settings as loaded

    try:
        loaded.INSTALLED_APPS  # imports the settings module, nothing else
    except Exception as error:
        raise Failure(
            "settings",
            "%s (%s)" % (one_line(error), os.environ["DJANGO_SETTINGS_MODULE"]),
            traceback.format_exc(),
        )
    try:
        django.setup()
    except Exception as error:
        missing = getattr(error, "name", None) if isinstance(error, ImportError) else None
        if missing and any(str(app).split(".")[0] == missing for app in loaded.INSTALLED_APPS):
            raise Failure(
                "settings",
                "%s: INSTALLED_APPS names it (%s)" % (one_line(error), os.environ["DJANGO_SETTINGS_MODULE"]),
                traceback.format_exc(),
            )
        # The settings loaded: what failed is an app, its models or its ready() hook.
        filename, line = project_frame(error)
        raise Failure(
            "startup",
            "%s in %s:%s" % (one_line(error), filename, line),
            traceback.format_exc(),
            {"file": filename, "line": line},
        )
    return django


def project_frame(error):
    """File and line of the innermost traceback frame in the project, else of the innermost frame at all."""
    frames = traceback.extract_tb(error.__traceback__)
    project = os.getcwd() + os.sep
    inside = [f for f in frames if os.path.abspath(f.filename).startswith(project)]
    # Python's import machinery is never the place to fix.
    outside = [f for f in frames if not f.filename.startswith("<frozen") and "importlib" not in f.filename]
    frame = (inside or outside or frames)[-1]
    # A SyntaxError in a module has no frame of that module: the error itself knows the place.
    if isinstance(error, SyntaxError) and error.filename:
        return error.filename, error.lineno
    return frame.filename, frame.lineno


def default_connection():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DEFAULT_DB_ALIAS, connections

    try:
        return connections[DEFAULT_DB_ALIAS]
    except ImproperlyConfigured as error:
        raise Failure("settings", one_line(error))


def connect(connection):
    from django.db.utils import Error as DatabaseError

    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise Failure("database", "%s (%s)" % (one_line(error), connection.vendor))


def field_facts(field, connection):
    if field is None:
        return None
    from django.db.models import NOT_PROVIDED

    db_type = field.db_parameters(connection=connection)["type"]
    db_default = getattr(field, "db_default", NOT_PROVIDED)
    related = field.remote_field.model if field.remote_field else None
    max_length = field.max_length if isinstance(field.max_length, int) else None
    generated = None
    if getattr(field, "generated", False):
        generated = {"expression": str(field.expression), "stored": bool(field.db_persist)}
    return {
        "column": None if field.many_to_many else field.column,
        "internalType": "GeneratedField" if generated else field.get_internal_type(),
        "dbType": db_type,
        "null": bool(field.null),
        "hasDefault": field.has_default(),
        "hasDbDefault": db_default is not NOT_PROVIDED,
        "dbDefault": None if db_default is NOT_PROVIDED else repr(db_default),
        # db_default=None is a database default of NULL (5.2 keeps None, 5.0 and 5.1 wrap it in Value(None)).
        "dbDefaultIsNull": db_default is None or getattr(db_default, "value", NOT_PROVIDED) is None,
        "generated": generated,
        "dbComment": getattr(field, "db_comment", None),
        "unique": bool(field.unique),
        "dbIndex": bool(field.db_index),
        "primaryKey": bool(field.primary_key),
        "maxLength": max_length,
        "relatedModel": related._meta.label_lower if hasattr(related, "_meta") else related,
        "manyToMany": bool(field.many_to_many),
    }


def field_errors(field, operation, connection):
    """What Django's own system checks say against the field on this database, e.g. fields.E221 for a virtual
    GeneratedField on PostgreSQL: sqlmigrate writes the SQL anyway, and the database rejects it."""
    if field is None or type(operation).__name__ not in ("AddField", "AlterField"):
        return []
    def serious(databases):
        messages = field.check(databases=databases)
        return ["%s: %s%s" % (m.id, m.msg, " (%s)" % m.hint if m.hint else "") for m in messages if m.is_serious()]

    try:
        # Only what the database adds: a clash between reverse accessors, say, is the models' business.
        without_database = serious([])
        return [error for error in serious([connection.alias]) if error not in without_database]
    except Exception:  # a check that cannot run on a historical model says nothing about the database
        return []


def valid_imports(imports):
    """False when an import names a module Python cannot import by name (a migration module: 0002_code)."""
    for line in imports:
        module = line.split()[1]
        if not all(part.isidentifier() for part in module.split(".")):
            return False
    return True


def operation_source(operation):
    """The operation as Django's MigrationWriter writes it, with its imports; None when it cannot be written
    back (a RunPython function defined in its migration module, a value Django cannot serialize)."""
    from django.db.migrations.writer import OperationWriter

    try:
        source, imports = OperationWriter(operation, indentation=0).serialize()
    except Exception:
        return None
    if not valid_imports(imports):
        return None
    return {"source": source.rstrip().rstrip(","), "imports": sorted(imports)}


def field_definition(field):
    """`field.deconstruct()` with every argument serialized by Django (the source makemigrations would write)."""
    if field is None:
        return None
    from django.db.migrations.serializer import DeconstructableSerializer
    from django.db.migrations.writer import MigrationWriter

    try:
        _, path, args, kwargs = field.deconstruct()
        name, imports = DeconstructableSerializer._serialize_path(path)
        imports = set(imports)
        rendered_args, rendered_kwargs = [], []
        for value in args:
            text, needed = MigrationWriter.serialize(value)
            rendered_args.append(text)
            imports.update(needed)
        for key in sorted(kwargs):
            text, needed = MigrationWriter.serialize(kwargs[key])
            rendered_kwargs.append([key, text])
            imports.update(needed)
    except Exception:
        return None
    if not valid_imports(imports):
        return None
    return {"path": name, "args": rendered_args, "kwargs": rendered_kwargs, "imports": sorted(imports)}


def model_name_of(operation):
    from django.db.migrations.operations.models import ModelOperation

    model_name = getattr(operation, "model_name", None)
    if model_name:
        return model_name.lower()
    if isinstance(operation, ModelOperation):
        return operation.name_lower
    return None


def rendered_model(state, app_label, model_name):
    if not model_name:
        return None
    try:
        return state.apps.get_model(app_label, model_name)
    except LookupError:
        return None


def model_field(model, name):
    if model is None or not name:
        return None
    from django.core.exceptions import FieldDoesNotExist

    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


TABLE_BEFORE = ("DeleteModel", "RenameModel", "AlterModelTable")


def code_text(operation):
    kind = type(operation).__name__
    if kind == "RunPython":
        code = operation.code
        return "%s.%s" % (getattr(code, "__module__", "?"), getattr(code, "__qualname__", repr(code)))
    if kind == "RunSQL":
        statements = operation.sql if isinstance(operation.sql, (list, tuple)) else [operation.sql]
        return "\n".join(s[0] if isinstance(s, (list, tuple)) else str(s) for s in statements)
    return None


def together_sets(value):
    if not value:
        return []
    if isinstance(value, (list, tuple, set)) and value and isinstance(next(iter(value)), str):
        value = [value]
    return sorted([list(fields) for fields in value])


def object_name(operation, kind):
    if "Index" not in kind and "Constraint" not in kind:
        return None
    for attribute in ("index", "constraint"):
        named = getattr(operation, attribute, None)
        if named is not None and getattr(named, "name", None):
            return named.name
    return getattr(operation, "name", None) or getattr(operation, "new_name", None)


def describe_names(operation, kind, before_model, after_model):
    if kind in ("AlterModelTable", "RenameModel"):
        old = before_model._meta.db_table if before_model else None
        new = after_model._meta.db_table if after_model else None
        return old, new
    if kind == "RenameIndex" and not operation.old_name and getattr(operation, "old_fields", None):
        # The index index_together made, whose name Django generated (RenameIndex(old_fields=...), 4.1+).
        return "<unnamed on (%s)>" % ", ".join(operation.old_fields), operation.new_name
    if kind in ("RenameField", "RenameIndex"):
        return getattr(operation, "old_name", None), getattr(operation, "new_name", None)
    if kind == "AlterOrderWithRespectTo":
        # The relation the "_order" column follows before and after: None on one side adds or drops the column.
        old = before_model._meta.order_with_respect_to if before_model else None
        return (old.name if old else None), operation.order_with_respect_to
    return None, None


def describe(operation, index, app_label, before, after, connection, sql, sql_error, nested=None):
    kind = type(operation).__name__
    model_name = model_name_of(operation)
    before_model = rendered_model(before, app_label, model_name)
    after_model = rendered_model(after, app_label, model_name)
    if kind == "RenameModel":
        after_model = rendered_model(after, app_label, operation.new_name_lower)
    table_model = before_model if kind in TABLE_BEFORE or after_model is None else after_model

    field_name = getattr(operation, "name", None) if hasattr(operation, "model_name") else None
    if "Index" in kind or "Constraint" in kind:
        field_name = None
    after_name = operation.new_name if kind == "RenameField" else field_name
    before_field = model_field(before_model, field_name)
    after_field = model_field(after_model, after_name)
    old_name, new_name = describe_names(operation, kind, before_model, after_model)

    together_before = together_after = None
    option = getattr(operation, "option_name", None)
    if kind in ("AlterUniqueTogether", "AlterIndexTogether"):
        model_state = before.models.get((app_label, model_name))
        together_before = together_sets(model_state.options.get(option) if model_state else None)
        together_after = together_sets(operation.option_value)

    hints = getattr(operation, "hints", None) or {}
    written = operation_source(operation)
    own_field = getattr(operation, "field", None) if hasattr(operation, "model_name") else None
    is_code = kind in ("RunSQL", "RunPython")
    return {
        "index": index,
        "type": kind,
        "description": operation.describe(),
        "model": model_name,
        "table": table_model._meta.db_table if table_model else None,
        "field": field_name,
        "fieldFacts": field_facts(after_field or before_field, connection),
        "previousFieldFacts": field_facts(before_field, connection) if after_field else None,
        "oldName": old_name,
        "newName": new_name,
        "objectName": object_name(operation, kind),
        "togetherBefore": together_before,
        "togetherAfter": together_after,
        "code": code_text(operation),
        "reversible": operation.reversible if is_code else None,
        "phaseHint": hints.get("phase") if is_code else None,
        "sqlOverride": override_text(hints) if is_code else None,
        "sql": sql,
        "sqlError": sql_error,
        "fieldErrors": field_errors(after_field, operation, connection),
        "databaseOperations": nested[0] if nested else None,
        "stateOperations": nested[1] if nested else None,
        "source": written["source"] if written else None,
        "imports": written["imports"] if written else [],
        "fieldDefinition": field_definition(own_field or before_field or after_field),
        "previousFieldDefinition": field_definition(before_field) if kind == "AlterField" else None,
        "preserveDefault": getattr(operation, "preserve_default", None) if own_field is not None else None,
        "modelNames": [operation.old_name, operation.new_name] if kind == "RenameModel" else None,
    }


def override_text(hints):
    text = hints.get("phasegate_override")
    return None if text is None else str(text).strip()


def collect_sql(operation, app_label, before, after, connection):
    """The SQL of one operation, as sqlmigrate collects it; never executes anything."""
    if not operation.reduces_to_sql:
        return None, "%s runs Python code; it cannot be written as SQL" % type(operation).__name__
    try:
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            operation.database_forwards(app_label, editor, before, after)
        return list(editor.collected_sql), None
    except Exception as error:
        return None, one_line(error)


def walk(operations, app_label, state, connection, with_sql=True):
    """Describes each operation with the state before and after it; advances `state` in place."""
    described = []
    for index, operation in enumerate(operations):
        before = state.clone()
        operation.state_forwards(app_label, state)
        nested = None
        if type(operation).__name__ == "SeparateDatabaseAndState":
            database = walk(operation.database_operations, app_label, before.clone(), connection, with_sql)
            states = walk(operation.state_operations, app_label, before.clone(), connection, False)
            nested = (database, states)
        elif type(operation).__name__ == "RunSQL" and operation.state_operations:
            # RunSQL's state operations change only Django's state, like those of SeparateDatabaseAndState.
            nested = (None, walk(operation.state_operations, app_label, before.clone(), connection, False))
        if not with_sql:
            sql, sql_error = [], None
        elif nested and nested[0] is not None:
            parts = [d["sql"] for d in nested[0]]
            sql = None if None in parts else [s for part in parts for s in part]
            sql_error = next((d["sqlError"] for d in nested[0] if d["sqlError"]), None)
        else:
            sql, sql_error = collect_sql(operation, app_label, before, state, connection)
        described.append(describe(operation, index, app_label, before, state, connection, sql, sql_error, nested))
    return described


def override_of(migration):
    phase = getattr(migration, "phase", None)
    if phase is not None:
        return {"phase": str(phase), "source": "phasegate", "raw": 'phase = "%s"' % phase}
    stage = getattr(migration, "stage", None)
    if stage is not None:
        name = str(getattr(stage, "name", stage)).split(".")[-1].upper()
        mapped = {"PRE_DEPLOY": "expand", "POST_DEPLOY": "contract"}.get(name, name.lower())
        return {"phase": mapped, "source": "syzygy", "raw": "Stage.%s" % name}
    safe = getattr(migration, "safe", None)
    if safe is not None:
        when = getattr(safe, "when", safe)
        name = str(getattr(when, "value", None) or getattr(when, "name", when)).split(".")[-1].lower()
        mapped = {"before_deploy": "expand", "after_deploy": "contract", "always": "any"}.get(name, name)
        call = "()" if hasattr(safe, "when") else ""
        return {"phase": mapped, "source": "safemigrate", "raw": "Safe.%s%s" % (name, call)}
    return None


def follow_up_of(migration):
    """`phasegate_follow_up`: the migrations later releases owe, {"0004_x": "contract"} or ["0004_x"]."""
    owed = getattr(migration, "phasegate_follow_up", None) or []
    if isinstance(owed, str):
        owed = [owed]
    if isinstance(owed, dict):
        return [{"name": str(name), "phase": str(phase)} for name, phase in owed.items()]
    return [{"name": str(name), "phase": None} for name in owed]


def keys(pairs):
    return [{"app": app, "name": name} for app, name in pairs]


def resolve_targets(loader, targets):
    from django.db.migrations.exceptions import AmbiguityError

    if not targets:
        return loader.graph.leaf_nodes()
    resolved = []
    for app, name in targets:
        if app not in loader.migrated_apps:
            raise Failure("target", "app %r has no migrations (or is not in INSTALLED_APPS)" % app)
        try:
            migration = loader.get_migration_by_prefix(app, name)
        except AmbiguityError:
            raise Failure("target", "more than one migration of %r starts with %r" % (app, name))
        except KeyError:
            raise Failure("target", "app %r has no migration %r" % (app, name))
        resolved.append((app, migration.name))
    return resolved


def pending_plan(connection, targets):
    from django.db.migrations.exceptions import InconsistentMigrationHistory, NodeNotFoundError
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        executor.loader.check_consistent_history(connection)
    except (InconsistentMigrationHistory, NodeNotFoundError) as error:
        raise Failure("graph", one_line(error))
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        raise Failure(
            "graph",
            "a migration file cannot be loaded: %s (%s, line %s)" % (one_line(error), frame.filename, frame.lineno),
            traceback.format_exc(),
            {"file": frame.filename, "line": frame.lineno},
        )
    conflicts = executor.loader.detect_conflicts()
    if conflicts:
        names = "; ".join("%s: %s" % (app, ", ".join(sorted(n))) for app, n in sorted(conflicts.items()))
        raise Failure("graph", "conflicting migrations (%s): run manage.py makemigrations --merge" % names)
    plan = executor.migration_plan(resolve_targets(executor.loader, targets))
    if any(backwards for _, backwards in plan):
        raise Failure("target", "the targets are behind the applied migrations; phasegate plans forward only")
    return executor, [migration for migration, _ in plan]


def new_sqlite_file(connection):
    """The SQLite file that connecting would create, None if it exists (or is in memory, or not SQLite)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or name.startswith("file:") or ":memory:" in name:
        return None
    return None if os.path.exists(name) else name


def introspect(settings, targets):
    django = setup_django(settings)
    connection = default_connection()
    created = new_sqlite_file(connection)
    try:
        connect(connection)
        return introspect_connected(django, connection, targets)
    finally:
        # Reading a project must not leave an empty database file behind (connecting to SQLite creates one).
        connection.close()
        if created and os.path.exists(created) and os.path.getsize(created) == 0:
            os.remove(created)


def migration_file(migration):
    """The migration's file, relative to the project directory when it is inside it."""
    module = sys.modules.get(type(migration).__module__)
    path = getattr(module, "__file__", None)
    if not path:
        return None
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative


def operation_lines(path):
    """Line of each element of `operations = [...]` in a migration file; empty when it is not a plain list."""
    try:
        with open(path) as source:
            tree = ast.parse(source.read(), path)
    except (OSError, SyntaxError, ValueError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            if any(isinstance(t, ast.Name) and t.id == "operations" for t in node.targets):
                return [element.lineno for element in node.value.elts]
    return []


def runs_in_transaction(connection, migration):
    """Whether Django applies the migration in one transaction here: atomic, on a database that can roll back DDL,
    with a schema editor that keeps it (django-pg-zero-downtime-migrations' editor never does)."""
    return bool(connection.schema_editor(atomic=migration.atomic).atomic_migration)


def set_line(described, line):
    for operation in described:
        operation["line"] = line
        set_line((operation["databaseOperations"] or []) + (operation["stateOperations"] or []), line)


def with_lines(described, lines):
    """Each operation's line in its file; nested operations of SeparateDatabaseAndState get their parent's."""
    for operation in described:
        set_line([operation], lines[operation["index"]] if operation["index"] < len(lines) else None)
    return described


def describe_migration(migration, state, connection):
    """One pending migration and its operations; advances `state` past it."""
    path = migration_file(migration)
    lines = operation_lines(path) if path else []
    return {
        "app": migration.app_label,
        "name": migration.name,
        "dependencies": keys(migration.dependencies),
        "replaces": keys(migration.replaces),
        "atomic": bool(migration.atomic),
        "transactional": runs_in_transaction(connection, migration),
        "initial": bool(migration.initial),
        "override": override_of(migration),
        "file": path,
        "operations": with_lines(walk(migration.operations, migration.app_label, state, connection), lines),
        "followUp": follow_up_of(migration),
    }


def describe_all(plan, state, connection):
    if plan:
        # Rendered once before the first operation, as migrate renders it before it applies anything: each
        # operation then re-renders only the models it changes. Left to the first operation, the state before it
        # and the state after it would each render every model.
        state.apps
    return [describe_migration(migration, state, connection) for migration in plan]


SPLIT_OPERATIONS = 200


def split_point(plan):
    """Where a second process takes over the plan: at half of its operations, when there are enough to pay for
    that process (a fork, a database connection, its half rendered once) and a second CPU to run it on.
    PHASEGATE_HELPER_SPLIT_OPERATIONS: the fewest pending operations worth it (0: never split)."""
    minimum = int(os.environ.get("PHASEGATE_HELPER_SPLIT_OPERATIONS") or SPLIT_OPERATIONS)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    counts = [len(migration.operations) for migration in plan]
    total = sum(counts)
    if minimum <= 0 or total < minimum or cpus < 2 or not hasattr(os, "fork") or len(plan) < 2:
        return None
    done = 0
    for at, count in enumerate(counts[:-1]):
        done += count
        if done * 2 >= total:
            return at + 1
    return len(plan) - 1


# The connection a forked process inherits, kept unused and unclosed until os._exit: closing it (or letting it be
# collected) would end the parent's session, whose socket it shares.
INHERITED = []


def reconnect_after_fork(connection):
    INHERITED.append(connection.connection)
    connection.connection = None
    connect(connection)


def describe_later_half(plan, at, state, connection, out):
    """In the forked process: the plan from `at` on, as JSON on `out`; never returns."""
    try:
        reconnect_after_fork(connection)
        for migration in plan[:at]:
            state = migration.mutate_state(state, preserve=False)
        document = {"pending": describe_all(plan[at:], state, connection)}
    except Failure as failure:
        document = failure_document(failure)
    except BaseException as error:
        document = internal_failure_document(error)
    try:
        with os.fdopen(out, "w") as pipe:
            pipe.write(json.dumps(document, separators=(",", ":")))
    finally:
        os._exit(0)


def describe_plan(plan, state, connection):
    """Every pending migration described; a long plan in two processes, the later half in a forked one."""
    at = split_point(plan)
    if at is None:
        return describe_all(plan, state, connection)
    read_end, write_end = os.pipe()
    # What both processes share stays shared: the collector of either would otherwise touch, and copy, all of it.
    gc.freeze()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        describe_later_half(plan, at, state, connection, write_end)
    os.close(write_end)
    try:
        first = describe_all(plan[:at], state, connection)
    finally:
        with os.fdopen(read_end) as pipe:
            answer = pipe.read()
        _, status = os.waitpid(child, 0)
    if not answer:
        raise Failure("internal", "the process describing the later half of the plan ended without an answer "
                      "(wait status %d)" % status)
    later = json.loads(answer)
    if "error" in later:
        error = later["error"]
        raise Failure(error["kind"], error["message"], error.get("detail"), error.get("location"))
    return first + later["pending"]


def introspect_connected(django, connection, targets):
    executor, plan = pending_plan(connection, targets)
    state = executor._create_project_state(with_applied_migrations=True)
    pending = describe_plan(plan, state, connection)
    return {
        "djangoVersion": django.get_version(),
        "vendor": connection.vendor,
        "applied": keys(sorted(executor.loader.applied_migrations)),
        "appliedNotInRelease": keys(applied_not_in_release(executor.loader)),
        "pending": pending,
    }


def applied_not_in_release(loader):
    """Migrations of installed apps the database has applied but this release's files lack (a newer release ran
    them): planning it would run old code against a newer schema."""
    present = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        present.update(migration.replaces)
    return sorted(
        key for key in loader.applied_migrations if key[0] in loader.migrated_apps and key not in present
    )


# Live facts: read-only catalog and statistics queries, each bounded, on a connection that never waits for a lock.
SESSION_COLUMNS = (
    "a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), coalesce(a.state, ''), "
    "coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start, a.backend_start)), 0)::int, "
    "left(coalesce(a.query, ''), %s)"
)


def session_of(row, extra=None):
    pid, user, application, state, age, query = row[:6]
    session = {"pid": pid, "user": user, "application": application, "state": state, "ageSeconds": age,
               "query": query, "table": None, "mode": None}
    session.update(extra or {})
    return session


def postgresql_tables(cursor, tables):
    found = []
    for table in tables:
        cursor.execute(
            "SELECT c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c WHERE c.oid = to_regclass(%s)",
            [table["name"]])
        row = cursor.fetchone()
        rows = None if row is None or row[0] < 0 else row[0]
        found.append({"table": table["name"], "exists": row is not None, "rows": rows,
                      "bytes": None if row is None else row[1], "sizeOf": "table"})
    return found


def blocking_sessions(cursor, tables, limit, query_chars):
    sessions = []
    for table in tables:
        if not table["conflicts"]:
            continue
        cursor.execute(
            "SELECT DISTINCT ON (a.pid) " + SESSION_COLUMNS + ", l.mode FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'relation' AND l.granted AND l.relation = to_regclass(%s) "
            "AND l.mode = ANY(%s) AND a.pid <> pg_backend_pid() ORDER BY a.pid LIMIT %s",
            [query_chars, table["name"], list(table["conflicts"]), limit + 1])
        sessions += [session_of(row, {"table": table["name"], "mode": row[6]}) for row in cursor.fetchall()]
    return sorted(sessions, key=lambda s: -s["ageSeconds"])


def idle_sessions(cursor, idle_seconds, limit, query_chars):
    cursor.execute(
        "SELECT " + SESSION_COLUMNS + " FROM pg_stat_activity a WHERE a.state LIKE 'idle in transaction%%' "
        "AND a.datname = current_database() AND a.pid <> pg_backend_pid() "
        "AND a.xact_start < now() - make_interval(secs => %s) ORDER BY a.xact_start LIMIT %s",
        [query_chars, idle_seconds, limit + 1])
    return [session_of(row) for row in cursor.fetchall()]


def replicas(cursor):
    cursor.execute(
        "SELECT coalesce(application_name, ''), coalesce(state, ''), extract(epoch FROM replay_lag)::float8 "
        "FROM pg_stat_replication ORDER BY 1")
    return [{"name": name, "state": state, "replayLagSeconds": lag} for name, state, lag in cursor.fetchall()]


def postgresql_facts(connection, request):
    limit, chars = request["maxSessions"], request["queryChars"]
    with connection.cursor() as cursor:
        # Never queue behind a lock (pg_total_relation_size opens the table), never run long.
        cursor.execute("SET statement_timeout = %d" % int(request["statementTimeoutMs"]))
        cursor.execute("SET lock_timeout = %d" % int(request["statementTimeoutMs"]))
        tables = postgresql_tables(cursor, request["tables"])
        blockers = blocking_sessions(cursor, request["tables"], limit, chars)
        idle = idle_sessions(cursor, request["idleSeconds"], limit, chars)
        standbys = replicas(cursor)
    return {"tables": tables, "blockers": blockers, "idle": idle, "replicas": standbys}


def sqlite_tables(cursor, tables):
    cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
    database_bytes = cursor.fetchone()[0]
    found = []
    for table in tables:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table["name"]])
        exists = cursor.fetchone() is not None
        size, of = (database_bytes, "database") if exists else (None, "table")
        if exists:
            try:
                cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name = %s", [table["name"]])
                size, of = cursor.fetchone()[0] or 0, "table"
            except Exception:
                pass  # no dbstat in this SQLite: the whole file's size it is
        found.append({"table": table["name"], "exists": exists, "rows": None, "bytes": size, "sizeOf": of})
    return found


def live_facts(settings, request):
    setup_django(settings)
    connection = default_connection()
    if new_sqlite_file(connection):
        # No database yet (connecting would create the file): every table is still to be created.
        missing = [{"table": t["name"], "exists": False, "rows": None, "bytes": None, "sizeOf": "table"}
                   for t in request["tables"]]
        return {"liveFacts": {"vendor": "sqlite", "tables": missing, "blockers": [], "idle": [], "replicas": []}}
    connect(connection)
    try:
        if connection.vendor == "postgresql":
            facts = postgresql_facts(connection, request)
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                facts = {"tables": sqlite_tables(cursor, request["tables"]), "blockers": [], "idle": [],
                         "replicas": []}
        else:
            facts = {"tables": [], "blockers": [], "idle": [], "replicas": []}
    finally:
        connection.close()
    return {"liveFacts": dict(facts, vendor=connection.vendor)}


def live_facts_request(argv):
    """(settings, request) of `[--settings MODULE] --live-facts JSON`, None for an introspection."""
    if "--live-facts" not in argv:
        return None
    args = list(argv)
    at = args.index("--live-facts")
    if at + 1 >= len(args):
        raise Failure("usage", "--live-facts needs a JSON request")
    raw = args.pop(at + 1)
    args.pop(at)
    settings, targets = parse_args(args)
    if targets:
        raise Failure("usage", "--live-facts takes no migration targets")
    try:
        return settings, json.loads(raw)
    except ValueError as error:
        raise Failure("usage", "--live-facts: %s" % one_line(error))


def failure_document(failure):
    return {
        "error": {
            "kind": failure.kind,
            "message": failure.message,
            "detail": failure.detail,
            "location": failure.location,
        }
    }


def internal_failure_document(error):
    return {"error": {"kind": "internal", "message": one_line(error), "detail": traceback.format_exc()}}


def main(argv):
    # Whatever the project prints (settings, app ready() hooks) must not corrupt the JSON on stdout.
    sys.stdout = sys.stderr
    try:
        facts = live_facts_request(argv)
        if facts is not None:
            document, status = live_facts(*facts), 0
        else:
            settings, targets = parse_args(argv)
            document, status = introspect(settings, targets), 0
    except Failure as failure:
        document, status = failure_document(failure), 1
    except Exception as error:
        document, status = internal_failure_document(error), 1
    # dumps, not dump: one call into the C encoder instead of thousands of small writes.
    REAL_STDOUT.write(json.dumps(document, separators=(",", ":")))
    REAL_STDOUT.flush()
    return status


if __name__ == "__main__":
    exit_status = main(sys.argv[1:])
    sys.stderr.flush()
    # The answer is written and flushed and the connection closed. Tearing the interpreter down (Django, the
    # project's apps, every migration module) took about 70 ms of a 0.4 s plan of a project of 1,000 migrations.
    os._exit(exit_status)
