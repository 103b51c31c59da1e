"""Successes and errors per ORM operation, with every distinct error text, its count and when it was first seen."""
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
