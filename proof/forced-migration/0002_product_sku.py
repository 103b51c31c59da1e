"""The proof's refusal demonstration, never part of examples/shop: a NOT NULL column whose default is only Python's.

Django 3.2 fills the existing rows with the default and then drops it from the column, so the INSERTs of code that
does not know `sku` (v1) fail. phasegate refuses this operation; `phase = "expand"` forces it through.
"""
from django.db import migrations, models


class Migration(migrations.Migration):
    phase = "expand"

    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="sku",
            field=models.CharField(max_length=20, default="none"),
        ),
    ]
