"""Expand: old code (which writes is_enabled) and new code (which writes is_active) both work with this schema.

- is_active is nullable rather than BooleanField(default=True): before Django 5.0 the default only fills the
  existing rows and is dropped from the column right after, so the old code's INSERTs would fail on NOT NULL.
- is_enabled loses its NOT NULL so the new code, which no longer writes it, can insert rows until 0003 drops it.
"""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="is_active",
            field=models.BooleanField(null=True),
        ),
        migrations.AlterField(
            model_name="product",
            name="is_enabled",
            field=models.BooleanField(default=True, null=True),
        ),
    ]
