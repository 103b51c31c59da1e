"""Runs the ORM code of a release against the database: one INSERT and one SELECT per model, with the models as
they are at the given migrations (Django's historical models stand in for the release's models.py).

    python orm_code.py app:migration[:all] ...    (project directory as the working directory)

By default the code writes the fields it must (NOT NULL without a default); with ":all" it writes every field it
knows, as code that writes two fields at once during a column type change does.

With ORM_UNTIL=<file> it goes on, round after round, until that file exists (traffic while migrations run).
Prints {"rounds": n, "errors": ["app.model at migration: error", ...]} on stdout.
"""
import datetime
import decimal
import json
import os
import sys

VALUES = {
    "CharField": "x",
    "TextField": "x",
    "IntegerField": 1,
    "BigIntegerField": 1,
    "SmallIntegerField": 1,
    "PositiveIntegerField": 1,
    "BooleanField": True,
    "DecimalField": decimal.Decimal("1.00"),
    "FloatField": 1.0,
    "DateField": datetime.date(2026, 1, 1),
    "DateTimeField": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
}


def required_values(model, serial, every_field=False):
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or (not every_field and (field.null or field.has_default())):
            continue
        if field.many_to_one:
            related = field.related_model._base_manager
            target = related.order_by("pk").first() or related.create(**required_values(related.model, serial))
            values[field.attname] = target.pk
            continue
        value = VALUES.get(field.get_internal_type(), "x")
        values[field.attname] = "%s%d_%d" % (value, os.getpid() % 100000, serial) if isinstance(value, str) else value
    return values


def main(targets):
    sys.path[0:1] = [os.getcwd()]
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    codes = []
    for target in targets:
        app, name, *mode = target.split(":")
        models = loader.project_state((app, name)).apps.get_app_config(app).get_models()
        codes.extend((name, model, mode == ["all"]) for model in models)
    until = os.environ.get("ORM_UNTIL")
    errors, rounds = [], 0
    while True:
        for name, model, every_field in codes:
            try:
                model._base_manager.create(**required_values(model, rounds, every_field))
                list(model._base_manager.order_by("-pk")[:20])
            except Exception as error:
                errors.append("%s at %s: %s" % (model._meta.label_lower, name, " ".join(str(error).split())))
                connection.close()
        rounds += 1
        if not until or os.path.exists(until):
            break
    print(json.dumps({"rounds": rounds, "errors": errors[:20]}))


if __name__ == "__main__":
    main(sys.argv[1:])
