"""Who may change the store from this page (see geo.dashboard.access): used by the event card's
correction form and by adding articles."""
from __future__ import annotations

import uuid

import streamlit as st

from geo import settings
from geo.dashboard import PasswordGuard, is_local_server, on_community_cloud, policy_from_secrets

from . import keys


def editing_policy():
    return policy_from_secrets(st.secrets)


@st.cache_resource
def password_guard() -> PasswordGuard:
    """One guard per server process: failures of every session and address counted together."""
    return PasswordGuard()


def _header(name: str) -> str | None:
    try:
        return st.context.headers.get(name)
    except Exception:  # noqa: BLE001 - no request context (bare mode, AppTest): no header
        return None


def client_address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001
        return None


def can_edit(policy) -> bool:
    """Store edits: signed in (st.login, if [auth] is configured, verified e-mail on the
    editors list), else the editor password from st.secrets (the signed-in state lives in the
    session, not in the password box); with no secrets only a local run (a laptop, reached as
    localhost) edits, so a deployment without secrets is read-only and uploads stay in the
    visitor's session."""
    if policy.mode == "local":
        return policy.can_edit(local_server=is_local_server(
            st.get_option("server.address"), settings.get("local_editing"),
            host=_header("Host"), cloud=on_community_cloud()))
    if policy.mode == "oidc":
        user = st.user
        verified = user.get("email_verified") if hasattr(user, "get") else getattr(user, "email_verified", None)
        return policy.can_edit(logged_in=bool(getattr(user, "is_logged_in", False)),
                               email=getattr(user, "email", None),
                               email_verified=verified is True or str(verified).lower() == "true")
    return st.session_state.get(keys.EDITOR_SIGNED_IN) is True


def password_sign_in(policy) -> None:
    """The editor-password box (password mode, not signed in): a guess is checked once, through
    the process-wide PasswordGuard (delay per failure, caps per session and address, logged)."""
    state = st.session_state
    state.setdefault(keys.SESSION_ID, uuid.uuid4().hex)
    with st.form(keys.EDITOR_SIGN_IN, clear_on_submit=True):
        guess = st.text_input("Editor password", type="password", key=keys.EDITOR_PASSWORD)
        submitted = st.form_submit_button("Sign in as editor")
    if submitted and guess:
        ok, message = password_guard().check(policy, guess, session=state[keys.SESSION_ID],
                                             client=client_address())
        if ok:
            state[keys.EDITOR_SIGNED_IN] = True
            st.rerun()
        st.error(message, icon="🔒")


def editor_name(policy) -> str:
    """Who a correction is recorded for: the signed-in user, else the kind of editor."""
    if policy.mode == "oidc":
        return getattr(st.user, "email", None) or "signed-in editor"
    return "editor (password)" if policy.mode == "password" else "local user"
