"""Sine: an LSTM learns a real-valued wave, then predicts it fed the truth, or fed itself."""

import streamlit as st

from lstm_core.analysis.forecast import forecast
from lstm_core.config import MAX_GENERATE_STEPS
from ui import charts, form, safe
from ui.routing import page_setup
from ui.text import charts as chart_words
from ui.text import sine as words
from ui.text.shared import TRAIN_FIRST, stopped
from ui.views import sine_page as page
from ui.views import wave_charts
from ui.views.chart_words import show_chart

page_setup("Sine")  # first: page config and the links to every page


def forecast_section(run) -> None:
    """Where free running starts and for how long; the wave, the error, the finding, the files."""
    c = run.config
    left, right = st.columns(2)
    start = left.number_input(
        "Free running starts at position", value=c.length, step=c.period, format="%d",
        key="sine_start", help=words.HELP_START,
    )
    steps = right.number_input(
        "Steps to predict", value=min(MAX_GENERATE_STEPS, 3 * c.period), step=c.period, format="%d",
        key="sine_steps", help=words.HELP_STEPS,
    )
    try:
        fc = forecast(run, int(start), int(steps))
    except ValueError as exc:
        page.show_error(exc)
        return
    st.markdown("**The wave, and the model's predictions**")
    frame = wave_charts.curve_frame(run, fc, before=2 * c.period)
    wave_charts.show_curve(frame, fc.start)
    st.markdown("**The error over the horizon**")
    wave_charts.show_error(wave_charts.error_frame(fc))
    st.info(words.finding(fc, c.noise), icon=":material/lightbulb:")
    page.downloads(run, fc)


def main() -> None:
    st.title("Sine", anchor=False)
    st.caption(words.INTRO)
    link_problem = page.open_link()  # ?run=<id>: first, so the form shows the run's settings
    if link_problem:
        st.warning(safe.plain(link_problem), icon=":material/link_off:")
    shown, problem = page.load_state()
    progress_area = page.settings_form()
    if problem:
        page.show_error(ValueError(problem))
    request = form.request(page.SINE)
    if request is not None:
        page.train(request, progress_area)
    run = page.current_run()
    if run is None:
        st.info(TRAIN_FIRST, icon=":material/play_arrow:")
        return
    page.link_box(run)
    if run.config != shown:
        st.info(words.OLD_RESULTS, icon=":material/history:")
    if run.stopped:
        st.warning(stopped(run), icon=":material/pause_circle:")
    st.markdown(words.mse_sentence(run))
    forecast_section(run)
    st.markdown("**Training history**")
    show_chart(charts.history_chart(run.history, regression=True),
               chart_words.history(run.history, regression=True),
               charts.history_table(run.history).drop(columns="accuracy"))


main()
