"""TensorFlow stays out of the Streamlit process (issue 21): in the real server, a Train, the
.keras download (Keras builds it) and its upload back (Keras reads it) all run in the worker
processes, and the server's own process never maps TensorFlow's library."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

TRAIN_TIMEOUT_MS = 180_000


def maps_tensorflow(pid: int) -> bool:
    return "libtensorflow" in Path(f"/proc/{pid}/maps").read_text()


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (field 4 of /proc/N/stat, after the name in brackets)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_train_download_and_upload_run_in_workers_and_the_server_never_maps_tensorflow(
    page: Page, base_url: str, app_server, tmp_path
):
    page.goto(base_url + "/lab?framing=stateful&epochs=30")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS
    )
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Model (.keras)").click()
    data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        ours = json.loads(archive.read("lstm_lab_config.json"))
    assert {"config.json", "model.weights.h5"} <= set(names)
    assert json.dumps(ours).count("stateful") >= 1

    saved = tmp_path / "mine.keras"
    saved.write_bytes(data)
    page.goto(base_url + "/generate")
    page.get_by_text("Use your own Keras model (.keras)").click()
    page.locator("input[type=file]").set_input_files(str(saved))
    expect(page.get_by_role("button", name="Use this model")).to_be_visible(timeout=120_000)

    server = app_server.pid
    workers = children(server)
    assert workers, "no worker process below the server"
    assert not maps_tensorflow(server), "TensorFlow was loaded in the Streamlit process"
    assert any(maps_tensorflow(pid) for pid in workers)
