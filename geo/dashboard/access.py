"""Who may change the store: anonymous visitors of a shared deployment browse, filter and export;
editing (persistent uploads, corrections) needs sign-in.

Policy from the app's secrets (never in the repository; `.streamlit/secrets.toml` locally or the
Streamlit Cloud secrets UI):
- an `[auth]` section (Streamlit's `st.login`, OIDC)            -> "oidc": signed-in users edit,
  optionally only those listed in `editors = ["a@b.org", ...]`;
- else `editor_password = "..."`                                 -> "password": whoever enters it;
- else nothing configured                                        -> "local": the single user of a
  laptop run edits, but only when the server listens on the loopback interface alone
  (`make run` passes --server.address 127.0.0.1) or EVENT_ATLAS_LOCAL_EDITING=1 says so. Request
  headers are never trusted for this (a client can send any Host), so a deployment that forgot
  its secrets stays read-only.
No streamlit import: the page passes `st.secrets` and `st.user` in.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from ..settings import is_on


@dataclass(frozen=True)
class AccessPolicy:
    """How editing is unlocked on this deployment."""

    mode: str  # local | oidc | password
    editors: tuple[str, ...] = ()
    password: str | None = None

    def can_edit(self, *, logged_in: bool = False, email: str | None = None, password: str | None = None,
                 local_server: bool = False) -> bool:
        """Whether this visitor may change the store (`local_server`: see `is_local_server`)."""
        if self.mode == "local":
            return local_server
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


def is_local_server(server_address: str | None, local_editing: str | None = None) -> bool:
    """Whether only this machine can reach the app: the server is bound to a loopback address,
    or the operator opted in with EVENT_ATLAS_LOCAL_EDITING=1."""
    if is_on(local_editing):
        return True
    return (server_address or "").strip().lower() in ("127.0.0.1", "localhost", "::1", "[::1]")
