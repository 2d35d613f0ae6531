"""Team files -> TeamSpec (simulator.team.spec): defaults, and problems that name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import pytest

from simulator.base.errors import InputError
from simulator.team.spec import DEFAULT_TEAM, TeamSpec, load_team, team_from_dict


def tasks(crm: float, training: float, csat: float) -> dict[str, Any]:
    return {"crm_hygiene": {"time_share": crm, "normal_level": 85},
            "training_hours": {"time_share": training, "normal_level": 4.8},
            "csat": {"time_share": csat, "normal_level": 80}}


def problems_of(raw: dict[str, Any]) -> list[str]:
    """Every problem line of a team that must be rejected, without the source."""
    with pytest.raises(InputError) as caught:
        team_from_dict({"name": "T", **raw}, "t.yaml")
    lines = str(caught.value).splitlines()
    assert all(line.startswith("t.yaml: ") for line in lines)
    return [line.removeprefix("t.yaml: ") for line in lines]


# --------------------------------------------------------------------------- good files


def test_the_default_team_file_holds_the_documented_defaults() -> None:
    """Every value in plans/teams/default.yaml is the code's default (docs/MODEL.md); the
    file adds its incumbent plan, the shipped baseline."""
    team = load_team()
    assert load_team(DEFAULT_TEAM) == team
    assert team.incumbent is not None and team.incumbent.name == "Baseline"
    assert team.incumbent_file == "../baseline.yaml"
    defaults = TeamSpec(name=team.name, description=team.description, incumbent=team.incumbent)
    assert team.model_dump() == defaults.model_dump()
    assert team.size == 50 and team.rep_seed == 2026 and team.roster is None


def test_a_team_file_only_says_where_it_differs() -> None:
    team = team_from_dict({"name": "Small", "reps": 8, "luck": {"sales_weekly": 0.4}})
    assert team.size == 8
    assert team.luck.sales_weekly == 0.4
    assert team.luck.activity_weekly == 0.10  # the rest keeps its default
    assert team.funnel.dials == 1_200 and team.effort.minimum == 0.3


def test_a_roster_sets_the_size() -> None:
    team = team_from_dict({"name": "R", "reps": 7, "roster": [{"rep_id": "A", "level": 1.2}]})
    assert team.size == 1


def test_team_spec_is_frozen() -> None:
    team = team_from_dict({"name": "T"})
    with pytest.raises(pydantic.ValidationError):
        team.reps = 3  # type: ignore[misc]


def test_tasks_just_under_ninety_percent_are_fine() -> None:
    assert team_from_dict({"name": "T", "tasks": tasks(0.45, 0.40, 0.04)}).size == 50


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(("raw", "expected"), [
    ({"reps": 0}, "reps: must be between 1 and 40,000, not 0"),
    ({"reps": 40_001}, "reps: must be between 1 and 40,000, not 40,001"),
    ({"reps": 2.5}, "reps: Input should be a valid integer"),
    ({"reps": "50"}, "reps: Input should be a valid integer"),
    ({"products": {"core": {"time_share": 1, "deal_size": 1},
                   "gadgets": {"time_share": 1, "deal_size": 1}}},
     "products: unknown product line 'gadgets'; missing product line 'addon', 'services' "
     "(expected core, addon, services)"),
    ({"products": {"core": {"time_share": 1, "deal_size": 1},
                   "addon": {"time_share": 0.0, "deal_size": 1},
                   "services": {"time_share": 0.1, "deal_size": 1}}},
     "products.addon.time_share: Input should be greater than 0"),
    ({"tasks": {"crm_hygiene": {"time_share": 0.05, "normal_level": 85}}},
     "tasks: missing task 'training_hours', 'csat' (expected crm_hygiene, training_hours, csat)"),
    ({"tasks": tasks(0.5, 0.3, 0.1)}, "tasks: non-selling tasks take 90% of hours"),
    ({"tasks": tasks(0.9, 0.1, 0.1)}, "tasks: non-selling tasks take 110% of hours"),
    ({"seasonality": [1.0] * 11}, "seasonality: must list 12 monthly factors, not 11"),
    ({"seasonality": [1.0] * 13}, "seasonality: must list 12 monthly factors, not 13"),
    ({"seasonality": [1.0] * 11 + [0]}, "seasonality: factors must be greater than 0"),
    ({"roster": [{"rep_id": "A", "level": 1}, {"rep_id": "B", "level": 1},
                 {"rep_id": "A", "level": 2}]}, "roster: duplicate rep_id A"),
    ({"roster": []}, "roster: must list at least one rep"),
    ({"roster": [{"rep_id": "A", "level": 1}, {"rep_id": "B", "level": 0}]},
     "roster[2] (B).level: Input should be greater than 0"),
    ({"effort": {"minimum": 2.0, "maximum": 1.0}},
     "effort: minimum 2.0 must be below maximum 1.0"),
    ({"effort": {"output_elasticity": 1.6}}, "effort: output_elasticity 1.6 must be at most 1.5"),
    ({"behavior": {"quality_min": 1.2}},
     "behavior: quality_min must be at most 1 and quality_max at least 1"),
    ({"behavior": {"task_concavity": 1.0}}, "behavior.task_concavity: Input should be less than 1"),
    ({"spread": {"conversion": -0.1}},
     "spread.conversion: Input should be greater than or equal to 0"),
    ({"spread": {"conversion": 3.5}}, "spread.conversion: Input should be less than or equal to 3"),
    ({"luck": {"sales_weekly": "0.6"}}, "luck.sales_weekly: Input should be a valid number"),
    ({"luck": {"sales_weekly": True}}, "luck.sales_weekly: Input should be a valid number"),
    ({"funnel": {"dails": 1}}, "funnel.dails: unknown key 'dails' (did you mean 'dials'?)"),
    ({"sead": 1}, "sead: unknown key 'sead'"),
])
def test_bad_team_names_the_field(raw: dict[str, Any], expected: str) -> None:
    problems = problems_of(raw)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_the_task_share_message_states_the_rule() -> None:
    [problem] = problems_of({"tasks": tasks(0.45, 0.40, 0.05)})  # 0.9 (a hair above)
    assert "must take less than 90%" in problem
    assert "at most 90% allowed" not in problem


def test_every_problem_in_a_team_is_reported() -> None:
    problems = problems_of({"reps": 0, "seasonality": [1.0] * 3, "luck": {"sales_weekly": -1},
                            "behavior": {"mix_inertia": -1}})
    assert sorted(p.split(":")[0] for p in problems) == [
        "behavior.mix_inertia", "luck.sales_weekly", "reps", "seasonality"]


def test_a_team_needs_a_name() -> None:
    with pytest.raises(InputError) as caught:
        team_from_dict({}, "t.yaml")
    assert str(caught.value) == "t.yaml: name: missing required key"


def test_load_team_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("name: T\nreps: -1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_team(path)
    assert str(caught.value) == f"{path}: reps: must be between 1 and 40,000, not -1"
    with pytest.raises(InputError, match="file not found"):
        load_team(tmp_path / "missing.yaml")
