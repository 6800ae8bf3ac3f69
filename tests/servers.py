"""Real servers on loopback for the end-to-end tier and the scale-out benchmark: PostgreSQL, `chroma run`, nginx.

Each starts on a free 127.0.0.1 port in a fresh temp folder and is stopped by its context manager, so nothing
relies on a pre-started service. ``missing_binaries`` names what is not installed (`.ci/run` installs it);
``require_binaries`` makes a test fail on it under CI and skip elsewhere.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from citecare.config import PROJECT_ROOT

NGINX_SITE = PROJECT_ROOT / "deploy" / "nginx" / "citecare.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes] | None, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL: only the process this harness started."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# --- binaries -------------------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<version>/bin, off the PATH."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def chroma_exe() -> str:
    return shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))


def missing_binaries(*names: str) -> list[str]:
    """Which of 'postgresql', 'nginx', 'chroma' cannot be found (with the package that provides it)."""
    missing = []
    if "postgresql" in names and postgres_bindir() is None:
        missing.append("PostgreSQL (Debian package `postgresql`: initdb, pg_ctl)")
    if "postgresql" in names and os.geteuid() == 0 and _postgres_user() is None:
        missing.append("a non-root user for PostgreSQL (the Debian package creates `postgres`)")
    if "nginx" in names and shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx (Debian package `nginx`)")
    if "chroma" in names and not Path(chroma_exe()).exists():
        missing.append("chroma (PyPI package `chromadb`)")
    return missing


def require_binaries(*names: str) -> None:
    """In a test: fail under CI (`.ci/run` installs them, so a missing one is a broken CI), skip elsewhere,
    naming what is missing."""
    import pytest

    missing = missing_binaries(*names)
    if missing:
        reason = f"not installed: {', '.join(missing)} (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _postgres_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


# --- PostgreSQL ---------------------------------------------------------------------------------------


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster with password auth; yields a SQLAlchemy URL of database `citecare`.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
    """
    bindir = postgres_bindir()
    assert bindir is not None, "PostgreSQL is not installed"
    as_user = _postgres_user() if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="citecare-pg-"))  # under /tmp, not root's private pytest folder
    password = secrets.token_urlsafe(16)
    (folder / "pw").write_text(password)
    if as_user is not None:
        for path in (folder, folder / "pw"):
            os.chown(path, as_user.pw_uid, as_user.pw_gid)
    user_args: dict[str, object] = {"user": as_user.pw_uid, "group": as_user.pw_gid} if as_user else {}
    data, port = folder / "data", free_port()

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, cwd=folder, **user_args)  # type: ignore[call-overload]

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "citecare", "--pwfile", str(folder / "pw"),
            "--auth", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    except subprocess.CalledProcessError as exc:
        log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r} {log[-2000:]}") from None
    try:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="citecare", password=password, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE citecare")
        yield f"postgresql://citecare:{password}@127.0.0.1:{port}/citecare"
    finally:
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, cwd=folder, **user_args)  # type: ignore[call-overload]
        shutil.rmtree(folder, ignore_errors=True)


# --- chroma run ----------------------------------------------------------------------------------------


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """`chroma run` on a free port with its data in ``folder``; yields its URL."""
    port = free_port()
    log = (folder / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [chroma_exe(), "run", "--path", str(folder / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        wait_for_port(port, proc, "chroma run", timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        log.close()


# --- nginx ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nginx:
    url: str
    access_log: Path  # the shipped format: "time status method uri seconds upstream[, upstream...]"

    def requests(self, settle_s: float = 0.25) -> list[tuple[str, str, str]]:
        """(uri, status, replica address that finally served it) per logged request, oldest first.

        nginx writes a request's line just after the client has the response: wait until the log is still.
        """
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        while True:
            time.sleep(settle_s)
            again = self.access_log.read_text().splitlines() if self.access_log.exists() else []
            if len(again) == len(lines):
                break
            lines = again
        rows = []
        for line in lines:
            _, status, _, uri, _, upstreams = line.split(" ", 5)
            rows.append((uri, status, upstreams.split(", ")[-1]))
        return rows


def nginx_config(site: str, replica_ports: Sequence[int], listen_port: int, folder: Path) -> str:
    """The shipped site config (deploy/nginx/citecare.conf) with these replicas and port, in a minimal nginx.conf."""
    lines: list[str] = []
    in_upstream, params = False, ";"
    for line in site.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("upstream citecare_replicas"):
            in_upstream = True
        elif in_upstream and stripped.startswith("server "):
            params = stripped.split(None, 2)[2] if len(stripped.split(None, 2)) > 2 else ";"
            continue  # the example replicas are replaced by ours, with the shipped parameters
        elif in_upstream and stripped.startswith("}"):
            lines += [f"    server 127.0.0.1:{p} {params}\n" for p in replica_ports]
            in_upstream = False
        if stripped.startswith("listen "):
            line = f"    listen 127.0.0.1:{listen_port};\n"
        lines.append(line.replace("/var/log/nginx/", f"{folder}/"))
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read this temp folder
    return (
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        + "".join(lines)
        + "}\n"
    )


@contextmanager
def nginx_server(replica_ports: Sequence[int], folder: Path) -> Iterator[Nginx]:
    """nginx in the foreground with the shipped site config in front of ``replica_ports``."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(NGINX_SITE.read_text(), replica_ports, port, folder))
    check = subprocess.run([exe, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx rejected the config: {check.stderr}")
    proc = subprocess.Popen([exe, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, "nginx", timeout=20)
        yield Nginx(url=f"http://127.0.0.1:{port}", access_log=folder / "citecare-access.log")
    finally:
        stop(proc)


# --- app replicas --------------------------------------------------------------------------------------


@dataclass
class Replica:
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


def start_replica(env: dict[str, str], folder: Path, port: int | None = None) -> Replica:
    """`citecare serve --port N` as an operator starts it; settings come from ``env`` only."""
    port = port or free_port()
    log_path = folder / f"replica-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("citecare")), "serve", "--port", str(port)],
                                cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Replica(port, proc, log_path)


def wait_healthy(replica: Replica, timeout: float = 180) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica.proc.poll() is not None:
            raise RuntimeError(f"replica on port {replica.port} exited:\n{replica.log()}")
        try:
            resp = httpx.get(f"{replica.url}/healthz", timeout=2)
            body = resp.json()
            if resp.status_code == 200 and body.get("ready", True):
                return dict(body)
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"replica on port {replica.port} not healthy within {timeout:.0f} s:\n{replica.log()}")


def clean_env(**citecare: str) -> dict[str, str]:
    """The environment minus every CITECARE_ variable of the caller, plus the given ones (no .env leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECARE_")}
    env.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", ANONYMIZED_TELEMETRY="False",
               GRADIO_ANALYTICS_ENABLED="False", TOKENIZERS_PARALLELISM="false")
    env.update({f"CITECARE_{k.upper()}": v for k, v in citecare.items()})
    return env
