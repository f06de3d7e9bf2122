"""A chart with its words (issue 27): the chart, one sentence under it that a screen reader
reads (``ui.text.charts`` writes them), and the chart's data as a table in a closed expander,
so a learner who cannot see the chart can still read every number."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st


def show_chart(chart: alt.TopLevelMixin, summary: str, data: pd.DataFrame | None = None,
               where: Any = None, **chart_args: Any) -> None:
    """Draw ``chart`` (``st.altair_chart`` with ``chart_args``, width "stretch" unless given),
    ``summary`` as a caption, and ``data`` (if any) in an expander "The chart's data"."""
    where = st if where is None else where
    chart_args.setdefault("width", "stretch")
    where.altair_chart(chart, **chart_args)
    where.caption(summary)
    if data is not None and len(data):
        with where.expander("The chart's data", expanded=False):
            st.dataframe(data, hide_index=True, width="stretch")
