"""Deploy hook for phasegate's command deployer: asks the proof harness to roll the replicas to a version.

    python3 -m traffic.request_deploy http://127.0.0.1:PORT v3

Returns as soon as the harness accepted the request, like `kubectl set image`; the rollout itself is watched
through the replicas' /version endpoints.
"""
import json
import sys
import urllib.error
import urllib.request


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} CONTROL_URL VERSION")
    control, version = sys.argv[1], sys.argv[2]
    request = urllib.request.Request(
        f"{control.rstrip('/')}/deploy",
        data=json.dumps({"version": version}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print(json.load(response)["message"])
    except urllib.error.HTTPError as error:
        sys.exit(f"the harness refused the deploy of {version}: {error.read().decode(errors='replace')}")
    except urllib.error.URLError as error:
        sys.exit(f"cannot reach the harness at {control}: {error.reason}")


if __name__ == "__main__":
    main()
