"""The catalog as the code version in SHOP_CODE_VERSION sees it (v3, the current code, when unset).

Each version lives in catalog/versions/ and is the same app at a different release: "deploying v2" means starting
processes with SHOP_CODE_VERSION=v2. Only one version is imported per process, so the three Product classes never
meet in Django's app registry.
"""
import importlib
import os

from django.core.exceptions import ImproperlyConfigured

CODE_VERSIONS = ("v1", "v2", "v3")
CODE_VERSION = os.environ.get("SHOP_CODE_VERSION") or "v3"
if CODE_VERSION not in CODE_VERSIONS:
    raise ImproperlyConfigured(f"SHOP_CODE_VERSION must be one of {', '.join(CODE_VERSIONS)}, got {CODE_VERSION!r}")

code = importlib.import_module(f"catalog.versions.{CODE_VERSION}")
Product = code.Product
