"""Revocation latency: how long a revoked agent's open watch socket keeps going after the revocation.

    .venv/bin/python bench/revocation.py [--agents 20] [--bystanders 50]

A real daphne (its periodic re-check set to 600 s, so only the signal path can close a socket in time),
`--agents` logged-in agents each watching a live session, plus `--bystanders` other watch sockets that
keep their access. Each agent in turn is removed from the support group, deactivated or logged out (the
session row deleted, as `logout()` does), from this process as the admin would; the time from the
revocation call to the socket's close frame is recorded. Uses its own SQLite file
(var/bench-revocation.sqlite3) and Redis DB 3 (--redis-url); it deletes only its own rows and never
flushes Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import bench_env, free_port, spawn_daphne  # noqa: E402


def _env(redis_url: str) -> dict[str, str]:
    return bench_env("bench-revocation.sqlite3", redis_url, SUPPORTREPLAY_WATCH_RECHECK_SECONDS="600")


def prepare(count: int) -> list[tuple]:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from magiclinks.models import MagicLink
    from sessions.models import RecordingSession
    from tests.helpers import live

    call_command("migrate", verbosity=0, interactive=False)
    RecordingSession.objects.all().delete()
    MagicLink.objects.all().delete()
    User.objects.filter(username__startswith="bench-rev-").delete()
    rows = []
    for n in range(count):
        agent = live.make_agent(f"bench-rev-{n}")
        rows.append((agent, live.session_cookie(agent), live.make_session(agent).pk))
    return rows


def revoke(kind: str, agent, cookie: str) -> None:
    from django.contrib.auth.models import Group
    from django.contrib.auth.signals import user_logged_out
    from django.contrib.sessions.models import Session

    from sessions.agent_group import GROUP_NAME

    if kind == "group":
        agent.groups.remove(Group.objects.get(name=GROUP_NAME))
    elif kind == "deactivate":
        agent.is_active = False
        agent.save()
    else:  # logout: what django.contrib.auth.logout does for that browser
        request = type("Request", (), {"session": type("S", (), {"session_key": cookie})()})()
        user_logged_out.send(sender=type(agent), request=request, user=agent)
        Session.objects.filter(session_key=cookie).delete()


async def watch(url: str, origin: str, cookie: str):
    from websockets.asyncio.client import connect

    ws = await connect(url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"})
    await asyncio.wait_for(ws.recv(), 10)  # hello
    return ws


async def closed_at(ws) -> float:
    from websockets.exceptions import ConnectionClosed

    try:
        while True:
            await ws.recv()
    except ConnectionClosed:
        return time.perf_counter()


async def run(port: int, rows: list[tuple], bystanders: int) -> dict[str, list[float]]:
    base = f"ws://127.0.0.1:{port}/ws/watch"
    origin = f"http://127.0.0.1:{port}"
    sockets = [await watch(f"{base}/{sid}/", origin, cookie) for _agent, cookie, sid in rows]
    others = [await watch(f"{base}/{rows[0][2]}/", origin, rows[-1][1]) for _ in range(bystanders)]
    kinds = ("group", "deactivate", "logout")
    results: dict[str, list[float]] = {k: [] for k in kinds}
    # The last agent's cookie is the bystanders': never revoke it.
    for n, ((agent, cookie, _sid), ws) in enumerate(zip(rows[:-1], sockets[:-1], strict=True)):
        kind = kinds[n % len(kinds)]
        waiter = asyncio.create_task(closed_at(ws))
        started = time.perf_counter()
        await asyncio.to_thread(revoke, kind, agent, cookie)
        ended = await asyncio.wait_for(waiter, 30)
        results[kind].append((ended - started) * 1000)
    for ws in others + sockets[-1:]:
        await ws.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=31)
    parser.add_argument("--bystanders", type=int, default=50)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()
    env = _env(args.redis_url)
    os.environ.update(env)
    import django

    django.setup()
    rows = prepare(args.agents)
    port = free_port()
    server = spawn_daphne(port, env)
    try:
        results = asyncio.run(run(port, rows, args.bystanders))
    finally:
        server.terminate()
        server.wait(10)
    print(f"{args.agents - 1} revocations, {args.bystanders} other watch sockets open; ms from call to close")
    print("| revocation | n | median | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    for kind, values in results.items():
        values.sort()
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(f"| {kind} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} | {values[-1]:.0f} |")


if __name__ == "__main__":
    main()
