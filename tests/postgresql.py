"""A real PostgreSQL server started by the tests (and the load benchmark) themselves.

Debian's ``postgresql`` package (installed by ``python3 dev.py test``) provides ``initdb`` and
``pg_ctl`` under ``/usr/lib/postgresql/<version>/bin``. The cluster lives in a temporary folder
and listens on a Unix socket only (no TCP port to collide with anything). ``initdb`` refuses to
run as root, so as root the server runs as the ``postgres`` system user.

Every test gets a database of its own, cloned from a template (``CREATE DATABASE … TEMPLATE``
copies files, much faster than running the migrations again).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "ecodesk"
# A role that must log in with a password (the other roles are trusted on the socket): the
# tests of a wrong password use it.
PASSWORD_USER, PASSWORD = "clerk_pw", "correct horse 2026"
EMPTY_TEMPLATE = "ecodesk_empty"
MIGRATED_TEMPLATE = "ecodesk_migrated"
MISSING_BINARIES = (
    "PostgreSQL's programs (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. "
    "Run the tests with 'python3 dev.py test', which installs Debian's postgresql package "
    "(or: apt-get install -y postgresql)."
)


class PostgresMissing(RuntimeError):
    pass


def find_bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    raise PostgresMissing(MISSING_BINARIES)


class PostgresServer:
    """One cluster in a temporary folder; :meth:`stop` removes it all."""

    def __init__(self, *, durable: bool = False) -> None:
        self.bin_dir = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="ecodesk-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.durable = durable
        self._names = itertools.count(1)
        self._as_user: str | None = None
        if os.geteuid() == 0:
            self._as_user = "postgres"
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresMissing(MISSING_BINARIES) from None
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.running = False

    def _run(self, *args: str) -> None:
        kwargs: dict[str, object] = {}
        if self._as_user:
            kwargs.update(user=self._as_user, group=self._as_user, extra_groups=[])
        done = subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            cwd=self.root,
            **kwargs,  # type: ignore[arg-type]
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed:\n{done.stdout}\n{done.stderr}\n{log}")

    def start(self) -> PostgresServer:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        (self.data / "pg_hba.conf").write_text(
            f"local all {PASSWORD_USER} scram-sha-256\nlocal all all trust\n"
        )
        if self._as_user:
            (self.socket_dir).mkdir()
            pw = pwd.getpwnam(self._as_user)
            os.chown(self.socket_dir, pw.pw_uid, pw.pw_gid)
            os.chown(self.data / "pg_hba.conf", pw.pw_uid, pw.pw_gid)
        else:
            self.socket_dir.mkdir()
        self.resume()
        self.sql(
            f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'",
            f"CREATE DATABASE {EMPTY_TEMPLATE} TEMPLATE template0 ENCODING 'UTF8'",
        )
        return self

    def resume(self) -> None:
        """Start the server on its existing cluster (also again after :meth:`halt`)."""
        options = [f"-k {self.socket_dir}", "-c listen_addresses=", "-c max_connections=200"]
        if not self.durable:  # the tests do not pull the power cord; the benchmark keeps fsync
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            " ".join(options),
            "start",
        )
        self.running = True

    def halt(self) -> None:
        """Stop the server and keep its cluster (a server going away under its clients)."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def stop(self) -> None:
        if self.running:
            self._run(
                str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
            )
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ databases

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        auth = f"{user}:{password}" if password is not None else user
        return f"postgresql+psycopg://{auth}@/{database}?host={self.socket_dir}"

    def connect(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), dbname=database, user=SUPERUSER, autocommit=True
        )

    def sql(self, *statements: str, database: str = "postgres") -> None:
        with self.connect(database) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def prepare_migrated_template(self) -> None:
        """A database at the newest schema, to clone for each test (made once per server)."""
        from ecodesk.store import migrate
        from ecodesk.store.engine import make_engine

        self.sql(f"CREATE DATABASE {MIGRATED_TEMPLATE} TEMPLATE {EMPTY_TEMPLATE}")
        engine = make_engine(self.url(MIGRATED_TEMPLATE))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()

    def new_database(self, *, migrated: bool = True) -> str:
        """A fresh database (at the newest schema, or empty); its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self.sql(
            f"CREATE DATABASE {name} TEMPLATE {MIGRATED_TEMPLATE if migrated else EMPTY_TEMPLATE}"
            " STRATEGY FILE_COPY"
        )
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
