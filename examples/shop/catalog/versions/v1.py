"""v1, before the story starts: the flag is `is_enabled` (schema of 0001)."""
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    is_enabled = models.BooleanField(default=True)

    class Meta:
        app_label = "catalog"


def create(name):
    return Product.objects.create(name=name, is_enabled=True)


def active():
    return Product.objects.filter(is_enabled=True)


def deactivate(product):
    product.is_enabled = False
    product.save(update_fields=["is_enabled"])
