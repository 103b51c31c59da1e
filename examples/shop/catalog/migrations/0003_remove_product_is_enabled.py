"""Contract: drops is_enabled once every instance runs the new code (nullable since 0002, so that is safe)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_product_is_active")]

    operations = [
        migrations.RemoveField(model_name="product", name="is_enabled"),
    ]
