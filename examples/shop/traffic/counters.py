"""Successes and errors per ORM operation, with every distinct error text, its count and when it was first seen;
also as Prometheus counters (shop_requests_total, shop_errors_total by version and slot)."""
import threading
import time


def describe(error):
    """The exception's type and the first line of its message (PostgreSQL adds LINE/HINT lines after it)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


class Counters:
    def __init__(self, version, slot):
        self.version = version
        self.slot = slot
        self.started_at = time.time()
        self.operations = {}
        self.errors = {}
        self._lock = threading.Lock()
        # Set by POST /break (or SHOP_BROKEN=1): the replica's requests start failing, as a bad release's would.
        self.broken = threading.Event()

    def record(self, operation, error=None):
        with self._lock:
            counts = self.operations.setdefault(operation, {"ok": 0, "errors": 0})
            if error is None:
                counts["ok"] += 1
                return
            counts["errors"] += 1
            text = describe(error)
            seen = self.errors.setdefault(text, {"text": text, "count": 0, "firstAt": time.time()})
            seen["count"] += 1

    def exposition(self):
        """The totals in Prometheus's text format: every operation is a request."""
        with self._lock:
            requests = sum(c["ok"] + c["errors"] for c in self.operations.values())
            errors = sum(c["errors"] for c in self.operations.values())
        labels = f'version="{self.version}",slot="{self.slot}"'
        return (
            "# HELP shop_requests_total Requests the replica served (ORM operations).\n"
            "# TYPE shop_requests_total counter\n"
            f"shop_requests_total{{{labels}}} {requests}\n"
            "# HELP shop_errors_total Requests that failed.\n"
            "# TYPE shop_errors_total counter\n"
            f"shop_errors_total{{{labels}}} {errors}\n"
        )

    def snapshot(self):
        with self._lock:
            return {
                "version": self.version,
                "slot": self.slot,
                "startedAt": self.started_at,
                "endedAt": time.time(),
                "operations": {name: dict(counts) for name, counts in self.operations.items()},
                "errors": [dict(seen) for seen in self.errors.values()],
            }
