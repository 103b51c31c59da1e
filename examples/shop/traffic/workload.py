"""One round of what a shop instance does with the ORM: create, read by filter, update, list."""
from django.db import DatabaseError, InterfaceError, OperationalError, connection


class BrokenRelease(DatabaseError):
    """What a broken replica's checkout answers: counted as an error like a real one."""


def attempt(counters, operation, action):
    try:
        result = action()
    except DatabaseError as error:
        counters.record(operation, error)
        if isinstance(error, (InterfaceError, OperationalError)):
            # The connection itself may be gone; the next operation opens a new one.
            connection.close()
        return None
    counters.record(operation)
    return result


def one_round(code, counters, name):
    attempt(counters, "create", lambda: code.create(name))
    attempt(counters, "read", lambda: list(code.active()[:10]))
    latest = attempt(counters, "list", lambda: list(code.Product.objects.order_by("-id")[:20]))
    if latest:
        attempt(counters, "update", lambda: code.deactivate(latest[0]))
    if counters.broken.is_set():
        attempt(counters, "checkout", broken_checkout)


def broken_checkout():
    raise BrokenRelease("HTTP 500 from checkout: this release is broken")
