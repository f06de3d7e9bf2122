"""LSTM State Lab: the router. Every page lives in pages/, shared pieces in ui/."""

import streamlit as st

st.set_page_config(page_title="LSTM State Lab", page_icon=":material/memory:", layout="wide")

st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("pages/lab.py", title="Lab", icon=":material/science:", url_path="lab"),
        st.Page("pages/generate.py", title="Generate", icon=":material/auto_awesome:", url_path="generate"),
        st.Page("pages/state.py", title="State", icon=":material/grid_on:", url_path="state"),
        st.Page("pages/cell.py", title="Cell", icon=":material/memory:", url_path="cell"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page("pages/memory.py", title="Memory", icon=":material/history:", url_path="memory"),
    ]
).run()
