"""One round of what a shop instance does with the ORM: create, read by filter, update, list."""
from django.db import DatabaseError, InterfaceError, OperationalError, connection


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
