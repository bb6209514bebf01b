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
