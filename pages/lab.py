"""Lab: choose a framing and its settings, see the tensor, train live, read the results."""

import streamlit as st

from ui import controls, results, session, training
from ui.routing import page_setup

page_setup("Lab")  # first: page config and the links to every page


def main() -> None:
    st.title("Lab", anchor=False)
    st.caption(
        "Pick a framing, look at the data it makes, train, and read what the network learned. "
        "The address bar always holds these settings: copy it to share this lab."
    )
    session.adopt_pending()  # a run kept from a training this user interrupted
    shown, problem = controls.load_lab_state()
    training.warm_up(shown)
    progress_area = controls.lab_form()
    if problem:
        st.error(problem, icon=":material/error:")
    request = session.pop(session.LAB_REQUEST)
    if request is not None:
        training.train_live(request, progress_area=progress_area)
    run = session.get_run()
    if run is None:
        st.info(
            "Press **Train** to train this configuration. Its results appear here.",
            icon=":material/play_arrow:",
        )
    else:
        changed = results.differences(run.config, shown)
        if changed:
            st.info(
                f"These results are from the last training ({changed}); the form and the address "
                "bar now hold other settings. Press **Train** to train them.",
                icon=":material/history:",
            )
        results.show_results(run)
    # Below the results once there are some, so the live chart and the results stay in view.
    if problem:
        st.caption("The data view returns once the settings above are valid.")
    else:
        results.data_view(shown, expanded=run is None)


main()
