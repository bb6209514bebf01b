"""Live news in: RSS 2.0, RSS 1.0 (RDF) and Atom feeds -> article pages -> the store (issue #15).

One round (:meth:`FeedReader.run`) checks every feed with a conditional request (the stored
ETag / Last-Modified; a 304 costs nothing), queues the items not seen before in the store, then
fetches each queued item's page (robots.txt honoured), extracts its main text as HTML ingest
does (:func:`geo.articles.html_main_text`), and stores it with the feed's title, URL, source
name and publication date, with its events, through the same store call as ``ingest``.

Robust by construction: a failing feed or page is recorded (in the store and the report, with
its reason) and the round goes on; an item that failed is tried again in later rounds, at most
:data:`MAX_ATTEMPTS` times; an article is stored with its events in one transaction as soon as
it is fetched, so stopping (the ``stop`` event, set on SIGTERM/SIGINT by the CLI) loses nothing
that was fetched: the round ends after the current article.
"""
from __future__ import annotations

import calendar
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from . import settings
from .errors import ArticleError, EventAtlasError, StoreError
from .formats import html_main_text
from .http_client import FetchError, PoliteClient, Stopped, check_http_url
from .model import Article

MAX_ATTEMPTS = 3  # an item whose page keeps failing is given up after this many rounds
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_MEANS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "l1", "cp819"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class FeedError(EventAtlasError):
    """A feed document could not be used (malformed, not a feed)."""


@dataclass(frozen=True)
class FeedItem:
    link: str
    title: str | None = None
    published: date | None = None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    items: list[FeedItem]
    warnings: list[str] = field(default_factory=list)


@dataclass
class FeedReport:
    """Outcome of one round: counts, failures (each names its feed or page and the reason)."""

    feeds: int = 0
    feeds_ok: int = 0  # feeds that answered with a feed or 304
    not_modified: int = 0
    articles: int = 0  # new articles stored
    known: int = 0  # already stored (same URL or same text): nothing added
    events: int = 0
    skipped: list[str] = field(default_factory=list)  # pages robots.txt disallows
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stopped: bool = False

    def summary(self) -> str:
        text = (f"{self.feeds} feeds ({self.not_modified} not modified), {self.articles} new articles, "
                f"{self.known} already stored, {self.events} events, "
                f"{len(self.skipped)} disallowed by robots.txt, {len(self.failures)} failures")
        return text + (" (stopped early)" if self.stopped else "")

    def exit_status(self) -> int:
        """0 all fine, 1 some feed or page failed, 2 nothing usable (no feed could be read)."""
        if self.feeds and not self.feeds_ok:
            return 2
        return 1 if self.failures else 0


# --------------------------------------------------------------------------- sources


def read_sources(sources: list[str]) -> tuple[list[str], list[str]]:
    """Feed URLs from the command line's SOURCEs (URLs, or text files of URLs one a line with
    ``#`` comments); returns (urls without repeats, problems)."""
    urls: list[str] = []
    problems: list[str] = []
    for source in sources:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
            try:
                urls.append(check_http_url(source))
            except ValueError as exc:
                problems.append(f"{source}: {exc}")
            continue
        path = Path(source)
        try:
            lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError as exc:
            problems.append(f"{path}: cannot read the list of feeds: {exc.strerror or exc}")
            continue
        for lineno, line in enumerate(lines, start=1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            try:
                urls.append(check_http_url(words[0]))  # anything after the URL is a comment
            except ValueError as exc:
                problems.append(f"{path}:{lineno}: {exc}")
    return list(dict.fromkeys(urls)), problems


# --------------------------------------------------------------------------- parsing


def _item_date(entry) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # dict's get: feedparser's own warns on a missing key
        if parsed:
            # feedparser normalises to UTC struct_time
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).date()
    return None


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Items (absolute http(s) links, title, date) of an RSS 2.0, RSS 1.0 or Atom document.

    Raises FeedError for a document that is neither a feed nor parseable. A feed that is not
    well-formed but still yielded items is used, with a warning.
    """
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url,
                                                      "content-type": content_type or "application/xml"})
    warnings: list[str] = []
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(error, (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)):
        error = None  # served as text/html or with a wrong charset, yet parsed fine: nothing to report
    reason = f"{type(error).__name__}: {error}" if error else None
    if not parsed.entries and (error or not parsed.get("version")):
        if "html" in content_type.lower():
            reason = f"an HTML page ({content_type.split(';')[0]}), not RSS or Atom"
        raise FeedError(f"malformed feed ({reason or 'not RSS or Atom'})")
    if error:
        warnings.append(f"{url}: feed is not well-formed ({reason}); {len(parsed.entries)} items read anyway")
    items: list[FeedItem] = []
    for n, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or ""
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]  # RSS guid isPermaLink, Atom id
        try:
            link = check_http_url(link)
        except ValueError:
            warnings.append(f"{url}: item {n} ({entry.get('title', 'untitled')!r}) has no http(s) link; skipped")
            continue
        title = " ".join(str(entry.get("title") or "").split()) or None
        items.append(FeedItem(link=link, title=title, published=_item_date(entry)))
    title = " ".join(str(parsed.feed.get("title") or "").split()) or None
    return ParsedFeed(title=title, items=items, warnings=warnings)


def decode_html(body: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text of an HTML page: the HTTP charset, else a <meta> charset, else UTF-8, else a guess
    (charset-normalizer). Returns (text, warning or None)."""
    candidates = [charset] if charset else []
    m = _META_CHARSET.search(body[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii"))
    candidates.append("utf-8")
    for name in candidates:
        # As browsers do (WHATWG Encoding), Latin-1 and ASCII labels mean windows-1252.
        name = "cp1252" if name.lower() in _MEANS_CP1252 else name
        try:
            return body.decode(name), None
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None:
        return str(best), f"no usable charset declared; decoded as {best.encoding}"
    return body.decode("utf-8", errors="replace"), "undecodable bytes replaced with U+FFFD"


# --------------------------------------------------------------------------- the reader


def make_client(timeout: float = 20.0, stop: threading.Event | None = None) -> PoliteClient:
    """The CLI's client: User-Agent and size cap from the settings, 1 request/s per host."""
    max_bytes = int(settings.number("feed_max_mb") * 1_000_000)
    return PoliteClient(user_agent=settings.get("user_agent"), timeout=timeout, max_bytes=max_bytes, stop=stop)


def _extract_and_store(store, article: Article) -> tuple[bool, int]:
    """Extract events of one article and store both in one transaction (ingest's store call)."""
    from .nlp import EXTRACTOR_VERSION
    from .pipeline import extract_events

    result: list[tuple[bool, int]] = []

    def save(art: Article, events: list) -> None:
        result.append((store.add_article_with_events(art, events, EXTRACTOR_VERSION), len(events)))

    problems: list[str] = []
    extract_events([article], on_article=save, on_error=lambda _article, message: problems.append(message))
    if problems:  # e.g. over the parser's length limit: a named problem for this page only
        raise RuntimeError(problems[0])
    return result[0]


class FeedReader:
    """Reads feeds into ``store`` through ``client``; one :meth:`run` is one round."""

    def __init__(
        self,
        store,
        client: PoliteClient,
        *,
        progress: Callable[[int], None] | None = None,
        queued: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.stop = client.stop
        self.progress = progress  # called with 1 after each item
        self.queued = queued  # called with the number of items queued for a feed

    def run(self, feed_urls: list[str]) -> FeedReport:
        """Check every feed, then fetch its pending items; records a feed run in the store."""
        report = FeedReport()
        run_id = self.store.start_feed_run()
        try:
            for url in feed_urls:
                if self.stop.is_set():
                    report.stopped = True
                    break
                report.feeds += 1
                try:
                    self._read_feed(url, report)
                except Stopped:
                    report.stopped = True
                    break
        except BaseException:
            report.stopped = True  # e.g. a second signal: the run is recorded as cut short
            raise
        finally:
            self.store.finish_feed_run(
                run_id, feeds=report.feeds, not_modified=report.not_modified, articles=report.articles,
                events=report.events, failures=report.failures, stopped=report.stopped,
            )
        return report

    def _read_feed(self, url: str, report: FeedReport) -> None:
        state = self.store.feed_state(url) or {}
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, "
                             "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        try:
            resp = self.client.get(url, headers=headers)
            if resp.status == 304:
                self.store.record_feed_check(url, not_modified=True)
                report.not_modified += 1
            else:
                parsed = parse_feed(resp.body, resp.url, resp.headers.get("content-type", ""))
                report.warnings.extend(parsed.warnings)
                self.store.record_feed_check(
                    url, title=parsed.title or state.get("title"), etag=resp.headers.get("etag"),
                    last_modified=resp.headers.get("last-modified"),
                    items=[{"link": it.link, "title": it.title,
                            "published": it.published.isoformat() if it.published else None}
                           for it in parsed.items],
                )
            report.feeds_ok += 1
        except (FetchError, FeedError) as exc:
            self.store.record_feed_check(url, error=str(exc))
            report.failures.append(f"feed {url}: {exc}")
            return  # items queued earlier are tried again with the next successful check
        state = self.store.feed_state(url) or {}
        self._read_items(url, state.get("title") or _host_name(url), report)

    def _read_items(self, feed_url: str, source: str, report: FeedReport) -> None:
        items = self.store.pending_feed_items(feed_url, MAX_ATTEMPTS)
        if self.queued:
            self.queued(len(items))
        stored = self.store.stored_urls(it["link"] for it in items)
        for item in items:
            if self.stop.is_set():
                raise Stopped("stopped")
            link = item["link"]
            if link in stored:
                self.store.record_feed_item(feed_url, link, "known")
                report.known += 1
            else:
                self._read_item(feed_url, item, source, report)
            if self.progress:
                self.progress(1)

    def _read_item(self, feed_url: str, item: dict, source: str, report: FeedReport) -> None:
        link = item["link"]
        try:
            resp = self.client.get(link, robots=True)
            if resp.status == 304:  # never asked conditionally; a broken server
                raise FetchError(link, "HTTP 304 to an unconditional request")
            if resp.content_type not in HTML_TYPES:
                raise FetchError(link, f"not an HTML page ({resp.content_type})")
            html, warning = decode_html(resp.body, resp.charset)
            if warning:
                report.warnings.append(f"{link}: {warning}")
            text, meta = html_main_text(html, link)
            article = Article(
                id=link, text=text,
                published=_parse_day(item.get("published")) or _parse_day(meta.get("published")),
                title=item.get("title") or meta.get("title") or text.strip().splitlines()[0][:200],
                source=source, url=link, origin=f"{link} (feed {feed_url})",
            )
            new, n_events = _extract_and_store(self.store, article)
        except FetchError as exc:
            if exc.reason.startswith("disallowed by robots.txt"):
                self.store.record_feed_item(feed_url, link, "skipped", exc.reason)
                report.skipped.append(f"{link}: {exc.reason}")
                return
            self._item_failed(feed_url, link, exc.reason, report)
            return
        except ArticleError:
            self._item_failed(feed_url, link, "no article text found in the page", report)
            return
        except StoreError:
            raise  # the store itself is broken: no point going on
        except Exception as exc:  # noqa: BLE001 - one page that breaks extraction must not stop the others
            self._item_failed(feed_url, link, f"extraction failed ({type(exc).__name__}: {exc})", report)
            return
        if new:
            report.articles += 1
            report.events += n_events
        else:
            report.known += 1  # same text as a stored article
        self.store.record_feed_item(feed_url, link, "stored" if new else "known")

    def _item_failed(self, feed_url: str, link: str, reason: str, report: FeedReport) -> None:
        self.store.record_feed_item(feed_url, link, "failed", reason)
        report.failures.append(f"{link} (feed {feed_url}): {reason}")


def _host_name(url: str) -> str:
    return urlsplit(url).hostname or url


def _parse_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- dashboard


def last_updated(store) -> dict:
    """What the dashboard shows as "last updated" near its title.

    Keys: ``article_added_at`` (UTC ISO time the newest article was stored, or None),
    ``newest_published`` (latest publication date, ISO, or None), ``feed_run_at`` (UTC ISO time
    the last finished feed run ended, or None), ``feed_run_failures`` (its number of failures)
    and ``feed_run_articles`` (its new articles).
    """
    newest = store.newest_article()
    runs = [r for r in store.feed_runs(limit=5) if r["finished_at"]]
    last = runs[0] if runs else None
    return {
        "article_added_at": newest["added_at"],
        "newest_published": newest["published"],
        "feed_run_at": last["finished_at"] if last else None,
        "feed_run_failures": len(last["failures"] or []) if last else None,
        "feed_run_articles": last["articles"] if last else None,
    }
