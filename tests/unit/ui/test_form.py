"""Issue 8's small promises, checked without a server: chart order, honest time left,
messages, file names, and the server settings that keep the log clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from lstm_core.config import LSTMConfig
from ui import charts, training
from ui.safe import visible

ROOT = Path(__file__).resolve().parents[3]


def _layers(chart) -> list[dict]:
    spec = chart.to_dict()
    return spec.get("layer", [spec])


def test_per_letter_axis_keeps_the_vocabulary_order_whatever_the_row_order():
    # Rows arrive in another order (as after a chart was redrawn for another framing).
    table = pd.DataFrame(
        {"letter": ["D", "B", "C", " "], "accuracy": [1.0, 0.5, 0.0, 1.0], "samples": [1] * 4}
    )
    bars = _layers(charts.per_letter_chart(table, vocab=" BCD"))[0]
    assert bars["encoding"]["x"]["sort"] == ["␣", "B", "C", "D"]


def test_a_zero_percent_bar_is_labelled_so_it_is_not_an_empty_slot():
    table = pd.DataFrame({"letter": ["A", "B"], "accuracy": [0.0, 1.0], "samples": [1, 1]})
    layers = _layers(charts.per_letter_chart(table, vocab="AB"))
    labels = [layer for layer in layers if layer.get("mark", {}).get("type") == "text"]
    assert labels, "no text layer for 0% bars"
    assert labels[0]["encoding"]["text"] == {"value": "0%"}
    assert "datum.accuracy === 0" in str(labels[0]["transform"])


def test_no_time_left_until_the_pace_excludes_the_compile():
    left = training.TimeLeft()
    first = SimpleNamespace(epoch=25, epochs=300, elapsed=6.0)  # import + compile: 6 s
    assert training.progress_text(first, left(first)) == "epoch 25/300"
    later = SimpleNamespace(epoch=125, epochs=300, elapsed=7.0)  # then 100 epochs per second
    assert training.progress_text(later, left(later)) == "epoch 125/300 · 2 s left"


def test_a_wrong_type_is_named_in_plain_words():
    try:
        LSTMConfig.from_dict({"units": "many"})
    except ValueError as exc:
        assert "a whole number" in str(exc) and "a int" not in str(exc)
    else:
        raise AssertionError("units='many' was accepted")


def test_visible_draws_spaces_and_invisible_characters():
    assert visible("A B") == "A␣B"
    assert visible("\u200b") == "⟨U+200B⟩"
    assert visible("ÄÖ") == "ÄÖ"


def test_the_server_config_keeps_the_file_watcher_and_uses_the_pages_folder_mode():
    # The watcher stays on in the config (Community Cloud reloads pushed code through it); the
    # scripts that start a server turn it off on their command line (tests/unit/test_deploy.py).
    code = (
        "from streamlit import config;"
        "print(config.get_option('server.fileWatcherType'),"
        " config.get_option('client.showSidebarNavigation'))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["auto", "False"], out.stdout


def test_no_page_calls_st_navigation_or_private_streamlit_modules():
    """One multipage mode, fully: st.navigation would switch the process to the other."""
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "st.navigation(" not in text, path
        assert "streamlit.runtime" not in text and "PagesManager" not in text, path
