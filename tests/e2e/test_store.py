"""Trained models that last and travel, in a real browser against real servers.

The tests of restarts and fresh servers start their own servers (not the shared ``app_server``)
on one throwaway run database; the upload test uses the session's server:

- train -> reload (F5) -> the same accuracy and prediction table (the Predictions CSV);
- the ``?run=`` link in a second browser context -> the same generation;
- restart the server -> the link still works;
- a fresh server -> Generate shows K -> B cold and K -> L warm before anything is trained;
- a stock Keras model uploaded on Generate -> it generates the alphabet.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from e2e_support import ROOT, TRAIN_TIMEOUT_MS, VIEWPORT, StreamlitServer, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
ARTIFACTS = ROOT / "test-artifacts"


def no_exception(page: Page) -> None:
    expect(page.locator(EXCEPTION)).to_have_count(0)


def accuracy_value(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def predictions_csv(page: Page) -> str:
    """The prediction table, as the page's own "Predictions (CSV)" download gives it."""
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Predictions (CSV)").click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def generated(page: Page, header: str) -> str:
    column = page.get_by_test_id("stColumn").filter(has=page.get_by_role("heading", name=header))
    code = column.last.get_by_test_id("stCode").first
    expect(code).to_have_text(re.compile(r"[A-Z]{3,}"), timeout=60_000)
    return "".join(ch for ch in code.inner_text() if ch.isupper())


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store-e2e") / "runs.sqlite3"


def start_server(db_path: Path, name: str) -> StreamlitServer:
    server = StreamlitServer(log_path=ARTIFACTS / f"e2e-store-{name}.log", env={"LSTM_LAB_DB": str(db_path)})
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    return server


@pytest.fixture
def new_page(browser):
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_fresh_server_generates_k_b_cold_and_k_l_warm_without_training(browser, db_path, new_page):
    server = start_server(db_path, "fresh")
    try:
        page = new_page()
        t0 = time.monotonic()
        open_app(page, server.url, "/generate")
        cold, warm = generated(page, "Cold start"), generated(page, "Warm start")
        seconds = time.monotonic() - t0
        print(f"fresh server: /generate showed {cold} / {warm} {seconds:.1f} s after the request")
        assert cold.startswith("KB") and warm.startswith("KL"), (cold, warm)
        expect(page.get_by_text("trained ahead of time")).to_be_visible()
        no_exception(page)
        # Nothing was trained: the page needed no TensorFlow (the server log says no training).
        assert "Train the stateful preset" in page.get_by_test_id("stButton").all_inner_texts()[0]
    finally:
        server.stop()


def test_a_trained_model_survives_reload_other_browsers_and_a_restart(browser, db_path, new_page):
    server = start_server(db_path, "first")
    try:
        page = new_page()
        open_app(page, server.url, "/lab?framing=stateful&epochs=40&units=8")
        page.get_by_role("button", name="Train", exact=True).click()
        expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible(
            timeout=TRAIN_TIMEOUT_MS
        )
        wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
        no_exception(page)
        match = re.search(r"[?&]run=([A-Za-z0-9_-]{22,})", page.url)
        assert match, page.url
        run_id = match.group(1)
        accuracy, table = accuracy_value(page), predictions_csv(page)

        # F5: a new Streamlit session, same URL.
        page.reload(wait_until="domcontentloaded")
        wait_for_app_run(page)
        expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible()
        assert accuracy_value(page) == accuracy
        assert predictions_csv(page) == table
        assert f"run={run_id}" in page.url
        no_exception(page)

        # The copy-link action shows the link.
        page.get_by_role("button", name=re.compile("Copy link to this trained model")).click()
        link = page.get_by_test_id("stCode").filter(has_text=f"run={run_id}")
        expect(link.first).to_be_visible()

        # Go to Generate in this session: its URL carries the run too.
        page.get_by_test_id("stPageLink").get_by_role("link", name="Generate", exact=True).click()
        wait_for_app_run(page)
        cold = generated(page, "Cold start")
        assert f"run={run_id}" in page.url, page.url

        # Another browser (a new context: no shared cookies or session) opens the link.
        other = new_page()
        open_app(other, server.url, f"/generate?run={run_id}")
        assert generated(other, "Cold start") == cold
        expect(other.get_by_text("8 units").first).to_be_visible()
        no_exception(other)
    finally:
        server.stop()

    # A restarted server (same database file) still opens the link.
    server = start_server(db_path, "restarted")
    try:
        page = new_page()
        open_app(page, server.url, f"/lab?run={run_id}")
        expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible()
        assert accuracy_value(page) == accuracy
        assert predictions_csv(page) == table
        no_exception(page)
        # An id the server does not have: a message, the preset, no traceback.
        open_app(page, server.url, "/generate?run=" + "Z" * 24)
        expect(page.get_by_text("does not have").first).to_be_visible()
        assert generated(page, "Cold start").startswith("KB")
        no_exception(page)
    finally:
        server.stop()


def test_an_uploaded_stock_keras_model_generates_the_alphabet(base_url, new_page, tmp_path):
    from lstm_core.model.keras_models import import_keras as _keras
    from lstm_core.store import pretrained

    keras = _keras()
    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
         keras.layers.Dense(26, activation="softmax")]
    )
    model.set_weights(list(pretrained.preset_run("stateful").weights))  # the tutorial's model, trained
    path = tmp_path / "tutorial_stateful.keras"
    model.save(path)  # stock Keras 3: no LSTM State Lab settings inside

    # The session's server (nothing here needs a fresh one or a restart).
    page = new_page()
    open_app(page, base_url, "/generate")
    expander = page.get_by_test_id("stExpander").filter(has_text="Use your own Keras model")
    expander.locator("summary").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_text("16 units, 26 outputs, stateful")).to_be_visible(timeout=60_000)
    wait_for_app_run(page)
    page.get_by_role("button", name="Use this model", exact=True).click()
    expect(page.get_by_text("Using your model")).to_be_visible(timeout=60_000)
    wait_for_app_run(page)
    assert re.search(r"[?&]run=[A-Za-z0-9_-]{22,}", page.url), page.url
    combo = page.get_by_role("combobox", name="Start letter")
    page.get_by_test_id("stSelectbox").filter(has_text="Start letter").click()
    page.keyboard.type("A")
    page.get_by_role("option", name="A", exact=True).first.click()
    wait_for_app_run(page)
    expect(combo).to_have_value("A")
    page.get_by_test_id("stNumberInput").filter(has_text="Steps").locator("input").fill("25")
    page.get_by_role("button", name="Generate", exact=True).click()
    column = page.get_by_test_id("stColumn").filter(has=page.get_by_role("heading", name="Cold start"))
    expect(column.last.get_by_test_id("stCode").first).to_have_text(
        re.compile(r"^\s*ABCDEFGHIJKLMNOPQRSTUVWXYZ\s*$"), timeout=60_000
    )
    no_exception(page)

