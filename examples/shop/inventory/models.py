from django.db import models


class Stock(models.Model):
    sku = models.CharField(max_length=40)
    # Renamed from `qty` in 0002: phasegate refuses it (old code still reads "qty").
    quantity = models.IntegerField()
    # NOT NULL with only a Python default: phasegate refuses it (old code's INSERTs do not name it).
    warehouse = models.CharField(max_length=20, default="main")
