"""The replica's HTTP face: GET /version (what a rollout watcher polls), GET /counters, GET /metrics (Prometheus's
text format) and POST /break (from then on each round also fails a request, as a broken release would)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(port, counters):
    class Handler(BaseHTTPRequestHandler):
        def answer(self, status, body, content_type="application/json"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/metrics":
                return self.answer(200, counters.exposition().encode(), "text/plain; version=0.0.4")
            routes = {"/version": lambda: {"version": counters.version}, "/counters": counters.snapshot}
            answer = routes.get(self.path)
            body = json.dumps(answer() if answer else {"error": f"no route {self.path}"}).encode()
            self.answer(200 if answer else 404, body)

        def do_POST(self):
            if self.path != "/break":
                return self.answer(404, json.dumps({"error": f"no route {self.path}"}).encode())
            counters.broken.set()
            self.answer(200, json.dumps({"broken": counters.version}).encode())

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
