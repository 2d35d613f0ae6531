"""Streamlit app: compare plan designs side by side (`make app`)."""

import streamlit as st

st.set_page_config(page_title="Plan simulator", layout="wide")
st.title("Plan simulator")
st.write("Compare incentive-plan designs before you roll them out.")
