"""Who may change the store: anonymous visitors of a shared deployment browse, filter and export;
editing (persistent uploads, corrections) needs sign-in.

Policy from the app's secrets (never in the repository; `.streamlit/secrets.toml` locally or the
Streamlit Cloud secrets UI):
- an `[auth]` section (Streamlit's `st.login`, OIDC)            -> "oidc": signed-in users whose
  e-mail the provider verified (`email_verified`) AND that is listed in `editors = [...]` (read
  under `[auth]` or at the top level; `["*"]` = any verified account). Fails closed: no list, a
  list that is not a list of strings, or two different lists -> nobody edits;
- else `editor_password = "..."`                                 -> "password": whoever enters it
  (attempts throttled and logged by `PasswordGuard`);
- else nothing configured                                        -> "local": the single user of a
  laptop run edits, but only when the server listens on the loopback interface alone
  (`make run` passes --server.address 127.0.0.1) AND the request's Host names a loopback
  address (a DNS-rebinding page reaches 127.0.0.1 under its own name), or
  EVENT_ATLAS_LOCAL_EDITING=1 says so. On Streamlit Community Cloud it is never local.
No streamlit import: the page passes `st.secrets`, `st.user` and the request's headers in.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..settings import is_on

log = logging.getLogger(__name__)
ANY_VERIFIED = "*"  # editors = ["*"]: every account whose e-mail the provider verified


@dataclass(frozen=True)
class AccessPolicy:
    """How editing is unlocked on this deployment."""

    mode: str  # local | oidc | password
    editors: tuple[str, ...] = ()
    password: str | None = field(default=None, repr=False)  # never in a repr, log line or traceback
    problem: str | None = None  # why a configured sign-in lets nobody edit (shown to the operator)

    def can_edit(self, *, logged_in: bool = False, email: str | None = None, password: str | None = None,
                 local_server: bool = False, email_verified: bool | None = None) -> bool:
        """Whether this visitor may change the store (`local_server`: see `is_local_server`)."""
        if self.mode == "local":
            return local_server
        if self.mode == "oidc":
            if not (logged_in and email_verified is True and email) or self.problem:
                return False
            return ANY_VERIFIED in self.editors or email.strip().casefold() in self.editors
        # Constant-time comparison: the password must not leak through response timing.
        return bool(password) and hmac.compare_digest(password.encode(), (self.password or "").encode())


def policy_from_secrets(secrets: Mapping | None) -> AccessPolicy:
    """The policy the app's secrets configure (see module docstring)."""
    try:
        secrets = dict(secrets or {})
    except Exception:  # st.secrets raises when no secrets file exists at all: a local run
        secrets = {}
    if secrets.get("auth"):
        editors, problem = _editors(secrets)
        if problem:
            log.error("editing disabled: %s", problem)
        return AccessPolicy("oidc", editors=editors, problem=problem)
    if secrets.get("editor_password"):
        return AccessPolicy("password", password=str(secrets["editor_password"]))
    return AccessPolicy("local")


def _editors(secrets: Mapping) -> tuple[tuple[str, ...], str | None]:
    """The allow-list, read where users write it (`[auth]` or top level); (list, problem)."""
    auth = secrets.get("auth")
    found = []
    for where, table in (("[auth] editors", auth), ("top-level editors", secrets)):
        try:
            value = table.get("editors") if hasattr(table, "get") else None
        except Exception:  # noqa: BLE001 - a secrets section of an odd type: treat as absent
            value = None
        if value is not None:
            found.append((where, value))
    if not found:
        return (), "[auth] is configured but no editors = [...] list says who may edit"
    lists = []
    for where, value in found:
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) \
                or not all(isinstance(e, str) and e.strip() for e in value):
            return (), f"{where} must be a list of e-mail addresses"
        lists.append(tuple(sorted({e.strip().casefold() for e in value})))
    if len(set(lists)) > 1:
        return (), "editors are listed both under [auth] and at the top level, differently"
    if not lists[0]:
        return (), "the editors list is empty"
    return lists[0], None


LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def is_loopback_host(host: str | None) -> bool:
    """Whether a request's Host header (with or without port) names this machine's loopback
    interface: localhost, 127.0.0.0/8 or ::1. A DNS-rebinding page sends its own name."""
    host = (host or "").strip().lower().rstrip(".")
    if not host:
        return False
    if host.startswith("["):  # [::1]:8501
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:  # name:port or v4:port
        host = host.split(":", 1)[0]
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def on_community_cloud(environ: Mapping[str, str] | None = None, cwd: str | None = None) -> bool:
    """Whether this process runs on Streamlit Community Cloud (apps are checked out under
    /mount/src and run as `appuser`; HOSTNAME is "streamlit")."""
    env = os.environ if environ is None else environ
    cwd = os.getcwd() if cwd is None else cwd
    return (cwd.startswith("/mount/src") or env.get("HOSTNAME") == "streamlit"
            or env.get("HOME") == "/home/appuser")


def is_local_server(server_address: str | None, local_editing: str | None = None, *,
                    host: str | None = None, cloud: bool = False) -> bool:
    """Whether only this machine's user can be making this request: the server is bound to a
    loopback address and the request's `host` header names one too (or the operator opted in
    with EVENT_ATLAS_LOCAL_EDITING=1). Never on Community Cloud (`cloud`)."""
    if cloud:
        return False
    if is_on(local_editing):
        return True
    bound = (server_address or "").strip().lower() in ("127.0.0.1", "localhost", "::1", "[::1]")
    return bound and is_loopback_host(host)


@dataclass
class PasswordGuard:
    """Throttles editor-password guesses (one per process, shared by every session): each
    failure costs a delay that grows with the failures of that client; a session and a client
    address get at most `per_session` / `per_client` failures per `window` seconds; every
    failure is logged (with the client address, never the guess)."""

    per_session: int = 5
    per_client: int = 20
    window: float = 3600.0
    delay: float = 1.0  # seconds per failure so far, capped at max_delay
    max_delay: float = 10.0
    sleep: object = time.sleep
    _failures: dict = field(default_factory=dict, repr=False)  # key -> [timestamps]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _recent(self, key, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return times

    def blocked(self, session: str, client: str | None) -> str | None:
        """Why no more guesses are taken now (None: a guess may be checked)."""
        now = time.monotonic()
        with self._lock:
            if len(self._recent(("s", session), now)) >= self.per_session:
                return "Too many wrong passwords in this session; try again later."
            if len(self._recent(("c", client or "?"), now)) >= self.per_client:
                return "Too many wrong passwords from your address; try again later."
        return None

    def check(self, policy: AccessPolicy, guess: str | None, *, session: str,
              client: str | None) -> tuple[bool, str | None]:
        """(signed in, message). A refused or wrong guess says why; a wrong one waits first."""
        reason = self.blocked(session, client)
        if reason:
            log.warning("editor password attempt refused (limit reached) from %s", client or "unknown address")
            return False, reason
        if policy.can_edit(password=guess):
            return True, None
        now = time.monotonic()
        with self._lock:
            self._failures.setdefault(("s", session), []).append(now)
            mine = self._failures.setdefault(("c", client or "?"), [])
            mine.append(now)
            n = len(mine)
        log.warning("wrong editor password from %s (%d recent failures)", client or "unknown address", n)
        self.sleep(min(self.max_delay, self.delay * n))
        return False, "Wrong password."
