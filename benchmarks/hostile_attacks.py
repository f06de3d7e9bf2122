"""The attacks issue 21 added to ``load_test.py --hostile``, run beside the normal sessions.

- **upload bomb**: a ``.keras`` of 8 KB whose ``model.weights.h5`` declares one dataset of
  320,000,000 float32 that was never written (1.28 GB once read), uploaded on Generate; the page
  must refuse it in a sentence (an alert), never an exception;
- **shape flood**: 40 Lab links whose texts differ only in length, opened without a click, then
  the tutorial's stateful preset must still train (its Accuracy appears);
- **eviction spam**: a teacher trains a run and takes its ``?run=`` link; then one session trains
  a 4.47 M-weight model (17.9 MB stored) again and again, past its share of the run store; the
  teacher's link must still open the teacher's run, in a fresh browser;
- **Memory experiment at its maximum**: k = 12, 5 seeds per arm; it must finish, or be refused in
  one sentence by the memory budget (which one is reported).

Each returns an :class:`Attack`; ``load_test.py`` prints them and counts the failed ones.
"""

from __future__ import annotations

import io
import re
import sqlite3
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from e2e_support import VIEWPORT
from load_test import (
    ROOT,
    TEXT64,
    assert_no_exception,
    click_train_and_wait,
    failure,
    go_to,
    link_query,
    open_app,
    select_options,
    wait_for_app_run,
)

BOMB_MEMBER = "model.weights.h5"
BOMB_KERNEL = "layers/lstm/cell/vars/1"  # the stateful preset's recurrent kernel, (16, 64)
BOMB_SHAPE = (320_000_000,)  # 1.28 GB of float32, declared only (as tests/unit/export/test_keras_h5check.py)
FLOOD_LENGTHS = range(20, 60)  # 40 Lab links, texts of 20..59 letters
TEACHER_VOCAB = "wxyz"  # no normal session (at most 24 with two letters each here) uses these
# The spam's Train: 64 one-hot characters x a window of 64 as features, 256 units: 4.47 M weights,
# 17.9 MB stored; a text of 80 characters (16 samples) and 1 epoch keep each Train short.
SPAM_FIELDS = {
    "framing": "feature-window",
    "encoding": "onehot",
    "window": 64,
    "units": 256,
    "sequence": TEXT64 + TEXT64[:16],
    "epochs": 1,
    "shuffle": False,
}
REFUSED = re.compile("short of memory|needs about|at its time limit|cannot save|will not be kept")


@dataclass
class Attack:
    name: str
    ok: bool = False
    detail: str = ""
    error: str = ""


def build_bomb() -> bytes:
    """The app's own export of the stateful preset, its recurrent kernel re-declared as 320 M
    float32 with no data written (the bomb of issue 21, item 1). Imports Keras here, in the client."""
    import h5py

    sys.path.insert(0, str(ROOT))
    from lstm_core.export import keras_file
    from lstm_core.store import pretrained

    good = keras_file.keras_bytes(pretrained.preset_run("stateful"))
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    buffer = io.BytesIO(members[BOMB_MEMBER])
    with h5py.File(buffer, "r+") as h5:
        del h5[BOMB_KERNEL]
        h5.create_dataset(BOMB_KERNEL, shape=BOMB_SHAPE, dtype="float32")
    members[BOMB_MEMBER] = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


async def _page(browser, timeout_ms: int):
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_ms)
    return context, await context.new_page()


async def _attempt(attack: Attack, context, page, body) -> Attack:
    """Run ``body()`` (it fills ``attack.detail``); any exception is the attack's error."""
    try:
        await body()
        attack.ok = True
    except Exception as exc:
        attack.error = await failure(page, exc, attack.name.replace(" ", "-"))
    finally:
        await context.close()
    print(f"  ... attack {attack.name} done: {'ok' if attack.ok else 'FAILED'}", flush=True)
    return attack


async def alert_text(locator) -> str:
    words = " ".join((await locator.first.inner_text()).split())
    return re.sub(r"^(error|warning|info|check_circle) ", "", words)


async def upload_bomb(browser, base_url: str, data: bytes, timeout_ms: int) -> Attack:
    attack = Attack("upload bomb")
    context, page = await _page(browser, timeout_ms)

    async def body() -> None:
        # The upload box sits under the model on Generate, State and Cell (runner.require_run).
        await open_app(page, f"{base_url}/generate", timeout_ms)
        box = page.get_by_test_id("stExpander").filter(has_text="Use your own Keras model")
        await box.get_by_text("Use your own Keras model (.keras)").click()
        t0 = time.monotonic()
        await box.locator("input[type='file']").set_input_files(
            files=[{"name": "bomb.keras", "mimeType": "application/octet-stream", "buffer": data}]
        )
        alert = box.get_by_test_id("stAlert")
        await alert.first.wait_for(state="visible", timeout=timeout_ms)
        await wait_for_app_run(page, timeout_ms)
        await assert_no_exception(page)
        text = await alert_text(alert)
        attack.detail = (
            f"{len(data) / 1024:.0f} KB file refused in {time.monotonic() - t0:.1f} s: {text[:240]!r}"
        )

    return await _attempt(attack, context, page, body)


async def shape_flood(browser, base_url: str, timeout_ms: int) -> Attack:
    attack = Attack("shape flood")
    context, page = await _page(browser, timeout_ms)

    async def body() -> None:
        t0 = time.monotonic()
        for n in FLOOD_LENGTHS:
            text = ("abcdefghij" * 6)[:n]
            await open_app(page, f"{base_url}/lab?framing=stateful&sequence={text}", timeout_ms)
            await assert_no_exception(page)
        opened = time.monotonic() - t0
        await open_app(page, f"{base_url}/lab?framing=stateful", timeout_ms)
        train_s = await click_train_and_wait(page, timeout_ms)
        await assert_no_exception(page)
        metric = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
        accuracy = (await metric.get_by_test_id("stMetricValue").inner_text()).strip()
        attack.detail = (
            f"{len(FLOOD_LENGTHS)} links opened in {opened:.0f} s, no exception; then the stateful "
            f"preset trained: accuracy {accuracy}, {train_s:.1f} s after Train"
        )

    return await _attempt(attack, context, page, body)


async def open_teacher_link(browser, base_url: str, run_id: str, timeout_ms: int) -> str:
    """Open ``/generate?run=<id>`` in a fresh browser: its start letters must be the teacher's."""
    context, page = await _page(browser, timeout_ms)
    try:
        await open_app(page, f"{base_url}/generate?run={run_id}", timeout_ms)
        await assert_no_exception(page)
        missing = page.get_by_test_id("stAlert").filter(has_text="link names")
        if await missing.count():
            raise AssertionError(f"the teacher's link did not open: {await alert_text(missing)!r}")
        options = await select_options(page, "Start letter")
        if sorted(options) != sorted(TEACHER_VOCAB):
            raise AssertionError(f"the teacher's link shows start letters {options}, not {TEACHER_VOCAB!r}")
        return "".join(sorted(options))
    finally:
        await context.close()


async def teacher_run(browser, base_url: str, timeout_ms: int) -> str:
    """The teacher trains a run of their own letters; its id, from the Generate page's address."""
    context, page = await _page(browser, timeout_ms)
    try:
        query = f"framing=naive&sequence={TEACHER_VOCAB * 6}&units=8&epochs=100&seed=1&shuffle=false"
        await open_app(page, f"{base_url}/lab?{query}", timeout_ms)
        await click_train_and_wait(page, timeout_ms)
        await assert_no_exception(page)
        await go_to(page, "Generate", timeout_ms)
        found = re.search(r"[?&]run=([^&#]+)", page.url)
        if not found:
            raise AssertionError(f"the teacher's Generate page names no run: {page.url}")
        return found.group(1)
    finally:
        await context.close()


async def spam_trains(page, base_url: str, n: int, timeout_ms: int) -> tuple[int, list[str]]:
    """Train the 4.47 M-weight model ``n`` times in one session (a new seed each time); a Train
    refused for memory is tried again a little later. How many trained, and the refusals."""
    await open_app(page, f"{base_url}/lab?{link_query({**SPAM_FIELDS, 'seed': 100})}", timeout_ms)
    seed_box = page.get_by_test_id("stNumberInput").filter(has_text="Seed").locator("input")
    refusal = page.get_by_test_id("stAlert").filter(has_text=REFUSED)
    trained, refusals = 0, []
    for attempt in range(3 * n):
        if trained == n:
            break
        await seed_box.fill(str(100 + attempt))
        await click_train_and_wait(page, timeout_ms, refusal=refusal)
        await assert_no_exception(page)
        if await refusal.count():
            refusals.append((await alert_text(refusal))[:160])
            await page.wait_for_timeout(5000)
        else:
            trained += 1
    return trained, refusals


def store_share(db_path: Path | None) -> tuple[int, int]:
    """(runs, bytes) of the owner holding the most bytes in the run database (0, 0 with ``--url``)."""
    if db_path is None:
        return 0, 0
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT count(*), sum(size) AS total FROM runs WHERE owner <> '' GROUP BY owner "
            "ORDER BY total DESC LIMIT 1"
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def eviction_spam(
    browser, base_url: str, db_path: Path | None, share_mb: float, n: int, timeout_ms: int
) -> Attack:
    attack = Attack("eviction spam")
    context, page = await _page(browser, timeout_ms)

    async def body() -> None:
        run_id = await teacher_run(browser, base_url, timeout_ms)
        await open_teacher_link(browser, base_url, run_id, timeout_ms)  # the class opens it
        t0 = time.monotonic()
        trained, refusals = await spam_trains(page, base_url, n, timeout_ms)
        spam_s = time.monotonic() - t0
        runs, stored = store_share(db_path)
        letters = await open_teacher_link(browser, base_url, run_id, timeout_ms)
        attack.detail = (
            f"{trained} Trains of 4.47 M weights in {spam_s:.0f} s ({len(refusals)} refused for "
            f"memory first); the largest session share now holds {runs} runs, {stored / 1e6:.1f} MB "
            f"(share {share_mb:.0f} MB); the teacher's link still opens its run ({letters})"
        )
        if trained * 17.0 <= share_mb:
            raise AssertionError(
                f"only {trained} Trains stored: the share was never exceeded. {attack.detail}"
            )
        if stored > share_mb * 1e6:
            raise AssertionError(f"a session holds more than its share: {attack.detail}")

    return await _attempt(attack, context, page, body)


async def set_number(page, label: str, value: int, timeout_ms: int) -> None:
    box = page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")
    await box.fill(str(value))
    await box.press("Enter")
    await wait_for_app_run(page, timeout_ms)
    if await box.input_value() != str(value):
        raise AssertionError(f"{label!r} does not keep {value}: shows {await box.input_value()!r}")


async def memory_max(browser, base_url: str, timeout_ms: int) -> Attack:
    attack = Attack("Memory experiment k=12 x 5 seeds")
    context, page = await _page(browser, timeout_ms)

    async def body() -> None:
        await open_app(page, f"{base_url}/memory", timeout_ms)
        await set_number(page, "Delay k", 12, timeout_ms)
        await set_number(page, "Seeds per arm", 5, timeout_ms)
        t0 = time.monotonic()
        await page.get_by_role("button", name="Run the experiment", exact=True).click()
        table = page.get_by_test_id("stDataFrame")
        refusal = page.get_by_test_id("stAlert").filter(has_text=re.compile("MiB|failed"))
        deadline = t0 + timeout_ms / 1000
        while time.monotonic() < deadline:
            if await table.count() or await refusal.count():
                break
            await page.wait_for_timeout(1000)
        else:
            raise TimeoutError(
                f"the experiment neither finished nor was refused in {timeout_ms / 1000:.0f} s"
            )
        await wait_for_app_run(page, timeout_ms)
        await assert_no_exception(page)
        took = time.monotonic() - t0
        if await table.count():
            attack.detail = f"finished: 15 models of k = 12 in {took:.0f} s"
        else:
            attack.detail = f"refused after {took:.0f} s: {await alert_text(refusal)!r}"

    return await _attempt(attack, context, page, body)
