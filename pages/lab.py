"""Lab: choose a framing and its settings, see the tensor, train live, read the results."""

import streamlit as st

from ui import controls, memory, results, safe, session, share, training
from ui.routing import use_app_router

use_app_router()  # first: a direct link must still go through app.py


def main() -> None:
    st.title("Lab", anchor=False)
    st.caption(
        "Pick a framing, look at the data it makes, train, and read what the network learned. "
        "The address bar always holds these settings: copy it to share this lab."
    )
    session.get_run()  # adopt a run kept from an interrupted training, or open a ?run= link
    shown = controls.load_lab_state()
    retrain = training.lost_training_notice()  # the server restarted while this page trained
    training.warm_up(shown)
    form_col, out_col = st.columns([1, 2], gap="medium")
    with form_col:
        controls.lab_form()
        error = st.session_state.get(session.LAB_ERROR)
        if error:
            st.error(safe.plain(error), icon=":material/error:")
        with st.expander("Built-in texts, including tasks that need memory"):  # issue 12
            memory.task_picker(in_lab=True)
    with out_col:
        request = session.pop(session.LAB_REQUEST) or (shown if retrain else None)
        if request is not None:
            training.train_live(request)
        run = session.get_run()
        share.model_source(run)  # ?run= link problems, and "Copy link to this trained model"
        if run is None:
            st.info(
                "Press **Train** to train this configuration. Its results appear here.",
                icon=":material/play_arrow:",
            )
        else:
            if run.config != shown:
                st.caption(
                    ":material/history: Results of the last trained settings "
                    f"(framing {run.config.framing}); the form shows newer ones."
                )
            results.show_results(run)
        # Below the results once there are some, so the live chart and the results stay in view.
        results.data_view(shown, expanded=run is None)


main()
