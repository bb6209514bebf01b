"""Shared fixtures: one gazetteer and one extractor per test session (building them is slow)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def extractor():
    from geo.pipeline import default_extractor

    return default_extractor()


@pytest.fixture(scope="session")
def gazetteer(extractor):
    return extractor.recognizer.gazetteer


@pytest.fixture(scope="session")
def nlp():
    from geo.nlp.spacy_model import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for this test session (tests/pg_server.py); fails, never skips,
    when it cannot start."""
    from tests.pg_server import PgServer, PgServerError, wait_ready

    try:
        server = PgServer().start()
    except (PgServerError, OSError) as exc:
        pytest.fail(f"cannot start the PostgreSQL test server: {exc}", pytrace=False)
    try:
        wait_ready(server.url())
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a fresh, empty database on the test server (dropped afterwards)."""
    from geo.store import close_pool

    url = pg_server.new_database()
    yield url
    close_pool(url)
    pg_server.drop_database(url)
