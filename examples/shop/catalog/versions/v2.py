"""v2, the dual-write release: writes both flags (so v1 instances still see its rows right) and reads `is_active`.

Needs the schema of 0002: it breaks once 0003 drops `is_enabled`.
"""
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    is_enabled = models.BooleanField(default=True, null=True)
    is_active = models.BooleanField(null=True)

    class Meta:
        app_label = "catalog"


def create(name):
    return Product.objects.create(name=name, is_enabled=True, is_active=True)


def active():
    return Product.objects.filter(is_active=True)


def deactivate(product):
    product.is_enabled = False
    product.is_active = False
    product.save(update_fields=["is_enabled", "is_active"])
