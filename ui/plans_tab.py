"""The Plans tab: each compared plan in words and as its YAML file."""

from __future__ import annotations

import streamlit as st

from simulator.plan.edits import plan_yaml
from simulator.plan.spec import PlanSpec
from simulator.results import charts
from ui.format import cash
from ui.widgets import plan_heading


def plans_tab(specs: list[PlanSpec], labels: list[str], sources: list[str]) -> None:
    """Each compared plan: its source, period, measures, pay, description and file."""
    if not specs:
        st.info("No plans in the comparison yet.")
        return
    colours = charts.plan_colours(labels)
    for spec, label, source in zip(specs, labels, sources, strict=True):
        with st.container(border=True):
            plan_heading(label, colours[label])
            st.caption(f"{source} · paid per {spec.period} · "
                       f"{len(spec.measures)} measure(s) · base "
                       f"{cash(spec.pay.base_salary, False, spec.currency)}, "
                       + (f"target incentive "
                          f"{cash(spec.pay.target_incentive, False, spec.currency)} "
                          "per rep per year"
                          if spec.pay.target_incentive is not None else "pays commission rates")
                       + (f" · {spec.currency}" if spec.currency else ""))
            if spec.description:
                st.markdown(spec.description)
            with st.expander("Plan file (YAML)"):
                st.code(plan_yaml(spec), language="yaml")
