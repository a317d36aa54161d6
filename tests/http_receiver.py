"""A local HTTP endpoint for alert tests: every JSON body POSTed to it, kept in order (and, when
given a folder, written there too, so a privacy scan reads what was sent)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def json_receiver(save_to: Path | None = None) -> Iterator[tuple[str, list[dict]]]:
    """(Apprise json:// URL on 127.0.0.1, the bodies received so far) while the block runs."""
    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # http.server's name for it
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            received.append(body)
            if save_to is not None:  # as UTF-8 text: a scan for 一三八… must not meet \u4e00
                save_to.mkdir(parents=True, exist_ok=True)
                text = json.dumps(body, ensure_ascii=False)
                (save_to / f"alert-{len(received)}.json").write_text(text, encoding="utf-8")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"json://127.0.0.1:{server.server_address[1]}/", received
    finally:
        server.shutdown()
        server.server_close()
