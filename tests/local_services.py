"""Real PostgreSQL and Redis servers on loopback, in a temporary folder, for tests.

The pytest fixtures in `tests/scaleout/` use `PostgresServer` and `RedisServer` directly (they
restart them in fault tests); `scripts/start_test_services.sh` wraps the command line below:

    python -m tests.local_services run -- pytest tests/scaleout    # start, run, tear down
    python -m tests.local_services start --dir /tmp/bw-services     # idempotent; prints the URLs
    python -m tests.local_services stop --dir /tmp/bw-services
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

POSTGRES_USER = "postgres"
STATE_FILE = "services.json"


class ServiceUnavailable(RuntimeError):
    """A server binary is missing or the server did not come up; the message says which."""


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin_dir() -> Optional[Path]:
    """Folder with `initdb` and `pg_ctl` (Debian keeps them off PATH), or None if absent."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def redis_server_binary() -> Optional[str]:
    """Path of `redis-server`, or None if absent."""
    return shutil.which("redis-server")


def missing_binaries() -> List[str]:
    """Names of the server programs this machine lacks (install: scripts/install_system_packages.sh)."""
    missing = []
    if postgres_bin_dir() is None:
        missing.append("PostgreSQL (initdb, pg_ctl)")
    if redis_server_binary() is None:
        missing.append("redis-server")
    return missing


def _wait_for_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise ServiceUnavailable(f"{what} did not accept connections on 127.0.0.1:{port} within {timeout:.0f} s.")


class PostgresServer:
    """A throw-away PostgreSQL cluster (trust auth, loopback only, fsync off) run by `pg_ctl`."""

    def __init__(self, root: Path, port: Optional[int] = None) -> None:
        """Keep the cluster in `root/postgres`; listen on `port` (a free one by default)."""
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise ServiceUnavailable("PostgreSQL is not installed (no initdb/pg_ctl).")
        self.bin_dir = bin_dir
        self.data_dir = root / "postgres"
        self.port = port or free_port()
        self._user = POSTGRES_USER if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of `database` on this server."""
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Create the cluster if needed and start it; return when it accepts connections."""
        if not (self.data_dir / "PG_VERSION").exists():
            self._init_cluster()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.data_dir / "server.log"), "-o", options)
        _wait_for_port(self.port, 30, "PostgreSQL")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast` rolls back open transactions; `immediate` is a crash)."""
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self) -> None:
        """Stop and start again on the same port, keeping the data."""
        self.stop()
        self.start()

    def create_database(self, name: str) -> str:
        """Create database `name` (if missing) and return its URL."""
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=POSTGRES_USER, dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.url(name)

    def _init_cluster(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            account = pwd.getpwnam(self._user)
            for folder in (self.data_dir.parent, self.data_dir):
                os.chown(folder, account.pw_uid, account.pw_gid)
        subprocess.run(
            [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", POSTGRES_USER,
             "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, user=self._user,
        )

    def _pg_ctl(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, user=self._user, text=True,
        )
        if result.returncode != 0:
            raise ServiceUnavailable(f"pg_ctl {args[0]} failed: {result.stdout.strip()}")


class RedisServer:
    """A `redis-server` child process on loopback without persistence."""

    def __init__(self, root: Path, port: Optional[int] = None) -> None:
        """Keep its files in `root/redis`; listen on `port` (a free one by default)."""
        binary = redis_server_binary()
        if binary is None:
            raise ServiceUnavailable("redis-server is not installed.")
        self.binary = binary
        self.dir = root / "redis"
        self.port = port or free_port()
        self._process: Optional[subprocess.Popen] = None

    def url(self, db: int = 0) -> str:
        """redis:// URL of database `db`."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def pid(self) -> Optional[int]:
        """Process id while running."""
        return self._process.pid if self._process and self._process.poll() is None else None

    def start(self, daemonize: bool = False) -> None:
        """Start the server; return when it accepts connections."""
        self.dir.mkdir(parents=True, exist_ok=True)
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--save", "", "--appendonly", "no", "--logfile", str(self.dir / "server.log"),
            "--pidfile", str(self.dir / "redis.pid"), "--daemonize", "yes" if daemonize else "no",
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if daemonize:
            self._process.wait()
            self._process = None
        _wait_for_port(self.port, 15, "Redis")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
            return
        pid_file = self.dir / "redis.pid"
        if pid_file.exists():
            _terminate(int(pid_file.read_text().strip()))
            pid_file.unlink(missing_ok=True)

    def restart(self) -> None:
        """Stop and start again on the same port (data is gone: no persistence, like a crash)."""
        self.stop()
        self.start()


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def make_service_root() -> Path:
    """A fresh temporary folder the `postgres` account can enter (pytest's tmp_path is 0700 root)."""
    root = Path(tempfile.mkdtemp(prefix="brightway-services-"))
    root.chmod(0o755)
    return root


def start_services(root: Path) -> Dict[str, str]:
    """Start PostgreSQL and Redis under `root` unless already running there; return their URLs."""
    state_file = root / STATE_FILE
    if state_file.exists():
        state = json.loads(state_file.read_text())
        if _accepts(state["postgres_port"]) and _accepts(state["redis_port"]):
            return state["env"]
        stop_services(root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    postgres = PostgresServer(root)
    postgres.start()
    redis = RedisServer(root)
    redis.start(daemonize=True)
    env = {
        "BRIGHTWAY_TEST_POSTGRES_URL": postgres.create_database("brightway"),
        "BRIGHTWAY_TEST_REDIS_URL": redis.url(),
    }
    state = {"postgres_port": postgres.port, "redis_port": redis.port, "env": env}
    state_file.write_text(json.dumps(state))
    return env


def stop_services(root: Path) -> None:
    """Stop what `start_services` started under `root` and delete the folder."""
    state_file = root / STATE_FILE
    if state_file.exists():
        state = json.loads(state_file.read_text())
        PostgresServer(root, state["postgres_port"]).stop(mode="immediate")
        RedisServer(root, state["redis_port"]).stop()
    shutil.rmtree(root, ignore_errors=True)


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main(argv: Optional[List[str]] = None) -> int:
    """Command line: start | stop | run -- COMMAND."""
    parser = argparse.ArgumentParser(prog="start_test_services.sh", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "run"])
    parser.add_argument("--dir", type=Path, default=None, help="folder for the servers' files")
    arguments = list(sys.argv[1:] if argv is None else argv)
    split = arguments.index("--") if "--" in arguments else len(arguments)
    args = parser.parse_args(arguments[:split])
    command = arguments[split + 1:]
    missing = missing_binaries()
    if missing and args.action != "stop":
        print(f"Missing: {', '.join(missing)}. Install them with scripts/install_system_packages.sh.", file=sys.stderr)
        return 2
    if args.action == "stop":
        if args.dir is None:
            parser.error("stop needs --dir")
        stop_services(args.dir)
        return 0
    root = args.dir or make_service_root()
    env = start_services(root)
    if args.action == "start":
        print(f"# services in {root}; stop with: scripts/start_test_services.sh stop --dir {root}")
        for name, value in env.items():
            print(f"export {name}={value}")
        return 0
    try:
        return subprocess.run(command, env={**os.environ, **env}).returncode if command else 0
    finally:
        stop_services(root)


if __name__ == "__main__":
    sys.exit(main())
