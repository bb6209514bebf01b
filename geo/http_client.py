"""A polite HTTP client for fetching feeds and article pages (issue #15).

Every request of this process goes through one :class:`PoliteClient`, which

* sends an identifying User-Agent (setting ``EVENT_ATLAS_USER_AGENT``) and accepts gzip;
* waits so that requests to one host start at least ``min_interval`` seconds apart (1 s; longer
  where the host's robots.txt asks for a ``Crawl-delay``, up to a minute);
* bounds every request by ``timeout`` seconds, for connecting and the first byte and again for
  the body, so a server that never answers or trickles cannot hold a run;
* caps the (decompressed) response size, refusing an announced Content-Length over the cap
  without reading it;
* follows at most ``max_redirects`` redirects, to http(s) only, and names a loop as such;
* answers :meth:`robots_allow` from the host's robots.txt (RFC 9309: a missing robots.txt, any
  4xx but 429, allows everything; a server error, 429 or an unreachable one disallows everything
  for now).

Failures raise :class:`FetchError` with a short reason fit for a report line
("timeout after 20 s", "HTTP 404 Not Found", "redirect loop", ...).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import LocationParseError, NameResolutionError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from .errors import EventAtlasError

REDIRECT_CODES = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
ROBOTS_TTL_S = 3600.0  # robots.txt is fetched again after an hour (RFC 9309: at most a day)
ROBOTS_RETRY_S = 600.0  # an unreachable robots.txt is asked again after ten minutes
MAX_CRAWL_DELAY_S = 60.0
_CHUNK = 64 * 1024


class FetchError(EventAtlasError):
    """A URL could not be fetched; ``str()`` is the reason, ``url`` the URL asked for."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason


class Stopped(EventAtlasError):
    """The client was asked to stop before a request was sent (nothing was fetched)."""


@dataclass(frozen=True)
class Response:
    """A complete answer: ``url`` is the final URL after redirects; headers are lower-cased."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def check_http_url(url: str) -> str:
    """``url`` stripped if it is an absolute http(s) URL with a host; else ValueError."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


class PoliteClient:
    """See the module docstring. One instance per process; not for parallel use (calls are
    serialised by a lock). ``stop`` (a threading.Event) makes waiting for a host's turn end
    with :class:`Stopped` instead of sending the request."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        max_redirects: int = 5,
        min_interval: float = 1.0,
        stop: threading.Event | None = None,
    ) -> None:
        if not user_agent or not user_agent.strip():
            raise ValueError("a User-Agent identifying Event Atlas is required")
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        self.user_agent = user_agent.strip()
        self.timeout = float(timeout)
        self.max_bytes = int(max_bytes)
        self.max_redirects = int(max_redirects)
        self.min_interval = float(min_interval)
        self.stop = stop or threading.Event()
        self._pool = urllib3.PoolManager(num_pools=32, maxsize=1, block=False)
        self._lock = threading.RLock()
        self._last_start: dict[str, float] = {}  # host -> monotonic time its last request started
        self._crawl_delay: dict[str, float] = {}  # host -> seconds asked for by robots.txt
        self._robots: dict[str, tuple[float, RobotFileParser | None, str | None]] = {}
        self.requests = 0  # requests sent (redirect hops and robots.txt included)

    # ---------------------------------------------------------------- public

    def get(
        self, url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None,
        robots: bool = False,
    ) -> Response:
        """GET ``url``, following redirects; returns a 2xx or 304 :class:`Response`.

        ``robots``: check robots.txt before each hop (article pages); a disallowed URL raises
        FetchError("disallowed by robots.txt"). Other statuses raise FetchError("HTTP ...").
        """
        seen = set()
        current = url
        for _hop in range(self.max_redirects + 1):
            try:
                check_http_url(current)
            except ValueError:
                raise FetchError(url, f"redirect to a non-http(s) URL {current!r}") from None
            seen.add(current)
            if robots and not self.robots_allow(current):
                where = "" if current == url else f" (redirected to {current})"
                raise FetchError(url, f"disallowed by robots.txt{where}")
            resp = self._request(current, headers or {}, max_bytes or self.max_bytes, url)
            if resp.status in REDIRECT_CODES:
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(url, f"{_status_text(resp.status)} without a Location")
                target = urljoin(current, location.strip())
                if target in seen:
                    raise FetchError(url, f"redirect loop ({current} -> {target})")
                current = target
                continue
            if resp.status == 304 or 200 <= resp.status < 300:
                return resp
            raise FetchError(url, _status_text(resp.status))
        raise FetchError(url, f"too many redirects (more than {self.max_redirects})")

    def robots_allow(self, url: str) -> bool:
        """Whether the host's robots.txt lets this User-Agent fetch ``url``.

        Raises FetchError when robots.txt is unreachable or answers with a server error: then
        nothing on that host may be fetched (RFC 9309 §2.3.1.4) until it is asked again.
        """
        origin = _origin(url)
        with self._lock:
            now = time.monotonic()
            cached = self._robots.get(origin)
            if cached is None or cached[0] <= now:
                cached = self._fetch_robots(origin)
                self._robots[origin] = cached
        _, parser, error = cached
        if parser is None:
            raise FetchError(url, f"robots.txt unreachable ({error}); page not fetched")
        return parser.can_fetch(self.user_agent, url)

    def close(self) -> None:
        self._pool.clear()

    # ---------------------------------------------------------------- internals

    def _fetch_robots(self, origin: str) -> tuple[float, RobotFileParser | None, str | None]:
        now = time.monotonic()
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            resp = self.get(origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as exc:
            if exc.reason.startswith("HTTP 4") and not exc.reason.startswith("HTTP 429"):
                parser.allow_all = True  # no robots.txt: everything allowed
                return now + ROBOTS_TTL_S, parser, None
            return now + ROBOTS_RETRY_S, None, exc.reason
        parser.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self._crawl_delay[_host(origin)] = min(float(delay), MAX_CRAWL_DELAY_S)
        return now + ROBOTS_TTL_S, parser, None

    def _wait_turn(self, host: str) -> None:
        interval = max(self.min_interval, self._crawl_delay.get(host, 0.0))
        last = self._last_start.get(host)
        if last is not None:
            remaining = last + interval - time.monotonic()
            if remaining > 0 and self.stop.wait(remaining):
                raise Stopped("stopped")
        if self.stop.is_set():
            raise Stopped("stopped")
        self._last_start[host] = time.monotonic()

    def _request(self, url: str, headers: dict[str, str], max_bytes: int, asked: str) -> Response:
        with self._lock:
            self._wait_turn(_host(url))
            self.requests += 1
            deadline = time.monotonic() + self.timeout
            sent = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate", **headers}
            try:
                raw = self._pool.urlopen(
                    "GET", url, headers=sent, redirect=False, retries=False, preload_content=False,
                    decode_content=True, timeout=urllib3.Timeout(total=self.timeout),
                )
            # Order matters: urllib3's NewConnectionError is a subclass of its TimeoutError.
            except NameResolutionError:
                raise FetchError(asked, f"unreachable (host {_host(url)!r} not found)") from None
            except NewConnectionError as exc:
                refused = "refused" in str(exc).lower() or isinstance(exc.__cause__, ConnectionRefusedError)
                raise FetchError(asked, f"unreachable ({'connection refused' if refused else exc})") from None
            except Urllib3Timeout:
                raise FetchError(asked, f"timeout after {self.timeout:g} s") from None
            except LocationParseError:
                raise FetchError(asked, f"malformed URL {url!r}") from None
            except Urllib3Error as exc:
                raise FetchError(asked, f"unreachable ({type(exc).__name__}: {exc})") from None
            try:
                resp_headers = {k.lower(): v for k, v in raw.headers.items()}
                if raw.status in REDIRECT_CODES or raw.status == 304 or raw.status >= 400:
                    return Response(url, raw.status, resp_headers, b"")  # bodies not needed
                return Response(url, raw.status, resp_headers, self._read_body(raw, max_bytes, deadline, asked))
            finally:
                raw.release_conn() if raw.status in (200, 304) else raw.close()

    def _read_body(self, raw, max_bytes: int, deadline: float, asked: str) -> bytes:
        announced = raw.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > max_bytes:
            raw.close()
            raise FetchError(asked, f"response too large ({int(announced):,} bytes announced, limit {max_bytes:,})")
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(asked, f"timeout after {self.timeout:g} s (body not complete)")
                chunk = raw.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(asked, f"response too large (over the {max_bytes:,}-byte limit)")
                chunks.append(chunk)
        except FetchError:
            raw.close()
            raise
        except Urllib3Timeout:
            raw.close()
            raise FetchError(asked, f"timeout after {self.timeout:g} s (body not complete)") from None
        except (Urllib3Error, OSError) as exc:
            raw.close()
            raise FetchError(asked, f"connection broken while reading ({type(exc).__name__})") from None
        return b"".join(chunks)
