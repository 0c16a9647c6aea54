"""The demo portal's HTTP server: loopback only, in a background thread."""
from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo.site import Site


class _Handler(BaseHTTPRequestHandler):
    server_version = "DemoPortal/1.0"
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = self.server.site.handle(self.command, self.path, headers, body)  # type: ignore[attr-defined]
        if response.delay:
            time.sleep(response.delay)
        if response.fault == "reset":
            # RST instead of an answer: SO_LINGER with a zero timeout, then close
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.fault == "truncate":
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):   # the client gave up (timeout, size limit)
            self.close_connection = True

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, format: str, *args) -> None:  # quiet: the crawler logs what matters
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hung up (timeout, size limit, reset) is expected here: no traceback."""
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class DemoServer:
    """`with DemoServer(site) as server: server.base_url` — a portal on 127.0.0.1."""

    def __init__(self, site: Site, port: int = 0, host: str = "127.0.0.1"):
        self.site = site
        self.httpd = _QuietServer((host, port), _Handler)
        self.httpd.site = site  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="demo-portal", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
