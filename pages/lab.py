"""Lab: choose a framing and its settings, see the tensor, train live, read the results."""

import streamlit as st

from ui import controls, form, nchar, results, runner, safe, session, share, training
from ui.memory_page import tasks
from ui.routing import page_setup

page_setup("Lab")  # first: page config and the links to every page


def main() -> None:
    st.title("Lab", anchor=False)
    st.caption(
        "Pick a framing, look at the data it makes, train, and read what the network learned. "
        "The address bar always holds these settings: copy it to share this lab."
    )
    session.get_run()  # adopt a run kept from an interrupted training, or open a ?run= link
    shown, problem = controls.load_lab_state()
    retrain = runner.lost_training_notice()  # the server restarted while this page trained
    training.warm_up(shown)
    progress_area = controls.lab_form()  # Train's progress and Stop appear beside the button
    if problem:
        st.error(safe.plain(problem), icon=":material/error:")
    with st.expander("Built-in texts, including tasks that need memory"):  # issue 12
        tasks.task_picker(in_lab=True)
    request = form.request(controls.LAB) or (shown if retrain else None)
    if request is not None:
        runner.train_one(request, progress_area=progress_area)
    run = session.get_run()
    share.model_source(run)  # ?run= link problems, and "Copy link to this trained model"
    if run is None:
        st.info(
            "Press **Train** to train this configuration. Its results appear here.",
            icon=":material/play_arrow:",
        )
    else:
        changed = results.differences(run.config, shown)
        if changed:
            st.info(
                f"These results are from the last training ({safe.plain(changed)}); the form and "
                "the address bar now hold other settings. Press **Train** to train them.",
                icon=":material/history:",
            )
        results.show_results(run)
    nchar.comparison(shown, run)  # n-char-output only: one shot vs recursive, per position
    # Below the results once there are some, so the live chart and the results stay in view.
    if problem:
        st.caption("The data view returns once the settings above are valid.")
    else:
        results.data_view(shown, expanded=run is None)


main()
