"""Helpers of the market-data tests: the layer on sys.path, a stand-in for Nasdaq Data Link
on 127.0.0.1 (port 0), and a copy of the app with a small seed universe."""

from __future__ import annotations

import json
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

EXAMPLE = Path(__file__).resolve().parent.parent
LAYER = EXAMPLE / "src" / "market_common" / "python"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))

SEED_LINE = "UniverseSize: 5000"


def small_app_copy(destination: Path, universe_size: int) -> Path:
    """The example copied without local state, seeding ``universe_size`` securities."""
    shutil.copytree(EXAMPLE, destination,
                    ignore=shutil.ignore_patterns(".fogbank", "__pycache__", "tests"))
    template = destination / "template.yaml"
    text = template.read_text()
    assert text.count(SEED_LINE) == 1, "the seed universe size line moved"
    template.write_text(text.replace(SEED_LINE, f"UniverseSize: {universe_size}"))
    return destination


@dataclass
class RecordedProvider:
    """What the stand-in provider saw and serves."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    datasets: dict[str, list[list[Any]]] = field(default_factory=dict)

    def calls_for(self, code: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["code"] == code]


COLUMNS = ["Date", "Open", "High", "Low", "Close", "Volume", "Dividend", "Split", "Adj_Open",
           "Adj_High", "Adj_Low", "Adj_Close", "Adj_Volume"]


def eod_row(day: str, close: float) -> list[Any]:
    """A row as Quandl's EOD database answers it (13 columns, the last 7 adjusted)."""
    return [day, close - 1, close + 2, close - 2, close, 1_234_567.0, 0.0, 1.0,
            close - 1, close + 2, close - 2, close, 1_234_567.0]


@contextmanager
def nasdaq_data_link_stand_in(api_key: str) -> Iterator[RecordedProvider]:
    """An HTTP server answering ``/api/v3/datasets/EOD/<code>/data.json`` like Nasdaq Data
    Link: the recorded-response shape, 404 ``QECx02`` for unknown codes, 400 for a wrong key,
    429 for the code ``LIMIT``."""
    state = RecordedProvider()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            segments = parts.path.strip("/").split("/")
            code = segments[4] if len(segments) == 6 else ""
            state.requests.append({"path": parts.path, "code": code, "query": query})
            if query.get("api_key") != api_key:
                self.reply(400, {"quandl_error": {
                    "code": "QEAx01", "message": "We could not recognize your API key."}})
            elif code == "LIMIT":
                self.reply(429, {"quandl_error": {
                    "code": "QELx01", "message": "You have exceeded the API speed limit."}})
            elif code not in state.datasets:
                self.reply(404, {"quandl_error": {
                    "code": "QECx02", "message": "You have submitted an incorrect Quandl code. "
                    "Please check your Quandl codes and try again."}})
            else:
                rows = [r for r in state.datasets[code]
                        if query.get("start_date", "") <= r[0] <= query.get("end_date", "9")]
                self.reply(200, {"dataset_data": {
                    "limit": None, "transform": None, "column_index": None,
                    "column_names": COLUMNS, "start_date": query.get("start_date"),
                    "end_date": query.get("end_date"), "frequency": "daily", "data": rows,
                    "collapse": None, "order": query.get("order")}})

        def reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def response_url_catcher() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A pre-signed-URL stand-in on 127.0.0.1 (port 0) that records the JSON bodies PUT to
    it, as CloudFormation's ResponseURL would receive them."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_PUT(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/response", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
