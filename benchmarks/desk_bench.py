"""The desk at scale, side by side with django-helpdesk on the same database server.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/accord_bench \\
    nice -n 10 .venv/bin/python benchmarks/desk_bench.py [--requests 100000] [--runs 7]
        [--workers 2] [--creations 40] [--skip-load] [--no-helpdesk]
        [--ops queue,rest,page,report,creation] [--concurrency 1,4,8]
        [--accord-tree DIR]

DATABASE_URL may also be a SQLite file, sqlite:////abs/path/NAME_bench.sqlite3
(django-helpdesk then gets NAME_bench_dh.sqlite3 beside it). `--accord-tree`
measures another checkout's `accord` with this venv (a before/after comparison:
`git worktree add --detach /tmp/before COMMIT`).

1. Load (into a database created afresh: its name must contain "bench"):
   N requests of synthetic history (`accord.tickets.history_sample`, one
   year, seeded) go into Accord through `accord import` (timed: requests/s, SLA
   replay included) into DATABASE_URL, and the same records into django-helpdesk
   2.6.1 (tickets and followups, bulk ORM insert) in database `<name>_dh` on the
   same server (or the file beside it). django-helpdesk is installed from PyPI into a venv of its own
   under /tmp by `benchmarks/helpdesk_peer.py` (never a dependency of Accord).
2. Serve: both under gunicorn with the same number of sync workers.
3. Measure, alternating Accord and django-helpdesk run by run: the agent queue
   (Accord `/`; django-helpdesk's ticket list shell plus its data call), the REST
   list's first page, a request page, the report (django-helpdesk: its
   dashboard), and creation over HTTP at concurrency 1, 4 and 8 (failed
   creations counted, not fatal). Prints min/median/p95/max per side and the
   ratio (times: helpdesk / Accord, so > 1 means Accord is faster; rates:
   Accord / helpdesk).

Not part of `make test`. Run it with `nice` on a shared machine and note the load
(docs/performance.md keeps the figures and the conditions).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
# The checkout whose `accord` is loaded, served and measured (--accord-tree: another
# commit's, e.g. `git worktree add --detach /tmp/before COMMIT`, run with this venv).
TREE = REPO
SCRATCH = Path(tempfile.gettempdir()) / "accord-desk-bench"
PASSWORD = "bench-password-0123"
END = datetime(2026, 11, 1, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def accord_env() -> dict[str, str]:
    env = dict(os.environ)
    if TREE != REPO:
        env["PYTHONPATH"] = str(TREE)
    env.setdefault("ACCORD_SECRET_KEY", "benchmark-only-secret-0123456789abcdefghijkl")
    env["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    return env


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("cwd", TREE)  # `python -c` puts the working directory first on sys.path
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}...: {done.stderr[-2000:]}")
    return done


# -- load ---------------------------------------------------------------------

ACCORD_SETUP = """
import django, json, sys
django.setup()
from django.utils import timezone
from accord.accounts import services as accounts
from accord.accounts.actor import Actor
from accord.contracts import services as contracts
from accord.contracts.models import Organization
from accord.sla import load_policy
from accord.tickets.history_sample import sample_records, write_jsonl
from django.contrib.auth.models import User
now = timezone.now()
for name, pol in [("Kiwi Ltd", "capella"), ("Gatehouse HOA", "capsure")]:
    if not Organization.objects.filter(name=name).exists():
        contracts.create_organization(Actor(), name=name, policy=pol, hosting="hosted", now=now)
if not User.objects.filter(username="bench").exists():
    accounts.create_user("bench", role="admin", password=sys.argv[3], now=now)
orgs = [("Kiwi Ltd", load_policy("capella").level_ids, f"c{i}@kiwi.example") for i in range(200)]
orgs += [("Gatehouse HOA", load_policy("capsure").level_ids, f"c{i}@gate.example") for i in range(200)]
from datetime import datetime
with open(sys.argv[1], "w") as f:
    write_jsonl(sample_records(int(sys.argv[2]), orgs, datetime.fromisoformat(sys.argv[4])), f)
kiwi = Organization.objects.get(name="Kiwi Ltd")
contact = kiwi.contacts.filter(email="bench@kiwi.example").first() or contracts.create_contact(
    Actor(), organization=kiwi.pk, name="Bench", role="administrator",
    email="bench@kiwi.example", now=now)
contracts.create_entitlement(Actor(), organization=kiwi.pk, kind="support_agreement",
    starts=datetime(2020, 1, 1).date(), ends=None, now=now)
print(json.dumps({"token": accounts.create_token(user="bench"), "contact": contact.pk}))
"""


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's database (only one whose name says it is one):
    a PostgreSQL database on its server, or a SQLite file (sqlite:////abs/path)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in Path(name).name:
        raise SystemExit(f"desk_bench: refusing to reset database {name!r}: use a *bench* one")
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path("/" + name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load_accord(count: int) -> dict[str, Any]:
    env = accord_env()
    fresh_database(env["DATABASE_URL"])
    run([str(BIN / "accord"), "migrate"], env=env)
    history = SCRATCH / f"history-{count}.jsonl"
    done = run(
        [
            str(BIN / "python"),
            "-c",
            ACCORD_SETUP,
            str(history),
            str(count),
            PASSWORD,
            END.isoformat(),
        ],
        env=env,
    )
    made = json.loads(done.stdout.strip().splitlines()[-1])
    start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    out = run(
        [str(BIN / "accord"), "import", str(history), "--source", "bench", "--no-progress"], env=env
    )
    seconds = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    print(
        f"{out.stdout.strip()}\n  {seconds:.1f} s wall = {count / seconds:,.0f} req/s; "
        f"the import process used {cpu:.1f} s of CPU = {count / cpu:,.0f} req/s per busy core"
    )
    return {
        **made,
        "history": history,
        "import_rate": count / seconds,
        "import_cpu_rate": count / cpu,
    }


# -- HTTP ---------------------------------------------------------------------


class Session:
    """A logged-in browser: cookies, CSRF token, timed requests."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.headers: dict[str, str] = {}

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "") or ""

    def login(self, path: str, username: str) -> None:
        page = self.get(path)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = {"username": username, "password": PASSWORD}
        if token:
            form["csrfmiddlewaretoken"] = token.group(1)
        self.post_form(path, form)

    def get(self, path: str) -> tuple[float, str]:
        req = urllib.request.Request(self.base + path, headers=self.headers)
        start = time.perf_counter()
        with self.opener.open(req, timeout=120) as resp:
            body = resp.read().decode("utf-8", "replace")
        return time.perf_counter() - start, body

    def post_form(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path, **self.headers}
        )
        with self.opener.open(req, timeout=120) as resp:
            return resp.read().decode("utf-8", "replace")

    def post_json(self, path: str, body: dict[str, Any]) -> int:
        headers = {"Content-Type": "application/json", "Referer": self.base + "/", **self.headers}
        if self.csrf():
            headers["X-CSRFToken"] = self.csrf()
        req = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), headers=headers
        )
        try:
            with self.opener.open(req, timeout=120) as resp:
                resp.read()
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"POST {path}: {exc.code} {exc.read()[:300]!r}") from None


def serve(
    args: list[str], env: dict[str, str], cwd: Path, port: int, workers: int
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [*args, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=(SCRATCH / f"gunicorn-{Path(args[0]).parent.parent.name}.log").open("w"),
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"gunicorn did not start on port {port}")


# -- measuring ------------------------------------------------------------------

# --ops: the short name of each operation measured.
SHORT = {
    "agent queue page": "queue",
    "REST list, first page": "rest",
    "request page": "page",
    "report page": "report",
}
OPS = (*SHORT.values(), "creation")


def creations(
    call: Callable[[int], None], total: int, concurrency: int, failures: list[str]
) -> float:
    """Created requests per second, `total` attempts with `concurrency` threads; each
    failed attempt (an error answer, e.g. SQLite's "database is locked") is appended
    to `failures` and not counted as created."""

    def attempt(i: int) -> bool:
        try:
            call(i)
            return True
        except (RuntimeError, urllib.error.URLError, OSError) as exc:
            failures.append(str(exc)[:200])
            return False

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        made = sum(pool.map(attempt, range(total)))
    return made / (time.perf_counter() - start)


def table(results: dict[str, dict[str, list[float]]], rates: set[str]) -> None:
    print()
    head = "min/med/p95/max"
    print(f"{'operation':34} {'Accord ' + head:>30} {'helpdesk ' + head:>30} {'ratio':>7}")
    for op, sides in results.items():
        unit = "req/s" if op in rates else "ms"
        scale = 1 if op in rates else 1000

        def fmt(xs: list[float], scale: float = scale) -> str:
            if not xs:
                return "-"
            p95 = statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]
            picks = (min(xs), statistics.median(xs), p95, max(xs))
            return "/".join(f"{x * scale:,.0f}" for x in picks)

        a, h = sides.get("accord", []), sides.get("helpdesk", [])
        ratio = ""
        if a and h:
            ma, mh = statistics.median(a), statistics.median(h)
            ratio = f"{(ma / mh if op in rates else mh / ma):.1f}x"
        print(f"{op + ' (' + unit + ')':34} {fmt(a):>30} {fmt(h):>30} {ratio:>7}")
    print(
        "ratio: how many times Accord is ahead (helpdesk time / Accord time; Accord rate / helpdesk rate)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--creations", type=int, default=40, help="per concurrency level and run")
    parser.add_argument("--skip-load", action="store_true", help="reuse what the last run loaded")
    parser.add_argument("--no-helpdesk", action="store_true")
    parser.add_argument("--ops", default=",".join(OPS), help=f"what to measure, of {','.join(OPS)}")
    parser.add_argument(
        "--accord-tree", type=Path, default=REPO, help="measure this checkout's accord"
    )
    parser.add_argument(
        "--concurrency", default="1,4,8", help="creation: client threads, comma-separated"
    )
    args = parser.parse_args()
    global TREE
    TREE = args.accord_tree.resolve()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres", "sqlite:////")):
        print(
            "desk_bench: DATABASE_URL must name a PostgreSQL database or a SQLite file "
            "(sqlite:////absolute/path/bench.sqlite3)",
            file=sys.stderr,
        )
        return 2
    ops_wanted = set(args.ops.split(","))
    if ops_wanted - set(OPS):
        print(f"desk_bench: --ops takes {','.join(OPS)}", file=sys.stderr)
        return 2
    SCRATCH.mkdir(exist_ok=True)
    state_file = SCRATCH / "state.json"
    import helpdesk_peer as peer  # benchmarks/ is on sys.path when run as a script

    if args.skip_load and state_file.exists():
        state = json.loads(state_file.read_text())
    else:
        loaded = load_accord(args.requests)
        state = {
            "token": loaded["token"],
            "contact": loaded["contact"],
            "import_rate": loaded["import_rate"],
            "import_cpu_rate": loaded["import_cpu_rate"],
            "requests": args.requests,
            "helpdesk": None,
        }
        if not args.no_helpdesk:
            try:
                state["helpdesk"] = peer.load(url, Path(loaded["history"]), PASSWORD)
            except RuntimeError as exc:
                print(f"django-helpdesk not measured: {exc}", file=sys.stderr)
        state_file.write_text(json.dumps(state))
    servers = []
    try:
        port = free_port()
        servers.append(
            serve(
                [str(BIN / "gunicorn"), "accord.wsgi:application"],
                accord_env(),
                TREE,
                port,
                args.workers,
            )
        )
        accord = Session(f"http://127.0.0.1:{port}")
        accord.login("/login/", "bench")
        api = Session(accord.base)
        api.headers["Authorization"] = f"Bearer {state['token']}"
        sample = json.loads(api.get("/api/v1/requests?limit=1")[1])["items"][0]["number"]
        helpdesk = None
        if state.get("helpdesk"):
            hport = free_port()
            servers.append(peer.serve(state["helpdesk"], hport, args.workers))
            helpdesk = Session(f"http://127.0.0.1:{hport}")
            helpdesk.login("/login/", "bench")
        ops: dict[str, dict[str, Callable[[], float]]] = {
            "agent queue page": {"accord": lambda: accord.get("/")[0]},
            "REST list, first page": {
                "accord": lambda: api.get("/api/v1/requests?ordering=due")[0]
            },
            "request page": {"accord": lambda: accord.get(f"/requests/{sample}/")[0]},
            "report page": {"accord": lambda: accord.get("/report/")[0]},
        }
        if helpdesk is not None:
            for op, call in peer.operations(helpdesk, state["helpdesk"]).items():
                ops[op]["helpdesk"] = call
        ops = {op: sides for op, sides in ops.items() if SHORT[op] in ops_wanted}
        results: dict[str, dict[str, list[float]]] = {op: {} for op in ops}
        failed: dict[tuple[str, str], int] = {}

        def timed(op: str, side: str, call: Callable[[], float]) -> float | None:
            start = time.perf_counter()
            try:
                return call()
            except (urllib.error.URLError, OSError) as exc:  # an error page or a timeout
                failed[(op, side)] = failed.get((op, side), 0) + 1
                print(f"{side} {op}: {exc} after {time.perf_counter() - start:.1f} s")
                return None

        for op in ops:  # warm up each side once (connections, caches, compiled policies)
            for side, call in ops[op].items():
                timed(op, side, call)
        for _ in range(args.runs):
            for op, sides in ops.items():
                for side, call in sides.items():  # alternating: Accord, then helpdesk
                    took = timed(op, side, call)
                    if took is not None:
                        results[op].setdefault(side, []).append(took)
        sides_creating: list[tuple[str, Callable[[int], None]]] = [
            ("accord", lambda i: _accord_create(api, state, i))
        ]
        if helpdesk is not None:
            sides_creating.append(("helpdesk", lambda i: peer.create(helpdesk, i)))
        for c in [int(c) for c in args.concurrency.split(",")] if "creation" in ops_wanted else []:
            op = f"creation over HTTP, c={c}"
            results[op] = {}
            for _ in range(max(1, args.runs // 2)):
                for side, create in sides_creating:
                    lost: list[str] = []
                    results[op].setdefault(side, []).append(
                        creations(create, args.creations, c, lost)
                    )
                    if lost:
                        failed[(op, side)] = failed.get((op, side), 0) + len(lost)
                        print(f"{side} {op}: {len(lost)} failed, e.g. {lost[0]}")
        rates = {op for op in results if op.startswith("creation")}
        print(
            f"\n{state.get('requests', args.requests):,} requests loaded; accord import ran at "
            f"{state['import_rate']:,.0f} req/s wall, {state.get('import_cpu_rate', 0):,.0f} "
            "req/s per CPU second of the import process (PostgreSQL's own work not counted)"
        )
        table(results, rates)
        for (op, side), n in sorted(failed.items()):
            print(f"{side}: {op} failed {n} times (error page or gunicorn's 30 s timeout)")
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


def _accord_create(api: Session, state: dict[str, Any], i: int) -> None:
    api.post_json(
        "/api/v1/requests",
        {
            "contact": state["contact"],
            "channel": "api",
            "level": "high" if i % 2 else "low",
            "subject": f"Bench {i}",
            "description": "Created by the benchmark.",
        },
    )


if __name__ == "__main__":
    sys.exit(main())
