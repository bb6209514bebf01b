"""Shared fixtures: one gazetteer and one extractor per test session (building them is slow)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


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
