"""Many sessions at once against the real app, on loopback only (issue 5).

    python benchmarks/load_test.py                  # 8 browser sessions train + generate at once
    python benchmarks/load_test.py --retrains 30    # ... then one session retrains 30 times (RSS growth)
    python benchmarks/load_test.py --sessions 0 --retrains 30
    python benchmarks/load_test.py --hostile 4      # ... while 4 hostile sessions attack (issue 16)
    bash deploy/local_cluster.sh &                  # a class server: replicas behind nginx, then
    python benchmarks/load_test.py --url http://127.0.0.1:8080 --sessions 24 --lb-log STATE/access.log

It starts ``streamlit run app.py`` on 127.0.0.1 (a free port), opens one Debian Chromium
(/usr/bin/chromium) with one browser context per session (each context is a separate Streamlit
session), and in every session at the same time:

1. opens the Lab with a small configuration whose training sequence is that session's own
   (session 0 cycles "AB", session 1 "CD", ... session 25 "yz": disjoint vocabularies);
2. clicks Train and waits for the Accuracy metric (time to result), then reloads the page (F5)
   and checks that the same trained run is still on screen (the run store keeps it);
3. goes to Generate through the page links (same session), generates from its first letter, and checks
   that the start-letter choices are exactly its own vocabulary and that every generated letter is
   from it (a session that saw another's model would show other letters);
4. reloads the page (a new Streamlit session) and checks that the ``?run=`` link brought back its
   own model (its own vocabulary), from the server's run database.

It samples the server's resident memory (VmRSS of the server and its children, /proc) every 0.2 s
and prints the peak, each session's time to result, and with ``--retrains`` the RSS growth over
N retrains in one session. Every wait is bounded; the whole run stops by itself (``--timeout``).
Exit code 0 when every session finished with correct results (and the RSS targets held, if
``--strict``), 1 otherwise.

With ``--url`` it starts no server and runs against the given one, e.g. nginx in front of
``deploy/local_cluster.sh``'s replicas. ``--lb-log`` (that script's access.log) adds the cluster
checks: every session's websocket was served by one replica from start to end, and the RSS of
each replica (found by the port nginx sent it to) is sampled and printed.

Hostile mode (``--hostile N``, issue 16): while the normal sessions train, N more sessions
attack at the same time. Even-numbered ones open the heaviest links, without clicking
anything: the link that once held a training slot for hours, a shape too large for even one
epoch, the largest accepted shape (which must not compile in the background) and Markdown
injections; each must answer with a warning, never an exception, an ``<img>`` or a link.
Odd-numbered ones open the most expensive configuration the limit accepts (its epochs chosen
with ``lstm_core.limits.cost`` to fill ``--hostile-budget`` seconds, default ``LSTM_LAB_MAX_SECONDS``)
and click Train. The run passes when every normal session still finishes correctly, every
hostile training reports at most ``LSTM_LAB_MAX_SECONDS`` of training ("trained in N s" on
the page; waiting in the queue is not training), and the server's peak RSS stays within
``LSTM_LAB_MEMORY_MB``. Timings are only meaningful on a quiet machine.

Issue 21 adds four more attacks to ``--hostile`` (``benchmarks/hostile_attacks.py``): an upload
bomb, a flood of 40 Lab shapes followed by the stateful preset's Train, a teacher's link under
eviction spam (the server's ``LSTM_LAB_DB_OWNER_MB`` is ``--owner-mb``, so ``--spam-trains`` Trains
of 17.9 MB exceed it), and the Memory experiment at its maximum. Each must answer correctly, and
the peak RSS (server and its worker processes) must stay within ``PEAK_RSS_TARGET_MB`` with ``--strict``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import string
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from cluster_support import AFFINITY_COOKIE, listening_pid, replicas_by_affinity  # noqa: E402
from e2e_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    StreamlitServer,
    rss_kb,
)

PEAK_RSS_TARGET_MB = 1500  # MiB, server and its TensorFlow workers (issue 21)
RETRAIN_GROWTH_TARGET_MB = 50
TEXT64 = "".join(chr(ord("!") + i) for i in range(64))  # 64 distinct printable characters
S2000 = (TEXT64 * 40)[:2000]


@dataclass
class SessionResult:
    index: int
    vocab: str
    ok: bool = False
    train_s: float = 0.0  # Train click -> Accuracy metric shown
    total_s: float = 0.0  # page open -> generated text checked
    accuracy: str = ""
    generated: str = ""
    queued_seen: bool = False
    reloaded: bool = False  # F5 after training showed the same run
    affinity: str = ""  # the load balancer's cookie, with --url through nginx
    replica: str = ""  # the replica that served this session's websocket (with --lb-log)
    error: str = ""


@dataclass
class RssSampler:
    pid: int
    interval: float = 0.2
    peak_kb: int = 0
    peak_processes: int = 0  # the server and its workers, when the peak was sampled
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            kb = rss_kb(self.pid)  # the server and its descendants (TensorFlow workers)
            if kb > self.peak_kb:
                self.peak_kb, self.peak_processes = kb, 1 + len(descendants(self.pid))
            self.samples.append((time.monotonic() - t0, kb))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (its workers), from /proc/<pid>/task/*/children."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            kids = [
                int(c)
                for t in Path(f"/proc/{parent}/task").iterdir()
                for c in (t / "children").read_text().split()
            ]
        except (OSError, ValueError):
            continue
        found += kids
        todo += kids
    return found


def mb(kb: int) -> float:
    return kb / 1024.0


def max_seconds() -> float:
    sys.path.insert(0, str(ROOT))
    from lstm_core.limits import cost

    return cost.MAX_SECONDS


def memory_budget_mb() -> float:
    sys.path.insert(0, str(ROOT))
    from lstm_core.limits import budget

    return budget.budget_mb()


# --- async page helpers (the sync ones live in tests/e2e/e2e_support.py) -----------------------
async def wait_for_app_run(page, timeout_ms: int) -> None:
    await page.wait_for_timeout(250)
    await page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms
    )
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms
    )


async def open_app(page, url: str, timeout_ms: int) -> None:
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    await page.locator("[data-testid='stApp']").wait_for(state="attached", timeout=timeout_ms)
    await wait_for_app_run(page, timeout_ms)


async def failure(page, exc: Exception, name: str) -> str:
    """One line for ``exc``, and a screenshot of the page as it was (test-artifacts/load-NAME.png)."""
    try:
        out = ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        await page.screenshot(path=str(out / f"load-{name}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - the page may be gone: the line is what matters
        pass
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"


async def assert_no_exception(page) -> None:
    count = await page.locator("[data-testid='stException']").count()
    if count:
        text = await page.locator("[data-testid='stException']").first.inner_text()
        raise AssertionError(f"the page shows an exception: {text[:300]}")


async def click_train_and_wait(
    page, timeout_ms: int, result: SessionResult | None = None, refusal=None
) -> float:
    """Click Train; return seconds until the Accuracy metric of this run (or ``refusal``, a
    locator, when given) is shown."""
    metric = page.get_by_test_id("stMetric").filter(has_text="Accuracy")
    t0 = time.monotonic()
    await page.get_by_role("button", name="Train", exact=True).click()
    deadline = t0 + timeout_ms / 1000
    # Wait for the script to start running, then to finish; note a queue message on the way.
    while time.monotonic() < deadline:
        state = await page.get_by_test_id("stApp").get_attribute("data-test-script-state")
        if result is not None and not result.queued_seen:
            queued = page.get_by_text("queue", exact=False)
            if await queued.count():
                result.queued_seen = True
        done = await metric.count() or (refusal is not None and await refusal.count())
        if state == "notRunning" and time.monotonic() - t0 > 0.5 and done:
            break
        await page.wait_for_timeout(100)
    else:
        raise TimeoutError(f"no Accuracy metric within {timeout_ms / 1000:.0f}s of clicking Train")
    return time.monotonic() - t0


async def go_to(page, name: str, timeout_ms: int) -> None:
    """Change page through the page links (the session survives) and wait until the new page's
    script has finished; under load the switch to "running" can lag the click."""
    await page.get_by_test_id("stPageLink").get_by_role("link", name=name, exact=True).click()
    # The address may carry ?run=<id> (the run store's link to the session's model).
    await page.wait_for_url(re.compile(rf"/{name.lower()}(\?.*)?$"), timeout=timeout_ms)
    await page.get_by_role("heading", name=name, exact=True).wait_for(state="visible", timeout=timeout_ms)
    await wait_for_app_run(page, timeout_ms)
    await page.wait_for_timeout(1000)
    await wait_for_app_run(page, timeout_ms)


async def select_options(page, label: str) -> list[str]:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    await box.click()
    options = [t.strip() for t in await page.get_by_role("option").all_inner_texts()]
    await page.keyboard.press("Escape")
    return options


async def choose(page, label: str, option: str, timeout_ms: int) -> None:
    """Pick an option in a selectbox and make sure it stuck (a rerun still in flight under load
    can redraw the widget; then pick again)."""
    combo = page.get_by_role("combobox", name=label)
    for _ in range(5):
        await page.get_by_test_id("stSelectbox").filter(has_text=label).click()
        await page.keyboard.type(option)
        await page.get_by_role("option", name=option, exact=True).first.click()
        await wait_for_app_run(page, timeout_ms)
        if await combo.input_value() == option:
            return
        await page.wait_for_timeout(500)
    raise AssertionError(
        f"{label!r} does not keep the choice {option!r}: shows {await combo.input_value()!r}"
    )


# --- one session -----------------------------------------------------------------------------------
LETTERS = string.ascii_uppercase + string.ascii_lowercase
VOCAB_SIZE = 2  # letters per session: 26 sessions with vocabularies of their own
MAX_SESSIONS = len(LETTERS) // VOCAB_SIZE


def session_vocab(index: int) -> str:
    return LETTERS[VOCAB_SIZE * index : VOCAB_SIZE * (index + 1)]


async def affinity(context) -> str:
    """The load balancer's affinity cookie of this browser ("" when there is no load balancer)."""
    return next((c["value"] for c in await context.cookies() if c["name"] == AFFINITY_COOKIE), "")


async def run_session(browser, base_url: str, index: int, epochs: int, timeout_ms: int) -> SessionResult:
    vocab = session_vocab(index)
    result = SessionResult(index=index, vocab=vocab)
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    t0 = time.monotonic()
    try:
        sequence = vocab * 12  # e.g. ABAB...: the next letter is fully determined by this one
        query = f"framing=naive&sequence={sequence}&units=8&epochs={epochs}&seed={index + 1}&shuffle=false"
        await open_app(page, f"{base_url}/lab?{query}", timeout_ms)
        await assert_no_exception(page)
        result.train_s = await click_train_and_wait(page, timeout_ms, result)
        await assert_no_exception(page)
        metric = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
        result.accuracy = (await metric.get_by_test_id("stMetricValue").inner_text()).strip()
        if f"sequence={sequence}" not in page.url:
            raise AssertionError(f"the Lab's URL does not hold this session's sequence: {page.url}")
        # F5: the same trained run comes back (from the run store, through the URL's run id).
        await page.reload(wait_until="domcontentloaded")
        await wait_for_app_run(page, timeout_ms)
        await assert_no_exception(page)
        after = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
        await after.wait_for(state="visible", timeout=timeout_ms)
        shown = (await after.get_by_test_id("stMetricValue").inner_text()).strip()
        if shown != result.accuracy:
            raise AssertionError(f"after a reload the Lab shows {shown}, before it showed {result.accuracy}")
        result.reloaded = True

        await go_to(page, "Generate", timeout_ms)
        await assert_no_exception(page)
        options = await select_options(page, "Start letter")
        if sorted(options) != sorted(vocab):
            raise AssertionError(f"start letters {options} are not this session's vocabulary {vocab!r}")
        await choose(page, "Start letter", vocab[0], timeout_ms)
        # The page already shows a generation from its default letter; after Generate, wait
        # until the shown text is the one for the chosen letter (or time out and say so).
        await page.get_by_role("button", name="Generate", exact=True).click()
        code = page.get_by_test_id("stCode").first
        deadline = time.monotonic() + timeout_ms / 1000
        text = ""
        while time.monotonic() < deadline:
            if await code.count():
                text = (await code.inner_text()).strip()
                if text.startswith(vocab[0]):
                    break
            await page.wait_for_timeout(200)
        await wait_for_app_run(page, timeout_ms)
        await assert_no_exception(page)
        text = (await code.inner_text()).strip()
        generated = "".join(ch for ch in text if ch in LETTERS)
        result.generated = generated
        if len(generated) < 2 or not set(generated) <= set(vocab):
            raise AssertionError(f"generated {text!r}: letters outside this session's vocabulary {vocab!r}")
        if generated[0] != vocab[0]:
            raise AssertionError(f"generated {text!r} does not start with the chosen letter {vocab[0]!r}")
        if result.accuracy == "100.00%":
            # A perfect model of ABAB... must continue the cycle exactly.
            expected = (vocab * (len(generated) // len(vocab) + 2))[: len(generated)]
            if generated != expected:
                raise AssertionError(f"generated {generated!r}, expected {expected!r} from a 100% model")
        result.affinity = await affinity(context)
        # Reload (F5: a new Streamlit session): the ?run= link must bring back this session's model.
        if "run=" not in page.url:
            raise AssertionError(f"the Generate page's URL names no stored run: {page.url}")
        await page.reload(wait_until="domcontentloaded", timeout=timeout_ms)
        await wait_for_app_run(page, timeout_ms)
        await assert_no_exception(page)
        options = await select_options(page, "Start letter")
        if sorted(options) != sorted(vocab):
            raise AssertionError(f"after a reload the start letters are {options}, not {vocab!r}")
        result.ok = True
    except Exception as exc:
        result.error = await failure(page, exc, f"session-{index}")
    finally:
        result.total_s = time.monotonic() - t0
        await context.close()
    return result


# --- hostile sessions (issue 16) -----------------------------------------------------------------
def link_query(fields: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()})


# The heaviest shape of issue 16: 64 one-hot letters x 64 characters as features, 256 units. The
# cost limit now refuses even one epoch of it (4.5 million weights streamed at every update).
HEAVY_SHAPE = {
    "framing": "feature-window",
    "encoding": "onehot",
    "window": 64,
    "units": 256,
    "sequence": S2000,
}


def most_expensive_accepted(budget_s: float, units: int = 256) -> tuple[dict, float]:
    """The heavy shape, its window lowered until one epoch is accepted, with as many epochs as
    ``budget_s`` of estimated training allows: the most expensive Train the limits accept."""
    sys.path.insert(0, str(ROOT))
    from lstm_core.config import LSTMConfig
    from lstm_core.limits import cost

    for window in range(HEAVY_SHAPE["window"], 0, -1):
        try:
            one = LSTMConfig(**{**HEAVY_SHAPE, "units": units, "window": window}, epochs=1)
        except ValueError:
            continue  # even one epoch of this window is refused: a smaller one
        room = min(budget_s, cost.MAX_SECONDS) - cost.estimate(one).compile_seconds
        per_epoch = cost.estimate(one).seconds - cost.estimate(one).compile_seconds
        epochs = max(1, int(room / per_epoch))
        config = one.replace(epochs=epochs)  # raises if even this is refused
        return config.to_dict(), cost.estimate(config).seconds
    raise ValueError(f"no window of the heavy shape with {units} units is accepted")


def heavy_links() -> list[tuple[str, str]]:
    """(what, query) of links a hostile visitor opens without clicking."""
    return [
        ("the issue's 3.3-hour link", link_query({**HEAVY_SHAPE, "epochs": 1549})),
        ("too large for one epoch", link_query({**HEAVY_SHAPE, "framing": "timestep-window", "epochs": 1})),
        ("largest accepted shape, no click", link_query({**HEAVY_SHAPE, "epochs": 1})),
        ("markdown image", link_query({"units": "![x](http://127.0.0.1:1/a.png)"})),
        ("markdown link", link_query({"framing": "[Login here](http://x/phish)"})),
        ("100 KB value", link_query({"units": "9" * 100_000})),
    ]


@dataclass
class HostileResult:
    index: int
    kind: str  # "links" or "train"
    ok: bool = False
    trained_s: float = 0.0  # the page's own "trained in N s" (training, not queue)
    refused: bool = False  # Train answered with the memory refusal (not accepted, not a failure)
    limited: bool = False  # accepted, and stopped by the server's time limit (at most the bound)
    wall_s: float = 0.0  # Train click -> result, queue included
    detail: str = ""
    error: str = ""


async def run_hostile(browser, base_url: str, index: int, train_query: str, timeout_ms: int) -> HostileResult:
    import re

    result = HostileResult(index=index, kind="train" if index % 2 else "links")
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:1/" in r.url else None)
    try:
        if result.kind == "links":
            for what, query in heavy_links():
                await open_app(page, f"{base_url}/lab?{query}", timeout_ms)
                await assert_no_exception(page)
                if what != "largest accepted shape, no click":
                    if not await page.get_by_test_id("stAlert").count():
                        raise AssertionError(f"{what}: no warning on the page")
                injected = await page.locator("img[src*='127.0.0.1:1'], a[href*='phish']").count()
                if injected or fetched:
                    raise AssertionError(f"{what}: markup from the URL reached the page")
            result.detail = f"{len(heavy_links())} links answered with warnings"
        else:
            await open_app(page, f"{base_url}/lab?{train_query}", timeout_ms)
            await assert_no_exception(page)
            # Refused for memory (another big run holds the room) is a correct answer: one
            # sentence, nothing trained, nothing over the bound.
            # So is a run the server's time limit stopped (ui/training.RUN_SECONDS): it trained
            # no longer than the bound, whatever the estimate said.
            words = re.compile("needs about|short of memory|at its time limit")
            refusal = page.get_by_test_id("stAlert").filter(has_text=words)
            result.wall_s = await click_train_and_wait(page, timeout_ms, refusal=refusal)
            await assert_no_exception(page)
            if await refusal.count():
                words = " ".join((await refusal.first.inner_text()).split()).removeprefix("error ")
                words = words.removeprefix("warning ").removeprefix("timer_off ")
                if "time limit" in words:
                    result.limited = True
                    result.detail = "stopped at the time limit: " + words[:200]
                    shown = page.get_by_text(re.compile(r"trained in [0-9.]+ s"))
                    if await shown.count():  # it finished an epoch: the partial run is on screen
                        text = await shown.first.inner_text()
                        result.trained_s = float(re.search(r"trained in ([0-9.]+) s", text).group(1))
                else:
                    result.refused = True
                    result.detail = "refused for memory: " + words[:200]
            else:
                text = await page.get_by_text(re.compile(r"trained in [0-9.]+ s")).first.inner_text()
                result.trained_s = float(re.search(r"trained in ([0-9.]+) s", text).group(1))
                result.detail = f"trained in {result.trained_s:.1f} s, {result.wall_s:.1f} s after the click"
        result.ok = True
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    finally:
        await context.close()
    return result


async def run_retrains(browser, base_url: str, server: StreamlitServer, n: int, timeout_ms: int):
    """One session retrains n times (a new seed each time); returns RSS (kB) after each train."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    rss_after: list[int] = []
    times: list[float] = []
    try:
        await open_app(page, f"{base_url}/lab?framing=stateful&units=8&epochs=30", timeout_ms)
        seed_box = page.get_by_test_id("stNumberInput").filter(has_text="Seed").locator("input")
        for i in range(n):
            await seed_box.fill(str(100 + i))
            times.append(await click_train_and_wait(page, timeout_ms))
            await assert_no_exception(page)
            rss_after.append(rss_kb(server.pid))
            print(
                f"  retrain {i + 1:2d}/{n}: {times[-1]:5.2f}s, server RSS {mb(rss_after[-1]):7.1f} MB",
                flush=True,
            )
    finally:
        await context.close()
    return rss_after, times


def issue21_attacks(browser, base_url: str, server, args: argparse.Namespace, timeout_ms: int) -> list:
    """The attacks of issue 21 (``hostile_attacks.py``), as coroutines to run beside the sessions."""
    import hostile_attacks as ha

    t0 = time.monotonic()
    bomb = ha.build_bomb()
    print(f"upload bomb built: {len(bomb) / 1024:.0f} KB ({time.monotonic() - t0:.0f} s)", flush=True)
    db_path = Path(server.env["LSTM_LAB_DB"]) if server is not None else None
    return [
        ha.upload_bomb(browser, base_url, bomb, timeout_ms),
        ha.shape_flood(browser, base_url, timeout_ms),
        ha.eviction_spam(browser, base_url, db_path, args.owner_mb, args.spam_trains, timeout_ms),
        ha.memory_max(browser, base_url, max(timeout_ms, 1_200_000)),
    ]


def upstream_ports(nginx_conf: Path) -> list[int]:
    """The replicas' ports, from the nginx.conf that local_cluster.sh wrote beside its access log."""
    return [int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+);", nginx_conf.read_text())]


def check_stickiness(results: list[SessionResult], log: Path) -> int:
    """Each session's websocket must have been served by one replica, first load to last click."""
    served = replicas_by_affinity(log)
    problems = 0
    for r in results:
        if not r.ok:
            continue
        replicas = served.get(r.affinity, set())
        if len(replicas) != 1:
            r.ok = False
            r.error = f"websocket served by {sorted(replicas) or 'no replica'} (affinity {r.affinity!r})"
            problems += 1
        else:
            r.replica = next(iter(replicas))
    return problems


async def main_async(args: argparse.Namespace) -> int:
    from playwright.async_api import async_playwright

    started = time.monotonic()
    server = None
    if args.url:
        base_url = args.url.rstrip("/")
        ports = upstream_ports(Path(args.lb_log).with_name("nginx.conf")) if args.lb_log else []
        pids = {f"127.0.0.1:{p}": listening_pid(p) for p in ports}
        samplers = {name: RssSampler(pid).start() for name, pid in pids.items() if pid}
        print(f"target: {base_url}; replicas sampled for RSS: {', '.join(samplers) or 'none'}", flush=True)
    else:
        server = StreamlitServer(log_path=ROOT / "test-artifacts" / "load-streamlit.log")
        # A throwaway run database: every session's run is stored there, and the reload reads it back.
        server.env["LSTM_LAB_DB"] = str(Path(tempfile.mkdtemp(prefix="load-test-")) / "runs.sqlite3")
        if args.max_trainings:
            server.env["LSTM_LAB_MAX_TRAININGS"] = str(args.max_trainings)
        if args.hostile:
            server.env["LSTM_LAB_DB_OWNER_MB"] = str(args.owner_mb)
        server.start()
        base_url = server.url
        print(
            f"server: {server.url} (pid {server.pid}), RSS at start {mb(rss_kb(server.pid)):.0f} MB",
            flush=True,
        )
        samplers = {"server": RssSampler(server.pid).start()}

    def peak_kb() -> int:
        return max((s.peak_kb for s in samplers.values()), default=0)

    timeout_ms = int(args.session_timeout * 1000)
    failures = 0
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                if args.sessions:
                    # Warm the server once (TensorFlow import) so session times measure the app, not
                    # the one-off import; the import's memory still counts in the peak.
                    if args.warm and server is not None:
                        ctx = await browser.new_context(viewport=VIEWPORT)
                        page = await ctx.new_page()
                        await open_app(page, f"{base_url}/lab", timeout_ms)
                        await ctx.close()
                        print(f"warm-up page run done, RSS {mb(rss_kb(server.pid)):.0f} MB", flush=True)
                    print(f"\n{args.sessions} sessions train, reload + generate at once ...", flush=True)
                    hostile_jobs = []
                    if args.hostile:
                        fields, estimate = most_expensive_accepted(args.hostile_budget, args.hostile_units)
                        train_query = link_query(fields)
                        print(
                            f"... with {args.hostile} hostile sessions: heaviest links, and Train on "
                            f"{fields['framing']} {fields['encoding']} window {fields['window']} "
                            f"units {fields['units']} epochs {fields['epochs']} (estimated {estimate:.0f} s; "
                            f"limit {max_seconds():.0f} s)",
                            flush=True,
                        )
                        hostile_jobs = [
                            run_hostile(browser, base_url, i, train_query, timeout_ms)
                            for i in range(args.hostile)
                        ]
                        hostile_jobs += issue21_attacks(browser, base_url, server, args, timeout_ms)
                    t0 = time.monotonic()
                    everything = await asyncio.wait_for(
                        asyncio.gather(
                            *(
                                run_session(browser, base_url, i, args.epochs, timeout_ms)
                                for i in range(args.sessions)
                            ),
                            *hostile_jobs,
                        ),
                        timeout=args.timeout,
                    )
                    results, hostile = everything[: args.sessions], everything[args.sessions :]
                    wall = time.monotonic() - t0
                    if args.lb_log:
                        check_stickiness(results, Path(args.lb_log))
                    print(
                        f"\n{'session':>7} {'vocab':>5} {'ok':>3} {'train s':>8} {'total s':>8} "
                        f"{'accuracy':>9} {'queued':>6} {'replica':>15}  generated / error"
                    )
                    for r in results:
                        print(
                            f"{r.index:>7} {r.vocab:>5} {'yes' if r.ok else 'NO':>3} {r.train_s:8.2f} "
                            f"{r.total_s:8.2f} {r.accuracy:>9} {'yes' if r.queued_seen else '':>6} "
                            f"{r.replica:>15}  {r.generated if r.ok else r.error}"
                        )
                    failures += sum(not r.ok for r in results)
                    attacks = [h for h in hostile if not isinstance(h, HostileResult)]
                    hostile = [h for h in hostile if isinstance(h, HostileResult)]
                    for h in hostile:
                        state = "ok" if h.ok else "FAILED"
                        print(f"hostile {h.index} ({h.kind}): {state}: {h.detail or h.error}")
                        if not h.ok or h.trained_s > max_seconds():
                            failures += 1
                    for a in attacks:
                        print(f"attack {a.name}: {'ok' if a.ok else 'FAILED'}: {a.detail or a.error}")
                        failures += not a.ok
                    if hostile:
                        trains = [h for h in hostile if h.kind == "train" and h.ok]
                        trained = [h.trained_s for h in trains if not h.refused]
                        print(
                            f"hostile trainings: {len(trained)} accepted "
                            f"({sum(h.limited for h in trains)} stopped at the time limit), "
                            f"{sum(h.refused for h in trains)} refused for memory; longest "
                            f"{max(trained, default=0):.1f} s of training (limit {max_seconds():.0f} s)",
                            flush=True,
                        )
                    ok = [r for r in results if r.ok]
                    if ok:
                        tts = sorted(r.train_s for r in ok)
                        print(
                            f"\nall {len(results)} sessions: {len(ok)} correct, wall {wall:.1f}s; "
                            f"time to result min {tts[0]:.1f}s, median {tts[len(tts) // 2]:.1f}s, "
                            f"max {tts[-1]:.1f}s",
                            flush=True,
                        )
                    if args.lb_log:
                        for name, sampler in samplers.items():
                            n = sum(r.replica == name for r in results)
                            print(f"replica {name}: {n} sessions, peak RSS {mb(sampler.peak_kb):.0f} MB")
                    print(
                        f"peak RSS so far (server and workers): {mb(peak_kb()):.0f} MiB "
                        f"(target <= {PEAK_RSS_TARGET_MB} MiB)",
                        flush=True,
                    )
                if args.retrains:
                    print(f"\n{args.retrains} retrains in one session ...", flush=True)
                    rss_after, times = await asyncio.wait_for(
                        run_retrains(browser, base_url, server, args.retrains, timeout_ms),
                        timeout=args.timeout,
                    )
                    growth = mb(rss_after[-1] - rss_after[0])
                    peak_growth = mb(max(rss_after) - rss_after[0])
                    print(
                        f"\nretrains: {len(rss_after)}; server RSS after the 1st {mb(rss_after[0]):.1f} MB, "
                        f"highest after any later one {mb(max(rss_after)):.1f} MB (+{peak_growth:.1f} MB), "
                        f"after the last {mb(rss_after[-1]):.1f} MB: growth {growth:+.1f} MB "
                        f"(target <= {RETRAIN_GROWTH_TARGET_MB} MB); retrain time median "
                        f"{sorted(times)[len(times) // 2]:.2f}s",
                        flush=True,
                    )
                    if args.strict and max(growth, peak_growth) > RETRAIN_GROWTH_TARGET_MB:
                        failures += 1
            finally:
                await browser.close()
    except TimeoutError:
        print(f"error: the run did not finish within --timeout {args.timeout:.0f}s", flush=True)
        failures += 1
    finally:
        for sampler in samplers.values():
            sampler.stop()
        if server is not None:
            server.stop()
    peak = mb(peak_kb())
    processes = max((s.peak_processes for s in samplers.values()), default=0)
    print(
        f"\npeak RSS of the server and its workers: {peak:.0f} MiB over {processes} processes "
        f"(target <= {PEAK_RSS_TARGET_MB} MiB); whole run {time.monotonic() - started:.0f}s"
        + ("" if args.url else "; server log: test-artifacts/load-streamlit.log")
    )
    if args.strict and peak > PEAK_RSS_TARGET_MB:
        failures += 1
    if args.hostile:
        budget = memory_budget_mb()
        verdict = "within" if peak <= budget else "OVER"
        print(f"memory budget (LSTM_LAB_MEMORY_MB): {budget:.0f} MiB; peak {verdict}")
        if peak > budget:
            failures += 1
    print("RESULT:", "PASS" if failures == 0 else f"FAIL ({failures} problem(s))")
    return 0 if failures == 0 else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=8, help="concurrent browser sessions (default 8)")
    p.add_argument("--retrains", type=int, default=0, help="then retrain N times in one session")
    p.add_argument("--epochs", type=int, default=100, help="epochs per session's training (default 100)")
    p.add_argument(
        "--max-trainings",
        type=int,
        default=0,
        help="LSTM_LAB_MAX_TRAININGS for the server (default: the app's own default)",
    )
    p.add_argument("--session-timeout", type=float, default=300, help="seconds for any one wait")
    p.add_argument("--timeout", type=float, default=900, help="seconds for each phase as a whole")
    p.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="do not open one page before the sessions (TensorFlow import counts then)",
    )
    p.add_argument("--strict", action="store_true", help="also fail when the RSS targets are missed")
    p.add_argument(
        "--url",
        default="",
        help="run against this server (e.g. nginx of deploy/local_cluster.sh) instead of starting one",
    )
    p.add_argument(
        "--lb-log",
        default="",
        help="with --url: nginx's access.log of local_cluster.sh (checks each session kept its replica)",
    )
    p.add_argument(
        "--hostile", type=int, default=0, help="hostile sessions alongside the normal ones (issue 16)"
    )
    p.add_argument(
        "--hostile-budget",
        type=float,
        default=float("inf"),
        help="estimated seconds of the hostile Train (default: the limit, LSTM_LAB_MAX_SECONDS)",
    )
    p.add_argument(
        "--hostile-units", type=int, default=256, help="units of the hostile Train (default 256, the most)"
    )
    p.add_argument(
        "--owner-mb",
        type=float,
        default=40,
        help="with --hostile: the server's LSTM_LAB_DB_OWNER_MB (default 40)",
    )
    p.add_argument(
        "--spam-trains",
        type=int,
        default=4,
        help="with --hostile: Trains of 17.9 MB by the eviction spam (default 4)",
    )
    args = p.parse_args(argv)
    if not 0 <= args.sessions <= MAX_SESSIONS:
        p.error(f"--sessions must be 0..{MAX_SESSIONS} (each session gets {VOCAB_SIZE} letters of its own)")
    if args.url and args.retrains:
        p.error("--retrains measures the server's memory: it needs the server this script starts (no --url)")
    if args.lb_log and not args.url:
        p.error("--lb-log needs --url (the load balancer's address)")
    if not 0 <= args.retrains <= 200:
        p.error("--retrains must be 0..200")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
