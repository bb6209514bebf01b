"""Every setting is documented in the README; bad names fail clearly."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo import settings
from geo.errors import ConfigurationError

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented(setting):
    assert f"`{setting.env}`" in README


def test_env_overrides_default(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENT_ATLAS_DB", str(tmp_path / "x.db"))
    assert settings.db_path() == tmp_path / "x.db"
    assert settings.db_path(tmp_path / "y.db") == tmp_path / "y.db"


def test_unknown_setting():
    with pytest.raises(ConfigurationError, match="'nope'"):
        settings.get("nope")
