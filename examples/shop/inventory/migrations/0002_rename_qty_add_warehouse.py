"""What not to ship in one release; `phasegate plan` refuses both operations and prints the recipes."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="stock", old_name="qty", new_name="quantity"),
        migrations.AddField(
            model_name="stock",
            name="warehouse",
            field=models.CharField(default="main", max_length=20),
        ),
    ]
