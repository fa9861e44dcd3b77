"""The load generator, run as its own process: ``python -m bench.http_load JOB.json``.

A separate process, so the client's own Python work does not share the server's GIL.
The job names the server, the headers, the requests (method, path, JSON body) and the
number of concurrent clients; each client is a thread with one keep-alive connection
(stdlib ``http.client``: no dependency, little overhead) taking the next request until
none are left or ``max_seconds`` have passed. It prints one JSON line: requests
completed, errors, elapsed seconds, each completed request's latency and the statuses.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode

OK = range(200, 300)


def run(job: dict[str, Any]) -> dict[str, Any]:
    requests: list[list[Any]] = job["requests"]
    headers = {"content-type": "application/json", **job.get("headers", {})}
    stop_at = time.perf_counter() + float(job.get("max_seconds", 1e9))
    lock = threading.Lock()
    nxt = iter(range(len(requests)))
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection(job["host"], job["port"], timeout=120)
        while time.perf_counter() < stop_at:
            with lock:
                i = next(nxt, None)
            if i is None:
                break
            method, path, body = requests[i]
            data = None if body is None else json.dumps(body).encode()
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                text = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(job["host"], job["port"], timeout=120)
                with lock:
                    statuses["exception"] += 1
                    errors.append(repr(exc))
                continue
            took = time.perf_counter() - t0
            with lock:
                statuses[str(status)] += 1
                if status in OK:
                    latencies.append(took)
                elif len(errors) < 5:
                    errors.append(f"{status} {path}: {text[:300]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(int(job.get("clients", 1)))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "completed": len(latencies),
        "errors": sum(statuses.values()) - len(latencies),
        "elapsed": elapsed,
        "latencies": latencies,
        "statuses": dict(statuses),
        "error_samples": errors[:5],
    }


def login(host: str, port: int, username: str, password: str) -> str:
    """Sign in through the login form (its CSRF cookie and token); returns the Cookie header
    of the session, for the load generator's requests."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    page = resp.read().decode()
    csrf_cookie = _cookie(resp.headers.get_all("set-cookie") or [], "drukflow_login_csrf")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None or csrf_cookie is None:
        raise RuntimeError("the login page has no CSRF token")
    form = urlencode({"username": username, "password": password, "csrf_token": token[1]})
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "cookie": f"drukflow_login_csrf={csrf_cookie}",
        },
    )
    resp = conn.getresponse()
    resp.read()
    sid = _cookie(resp.headers.get_all("set-cookie") or [], "drukflow_session")
    conn.close()
    if resp.status != 303 or sid is None:
        raise RuntimeError(f"login as {username} failed: {resp.status}")
    return f"drukflow_session={sid}"


def follow_pages(host: str, port: int, cookie: str, path: str, pages: int) -> str:
    """The request of the ``pages``-th page of a paged JSON list (its answers' ``next_url``),
    so the load generator can time a page past the first. LookupError: fewer pages."""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    for _ in range(pages - 1):
        conn.request("GET", path, headers={"cookie": cookie})
        resp = conn.getresponse()
        body = json.loads(resp.read())
        if resp.status != 200 or not body.get("next_url"):
            raise LookupError(f"{path}: {resp.status}, no next page")
        path = body["next_url"]
    conn.close()
    return path


def _cookie(headers: list[str], name: str) -> str | None:
    for h in headers:
        key, _, rest = h.partition("=")
        if key.strip() == name:
            return rest.split(";", 1)[0].strip('"')
    return None


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as f:
        job = json.load(f)
    print(json.dumps(run(job)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
