"""A real uvicorn server in its own process on a free loopback port, and the load generator
run against it in another process.

One worker unless asked for more, no reload, no access log: what a small deployment runs.
The server's peak resident memory is read from /proc/<pid>/status (VmHWM, Linux), so no new
dependency (with several workers, the supervisor's only).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.app_factory import URL_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STARTUP_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env[URL_VARIABLE] = url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


class Server:
    """``with Server(url, "bench.app_factory:create") as srv:`` serves until the block ends."""

    def __init__(self, url: str, factory: str, workers: int = 1) -> None:
        self.url, self.factory, self.workers = url, factory, workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            self.factory,
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        self.proc = subprocess.Popen(cmd, env=_env(self.url), cwd=ROOT)
        deadline = time.monotonic() + STARTUP_S
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn {self.factory} exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError(f"uvicorn {self.factory} not ready after {STARTUP_S}s")
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def peak_rss_mb(self) -> float | None:
        """The server process's peak resident set so far (VmHWM), in MB; None off Linux."""
        assert self.proc is not None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def load(
        self,
        requests: list[list[Any]],
        *,
        clients: int = 1,
        headers: dict[str, str] | None = None,
        max_seconds: float = 1e9,
    ) -> dict[str, Any]:
        """Run ``requests`` from the load generator process; returns its report."""
        job = {
            "host": HOST,
            "port": self.port,
            "clients": clients,
            "headers": headers or {},
            "requests": requests,
            "max_seconds": max_seconds,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(job, f)
        try:
            out = subprocess.run(
                [sys.executable, "-m", "bench.http_load", f.name],
                env=_env(self.url),
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            os.unlink(f.name)
        return json.loads(out.stdout)
