"""Session state: first widget values, the teams a session adds, the presentation toggle.

Streamlit reruns the whole script on every change; what must survive a rerun (an
uploaded or calibrated team, the editor's measures, the last comparison that ran) lives
in `st.session_state`. The presentation view follows the address (`?view=present`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from simulator.team.spec import TeamSpec
from ui.cache import FittedTeam


@dataclass(frozen=True)
class TeamChoice:
    """A team the session added (uploaded or fitted), validated once when it came."""

    label: str  # as the team picker shows it
    text: str  # the team file (YAML)
    source: str  # the file it came from, for messages and captions
    team: TeamSpec
    calibration: FittedTeam | None = None


def init(key: str, value: Any) -> str:
    """Give a widget its first value through session state (then the user owns it)."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def added_teams() -> dict[str, TeamChoice]:
    """The teams this session added, by picker key ("upload:NAME", "calibrated:NAME")."""
    teams: dict[str, TeamChoice] = st.session_state.setdefault("extra_teams", {})
    return teams


def remember_team(key: str, choice: TeamChoice, upload_id: str) -> None:
    """Add an uploaded or calibrated team to the team choices; select it when it first comes.

    Kept for the session: a later bad upload changes nothing, and the team stays in the
    list after its file is removed from the uploader.
    """
    added_teams()[key] = choice
    seen = st.session_state.setdefault("teams_seen", set())
    if upload_id not in seen:
        seen.add(upload_id)
        st.session_state["team_file"] = key


def set_behaviour(mode: str) -> None:
    """Switch the behaviour radio (a button's callback, before the widget exists)."""
    st.session_state["behaviour"] = mode


def init_presentation() -> None:
    """Start in the presentation view when the address asks for it (?view=present)."""
    init("present", st.query_params.get("view") == "present")


def presenting() -> bool:
    """Whether the page is in the presentation view."""
    return bool(st.session_state.get("present"))


def sync_presentation() -> None:
    """Keep ?view=present in the address in step with the toggle (its callback)."""
    if st.session_state.get("present"):
        st.query_params["view"] = "present"
    else:
        st.query_params.pop("view", None)


def leave_presentation() -> None:
    """Back to the analyst's page (the presentation view's button)."""
    st.session_state["present"] = False
    st.query_params.pop("view", None)
