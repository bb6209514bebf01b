"""Issue #15: feeds and pages served by a local HTTP server on 127.0.0.1 (never the network).

Timing: only lower bounds (a sleep never ends early) and generous upper bounds, so the tests
hold on a loaded 2-core machine.
"""
from __future__ import annotations

import gzip
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from geo.feeds import MAX_ATTEMPTS, FeedReader, decode_html, last_updated, parse_feed, read_sources
from geo.http_client import FetchError, PoliteClient
from geo.store import EventStore

REPO = Path(__file__).resolve().parent.parent
UA = "event-atlas-test/1.0 (+tests)"
SAMPLES = [json.loads(line) for line in
           (REPO / "data" / "articles" / "constructed-sample-reports.jsonl").read_text(encoding="utf-8").splitlines()]


def page(title: str, text: str, *, charset: str | None = "utf-8", date: str = "2020-01-01") -> str:
    """A news page: navigation, scripts and a footer around the article's paragraphs."""
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title>"
            f'<meta property="article:published_time" content="{date}"></head><body>'
            '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
            f"<script>var tracking = 'do not store me';</script>"
            f"<article><h1>{title}</h1>{paras}</article>"
            "<footer>Copyright News Corp. All rights reserved. Subscribe to our newsletter.</footer>"
            "</body></html>")


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """RSS 2.0 with (title, link, RFC 822 date) items."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{d}</pubDate></item>"
                   for t, link, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link><description>d</description>{body}</channel></rss>")


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    etag: str | None = None  # answer 304 to a matching If-None-Match


class NewsServer:
    """A local web server: `routes` maps a path to a Route or a callable(handler); every
    request is logged as (path, headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.log: list[tuple[str, dict]] = []
        self.served: list[str] = []  # paths answered 200 with a complete body
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                server.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(404, b"not found") if self.path != "/robots.txt" else Route(404, b"")
                if callable(route):
                    return route(self)
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                    self.send_header("Last-Modified", "Tue, 14 May 2024 10:00:00 GMT")
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
                if route.status == 200:
                    server.served.append(self.path)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client hanging up is part of the tests
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def requested(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)

    def add_articles(self, prefix: str, samples: list[dict], **route) -> list[tuple[str, str, str]]:
        """Serve pages for `samples` under /prefix/ID.html; returns RSS items for them."""
        items = []
        for s in samples:
            path = f"/{prefix}/{s['id']}.html"
            title = f"Report {s['id']}"
            self.routes[path] = Route(body=page(title, s["text"]), **route)
            items.append((title, self.url(path), "Tue, 14 May 2024 10:00:00 GMT"))
        return items

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = NewsServer()
    yield s
    s.close()


@pytest.fixture
def hang_url():
    """A server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as s:
        yield s


def client(**kw) -> PoliteClient:
    kw.setdefault("timeout", 10)
    return PoliteClient(user_agent=UA, min_interval=kw.pop("min_interval", 0.0), **kw)


def read(store, urls, **kw):
    return FeedReader(store, client(**kw)).run(urls)


def stored(store) -> dict:
    return {a.url: a for a in (store.article(i) for i in store.article_ids())}


# --------------------------------------------------------------------------- feed formats


def test_rss_items_stored_with_feed_title_date_source_and_events(server, store, extractor):
    items = server.add_articles("news", SAMPLES[:2])
    server.routes["/rss.xml"] = Route(body=rss("Wire Service", items), content_type="application/rss+xml")
    report = read(store, [server.url("/rss.xml")])
    assert report.failures == [] and report.exit_status() == 0, report.failures
    assert (report.articles, report.feeds, report.feeds_ok) == (2, 1, 1)
    arts = stored(store)
    a = arts[items[0][1]]
    assert a.title == "Report dev-001" and a.source == "Wire Service"
    assert a.published.isoformat() == "2024-05-14"  # the feed's date wins over the page's 2020-01-01
    assert "Russian forces pushed across the border" in a.text
    assert "tracking" not in a.text and "Subscribe" not in a.text and "Sport" not in a.text
    assert report.events > 0 and store.count_events() == report.events
    assert {e.place for e in store.article_events(a.id)} & {"Vovchansk", "Lyptsi", "Kharkiv"}
    assert {i["status"] for i in store.feed_items()} == {"stored"}
    run = store.feed_runs()[0]
    assert run["articles"] == 2 and run["finished_at"] and not run["stopped"]


def test_atom_and_rss1_rdf_feeds(server, store, extractor):
    atom_items = server.add_articles("atom", SAMPLES[2:3])
    rdf_items = server.add_articles("rdf", SAMPLES[3:4])
    server.routes["/atom.xml"] = Route(content_type="application/atom+xml", body=(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom Desk</title><id>urn:x</id><updated>2024-05-17T08:00:00Z</updated>"
        f'<entry><title>Refinery hit</title><link rel="alternate" href="{atom_items[0][1]}"/>'
        "<id>urn:1</id><published>2024-05-17T06:00:00Z</published><updated>2024-05-18T06:00:00Z</updated>"
        "</entry></feed>"))
    server.routes["/rdf.xml"] = Route(content_type="application/rdf+xml", body=(
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="x"><title>RDF Desk</title><link>http://x/</link><description>d</description></channel>'
        f'<item rdf:about="{rdf_items[0][1]}"><title>RDF report</title><link>{rdf_items[0][1]}</link>'
        "<dc:date>2024-05-19T10:00:00Z</dc:date></item></rdf:RDF>"))
    report = read(store, [server.url("/atom.xml"), server.url("/rdf.xml")])
    assert report.failures == [] and report.articles == 2
    arts = stored(store)
    atom, rdf = arts[atom_items[0][1]], arts[rdf_items[0][1]]
    assert (atom.title, atom.source, atom.published.isoformat()) == ("Refinery hit", "Atom Desk", "2024-05-17")
    assert (rdf.title, rdf.source, rdf.published.isoformat()) == ("RDF report", "RDF Desk", "2024-05-19")


def test_parse_feed_relative_links_and_items_without_links():
    doc = rss("T", [("a", "/news/a.html", "Tue, 14 May 2024 10:00:00 GMT")]).replace(
        "</channel>", "<item><title>no link</title></item></channel>")
    parsed = parse_feed(doc.encode(), "http://news.example/feed.xml")
    assert [i.link for i in parsed.items] == ["http://news.example/news/a.html"]
    assert any("no http(s) link" in w for w in parsed.warnings)


# --------------------------------------------------------------------------- failures


def test_bad_feeds_are_named_and_do_not_stop_the_others(server, store, hang_url, extractor):
    items = server.add_articles("ok", SAMPLES[4:5])
    server.routes["/good.xml"] = Route(body=rss("Good", items), content_type="application/rss+xml")
    server.routes["/broken.xml"] = Route(body="<rss><channel><title>x</ti", content_type="application/xml")
    server.routes["/page.html"] = Route(body=page("Not a feed", SAMPLES[0]["text"]))
    server.routes["/error.xml"] = Route(500, "oops")
    urls = [server.url(p) for p in ("/broken.xml", "/missing.xml", "/page.html", "/error.xml")]
    report = read(store, [*urls, hang_url + "/feed.xml", server.url("/good.xml")], timeout=1.5)
    by_feed = {f.split(": ", 1)[0].removeprefix("feed "): f for f in report.failures}
    assert "malformed feed" in by_feed[urls[0]]
    assert "HTTP 404 Not Found" in by_feed[urls[1]]
    assert "malformed feed (an HTML page (text/html), not RSS or Atom)" in by_feed[urls[2]]
    assert "HTTP 500 Internal Server Error" in by_feed[urls[3]]
    assert "timeout after 1.5 s" in by_feed[hang_url + "/feed.xml"]
    assert report.articles == 1 and report.exit_status() == 1
    state = store.feed_state(urls[1])
    assert state["status"] == "failed" and state["failures"] == 1 and state["failed_at"] and "404" in state["error"]


def test_nothing_usable_is_status_2(server, store):
    report = read(store, [server.url("/missing.xml")])
    assert report.exit_status() == 2


def test_timeout_holds_for_a_server_that_never_answers(store, hang_url):
    start = time.monotonic()
    with pytest.raises(FetchError, match="timeout after 1 s"):
        client(timeout=1).get(hang_url + "/article.html")
    assert time.monotonic() - start < 30  # bounded (generous for a loaded machine)


def test_timeout_holds_for_a_trickling_body(server):
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        try:
            for _ in range(200):
                h.wfile.write(b"<p>.</p>")
                h.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    server.routes["/slow.html"] = trickle
    start = time.monotonic()
    with pytest.raises(FetchError, match="timeout after 1 s"):
        client(timeout=1).get(server.url("/slow.html"))
    assert time.monotonic() - start < 15


def test_500_on_one_page_others_stored_and_retried_later(server, store, extractor):
    items = server.add_articles("p", SAMPLES[5:8])
    bad_path = items[1][1].removeprefix(server.base)
    good_route = server.routes[bad_path]
    server.routes[bad_path] = Route(500, "boom")
    server.routes["/rss.xml"] = Route(body=rss("Desk", items), content_type="application/rss+xml", etag='"v1"')
    report = read(store, [server.url("/rss.xml")])
    assert report.articles == 2 and report.exit_status() == 1
    assert report.failures == [f"{items[1][1]} (feed {server.url('/rss.xml')}): HTTP 500 Internal Server Error"]
    item = {i["link"]: i for i in store.feed_items()}[items[1][1]]
    assert (item["status"], item["attempts"], item["error"]) == ("failed", 1, "HTTP 500 Internal Server Error")
    assert item["tried_at"]

    # Next round: the feed answers 304, the failed page is tried again (and now works);
    # the stored ones are not fetched again.
    server.routes[bad_path] = good_route
    report = read(store, [server.url("/rss.xml")])
    assert (report.not_modified, report.articles, report.failures) == (1, 1, [])
    assert server.requested(items[0][1].removeprefix(server.base)) == 1
    assert len(store.article_ids()) == 3


def test_a_failing_page_is_given_up_after_max_attempts(server, store):
    server.routes["/rss.xml"] = Route(body=rss("Desk", [("x", server.url("/gone.html"), "")]),
                                      content_type="application/rss+xml")
    for _ in range(MAX_ATTEMPTS + 1):
        read(store, [server.url("/rss.xml")])
    assert server.requested("/gone.html") == MAX_ATTEMPTS


def test_page_without_article_text_or_not_html(server, store):
    server.routes["/empty.html"] = Route(
        body="<html><head><title>x</title></head><body><script>var a;</script></body></html>")
    server.routes["/doc.pdf"] = Route(body=b"%PDF-1.4", content_type="application/pdf")
    server.routes["/rss.xml"] = Route(body=rss("Desk", [("e", server.url("/empty.html"), ""),
                                                         ("p", server.url("/doc.pdf"), "")]))
    report = read(store, [server.url("/rss.xml")])
    assert [f.rsplit(": ", 1)[1] for f in report.failures] == ["no article text found in the page",
                                                               "not an HTML page (application/pdf)"]


# --------------------------------------------------------------------------- politeness


def test_conditional_requests_and_304_costs_nothing(server, store, extractor):
    items = server.add_articles("c", SAMPLES[8:9])
    server.routes["/rss.xml"] = Route(body=rss("Desk", items), content_type="application/rss+xml", etag='"abc"')
    first = read(store, [server.url("/rss.xml")])
    assert first.articles == 1
    state = store.feed_state(server.url("/rss.xml"))
    assert state["etag"] == '"abc"' and state["last_modified"] == "Tue, 14 May 2024 10:00:00 GMT"
    n = len(server.log)
    second = read(store, [server.url("/rss.xml")])  # a new client, as a cron run would have
    assert (second.not_modified, second.articles, second.failures) == (1, 0, [])
    assert [p for p, _ in server.log[n:]] == ["/rss.xml"]  # no robots.txt, no page: nothing else
    headers = server.log[-1][1]
    assert headers["if-none-match"] == '"abc"' and headers["if-modified-since"] == state["last_modified"]
    assert store.feed_state(server.url("/rss.xml"))["status"] == "not_modified"


def test_stored_articles_are_not_fetched_again(server, store, extractor):
    items = server.add_articles("s", SAMPLES[9:11])
    server.routes["/rss.xml"] = Route(body=rss("Desk", items[:1]), content_type="application/rss+xml")
    read(store, [server.url("/rss.xml")])
    # The feed changes: the old item is still listed, a new one comes, and a third link
    # carries the same text as the first (same report under another URL).
    dup = server.url("/s/copy.html")
    server.routes["/s/copy.html"] = server.routes[items[0][1].removeprefix(server.base)]
    server.routes["/rss.xml"] = Route(body=rss("Desk", items + [("copy", dup, "")]), content_type="application/rss+xml")
    report = read(store, [server.url("/rss.xml")])
    assert server.requested(items[0][1].removeprefix(server.base)) == 1
    assert (report.articles, report.known) == (1, 1)
    assert len(store.article_ids()) == 2
    assert {i["link"]: i["status"] for i in store.feed_items()}[dup] == "known"
    # Another feed listing an already stored URL: not fetched either.
    server.routes["/other.xml"] = Route(body=rss("Other", items[1:2]), content_type="application/rss+xml")
    report = read(store, [server.url("/other.xml")])
    assert report.known == 1 and server.requested(items[1][1].removeprefix(server.base)) == 1


def test_robots_txt_is_honoured_for_pages(server, store, extractor):
    items = server.add_articles("public", SAMPLES[11:12])
    server.routes["/private/x.html"] = Route(body=page("secret", SAMPLES[12]["text"]))
    server.routes["/ua/y.html"] = Route(body=page("ua", SAMPLES[13]["text"]))
    server.routes["/robots.txt"] = Route(content_type="text/plain", body=(
        "User-agent: *\nDisallow: /private/\n\nUser-agent: event-atlas\nDisallow: /ua/\nDisallow: /private/\n"))
    server.routes["/rss.xml"] = Route(body=rss("Desk", items + [("p", server.url("/private/x.html"), ""),
                                                                 ("u", server.url("/ua/y.html"), "")]))
    report = read(store, [server.url("/rss.xml")])
    assert report.articles == 1 and report.failures == [] and report.exit_status() == 0
    assert sorted(s.split(": ", 1)[1] for s in report.skipped) == ["disallowed by robots.txt"] * 2
    assert server.requested("/private/x.html") == 0 and server.requested("/ua/y.html") == 0
    assert server.requested("/robots.txt") == 1  # once per host
    # Disallowed items are not asked again in later rounds.
    read(store, [server.url("/rss.xml")])
    assert server.requested("/private/x.html") == 0


def test_robots_txt_server_error_disallows_the_host(server, store):
    server.routes["/robots.txt"] = Route(503, "down")
    server.routes["/a.html"] = Route(body=page("a", SAMPLES[0]["text"]))
    server.routes["/rss.xml"] = Route(body=rss("Desk", [("a", server.url("/a.html"), "")]))
    report = read(store, [server.url("/rss.xml")])
    assert server.requested("/a.html") == 0
    assert "robots.txt unreachable (HTTP 503 Service Unavailable)" in report.failures[0]


def test_user_agent_and_gzip(server, store, extractor):
    html = page("gz", SAMPLES[14]["text"]).encode()
    server.routes["/gz.html"] = Route(body=gzip.compress(html), headers={"Content-Encoding": "gzip"})
    server.routes["/rss.xml"] = Route(body=rss("Desk", [("gz", server.url("/gz.html"), "")]))
    report = read(store, [server.url("/rss.xml")])
    assert report.articles == 1, report.failures
    headers = dict(server.log)["/gz.html"]
    assert headers["user-agent"] == UA and "gzip" in headers["accept-encoding"]
    assert SAMPLES[14]["text"][:40] in stored(store)[server.url("/gz.html")].text


def test_min_interval_is_a_lower_bound(server):
    server.routes["/a"] = Route(body="x")
    c = client(min_interval=0.3)
    start = time.monotonic()
    for _ in range(4):
        c.get(server.url("/a"))
    assert time.monotonic() - start >= 0.9  # three waits of at least 0.3 s


def test_crawl_delay_of_robots_txt_is_honoured(server):
    server.routes["/robots.txt"] = Route(body="User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    server.routes["/a"] = Route(body="x")
    c = client(min_interval=0.0)
    start = time.monotonic()
    for _ in range(2):
        c.get(server.url("/a"), robots=True)
    assert time.monotonic() - start >= 1.0


def test_client_settings_from_the_environment(monkeypatch):
    from geo.feeds import make_client

    monkeypatch.setenv("EVENT_ATLAS_USER_AGENT", "atlas-ops/2.0 (ops@example.org)")
    monkeypatch.setenv("EVENT_ATLAS_FEED_MAX_MB", "0.5")
    c = make_client(timeout=7)
    assert (c.user_agent, c.max_bytes, c.timeout, c.min_interval) == (
        "atlas-ops/2.0 (ops@example.org)", 500_000, 7.0, 1.0)
    monkeypatch.setenv("EVENT_ATLAS_FEED_MAX_MB", "lots")
    with pytest.raises(ValueError, match="EVENT_ATLAS_FEED_MAX_MB"):
        make_client()


def test_huge_responses_are_refused(server):
    server.routes["/big.html"] = Route(body=b"x" * 300_000)

    def endless(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            for _ in range(10_000):
                h.wfile.write(b"<p>" + b"y" * 4096 + b"</p>")
        except OSError:
            pass

    server.routes["/endless.html"] = endless
    bomb = gzip.compress(b"z" * 5_000_000)
    server.routes["/bomb.html"] = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    c = client(max_bytes=100_000)
    with pytest.raises(FetchError, match=r"response too large \(300,000 bytes announced"):
        c.get(server.url("/big.html"))
    with pytest.raises(FetchError, match="over the 100,000-byte limit"):
        c.get(server.url("/endless.html"))
    with pytest.raises(FetchError, match="over the 100,000-byte limit"):
        c.get(server.url("/bomb.html"))  # the cap counts decompressed bytes


def test_redirects_followed_within_limits(server):
    server.routes["/article.html"] = Route(body="final")
    server.routes["/moved"] = Route(301, headers={"Location": "/article.html"})
    server.routes["/loop-a"] = Route(302, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Route(302, headers={"Location": "/loop-a"})
    for i in range(10):
        server.routes[f"/hop{i}"] = Route(307, headers={"Location": f"/hop{i + 1}"})
    server.routes["/ftp"] = Route(302, headers={"Location": "ftp://127.0.0.1/x"})
    c = client()
    resp = c.get(server.url("/moved"))
    assert resp.body == b"final" and resp.url == server.url("/article.html")
    with pytest.raises(FetchError, match="redirect loop"):
        c.get(server.url("/loop-a"))
    with pytest.raises(FetchError, match="too many redirects"):
        c.get(server.url("/hop0"))
    with pytest.raises(FetchError, match="non-http"):
        c.get(server.url("/ftp"))


def test_redirect_loop_on_an_article_page_is_a_named_failure(server, store):
    server.routes["/loop-a"] = Route(302, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Route(302, headers={"Location": "/loop-a"})
    server.routes["/rss.xml"] = Route(body=rss("Desk", [("l", server.url("/loop-a"), "")]))
    report = read(store, [server.url("/rss.xml")])
    assert "redirect loop" in report.failures[0] and server.url("/loop-a") in report.failures[0]


def test_unreachable_host_is_named(store):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    report = read(store, [f"http://127.0.0.1:{port}/feed.xml"])
    assert "unreachable (connection refused)" in report.failures[0] and report.exit_status() == 2


# --------------------------------------------------------------------------- encodings


def test_non_utf8_pages(server, store, extractor):
    text_1251 = ("Ukrainian officials in Харків said Russian drones struck the city on Tuesday. "
                 "The regional governor said three people were wounded in the attack.\n\n"
                 "Residents described loud explosions near the city centre overnight.")
    text_1252 = ("Officials in Kherson said shelling hit the café district on Monday, “a deliberate attack”, "
                 "according to the regional administration.\n\nThe strike damaged several houses near the port.")
    server.routes["/cyr.html"] = Route(body=page("Cyr", text_1251, charset=None).encode("cp1251"),
                                       content_type="text/html; charset=windows-1251")
    server.routes["/lat.html"] = Route(body=page("Lat", text_1252, charset="windows-1252").encode("cp1252"),
                                       content_type="text/html")
    server.routes["/rss.xml"] = Route(body=rss("Desk", [("c", server.url("/cyr.html"), ""),
                                                         ("l", server.url("/lat.html"), "")]))
    report = read(store, [server.url("/rss.xml")])
    assert report.articles == 2, report.failures
    arts = stored(store)
    assert "Харків" in arts[server.url("/cyr.html")].text
    text = arts[server.url("/lat.html")].text
    assert "café" in text and "“a deliberate attack”" in text
    assert not any("\ufffd" in a.text for a in arts.values())


def test_feed_in_a_legacy_encoding():
    doc = ('<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новини</title>'
           "<item><title>Удар по Харкову</title><link>http://n.example/1</link></item></channel></rss>")
    parsed = parse_feed(doc.encode("cp1251"), "http://n.example/rss", "application/rss+xml")
    assert parsed.title == "Новини" and parsed.items[0].title == "Удар по Харкову"


def test_decode_html_guesses_undeclared_encodings():
    text = "<html><body><p>" + "Війна триває, обстріли тривають щодня у місті. " * 20 + "</p></body></html>"
    decoded, warning = decode_html(text.encode("cp1251"), None)
    assert "Війна" in decoded and "decoded as" in warning
    assert decode_html("ok é".encode(), "no-such-charset") == ("ok é", None)
    assert decode_html("“quoted”".encode("cp1252"), "ISO-8859-1") == ("“quoted”", None)  # as browsers read it


# --------------------------------------------------------------------------- sources, dashboard


def test_read_sources(tmp_path):
    f = tmp_path / "feeds.txt"
    f.write_text("# wire services\n\nhttp://a.example/rss  # main\nhttps://b.example/atom\n"
                 "ftp://c.example/x\nhttp://a.example/rss\n", encoding="utf-8")
    urls, problems = read_sources([str(f), "https://d.example/feed", "file:///etc/passwd", str(tmp_path / "none.txt")])
    assert urls == ["http://a.example/rss", "https://b.example/atom", "https://d.example/feed"]
    assert problems[0].startswith(f"{f}:5: not an http(s) URL")
    assert "file:///etc/passwd" in problems[1] and "cannot read the list of feeds" in problems[2]


def test_last_updated(server, store, extractor):
    assert last_updated(store) == {"article_added_at": None, "newest_published": None, "feed_run_at": None,
                                   "feed_run_failures": None, "feed_run_articles": None}
    items = server.add_articles("lu", SAMPLES[15:16])
    server.routes["/rss.xml"] = Route(body=rss("Desk", items))
    read(store, [server.url("/rss.xml")])
    lu = last_updated(store)
    assert lu["article_added_at"] and lu["feed_run_at"] >= lu["article_added_at"]
    assert lu["newest_published"] == "2024-05-14" and lu["feed_run_articles"] == 1 and lu["feed_run_failures"] == 0


# --------------------------------------------------------------------------- command line


def cli(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "geo", "feeds", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=600, env=env, **kw)


def test_cli_runs_once_with_summary_and_exit_status(server, tmp_path):
    items = server.add_articles("cli", SAMPLES[:1])
    server.routes["/rss.xml"] = Route(body=rss("Desk", items))
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# feeds\n{server.url('/rss.xml')}\n{server.url('/missing.xml')}\n", encoding="utf-8")
    db = tmp_path / "cli.db"
    res = cli(listing, "--db", db, "--timeout", 5)
    assert res.returncode == 1, res.stderr
    assert f"failed: feed {server.url('/missing.xml')}: HTTP 404 Not Found" in res.stderr
    assert "2 feeds (0 not modified), 1 new articles" in res.stderr and "1 failures" in res.stderr
    assert "event-atlas" in dict(server.log)["/rss.xml"]["user-agent"]
    res = cli(server.url("/missing.xml"), "--db", db)
    assert res.returncode == 2


def test_cli_rejects_bad_arguments(tmp_path):
    assert cli("http://127.0.0.1:9/x", "--timeout", "0").returncode == 2
    res = cli(tmp_path / "none.txt", "--db", tmp_path / "x.db")
    assert res.returncode == 2 and "cannot read the list of feeds" in res.stderr


def _wait_for(predicate, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    import sqlite3

    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def run_until_signal(feed_url: str, db: Path, every: str, sig: int, ready_sql: str):
    """Run `feeds --every` in a subprocess until `ready_sql` counts at least 1, then send `sig`;
    returns the finished process and its stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "geo", "feeds", feed_url, "--db", str(db), "--every", every],
                            cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _count(db, ready_sql) >= 1)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)  # a 60-minute sleep between rounds must not be waited out
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc, err


def test_sigterm_during_every_loses_nothing_fetched(server, tmp_path):
    # Slow pages (0.5 s each, 1 request/s per host) make a round of 12 pages last well over
    # ten seconds, so the signal lands while pages are being fetched.
    samples = (SAMPLES * 2)[:12]
    samples = [{**s, "id": f"{s['id']}-{i}", "text": s["text"] + f" (Report {i}.)"} for i, s in enumerate(samples)]
    items = server.add_articles("live", samples, delay=0.5)
    server.routes["/rss.xml"] = Route(body=rss("Live", items))
    db = tmp_path / "live.db"
    proc, err = run_until_signal(server.url("/rss.xml"), db, "0.05", signal.SIGTERM,
                                 "SELECT count(*) FROM articles")
    assert proc.returncode in (0, 1), err
    assert "SIGTERM: stopping after the current article" in err and "(stopped early)" in err
    with EventStore(db) as s:
        urls = {s.article(i).url for i in s.article_ids()}
        runs = s.feed_runs()
    served = {server.url(p) for p in server.served if p.startswith("/live/")}
    assert served and served <= urls  # every page the server delivered is in the store
    assert len(urls) < len(items)  # it did stop during the round
    assert runs[0]["stopped"] and runs[0]["finished_at"]


def test_sigint_between_rounds_stops_promptly(server, tmp_path):
    items = server.add_articles("idle", SAMPLES[:1])
    server.routes["/rss.xml"] = Route(body=rss("Idle", items), etag='"1"')
    db = tmp_path / "idle.db"
    proc, err = run_until_signal(server.url("/rss.xml"), db, "60", signal.SIGINT,
                                 "SELECT count(*) FROM feed_runs WHERE finished_at IS NOT NULL")
    assert proc.returncode == 0, err
    assert "1 new articles" in err
