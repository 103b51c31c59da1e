"""Successes and errors per ORM operation, with the text of every distinct error (first seen first)."""
import threading
import time


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
            text = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
            self.errors[text] = self.errors.get(text, 0) + 1

    def snapshot(self):
        with self._lock:
            return {
                "version": self.version,
                "slot": self.slot,
                "startedAt": self.started_at,
                "endedAt": time.time(),
                "operations": {name: dict(counts) for name, counts in self.operations.items()},
                "errors": [{"text": text, "count": count} for text, count in self.errors.items()],
            }
