"""Who may change the store from this page (see geo.dashboard.access): used by the event card's
correction form and by adding articles."""
from __future__ import annotations

import streamlit as st

from geo import settings
from geo.dashboard import is_local_server, policy_from_secrets

from . import keys


def editing_policy():
    return policy_from_secrets(st.secrets)


def can_edit(policy) -> bool:
    """Store edits: signed in (st.login, if [auth] is configured), else the editor password
    from st.secrets; with no secrets only a local run (a laptop) edits, so a deployment
    without secrets is read-only and uploads stay in the visitor's session."""
    if policy.mode == "local":
        return policy.can_edit(local_server=is_local_server(st.get_option("server.address"),
                                                            settings.get("local_editing")))
    if policy.mode == "oidc":
        user = st.user
        return policy.can_edit(logged_in=bool(getattr(user, "is_logged_in", False)),
                               email=getattr(user, "email", None))
    return policy.can_edit(password=st.session_state.get(keys.EDITOR_PASSWORD))


def editor_name(policy) -> str:
    """Who a correction is recorded for: the signed-in user, else the kind of editor."""
    if policy.mode == "oidc":
        return getattr(st.user, "email", None) or "signed-in editor"
    return "editor (password)" if policy.mode == "password" else "local user"
