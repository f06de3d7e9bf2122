"""Lab: choose a framing and its settings, see the tensor, train live, read the results."""

import contextlib

import streamlit as st

from ui import controls, form, runner, safe, session, share, training
from ui.routing import page_setup
from ui.text import lab as words
from ui.text.shared import TRAIN_FIRST
from ui.views import lab_results as results
from ui.views import one_shot
from ui.views.memory_page import tasks

page_setup("Lab")  # first: page config and the links to every page


def main() -> None:
    st.title("Lab", anchor=False)
    st.caption(words.INTRO)
    session.get_run()  # adopt a run kept from an interrupted training, or open a ?run= link
    shown, problem = controls.load_lab_state()
    retrain = runner.lost_training_notice()  # the server restarted while this page trained
    training.warm_up(shown)
    # A shared run link opens on its results (a student's phone showed 18 fields first);
    # once this session trains its own model, the results go back under the form.
    top = st.container() if session.opened_from_link() else None
    progress_area = controls.lab_form()  # Train's progress and Stop appear beside the button
    if problem:
        st.error(safe.plain(problem), icon=":material/error:")
    with st.expander("Built-in texts, including tasks that need memory"):  # issue 12
        tasks.task_picker(in_lab=True)
    request = form.request(controls.LAB) or (shown if retrain else None)
    if request is not None:
        runner.train_one(request, progress_area=progress_area, labels=controls.LABELS)
    run = session.get_run()
    linked = top is not None and session.opened_from_link()  # still the link's run after Train?
    with top if linked else contextlib.nullcontext():
        share.model_source(run)  # ?run= link problems, and "Copy link to this trained model"
        if run is None:
            st.info(TRAIN_FIRST, icon=":material/play_arrow:")
        else:
            changed = results.differences(run.config, shown)
            if changed:
                st.info(words.OLD_RESULTS.format(changed=safe.plain(changed)), icon=":material/history:")
            results.show_results(run)
    one_shot.comparison(shown, run)  # one-shot (n-char-output) runs only: one shot vs recursive
    # Below the results once there are some, so the live chart and the results stay in view.
    if problem:
        st.caption(words.NO_DATA_VIEW)
    else:
        results.data_view(shown, expanded=run is None)

main()
