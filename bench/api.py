"""API server benchmark: each figure next to a baseline measured in the same run.

    .venv/bin/python bench/api.py [--quick]

1. GET of one object per second, against a bare aiohttp handler that returns a
   fixed object over the same TLS set-up (wrk, bearer token).      goal >= 0.4
2. ConfigMap creates per second at 32 concurrent clients, against raw SQLite
   inserts (one committed transaction each, the store's pragmas). goal >= 1500/s
3. p99 latency of ConfigMap creates at 200 requests/s.            goal < 50 ms
4. A list of 10,000 pods, against reading the same rows raw from SQLite. goal < 0.3 s
5. One event delivered to 1,000 concurrent watchers, against a bare aiohttp
   server streaming one line to 1,000 held connections.            goal < 1 s

wrk is Debian's `wrk` (installed by `make bench` when missing, as root).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"app": "bench"}},
             "data": {"color": "blue", "size": "large", "config.yaml": "a: 1\nb: [2, 3]\n"}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "labels": {"app": "bench"}},
       "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
                                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


class Server:
    """A `bosun apiserver` in a subprocess, with a bearer token for the load generators."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        (root / "tokens.csv").write_text(f'{TOKEN},bench,1,"system:masters"\n')
        self.log = open(root / "server.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bosun.cli.main", "apiserver", "--data-dir", str(self.data), "--secure-port",
             str(self.port), "--bind-address", "127.0.0.1", "--insecure-port", "0", "--token-auth-file",
             str(root / "tokens.csv")], stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        wait_port(self.port)
        self.url = f"https://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def client_ssl() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Accept": "application/json"}


# ---- wrk


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Authorization: Bearer {TOKEN}",
           "-H", "Accept: application/json"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m is None:
        raise RuntimeError(out)
    if non2xx:
        raise RuntimeError(f"wrk saw {non2xx.group(1)} failed responses:\n{out}")
    return float(m.group(1))


CREATE_LUA = """
local n = 0
local counter = 0
setup = function(thread) thread:set("tid", counter); counter = counter + 1 end
request = function()
  n = n + 1
  local body = string.gsub(%(body)s, '"name":"x"', '"name":"%(tag)s-' .. tid .. '-' .. n .. '"')
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json",
                                        ["Authorization"] = "Bearer %(token)s"}, body)
end
"""


def create_script(root: Path, path: str, body: bytes, tag: str) -> Path:
    """A wrk script POSTing `body` with a fresh name each time (`<tag>-<thread>-<n>`)."""
    lua = CREATE_LUA % {"body": "[[" + body.decode() + "]]", "tag": tag, "path": path, "token": TOKEN}
    p = root / f"{tag}.lua"
    p.write_text(lua)
    return p


# ---- baselines


def bare_server(cert: Path, key: Path, port: int, body: bytes) -> subprocess.Popen:
    """A bare aiohttp handler returning a fixed object over the same TLS, with uvloop, in its own process."""
    code = f"""
import asyncio, ssl, uvloop
from aiohttp import web
body = {body!r}
async def get(request):
    return web.Response(body=body, content_type="application/json")
async def main():
    app = web.Application()
    app.router.add_get("/{{tail:.*}}", get)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain({str(cert)!r}, {str(key)!r})
    await web.TCPSite(runner, "127.0.0.1", {port}, ssl_context=ctx, backlog=1024).start()
    await asyncio.Event().wait()
uvloop.install()
asyncio.run(main())
"""
    p = subprocess.Popen([sys.executable, "-c", code])
    wait_port(port)
    return p


def raw_sqlite_inserts(path: Path, seconds: float, value: bytes) -> float:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE kv (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, value BLOB)")
    conn.execute("CREATE INDEX kv_key ON kv (key)")
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO kv (key, value) VALUES (?, ?)", (f"/registry/configmaps/b/cm-{n}", value))
        conn.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


# ---- measurements with the aiohttp client


async def create_latencies(url: str, rate: float, seconds: float) -> list[float]:
    import aiohttp

    latencies: list[float] = []
    conn = aiohttp.TCPConnector(ssl=client_ssl(), limit=256)
    async with aiohttp.ClientSession(connector=conn, headers=HEADERS) as s:
        async def one(i: int) -> None:
            body = dict(CONFIGMAP, metadata={"name": f"lat-{i}", "labels": {"app": "bench"}})
            t = time.perf_counter()
            async with s.post(f"{url}/api/v1/namespaces/default/configmaps", data=orjson.dumps(body)) as r:
                await r.read()
                if r.status != 201:
                    raise RuntimeError(f"create failed: {r.status}")
            latencies.append(time.perf_counter() - t)

        # warm the connection pool
        await asyncio.gather(*(one(-i - 1) for i in range(16)))
        latencies.clear()
        tasks = []
        start = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
    return latencies


async def create_pods(url: str, n: int) -> None:
    import aiohttp

    conn = aiohttp.TCPConnector(ssl=client_ssl(), limit=32)
    async with aiohttp.ClientSession(connector=conn, headers=HEADERS) as s:
        sem = asyncio.Semaphore(32)

        async def one(i: int) -> None:
            body = dict(POD, metadata={"name": f"pod-{i:05d}", "labels": {"app": "bench"}})
            async with sem, s.post(f"{url}/api/v1/namespaces/default/pods", data=orjson.dumps(body)) as r:
                await r.read()
                if r.status != 201:
                    raise RuntimeError(f"pod create failed: {r.status} {await r.text()}")
        await asyncio.gather(*(one(i) for i in range(n)))


async def time_list(url: str, path: str, repeats: int) -> tuple[float, int]:
    import aiohttp

    conn = aiohttp.TCPConnector(ssl=client_ssl(), limit=1)
    times = []
    count = 0
    async with aiohttp.ClientSession(connector=conn, headers=HEADERS) as s:
        for _ in range(repeats):
            t = time.perf_counter()
            async with s.get(url + path) as r:
                body = await r.read()
            times.append(time.perf_counter() - t)
            count = len(orjson.loads(body)["items"])
    return statistics.median(times), count


def raw_sqlite_list(db: Path, prefix: str, repeats: int) -> float:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        rows = conn.execute("SELECT kv.value FROM latest JOIN kv ON kv.rev = latest.rev WHERE latest.key >= ? "
                            "AND latest.key < ? ORDER BY latest.key", (prefix, prefix + "\xff")).fetchall()
        b"[" + b",".join(r[0] for r in rows) + b"]"
        times.append(time.perf_counter() - t)
    conn.close()
    return statistics.median(times)


async def fan_out(url: str, watch_path: str, trigger, n: int, expect: bytes) -> float:  # noqa: ANN001
    """Open n watches, call trigger(), and return the time until every watcher has read `expect`."""
    import aiohttp

    conn = aiohttp.TCPConnector(ssl=client_ssl(), limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
    async with aiohttp.ClientSession(connector=conn, headers=HEADERS, timeout=timeout) as s:
        ready = 0
        done: list[float] = []
        all_ready = asyncio.Event()

        async def watch() -> None:
            nonlocal ready
            async with s.get(url + watch_path) as r:
                ready += 1
                if ready == n:
                    all_ready.set()
                buf = b""
                async for chunk in r.content.iter_any():
                    buf += chunk
                    if expect in buf:
                        done.append(time.perf_counter())
                        return

        tasks = []
        for i in range(n):
            tasks.append(asyncio.create_task(watch()))
            if i % 50 == 49:
                await asyncio.sleep(0.05)
        await asyncio.wait_for(all_ready.wait(), 120)
        await asyncio.sleep(1.0)  # let the server register every watcher
        start = time.perf_counter()
        await trigger(s)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        return max(done) - start


BARE_STREAM = """
import asyncio, ssl, uvloop
from aiohttp import web
waiters = []
async def watch(request):
    resp = web.StreamResponse()
    resp.content_type = "application/json"
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    fut = asyncio.get_running_loop().create_future()
    waiters.append(fut)
    line = await fut
    await resp.write(line)
    return resp
async def fire(request):
    line = b'{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"fan-out"}}}\\n'
    for f in waiters:
        f.set_result(line)
    waiters.clear()
    return web.Response(text="ok")
async def main():
    app = web.Application()
    app.router.add_get("/watch", watch)
    app.router.add_post("/fire", fire)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(CERT, KEY)
    await web.TCPSite(runner, "127.0.0.1", PORT, ssl_context=ctx, backlog=2048).start()
    await asyncio.Event().wait()
uvloop.install()
asyncio.run(main())
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench installs it as root)", file=sys.stderr)
        return 2
    secs = 5 if args.quick else 10
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    except (ImportError, ValueError, OSError):
        pass
    root = Path(tempfile.mkdtemp(prefix="bosun-bench-"))
    server = Server(root)
    results: list[tuple[str, str, str]] = []
    try:
        time.sleep(1.0)
        url = server.url
        # 1. GET one object
        body = orjson.dumps(CONFIGMAP | {"metadata": {"name": "target", "labels": {"app": "bench"}}})
        subprocess.run(["curl", "-sk", "-o", "/dev/null", "-H", f"Authorization: Bearer {TOKEN}", "-H",
                        "Content-Type: application/json", "-d", body.decode(),
                        f"{url}/api/v1/namespaces/default/configmaps"], check=True)
        get_path = "/api/v1/namespaces/default/configmaps/target"
        fixed = subprocess.run(["curl", "-sk", "-H", f"Authorization: Bearer {TOKEN}", url + get_path],
                               capture_output=True, check=True).stdout
        bare_port = free_port()
        bare = bare_server(server.data / "pki" / "apiserver.crt", server.data / "pki" / "apiserver.key",
                           bare_port, fixed)
        try:
            wrk(f"https://127.0.0.1:{bare_port}{get_path}", 2, 32)
            base_get = wrk(f"https://127.0.0.1:{bare_port}{get_path}", secs, 32)
        finally:
            bare.terminate()
            bare.wait()
        wrk(url + get_path, 2, 32)
        bosun_get = wrk(url + get_path, secs, 32)
        results.append(("GET one object /s", f"{bosun_get:,.0f} vs bare aiohttp {base_get:,.0f}",
                        f"ratio {bosun_get / base_get:.2f} (goal >= 0.4)"))

        # 2. creates at 32 concurrent clients
        raw = raw_sqlite_inserts(root / "raw.db", secs, orjson.dumps(CONFIGMAP))
        script = create_script(root, "/api/v1/namespaces/default/configmaps", orjson.dumps(CONFIGMAP), "cm")
        creates = wrk(url + "/api/v1/namespaces/default/configmaps", secs, 32, script)
        results.append(("ConfigMap creates /s (32 clients)", f"{creates:,.0f} vs raw SQLite inserts {raw:,.0f}",
                        f"ratio {creates / raw:.2f}; goal >= 1500/s"))

        # 3. p99 at 200 req/s
        lat = asyncio.run(create_latencies(url, 200, secs))
        lat.sort()
        p50 = lat[len(lat) // 2] * 1000
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000
        results.append(("create latency at 200 req/s", f"p50 {p50:.1f} ms, p99 {p99:.1f} ms",
                        "goal p99 < 50 ms"))

        # 4. list of 10,000 pods
        n_pods = 10000
        t = time.perf_counter()
        asyncio.run(create_pods(url, n_pods))
        fill = time.perf_counter() - t
        list_time, count = asyncio.run(time_list(url, "/api/v1/namespaces/default/pods", 5))
        assert count == n_pods, count
        raw_list = raw_sqlite_list(server.data / "db" / "state.db", "/registry/pods/default/", 5)
        results.append(("list 10,000 pods", f"{list_time * 1000:.0f} ms vs raw SQLite read {raw_list * 1000:.0f} ms",
                        f"ratio {list_time / raw_list:.1f}x; goal < 300 ms (pods created at "
                        f"{n_pods / fill:,.0f}/s)"))

        # 5. one event to 1,000 watchers
        n_watch = 1000

        async def make_cm(s) -> None:  # noqa: ANN001
            b = orjson.dumps(CONFIGMAP | {"metadata": {"name": "fan-out"}})
            async with s.post(f"{url}/api/v1/namespaces/watched/configmaps", data=b) as r:
                await r.read()
        subprocess.run(["curl", "-sk", "-o", "/dev/null", "-H", f"Authorization: Bearer {TOKEN}", "-H",
                        "Content-Type: application/json", "-d", '{"metadata":{"name":"watched"}}',
                        f"{url}/api/v1/namespaces"], check=True)
        rv = orjson.loads(subprocess.run(["curl", "-sk", "-H", f"Authorization: Bearer {TOKEN}",
                                          f"{url}/api/v1/namespaces/watched/configmaps"], capture_output=True,
                                         check=True).stdout)["metadata"]["resourceVersion"]
        bosun_fan = asyncio.run(fan_out(url, f"/api/v1/namespaces/watched/configmaps?watch=1&resourceVersion={rv}",
                                        make_cm, n_watch, b'"fan-out"'))
        port = free_port()
        code = BARE_STREAM.replace("CERT", repr(str(server.data / "pki" / "apiserver.crt"))).replace(
            "KEY", repr(str(server.data / "pki" / "apiserver.key"))).replace("PORT", str(port))
        bare = subprocess.Popen([sys.executable, "-c", code])
        try:
            wait_port(port)

            async def fire(s) -> None:  # noqa: ANN001
                async with s.post(f"https://127.0.0.1:{port}/fire") as r:
                    await r.read()
            base_fan = asyncio.run(fan_out(f"https://127.0.0.1:{port}", "/watch", fire, n_watch, b'"fan-out"'))
        finally:
            bare.terminate()
            bare.wait()
        results.append(("one event to 1,000 watchers", f"{bosun_fan * 1000:.0f} ms vs bare aiohttp "
                        f"{base_fan * 1000:.0f} ms", f"ratio {bosun_fan / base_fan:.1f}x; goal < 1 s"))
    finally:
        server.stop()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    width = max(len(r[0]) for r in results)
    for name, figure, ratio in results:
        print(f"{name:<{width}}  {figure}  [{ratio}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
