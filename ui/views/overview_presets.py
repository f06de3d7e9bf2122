"""The shipped, already trained presets on the page: what each framing really predicts.

``lstm_core.store.pretrained`` ships the six tutorial presets trained (seed 7, tutorial settings),
so a page can show real predictions at once, without training and without TensorFlow.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.analysis import inference
from lstm_core.store import pretrained


def preset_predictions(name: str) -> None:
    """An expander with preset ``name``'s real prediction table and accuracy (nothing if missing)."""
    run = pretrained.preset_run(name)
    if run is None:
        return
    with st.expander("What it predicts (trained)", icon=":material/table_view:"):
        table = inference.prediction_table(run)
        st.caption(
            f"Trained ahead of time at the tutorial's settings (seed 7): "
            f"{100 * inference.accuracy(run):.2f}% of {len(table):,} samples right."
        )
        st.dataframe(
            table,
            hide_index=True,
            height=240,
            column_config={
                "probability": st.column_config.ProgressColumn(
                    "probability", min_value=0.0, max_value=1.0, format="%.3f"
                ),
                "correct": st.column_config.CheckboxColumn("correct"),
            },
        )
