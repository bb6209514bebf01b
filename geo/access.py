"""Who may change the store: anonymous visitors of a shared deployment browse, filter and export;
editing (persistent uploads, corrections) needs sign-in.

Policy from the app's secrets (never in the repository; `.streamlit/secrets.toml` locally or the
Streamlit Cloud secrets UI):
- an `[auth]` section (Streamlit's `st.login`, OIDC)            -> "oidc": signed-in users edit,
  optionally only those listed in `editors = ["a@b.org", ...]`;
- else `editor_password = "..."`                                 -> "password": whoever enters it;
- else nothing configured                                        -> "local": the single user of a
  laptop run edits; requests that reach the app under any other host name (a deployment that
  forgot its secrets) stay read-only.
No streamlit import: the page passes `st.secrets` and `st.user` in.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessPolicy:
    """How editing is unlocked on this deployment."""

    mode: str  # local | oidc | password
    editors: tuple[str, ...] = ()
    password: str | None = None

    def can_edit(self, *, logged_in: bool = False, email: str | None = None, password: str | None = None,
                 host: str | None = None) -> bool:
        """Whether this visitor may change the store (`host`: the request's Host header, if any)."""
        if self.mode == "local":
            return is_local_host(host)
        if self.mode == "oidc":
            return bool(logged_in) and (not self.editors or (email or "").casefold() in self.editors)
        # Constant-time comparison: the password must not leak through response timing.
        return bool(password) and hmac.compare_digest(password.encode(), (self.password or "").encode())


def policy_from_secrets(secrets: Mapping | None) -> AccessPolicy:
    """The policy the app's secrets configure (see module docstring)."""
    try:
        secrets = dict(secrets or {})
    except Exception:  # st.secrets raises when no secrets file exists at all: a local run
        secrets = {}
    editors = tuple(str(e).casefold() for e in secrets.get("editors", ()) or ())
    if secrets.get("auth"):
        return AccessPolicy("oidc", editors=editors)
    if secrets.get("editor_password"):
        return AccessPolicy("password", password=str(secrets["editor_password"]))
    return AccessPolicy("local")


def is_local_host(host: str | None) -> bool:
    """Whether a Host header names this machine ("localhost:8501", "127.0.0.1", "[::1]:8501");
    None (no request at all: AppTest, bare mode) counts as local."""
    if host is None:
        return True
    host = host.strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1]
    elif host.count(":") == 1:
        host = host.split(":")[0]
    return host in ("", "localhost", "127.0.0.1", "[::1]", "::1")
