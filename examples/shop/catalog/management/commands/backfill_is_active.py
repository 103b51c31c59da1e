"""Backfill of catalog_product.is_active from is_enabled, one batch per call (phasegate's backfill contract).

    python manage.py backfill_is_active [--batch-size N]

Each call sets is_active = is_enabled on at most N rows whose is_active is still NULL, commits, and prints one line
of JSON: {"changed": <rows set by this call>, "remaining": <rows still NULL>}. Rows are picked by what is left to
do, not by position, so a call after a crash (or a second worker) goes on where the last commit stopped and never
redoes a finished batch. phasegate calls it until "remaining" is 0 (services file: backfill.command).

Raw SQL on purpose: the model of the running code version may already lack is_enabled (SHOP_CODE_VERSION=v3).
"""
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

BATCH = """
UPDATE catalog_product SET is_active = COALESCE(is_enabled, TRUE)
WHERE id IN (SELECT id FROM catalog_product WHERE is_active IS NULL ORDER BY id LIMIT %s)
"""
REMAINING = "SELECT count(*) FROM catalog_product WHERE is_active IS NULL"


class Command(BaseCommand):
    help = "Sets is_active from is_enabled on one batch of products; prints {\"changed\": N, \"remaining\": M}."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per call (default 1000)")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(BATCH, [batch_size])
            changed = cursor.rowcount
        with connection.cursor() as cursor:
            cursor.execute(REMAINING)
            remaining = cursor.fetchone()[0]
        self.stdout.write(json.dumps({"changed": changed, "remaining": remaining}))
