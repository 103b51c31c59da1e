from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    # Replaces `is_enabled` (removed in 0003). Nullable, not default=True: on Django < 5.0 a default only fills
    # the existing rows and is then dropped from the column, so the old code's INSERTs would fail on NOT NULL.
    is_active = models.BooleanField(null=True)
