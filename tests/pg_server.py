"""A throwaway PostgreSQL server for the tests: Debian's postgresql binaries, a data directory in
a temporary folder, listening on 127.0.0.1 at a free port and on a socket in that folder, run as
the unprivileged `postgres` user when the tests run as root (PostgreSQL refuses root).

Nothing is installed here: `make pg` (a prerequisite of `make test`, which `.ci/run` calls)
installs Debian's postgresql package. Without it the fixture FAILS the tests that need the
server (never skips them), naming what is missing.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class PgServerError(RuntimeError):
    pass


def _bindir() -> Path:
    override = os.environ.get("EVENT_ATLAS_PG_BINDIR")
    def major(path: str) -> int:
        name = Path(path).parent.name
        return int(name) if name.isdigit() else 0

    candidates = [override] if override else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major)
    for path in reversed(candidates):
        if path and (Path(path) / "initdb").exists():
            return Path(path)
    raise PgServerError(
        "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install Debian's"
        " postgresql package (`make pg`, or `apt-get install -y postgresql`) to run the PostgreSQL store tests")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """initdb + pg_ctl start on enter, pg_ctl stop and the folder removed on exit."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="event-atlas-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.user = "atlas"
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PgServerError("running as root but there is no 'postgres' user to run the server as"
                                    " (Debian's postgresql package creates it)") from None
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._counter = 0

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise PgServerError(f"{' '.join(args[:2])} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")

    def start(self) -> "PgServer":
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.dir}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
                " -c shared_buffers=32MB")
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"),
                      "-w", "-t", "120", "start", timeout=150)
        except PgServerError as exc:
            log = self.log_tail()
            self.stop()
            raise PgServerError(f"{exc}\nserver log:\n{log}") from None
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        except (PgServerError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        self._counter += 1
        name = f"t{os.getpid()}_{self._counter}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log_tail(self) -> str:
        try:
            return (self.dir / "log").read_text()[-3000:]
        except OSError:
            return ""


def wait_ready(url: str, seconds: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
