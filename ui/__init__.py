"""Streamlit pieces shared by the pages of LSTM State Lab.

Pages stay thin (read widgets -> ``LSTMConfig`` -> ``lstm_core`` -> draw); everything two
pages need lives here, one idea per module:

- ``text``      help texts and explanations, written for a learner
- ``session``   the ``st.session_state`` keys and the per-user trained run
- ``controls``  the Lab's live form, the preset rule and the URL (query parameter) round trip
- ``training``  the live training runner: queue, chart, progress, Stop
- ``charts``    altair charts in theme-neutral colours
- ``results``   accuracy, prediction table, downloads, the data view
- ``errors``    one sentence to the user, the traceback to the operator's log
- ``routing``   Streamlit's pages/ mode: page setup and the row of links to every page
- ``glyphs``    characters made visible (a space shown alone is ``␣``)
"""
