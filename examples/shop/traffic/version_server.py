"""The replica's HTTP face: GET /version (what a rollout watcher polls) and GET /counters."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(port, counters):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            routes = {"/version": lambda: {"version": counters.version}, "/counters": counters.snapshot}
            answer = routes.get(self.path)
            body = json.dumps(answer() if answer else {"error": f"no route {self.path}"}).encode()
            self.send_response(200 if answer else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
