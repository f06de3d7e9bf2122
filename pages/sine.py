"""Sine: an LSTM learns a real-valued wave, then predicts it fed the truth, or fed itself."""

import streamlit as st

from lstm_core.analysis.forecast import forecast
from lstm_core.config import MAX_GENERATE_STEPS
from ui import charts, form
from ui import sine as sine_ui
from ui.routing import page_setup

page_setup("Sine")  # first: page config and the links to every page


def main() -> None:
    st.title("Sine", anchor=False)
    st.caption(
        "Not letters this time: the next value of a sampled sine wave, a real number. The output "
        "is one linear unit and the loss is the mean squared error (MSE). A reader of the tutorial "
        "found that such a model follows the wave when fed the true values, and drifts when fed "
        "its own output. Train one and see both. The address bar holds these settings."
    )
    shown, problem = sine_ui.load_state()
    progress_area = sine_ui.settings_form()
    if problem:
        sine_ui.show_error(ValueError(problem))
    request = form.request(sine_ui.SINE)
    if request is not None:
        sine_ui.train(request, progress_area)
    run = sine_ui.current_run()
    if run is None:
        st.info("Press **Train** to train this configuration. Its results appear here.",
                icon=":material/play_arrow:")
        return
    if run.config != shown:
        st.info(
            "These results are from the last training; the settings above are different now. "
            "Press **Train** to train them.",
            icon=":material/history:",
        )
    if run.stopped:
        st.warning(
            f"Stopped after epoch {run.epochs_done:,} of {run.config.epochs:,}: the partial model "
            "and its history are kept.",
            icon=":material/pause_circle:",
        )
    st.markdown(sine_ui.mse_sentence(run))
    c = run.config
    left, right = st.columns(2)
    start = left.number_input(
        "Free running starts at position", value=c.length, step=c.period, format="%d",
        key="sine_start", help=sine_ui.HELP_START,
    )
    steps = right.number_input(
        "Steps to predict", value=min(MAX_GENERATE_STEPS, 3 * c.period), step=c.period, format="%d",
        key="sine_steps", help=sine_ui.HELP_STEPS,
    )
    try:
        fc = forecast(run, int(start), int(steps))
    except ValueError as exc:
        sine_ui.show_error(exc)
        return
    st.markdown("**The wave, and the model's predictions**")
    frame = sine_ui.curve_frame(run, fc, before=2 * c.period)
    st.altair_chart(sine_ui.curve_chart(frame, fc.start), width="stretch")
    st.markdown("**The error over the horizon**")
    st.altair_chart(sine_ui.error_chart(sine_ui.error_frame(fc)), width="stretch")
    st.info(sine_ui.finding(fc, c.noise), icon=":material/lightbulb:")
    sine_ui.downloads(run, fc)
    st.markdown("**Training history**")
    st.altair_chart(charts.history_chart(run.history, regression=True), width="stretch")


main()
