"""Streamlit pieces shared by the pages of LSTM State Lab.

Pages stay thin (read widgets -> ``LSTMConfig`` -> ``lstm_core`` -> draw); everything two
pages need lives here, one idea per module:

- ``text``      help texts and explanations, written for a learner
- ``session``   the ``st.session_state`` keys and the per-user trained run
- ``controls``  the Lab form and the URL (query parameter) round trip
- ``training``  the live training runner: queue, chart, progress, Stop
- ``charts``    altair charts in theme-neutral colours
- ``results``   accuracy, prediction table, downloads, the data view
- ``errors``    one sentence to the user, the traceback to the operator's log
- ``routing``   direct links to a page still go through app.py
"""
