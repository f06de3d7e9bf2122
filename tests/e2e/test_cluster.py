"""The class server without containers: deploy/local_cluster.sh with real nginx and real replicas.

Browsers that arrive one after another spread over the replicas, each browser's websocket stays
on one replica (also across a reload), and SIGTERM stops every process the script started.
nginx tells browsers not to let other sites frame the app, and keeps Streamlit's metrics to
the server (issue 21). Students reach it by a host name and a port other than 80, and no answer
names the replica that served it (issue 23).
"""

from __future__ import annotations

import http.client
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_support import AFFINITY_COOKIE, LocalCluster, cluster_for_tests, replicas_by_affinity  # noqa: E402
from e2e_support import CHROMIUM, CHROMIUM_ARGS, TRAIN_TIMEOUT_MS, VIEWPORT, open_app  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

# A school's name for the server: Chromium resolves it to 127.0.0.1 itself (no /etc/hosts edit),
# so the browser sends "Host: lab.example:PORT" and a matching Origin, as on a real LAN.
HOST_NAME = "lab.example"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, browser):
    yield from cluster_for_tests(tmp_path_factory.mktemp("cluster"), replicas=2)


def _affinity(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == AFFINITY_COOKIE)


def test_each_browser_keeps_its_replica_and_browsers_spread(cluster, browser):
    affinities: list[str] = []
    used: set[str] = set()
    # New browsers hash to a random replica: open them until both replicas have one (bounded:
    # 16 browsers all landing on one of 2 replicas has odds 2^-15).
    for _ in range(16):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        open_app(page, cluster.url, "/")
        page.reload()
        open_app(page, cluster.url, "/")
        aff = _affinity(context)
        context.close()
        affinities.append(aff)
        served = replicas_by_affinity(cluster.access_log).get(aff, set())
        # Its websocket was opened twice (first load and reload), both times on the same replica.
        assert len(served) == 1, f"browser {aff} was served by {served}"
        used |= served
        if len(used) == 2 and len(affinities) >= 3:
            break
    assert used == {f"127.0.0.1:{p}" for p in cluster.replica_ports}


@pytest.fixture(scope="module")
def named_browser(browser):
    """A second Chromium (same Playwright) in which HOST_NAME resolves to 127.0.0.1."""
    named = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {HOST_NAME} 127.0.0.1"],
    )
    yield named
    named.close()


def test_a_host_name_and_port_reach_one_replica_that_trains_and_hides_its_address(cluster, named_browser):
    url = f"http://{HOST_NAME}:{cluster.lb_port}"
    context = named_browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    headers: list[tuple[str, dict[str, str]]] = []
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc) if r.url.startswith("http") else None)
    page.on("response", lambda r: headers.append((r.url, r.all_headers())))
    # Streamlit refuses a websocket whose Origin differs from the Host it is given: with nginx
    # forwarding the name without its port, the page would never connect (403 in the log).
    open_app(page, url, "/lab?framing=stateful&epochs=40&units=8")
    page.get_by_role("button", name="Train", exact=True).click()
    accuracy = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
    expect(accuracy).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    trained = accuracy.get_by_test_id("stMetricValue").inner_text()
    page.reload(wait_until="domcontentloaded")
    page.locator("[data-testid='stApp']").wait_for(state="attached")
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible()
    assert accuracy.get_by_test_id("stMetricValue").inner_text() == trained
    aff = _affinity(context)
    context.close()

    assert hosts == {f"{HOST_NAME}:{cluster.lb_port}"}
    served = replicas_by_affinity(cluster.access_log).get(aff, set())
    assert len(served) == 1, f"the websocket of {aff} moved between replicas: {served}"
    # No header of any answer names a replica (nginx keeps that in its access log only).
    replicas = [f"127.0.0.1:{p}" for p in cluster.replica_ports]
    assert headers
    leaks = [(u, k) for u, h in headers for k, v in h.items()
             if k == "x-lab-replica" or any(r in v for r in replicas)]
    assert not leaks, leaks
    ws = [line for line in cluster.access_log.read_text().splitlines()
          if f"affinity={aff}" in line and "/_stcore/stream" in line]
    assert ws and all('" 101 ' in line for line in ws), ws


def _get(port: int, path: str) -> http.client.HTTPResponse:
    """One GET sent exactly as written (no client-side clean-up of the path)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_nginx_forbids_framing_and_keeps_metrics_on_the_server(cluster):
    for path in ("/", "/lab?units=8", "/_stcore/health"):
        answer = _get(cluster.lb_port, path)
        assert answer.status == 200, path
        assert answer.getheader("X-Frame-Options") == "SAMEORIGIN", path
        assert answer.getheader("Content-Security-Policy") == "frame-ancestors 'self'", path
    # A replica serves its metrics (the operator reads them there), so the refusals are nginx's.
    assert _get(cluster.replica_ports[0], "/_stcore/metrics").status == 200
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_state",
                 "//_stcore/metrics", "/_stcore/metric%73", "/_stcore/./metrics"):
        assert _get(cluster.lb_port, path).status in (403, 404), path


def test_sigterm_stops_every_process(tmp_path, browser):
    c = LocalCluster(tmp_path / "c", replicas=2).start()
    assert not c.all_ports_closed()
    code = c.stop()
    assert code in (0, 143), c.output()
    assert c.all_ports_closed(), f"ports still open after SIGTERM:\n{c.output()}"
