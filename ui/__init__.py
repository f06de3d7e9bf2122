"""The Streamlit bridge between the pages and ``lstm_core`` (which never imports it).

Pages stay thin (a title, a paragraph, one function that lays them out). What every page
shares lives here, one idea per module; what one page lays out lives in ``ui/views``:

- ``runner``    the one training runner: one run or many labelled runs, live chart, Stop, queue,
                the hand-over to the next rerun
- ``training``  the training slots, the time limit, the pace sentence, the warm-up
- ``form``      the one form <-> config <-> URL machine, driven by a field list
- ``controls``  the Lab's field list, the preset rule and its live form
- ``session``   the ``st.session_state`` keys and the run every page works on
- ``share``     where the model on screen comes from, and the copy-link box
- ``classroom`` classroom links: ``hide=`` / ``lesson=`` and "Show all settings"
- ``upload``    "Use your own Keras model": upload, inferred values, corrections
- ``charts``    altair charts in theme-neutral colours
- ``safe``      user text in messages: escaped, shortened, and characters made visible
- ``errors``    one sentence to the user, the traceback to the operator's log
- ``routing``   Streamlit's pages/ mode: page setup and the row of links to every page
- ``text/``     every sentence a learner reads, by page
- ``views/``    each page's body: sections, charts and downloads
"""
