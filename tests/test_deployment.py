"""#19 item 9 and the dependency lock: what a Streamlit Community Cloud build installs and shows."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, tuple[str, str]]:
    out = {}
    for line in path.read_text().replace("\\\n", " ").splitlines():  # logical lines (pip joins "\\")
        if m := PIN.match(line.strip()):
            out[_norm(m.group(1))] = (m.group(2), line)
    return out


def test_authlib_is_pinned_so_st_login_works_on_cloud():
    pins = _pins(REPO / "requirements.txt")
    assert "authlib" in pins
    from streamlit.auth_util import is_authlib_installed

    assert is_authlib_installed()  # the pinned version satisfies streamlit's own check


def test_visitors_never_see_tracebacks():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] in ("none", "type")


def test_every_runtime_package_is_locked_with_a_hash_and_cloud_uses_the_lock():
    requirements = (REPO / "requirements.txt").read_text().splitlines()
    assert "-c requirements.lock" in requirements  # Cloud installs requirements.txt: constrained by the lock
    lock = _pins(REPO / "requirements.lock")
    for name, (version, line) in lock.items():
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", line), line
    for name, (version, _) in _pins(REPO / "requirements.txt").items():
        assert lock[name][0] == version, f"{name}: requirements.txt and requirements.lock disagree (make lock)"
    from importlib.metadata import PackageNotFoundError, distribution

    def closure(name, seen):  # every installed dependency of the direct pins is in the lock
        if name in seen:
            return
        seen.add(name)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            return
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            if ";" in req:
                from packaging.markers import Marker

                if not Marker(req.split(";", 1)[1]).evaluate():
                    continue
            closure(_norm(re.split(r"[\s<>=!~;\[(]", req, 1)[0]), seen)

    seen: set[str] = set()
    for name in _pins(REPO / "requirements.txt"):
        closure(name, seen)
    assert sorted(seen - set(lock)) == []
    assert "pytest" not in lock  # test tools are not deployed


def test_dev_requirements_do_not_pull_in_the_hashed_runtime():
    # pip refuses a mix of hashed and unhashed requirements in one install.
    assert not any(line.startswith("-r") for line in (REPO / "requirements-dev.txt").read_text().splitlines())
