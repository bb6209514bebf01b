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
    assert not p.can_edit(logged_in=True, email="eve@example.org", email_verified=True)
    assert p.can_edit(logged_in=True, email="ana@example.org", email_verified=True)


# --- #19 item 6: the allow-list is read where the README says to write it, and fails closed
def test_editors_written_under_auth_are_honoured():
    p = policy_from_secrets({"auth": {"redirect_uri": "x", "editors": ["Ana@Example.org"]}})
    assert not p.can_edit(logged_in=True, email="eve@example.org", email_verified=True)
    assert p.can_edit(logged_in=True, email="ana@example.org", email_verified=True)


@pytest.mark.parametrize("secrets", [
    {"auth": {"redirect_uri": "x"}},  # no list at all
    {"auth": {"redirect_uri": "x", "editors": "ana@example.org"}},  # a string, not a list
    {"auth": {"redirect_uri": "x", "editors": []}},
    {"auth": {"redirect_uri": "x", "editors": ["ana@example.org", 3]}},
    {"auth": {"redirect_uri": "x", "editors": ["ana@example.org"]}, "editors": ["eve@example.org"]},
])
def test_oidc_fails_closed_on_a_missing_or_ambiguous_editors_list(secrets):
    p = policy_from_secrets(secrets)
    assert p.mode == "oidc" and p.problem
    for email in ("ana@example.org", "eve@example.org", "a"):
        assert not p.can_edit(logged_in=True, email=email, email_verified=True)


def test_oidc_requires_a_verified_email():
    p = policy_from_secrets({"auth": {"editors": ["ana@example.org"]}})
    assert not p.can_edit(logged_in=True, email="ana@example.org")  # claim missing
    assert not p.can_edit(logged_in=True, email="ana@example.org", email_verified=False)
    assert p.can_edit(logged_in=True, email="ana@example.org", email_verified=True)


def test_any_verified_account_only_when_said_explicitly():
    p = policy_from_secrets({"auth": {"editors": ["*"]}})
    assert p.can_edit(logged_in=True, email="x@y.z", email_verified=True)
    assert not p.can_edit(logged_in=True, email="x@y.z", email_verified=False)


def test_the_policy_repr_never_shows_the_password():
    p = policy_from_secrets({"editor_password": "hunter2-s3cret"})
    assert "hunter2" not in repr(p) and "hunter2" not in str(p)


def test_no_secrets_file_in_the_repository():
    from pathlib import Path

    assert not (Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml").exists()


@pytest.mark.parametrize("address,opt_in,local", [
    ("127.0.0.1", None, True), ("localhost", None, True), ("::1", None, True),
    (None, None, False), ("", None, False), ("0.0.0.0", None, False), ("0.0.0.0", "1", True),
])
def test_without_secrets_only_a_loopback_server_or_an_opt_in_edits(address, opt_in, local):
    from geo.dashboard.access import is_local_server

    assert policy_from_secrets({}).can_edit(
        local_server=is_local_server(address, opt_in, host="localhost:8501")) is local


# --- #19 item 7: DNS rebinding -- the Host a request names must be a loopback one
@pytest.mark.parametrize("host,local", [
    ("localhost:8501", True), ("127.0.0.1:8501", True), ("127.0.0.1", True), ("[::1]:8501", True),
    ("LOCALHOST", True), ("app.localhost:8501", True), ("127.1.2.3:80", True),
    ("rebind.attacker.example:8501", False), ("attacker.example", False), (None, False), ("", False),
    ("10.0.0.5:8501", False), ("127.0.0.1.attacker.example", False), ("localhost.attacker.example", False),
])
def test_a_loopback_server_is_local_only_for_requests_to_a_loopback_host(host, local):
    from geo.dashboard.access import is_local_server

    assert is_local_server("127.0.0.1", None, host=host) is local


def test_community_cloud_is_never_local():
    from geo.dashboard.access import is_local_server, on_community_cloud

    assert on_community_cloud({}, "/mount/src/event-atlas")
    assert on_community_cloud({"HOSTNAME": "streamlit"}, "/app")
    assert not on_community_cloud({"HOSTNAME": "laptop", "HOME": "/home/ana"}, "/home/ana/event-atlas")
    assert not is_local_server("127.0.0.1", "1", host="localhost", cloud=True)


# --- #19 item 8: the editor password is throttled, capped and logged
def test_password_guard_delays_caps_and_logs(caplog):
    from geo.dashboard.access import PasswordGuard

    slept = []
    guard = PasswordGuard(per_session=3, per_client=5, sleep=slept.append)
    policy = policy_from_secrets({"editor_password": "s3cret"})
    with caplog.at_level("WARNING", logger="geo.dashboard.access"):
        for _ in range(3):
            assert guard.check(policy, "guess", session="a", client="203.0.113.9") == (False, "Wrong password.")
    assert slept == [1.0, 2.0, 3.0]  # a growing delay per failure
    assert sum("wrong editor password from 203.0.113.9" in r.getMessage() for r in caplog.records) == 3
    assert not any("guess" in r.getMessage() for r in caplog.records)  # the guess itself is never logged
    ok, why = guard.check(policy, "s3cret", session="a", client="203.0.113.9")
    assert not ok and "session" in why  # capped per session, even for the right password
    for s in ("b", "c"):  # a new session from the same address ...
        guard.check(policy, "guess", session=s, client="203.0.113.9")
    ok, why = guard.check(policy, "s3cret", session="d", client="203.0.113.9")
    assert not ok and "address" in why  # ... is capped per address
    assert guard.check(policy, "s3cret", session="e", client="198.51.100.1") == (True, None)
