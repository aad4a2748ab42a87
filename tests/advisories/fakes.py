"""Local stand-ins for the network: an HTTP server on 127.0.0.1 serving files or answering
OSV's `/v1/query`, a port nobody listens on, and zips shaped like osv.dev's `all.zip`."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from gate.advisories.osv import AdvisoryDatabase

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "advisories"
PYPI_RECORDS = ASSETS / "osv-pypi"
NPM_RECORD = ASSETS / "other" / "GHSA-35jh-r3h4-6jhm.json"


def make_zip(out: Path, records: dict[str, Any]) -> Path:
    """A flat zip of OSV records, `NAME.json` -> record (or raw text), as osv.dev's all.zip."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, record in sorted(records.items()):
            text = record if isinstance(record, str) else json.dumps(record)
            archive.writestr(name, text)
    return out


def fixture_records(modified: str | None = None) -> dict[str, Any]:
    """The PyPI fixture records and the npm one by file name; `modified` overrides every
    record's date (to make data newer than the built-in snapshot)."""
    records: dict[str, Any] = {}
    for path in [*sorted(PYPI_RECORDS.glob("*.json")), NPM_RECORD]:
        record = json.loads(path.read_text())
        if modified is not None:
            record["modified"] = modified
        records[path.name] = record
    return records


def closed_port_url(path: str = "/v1/query") -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@contextmanager
def serving(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run `handler` on 127.0.0.1 in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def file_server(root: Path) -> Any:
    """`serving(file_server(root))` serves the files under `root`."""
    return serving(partial(_QuietFiles, directory=str(root)))


class FakeOsv(BaseHTTPRequestHandler):
    """Answers `POST /v1/query` as api.osv.dev does, from the fixture records."""

    records: ClassVar[dict[str, dict[str, Any]]] = {}
    database: ClassVar[AdvisoryDatabase | None] = None
    status: ClassVar[int] = 200
    delay_s: ClassVar[float] = 0.0
    fail_after: ClassVar[int | None] = None
    """Answer HTTP 503 once this many queries were answered."""
    queries: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).queries.append(query)
        time.sleep(self.delay_s)
        if self.fail_after is not None and len(self.queries) > self.fail_after:
            self._send(503, {"code": 14})
            return
        if self.status != 200 or self.path != "/v1/query" or self.database is None:
            self._send(self.status if self.status != 200 else 404, {"code": 5})
            return
        package = query["package"]["name"]
        hits = self.database.query(package, query["version"])
        vulns = [self.records[advisory.id] for advisory in hits]
        self._send(200, {"vulns": vulns} if vulns else {})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        # A client that gave up waiting (a probe's deadline) has closed the connection.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def fake_osv(
    status: int = 200, delay_s: float = 0.0, fail_after: int | None = None
) -> type[FakeOsv]:
    """A `FakeOsv` handler class of its own, answering from the PyPI fixture records."""
    records = {path.stem: json.loads(path.read_text()) for path in PYPI_RECORDS.glob("*.json")}
    attributes = {
        "records": records,
        "database": AdvisoryDatabase.load(PYPI_RECORDS),
        "status": status,
        "delay_s": delay_s,
        "fail_after": fail_after,
        "queries": [],
    }
    return type("FakeOsvServer", (FakeOsv,), attributes)
