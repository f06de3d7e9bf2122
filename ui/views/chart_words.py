"""A chart with its words (issue 27): the chart, one sentence under it that a screen reader
reads (``ui.text.charts`` writes them), and the chart's data as a table in a closed expander,
so a learner who cannot see the chart can still read every number.

Every chart of the app is drawn here (``tests/unit/ui/test_chart_words.py`` checks that no
other module calls Streamlit's chart functions), so none can appear without its words. The
live chart drawn while training is the exception that proves it: ``ui.runner`` draws it with
``ui.training.LiveChart``, which puts the live sentence beside it.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

DATA_LABEL = "The chart's data"


def _words(where: Any, summary: str, data: pd.DataFrame | None) -> None:
    where.caption(summary)
    if data is not None and len(data):
        with where.expander(DATA_LABEL, expanded=False):
            st.dataframe(data, hide_index=True, width="stretch")


def show_chart(chart: alt.TopLevelMixin, summary: str, data: pd.DataFrame | None = None,
               where: Any = None, **chart_args: Any) -> None:
    """Draw ``chart`` (``st.altair_chart`` with ``chart_args``, width "stretch" unless given),
    ``summary`` as a caption, and ``data`` (if any) in an expander "The chart's data"."""
    where = st if where is None else where
    chart_args.setdefault("width", "stretch")
    where.altair_chart(chart, **chart_args)
    _words(where, summary, data)


def show_spec(data: pd.DataFrame, spec: dict, summary: str, table: pd.DataFrame | None = None,
              where: Any = None, **chart_args: Any) -> None:
    """As :func:`show_chart` for a plain Vega-Lite ``spec`` over ``data`` (``st.vega_lite_chart``:
    the Cell page's step charts, redrawn at every step, skip Altair's cost)."""
    where = st if where is None else where
    chart_args.setdefault("width", "stretch")
    where.vega_lite_chart(data, spec, **chart_args)
    _words(where, summary, table)
