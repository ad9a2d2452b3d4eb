"""The deployment bundle on this machine: nginx (TLS, rendered from deploy/nginx/) in front of two daphnes,
a Celery worker and beat started from the Procfile, a private Redis with AOF + noeviction. A customer
shares their tab in Chromium through the proxy, the daphne holding their socket is SIGKILLed mid-session,
and the recording still arrives whole: every batch, in order, with what happened before and after the kill.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.deploy.stack import Stack, deployed, json_lines
from tests.e2e.conftest import banner_text, click, click_banner_button, wait_for
from tests.helpers.browser import make_driver

pytestmark = [pytest.mark.e2e, pytest.mark.processes]

INGESTED = "supportreplay_ingest_batches_total"


@pytest.fixture(scope="module")
def stack():
    # Its own directory, not pytest's tmp_path: parallel pytest runs rotate /tmp/pytest-of-<user>.
    workdir = Path(tempfile.mkdtemp(prefix="sr-deploy-"))
    try:
        with deployed(workdir) as running:
            yield running
    finally:
        if not os.environ.get("SR_KEEP_DEPLOY"):
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def chromium():
    driver = make_driver(extra_args=("--ignore-certificate-errors",))
    try:
        yield driver
    finally:
        driver.quit()


def session_row(stack: Stack, link_last4: str) -> tuple | None:
    rows = stack.query(
        "SELECT s.id, s.state, s.archive_status, s.summary, s.error_count, s.last_page_url "
        "FROM recordings_recordingsession s JOIN magiclinks_magiclink l ON s.link_id = l.id "
        "WHERE l.token_last4 = ?",
        link_last4,
    )
    return rows[0] if rows else None


def test_a_support_case_survives_a_killed_daphne_behind_the_tls_proxy(stack, chromium):
    password = "correct horse battery"
    stack.manage("create_agent", "jdoe", "--name", "Jane Doe", "--password-stdin", stdin=password + "\n")
    link = stack.manage("create_link", "--target", f"{stack.base}/demo/", "--agent", "jdoe").strip()
    assert link.startswith(f"{stack.base}/l/")

    # The customer: consent page through the proxy, accept, the demo shop records.
    chromium.get(link)
    assert "Show Acme support what you see?" in chromium.page_source
    assert "Jane Doe from Acme support" in chromium.page_source
    click(chromium, "accept")
    wait_for(lambda: "Sharing this tab with" in banner_text(chromium), timeout=30, message="recording")
    chromium.execute_script("console.log('marker-before-kill')")
    click(chromium, "add-scale")

    # The daphne that holds the recorder's socket (per-process counters, scraped from each daphne).
    holder = wait_for(
        lambda: next((n for n in ("web1", "web2") if stack.daphne_metric(n, INGESTED) >= 2), None),
        timeout=30,
        message="batches acked by one daphne",
    )
    survivor = "web2" if holder == "web1" else "web1"
    assert stack.daphne_metric(survivor, INGESTED) == 0
    stack.services[holder].kill()

    # Still sharing: the recorder reconnects through nginx to the other daphne and resends what was unacked.
    chromium.execute_script("console.log('marker-after-kill')")
    click(chromium, "add-grinder")
    wait_for(lambda: stack.daphne_metric(survivor, INGESTED) >= 1, timeout=45, message="resumed on survivor")
    click_banner_button(chromium)  # Stop sharing
    last4 = link[-4:]
    row = wait_for(
        lambda: (r := session_row(stack, last4)) and r[1] == "archived" and r,
        timeout=90,
        message="archived by the worker",
    )
    summary = json.loads(row[3])
    tabs = summary["tabs_detail"]
    assert len(tabs) == 1
    assert all(not detail["gaps"] for detail in tabs.values()), tabs
    assert summary.get("stream_mismatch") is None

    # The agent signs in through the proxy and exports the recording: both markers, the cart after the kill.
    agent = make_driver(extra_args=("--ignore-certificate-errors",))
    try:
        agent.get(f"{stack.base}/admin/login/?next=/sessions/")
        agent.find_element(By.NAME, "username").send_keys("jdoe")
        agent.find_element(By.NAME, "password").send_keys(password)
        agent.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        cookie = wait_for(lambda: agent.get_cookie("sessionid"), timeout=20, message="agent signed in")
    finally:
        agent.quit()
    session_id = uuid.UUID(row[0])  # SQLite keeps UUIDs as bare hex
    status, _, body = stack.request(
        "GET",
        f"/sessions/{session_id}/export/events.json",
        headers={"Cookie": f"sessionid={cookie['value']}"},
    )
    assert status == 200
    exported = body.decode()
    assert "marker-before-kill" in exported
    assert "marker-after-kill" in exported
    assert "Hand grinder" in exported  # the item added after the kill, in a DOM mutation

    # Nothing of the link's token in any log: nginx's access log masks it, the apps never write it.
    token = link.rsplit("/l/", 1)[1]
    assert "/l/[redacted]" in stack.access_log.read_text()
    for path in stack.access_log.parent.iterdir():
        assert token not in path.read_text(errors="replace"), path.name


def test_the_proxy_sets_the_client_address_so_spoofing_still_hits_the_rate_limit(stack):
    if time.time() % 60 > 50:  # the limit counts per clock minute: start the burst inside one
        time.sleep(61 - time.time() % 60)
    statuses = [
        stack.request("GET", "/l/" + "B" * 43, headers={"X-Forwarded-For": f"198.51.100.{n}"})[0]
        for n in range(30)
    ]
    # Each forged address would have been a fresh client; through the proxy they are all 127.0.0.1.
    assert statuses[0] == 410
    assert statuses[-10:] == [429] * 10


def test_the_proxy_drops_unknown_hosts_gzips_and_hides_metrics(stack):
    # An unknown name over TLS: the handshake is refused (ssl_reject_handshake), nothing reaches Django.
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with pytest.raises(ssl.SSLError):
        context.wrap_socket(
            socket.create_connection(("127.0.0.1", stack.https_port), 5), server_hostname="evil.test"
        )
    # An unknown Host over plain HTTP: the connection closes without an answer (444).
    with socket.create_connection(("127.0.0.1", stack.http_port), 5) as plain:
        plain.sendall(b"GET / HTTP/1.1\r\nHost: evil.test\r\n\r\n")
        assert plain.recv(100) == b""
    status, headers, _ = stack.request(
        "GET", "/static/recorder/recorder.js", headers={"Accept-Encoding": "gzip"}
    )
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert stack.request("GET", "/metrics")[0] == 404
    status, _, body = stack.request("GET", "/healthz/ready")
    assert status == 200
    assert json.loads(body)["checks"]["redis"]["ok"] is True


def test_beat_and_a_worker_report_through_the_heartbeat_and_logs_are_json(stack):
    from redis import Redis

    from supportreplay.health import CELERY_HEARTBEAT_KEY

    Redis.from_url(stack.redis_url).delete(CELERY_HEARTBEAT_KEY)
    # Beat sends the heartbeat task every 30 s; the worker stamps it.
    wait_for(
        lambda: Redis.from_url(stack.redis_url).get(CELERY_HEARTBEAT_KEY), timeout=75, message="heartbeat"
    )
    time.sleep(0.1)
    _, _, body = stack.request("GET", "/healthz/ready")
    assert json.loads(body)["celery"]["ok"] is True
    records = json_lines(stack.services["worker"].log())
    assert any(r.get("logger", "").startswith("celery") for r in records), stack.services["worker"].log()[
        :2000
    ]
