"""A real HTTP receiver for webhook deliveries: http.server on a free loopback port.

It keeps every POST (headers and raw body) and answers with the next status
of `statuses` (then 200), so a test can make the first attempts fail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Post:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def verifies(self, secret: str) -> bool:
        mac = hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("X-Accord-Signature", ""), f"sha256={mac}")


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    posts: list[Post] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def delivered(self) -> dict[str, Post]:
        """Accepted posts by X-Accord-Delivery: what a deduping receiver keeps."""
        return {p.headers["X-Accord-Delivery"]: p for p in self.posts if p.headers.get("ok")}


def serve() -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                headers = dict(self.headers.items())
                if status < 300:
                    headers["ok"] = "1"
                receiver.posts.append(Post(headers, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
