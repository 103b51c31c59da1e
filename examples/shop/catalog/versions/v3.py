"""v3, the current code: only `is_active` (works with the schema of 0002 and of 0003)."""
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    # Replaces `is_enabled` (removed in 0003). Nullable, not default=True: on Django < 5.0 a default only fills
    # the existing rows and is then dropped from the column, so the old code's INSERTs would fail on NOT NULL.
    is_active = models.BooleanField(null=True)

    class Meta:
        app_label = "catalog"


def create(name):
    return Product.objects.create(name=name, is_active=True)


def active():
    return Product.objects.filter(is_active=True)


def deactivate(product):
    product.is_active = False
    product.save(update_fields=["is_active"])
