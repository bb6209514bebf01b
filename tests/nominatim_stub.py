"""A local stand-in for Nominatim's `/search` API, so tests never touch the network.

It speaks the real protocol (`/search?q=...&format=json&limit=1` → a JSON list of
place records with string coordinates) and can misbehave on demand: 429 with
Retry-After, any HTTP error, a reply slower than the client's timeout, malformed JSON.
Every request is recorded (path, params, User-Agent, arrival time) for assertions.

    with NominatimStub() as stub:
        Nominatim(user_agent="...", domain=stub.domain, scheme="http").geocode("Kyiv")

or take the `nominatim_stub` fixture (import it into a test module or conftest).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"


@dataclass(frozen=True)
class Reply:
    """How the stub answers one request: `kind` is answer, not_found, error, slow or malformed."""

    kind: str
    status: int = 200
    retry_after: int | None = None
    delay: float = 0.0


ANSWER = Reply("answer")  # the known record for the query, or [] if there is none
NOT_FOUND = Reply("not_found")
MALFORMED = Reply("malformed")


def rate_limited(retry_after: int = 1) -> Reply:
    """HTTP 429 with a Retry-After header, as Nominatim sends when a client is too fast."""
    return Reply("error", status=429, retry_after=retry_after)


def http_error(status: int = 500) -> Reply:
    """Any HTTP error status with an HTML body (500, 503, 403 for a blocked agent...)."""
    return Reply("error", status=status)


def slow(seconds: float) -> Reply:
    """The normal answer, but only after `seconds` (longer than the client timeout)."""
    return Reply("slow", delay=seconds)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the stub saw it; `at` is time.monotonic() on arrival."""

    path: str
    params: dict[str, str]
    user_agent: str | None
    at: float

    @property
    def q(self) -> str | None:
        return self.params.get("q")


def place(
    display_name: str,
    lat: float,
    lon: float,
    *,
    osm_type: str = "relation",
    osm_id: int,
    place_id: int,
    category: str = "boundary",
    type_: str = "administrative",
    addresstype: str = "city",
    place_rank: int = 16,
    importance: float = 0.6,
    span: float = 0.2,
) -> dict:
    """A search record shaped like Nominatim 4.x `format=json` output (numbers as strings)."""
    return {
        "place_id": place_id,
        "licence": LICENCE,
        "osm_type": osm_type,
        "osm_id": osm_id,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "class": category,
        "type": type_,
        "place_rank": place_rank,
        "importance": importance,
        "addresstype": addresstype,
        "name": display_name.split(",")[0],
        "display_name": display_name,
        "boundingbox": [
            f"{lat - span:.7f}", f"{lat + span:.7f}", f"{lon - span:.7f}", f"{lon + span:.7f}"
        ],
    }


def default_places() -> dict[str, dict]:
    """A few real places (coordinates as OSM has them), keyed by the query that finds them."""
    return {
        "kyiv": place("Київ, Україна", 50.4500336, 30.5241361,
                      osm_id=421866, place_id=343400178, place_rank=8, importance=0.78),
        "kharkiv": place("Харків, Харківська область, Україна", 49.9923181, 36.2310146,
                         osm_id=3154746, place_id=343395522, place_rank=16, importance=0.69),
        "odesa": place("Одеса, Одеська міська громада, Одеська область, Україна",
                       46.4843023, 30.7322878, osm_id=1413934, place_id=343287436,
                       importance=0.66),
        "khan younis": place("خان يونس, قطاع غزة, الأراضي الفلسطينية", 31.3452211, 34.3035184,
                             osm_type="node", osm_id=268092924, place_id=2370912,
                             category="place", type_="city", importance=0.55, span=0.05),
    }


class NominatimStub:
    """Threaded HTTP server on 127.0.0.1 (free port) answering like Nominatim's search."""

    def __init__(self, places: dict[str, dict] | None = None) -> None:
        self.places = {q.casefold(): rec for q, rec in (places or default_places()).items()}
        self.requests: list[RecordedRequest] = []
        self._queued: dict[str, list[Reply]] = {}
        self._always: dict[str | None, Reply] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- behaviour

    def queue(self, query: str, *replies: Reply) -> None:
        """Answer the next requests for `query` with `replies` in order, then normally."""
        with self._lock:
            self._queued.setdefault(query.casefold(), []).extend(replies)

    def always(self, reply: Reply, query: str | None = None) -> None:
        """Answer every request for `query` (every request if None) with `reply`."""
        with self._lock:
            self._always[query.casefold() if query else None] = reply

    def heal(self) -> None:
        """Forget queued and permanent misbehaviour: answer normally again."""
        with self._lock:
            self._queued.clear()
            self._always.clear()

    def _reply_for(self, query: str) -> Reply:
        with self._lock:
            queued = self._queued.get(query)
            if queued:
                return queued.pop(0)
            return self._always.get(query) or self._always.get(None) or ANSWER

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def requests_for(self, query: str) -> list[RecordedRequest]:
        """Recorded /search requests whose q matches `query` (case-insensitive)."""
        with self._lock:
            return [r for r in self.requests if (r.q or "").casefold() == query.casefold()]

    # -- lifecycle

    @property
    def domain(self) -> str:
        """`host:port`, for geopy's `domain=` (with `scheme="http"`)."""
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def start(self) -> NominatimStub:
        """Listen on a free port and serve from a daemon thread."""
        handler = type("Handler", (_Handler,), {"stub": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        # A short poll interval makes stop() quick; the default 0.5 s adds up over a suite.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes handlers still sleeping in a slow reply."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    def __enter__(self) -> NominatimStub:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out and hung up is part of the tests, not a failure.
        pass


class _Handler(BaseHTTPRequestHandler):
    stub: NominatimStub
    protocol_version = "HTTP/1.1"  # keep-alive, as the real server does
    timeout = 5  # drop idle keep-alive connections so handler threads end

    def log_message(self, format, *args):
        pass  # keep pytest output clean

    def do_GET(self):
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        stub = self.stub
        stub._record(RecordedRequest(url.path, params, self.headers.get("User-Agent"),
                                     time.monotonic()))
        if url.path != "/search":
            return self._send(404, "text/html", b"<html><body>Not Found</body></html>")
        query = " ".join(params.get("q", "").split()).casefold()
        reply = stub._reply_for(query)

        if reply.kind == "error":
            headers = {"Retry-After": str(reply.retry_after)} if reply.retry_after else {}
            body = f"<html><body><h1>{reply.status}</h1></body></html>".encode()
            return self._send(reply.status, "text/html", body, headers)
        if reply.kind == "malformed":
            return self._send(200, "application/json", b'[{"place_id": 1, "lat": "50.4')
        if reply.kind == "slow" and stub._stopping.wait(reply.delay):
            return  # stub stopped meanwhile: nobody is listening any more
        record = None if reply.kind == "not_found" else stub.places.get(query)
        results = [record] if record else []
        body = json.dumps(results, ensure_ascii=False).encode("utf-8")
        self._send(200, "application/json; charset=utf-8", body)

    def _send(self, status, content_type, body, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): expected in slow-reply tests


@pytest.fixture
def nominatim_stub():
    """A running NominatimStub, stopped after the test."""
    with NominatimStub() as stub:
        yield stub
