"""The Team tab: the team the plans are tried on and, for a team fitted to history, the fit.

The fit's estimates, seasonality, rep levels and goodness of fit come from
`simulator.results.charts` (calibration frames and charts), read from the fit as data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from simulator.results import charts
from simulator.results.report import percent
from simulator.team.calibrate.timing import bunching_lines
from simulator.team.spec import TeamSpec
from ui.cache import FittedTeam
from ui.format import md, slug
from ui.sidebar import ChosenTeam
from ui.widgets import show_chart


def seasonality_subtitle(fit: dict[str, Any]) -> str:
    """What the seasonality test found, as the chart's subtitle."""
    if fit["seasonality_p_value"] is None:
        return "Not fitted: the history does not cover a whole year (all 1.0)"
    if fit["seasonality_kept"]:
        return (f"Kept (likelihood-ratio test p = {fit['seasonality_p_value']:.2g}); "
                "95% intervals; 1.0 = an average period")
    return (f"Not significant (p = {fit['seasonality_p_value']:.2g}): the team "
            "file uses 1.0 for every month")


def goodness_of_fit(fit: dict[str, Any]) -> None:
    """Observed attainment quantiles against the fit's replicates: chart, verdict, table."""
    goodness = charts.fit_quantile_frame(fit)
    show_chart(charts.fit_quantile_chart(goodness), "goodness-of-fit")
    misses = int((~goodness["fits"].astype(bool)).sum())
    verdict = (f"All {len(goodness)} quantiles fit: each lies in its band or within 5% of "
               "the fitted value." if not misses else
               f"{misses} of {len(goodness)} quantiles do not fit: the team model's lognormal "
               "luck describes this history only roughly; read simulated spreads with care.")
    (st.success if not misses else st.warning)(verdict)
    with st.expander("Goodness of fit as a table"):
        st.dataframe(goodness[["basis_title", "label", "observed", "fitted", "low", "high",
                               "verdict"]], hide_index=True, width="stretch", column_config={
            "basis_title": "Attainment", "label": "Quantile",
            "observed": st.column_config.NumberColumn("Observed", format="%.3f"),
            "fitted": st.column_config.NumberColumn("Fitted (median)", format="%.3f"),
            "low": st.column_config.NumberColumn("95% band from", format="%.3f"),
            "high": st.column_config.NumberColumn("to", format="%.3f"),
            "verdict": "Verdict"})


def fit_notes(fit: dict[str, Any]) -> None:
    """Outliers, historic quotas and the fit's notes, in words."""
    unit = fit["granularity"]
    if fit["outliers"]:
        st.markdown("**Outliers** (left out of the fit of luck and levels):\n\n" + "\n".join(
            f"- {md(str(o['rep_id']))} {o['period']} (line {o['line']}): "
            f"{o['actual']:,.0f} = {o['ratio']:.1f}x expected" for o in fit["outliers"]))
    quotas = fit["quotas"]
    if quotas:
        multiple = quotas["history_multiple_median"]
        st.markdown(
            f"**Historic quotas**: {percent(quotas['share_at_or_above'])} of "
            f"{quotas['rep_periods']:,} rep-{unit}s at or above quota; quotas were "
            f"{multiple:.2f}× the fitted level (median; P10-P90 "
            f"{quotas['history_multiple_p10']:.2f}-{quotas['history_multiple_p90']:.2f}). "
            f"A measure with `quota: {{history: {multiple:.2f}}}` (in the plan editor: quota "
            f"set as % of each rep's history, {multiple * 100:.0f}%) sets quotas like them.")
    if fit["notes"]:
        st.markdown("**Notes**\n\n" + "\n".join(f"- {md(n[:1].upper() + n[1:])}"
                                                   for n in fit["notes"]))


def deal_view(calibration: FittedTeam) -> None:
    """For a team fitted to deal exports: its deal-level luck, close-date bunching, credits."""
    fit = calibration.fit
    deals = fit.get("deals")
    if deals:
        weekly = deals["weekly"]
        st.markdown(
            f"**Deal-level luck** (fitted from {deals['n_deals']:,} deals): "
            f"{deals['rate']['value']:.2f} deals per rep-{fit['granularity']} "
            f"[{deals['rate']['low']:.2f}, {deals['rate']['high']:.2f}], over-dispersion "
            f"{deals['dispersion']['value']:.2f} [{deals['dispersion']['low']:.2f}, "
            f"{deals['dispersion']['high']:.2f}], deal sizes spread "
            f"{deals['size_sigma']['value']:.3f} around each rep's mean. The simulation draws "
            f"each rep's week as deals × sizes (dispersion {weekly['dispersion']:.3g} a week).")
    lines = bunching_lines(fit.get("timing"))
    if lines:
        st.markdown("**Close-date bunching**\n\n" + "\n".join(
            f"- {md(line.strip())}" for line in lines[1:]) + f"\n\n{md(lines[0])}")
    if calibration.credits_csv:
        st.download_button("Download the crediting report (CSV)", data=calibration.credits_csv,
                           file_name="crediting_report.csv", mime="text/csv",
                           icon=":material/download:", key="credits_csv", on_click="ignore",
                           help="Every credit of every won deal: owner, split, overlay and "
                                "manager roll-up, to the cent.")


def calibration_view(calibration: FittedTeam) -> None:
    """The fit of a calibrated team: estimates, seasonality, rep levels, goodness of fit."""
    fit = calibration.fit
    unit, periods = fit["granularity"], fit["periods"]
    st.markdown(
        f"Fitted to **{fit['n_reps']} reps** over **{len(periods)} {unit}s** ({periods[0]} to "
        f"{periods[-1]}) of {md(fit['source'])}: {fit['n_observations']:,} rep-{unit}s of "
        f"revenue ({fit['n_zero']} zero). Maximum marginal likelihood; each rep's level is "
        "shrunk toward the team in proportion to how little history it has. Intervals are "
        "95%. The method: docs/CALIBRATION.md.")
    left, right = st.columns([6, 5], gap="medium")
    with left:
        st.dataframe(charts.estimates_frame(fit, calibration.currency), hide_index=True,
                     width="stretch",
                     column_config={
                         "Estimate": st.column_config.TextColumn(width=300),
                         "Value": st.column_config.TextColumn(width=90),
                         "95% interval": st.column_config.TextColumn(width=200)})
    with right:
        show_chart(charts.seasonal_chart(charts.seasonal_frame(fit),
                                         seasonality_subtitle(fit)), "seasonality")
    goodness_of_fit(fit)
    show_chart(charts.rep_level_chart(charts.rep_level_frame(fit)), "rep-levels")
    deal_view(calibration)
    fit_notes(fit)
    with st.expander("The fit as text (as `python -m simulator calibrate` prints it)"):
        st.code(calibration.report, language=None)


def roster_terms(team: TeamSpec) -> None:
    """A roster's per-rep terms and new hires (README, "Per-rep terms"), when it has any."""
    roster = team.roster or ()
    if not any(r.quota_factor or r.target_incentive or r.start for r in roster):
        return
    starts = sorted(r.start for r in roster if r.start is not None)
    with st.expander("Per-rep terms and new hires", expanded=bool(starts)):
        if starts:
            st.caption(
                f"{len(starts)} reps have a start date ({starts[0]:%d %b %Y} to "
                f"{starts[-1]:%d %b %Y}); the simulated plan year is {team.first_plan_year}. "
                "Before the start a rep sells and draws nothing and counts in no share of "
                "reps; after it the rep comes up to speed over "
                f"{team.turnover.ramp_months} months, on quotas and target pay prorated as "
                "the payout calculator prorates them (the plan's ramp, the days in post).")
        st.dataframe(pd.DataFrame({
            "Rep": [r.rep_id for r in roster],
            "Level": [r.level for r in roster],
            "Quota factor": [r.quota_factor for r in roster],
            "Target incentive / year": [r.target_incentive for r in roster],
            "Start": [r.start for r in roster],
        }), hide_index=True, width="stretch", column_config={
            "Level": st.column_config.NumberColumn(format="%.2f"),
            "Quota factor": st.column_config.NumberColumn(format="%.2f"),
            "Target incentive / year": st.column_config.NumberColumn(format="%,.0f"),
            "Start": st.column_config.DateColumn(format="D MMM YYYY")})


def team_tab(chosen: ChosenTeam) -> None:
    """The team the plans are tried on; for a team fitted to history, the fit."""
    team = chosen.team
    if team is None:
        st.info("The chosen team file has problems (see the sidebar): pick another team.")
        return
    st.subheader(team.name)
    roster = "a roster of named reps with fitted levels" if team.roster else "reps drawn"
    st.caption(f"{team.size} reps ({roster}) · {chosen.source}")
    if team.description:
        st.markdown(team.description)
    roster_terms(team)
    if chosen.calibration is None:
        st.info("Fit a team to your own CRM history: upload a history CSV in the sidebar "
                "(format in docs/CALIBRATION.md; example: plans/examples/sample_history.csv). "
                "The fitted team joins the team list, and plan measures with "
                "`quota: {history: x}` then set each rep's quota from that rep's level.",
                icon=":material/upload_file:")
    else:
        calibration_view(chosen.calibration)
    st.download_button("Download the team file (YAML)", data=chosen.text,
                       file_name=f"{slug(team.name)}.yaml", mime="application/x-yaml",
                       icon=":material/download:", key="team_yaml", on_click="ignore",
                       help="A valid team file: save it in plans/teams/ or use it with "
                            "`python -m simulator compare --team FILE`.")
    with st.expander("Team file (YAML)"):
        st.code(chosen.text, language="yaml")
