"""Access policy: read-only for anonymous visitors of a shared deployment."""
from __future__ import annotations

import pytest

from geo.dashboard.access import policy_from_secrets


class FailingSecrets(dict):
    def keys(self):  # like st.secrets with no secrets.toml anywhere
        raise FileNotFoundError("No secrets found")


@pytest.mark.parametrize("secrets", [None, {}, FailingSecrets()])
def test_no_secrets_means_local_single_user_edits(secrets):
    p = policy_from_secrets(secrets)
    assert p.mode == "local" and p.can_edit(local_server=True) and not p.can_edit()


def test_password_mode():
    p = policy_from_secrets({"editor_password": "s3cret"})
    assert p.mode == "password"
    assert not p.can_edit() and not p.can_edit(password="wrong") and not p.can_edit(password="")
    assert p.can_edit(password="s3cret")


def test_oidc_mode_with_editor_list():
    p = policy_from_secrets({"auth": {"redirect_uri": "x", "cookie_secret": "y"}, "editors": ["Ana@Example.org"],
                             "editor_password": "ignored when OIDC is configured"})
    assert p.mode == "oidc"
    assert not p.can_edit(password="ignored when OIDC is configured")
    assert not p.can_edit(logged_in=True, email="eve@example.org")
    assert p.can_edit(logged_in=True, email="ana@example.org")


def test_oidc_without_list_lets_any_signed_in_user_edit():
    p = policy_from_secrets({"auth": {"redirect_uri": "x"}})
    assert not p.can_edit() and p.can_edit(logged_in=True, email="x@y.z")


def test_no_secrets_file_in_the_repository():
    from pathlib import Path

    assert not (Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml").exists()


@pytest.mark.parametrize("address,opt_in,local", [
    ("127.0.0.1", None, True), ("localhost", None, True), ("::1", None, True),
    (None, None, False), ("", None, False), ("0.0.0.0", None, False), ("0.0.0.0", "1", True),
])
def test_without_secrets_only_a_loopback_server_or_an_opt_in_edits(address, opt_in, local):
    from geo.dashboard.access import is_local_server

    assert policy_from_secrets({}).can_edit(local_server=is_local_server(address, opt_in)) is local
