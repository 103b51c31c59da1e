"""One instance of the shop's code version SHOP_CODE_VERSION, in a loop until SIGTERM.

    DATABASE_URL=postgres://... SHOP_CODE_VERSION=v2 python3 -m traffic.replica --slot 0 --port 8101

Serves GET /version on the port, runs the workload as fast as --pause-ms allows and, when told to stop, finishes
its round and prints its counters as one JSON line on stdout.
"""
import argparse
import json
import os
import signal
import sys
import threading


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slot", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pause-ms", type=float, default=2.0)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django

    django.setup()
    from catalog import models
    from traffic.counters import Counters
    from traffic.version_server import serve
    from traffic.workload import one_round

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    counters = Counters(models.CODE_VERSION, options.slot)
    if os.environ.get("SHOP_BROKEN") == "1":
        counters.broken.set()
    server = serve(options.port, counters)
    parent = os.getppid()
    rounds = 0
    # A harness that died without stopping its replicas leaves them orphaned: they stop on their own then.
    while not stop.is_set() and os.getppid() == parent:
        rounds += 1
        one_round(models.code, counters, f"{models.CODE_VERSION}-{options.slot}-{os.getpid()}-{rounds}")
        stop.wait(options.pause_ms / 1000)
    server.shutdown()
    sys.stdout.write(json.dumps(counters.snapshot()) + "\n")


if __name__ == "__main__":
    main()
