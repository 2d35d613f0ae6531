"""The bounds every input is held to, in one place (README, "Limits").

A file or a flag outside them is refused with a message naming the field or the flag,
before anything is computed. They are wide enough for any real plan or team and narrow
enough that nothing finite and valid can overflow downstream: the largest payout a plan
can produce (money x the steepest curve x the highest attainment) stays far below the
largest float, and a run's memory is known before it starts (`simulator.model.limits`).
"""

from __future__ import annotations

# --------------------------------------------------------------------------- files

MAX_YAML_BYTES = 1_000_000
"""Plan and team files (and their uploads)."""
MAX_CSV_BYTES = 50_000_000
"""Actuals and history CSVs (and their uploads)."""
MAX_YAML_DEPTH = 32
"""Nesting of mappings and lists in a YAML file (a plan needs 5)."""

# --------------------------------------------------------------------------- plans

MAX_MONEY = 1e12
"""Base salary, target incentive and deal sizes: at most a trillion a year."""
MIN_QUOTA, MAX_QUOTA = 1e-6, 1e15
"""An absolute quota per period, in the metric's unit (and a quota in an actuals CSV)."""
MIN_QUOTA_FACTOR, MAX_QUOTA_FACTOR = 1e-3, 1e3
"""x of a `{relative: x}`, `{team: x}` or `{history: x}` quota."""
MAX_CURVE_ATTAINMENT = 1e3
"""A curve point's attainment (1,000 = 100,000% of quota)."""
MAX_CURVE_PAYOUT = 1e4
"""A curve point's payout and a cap, as multiples of the measure's target pay."""
MIN_CURVE_STEP = 1e-6
"""Consecutive curve attainments are equal (a step) or at least this far apart, so that no
slope is steeper than MAX_CURVE_PAYOUT / MIN_CURVE_STEP = 1e10."""
MAX_RATE = 1e9
"""A commission rate: currency per unit of a count metric (a share of at most 1 for a
currency metric); with actuals up to MAX_ACTUAL no commission overflows."""
MAX_CURVE_POINTS = 100
MAX_MEASURES = 20
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000

# --------------------------------------------------------------------------- CSVs

MAX_ACTUAL = 1e15
"""A result in an actuals or history CSV, in the metric's unit."""

# --------------------------------------------------------------------------- teams

MAX_REPS = 40_000
"""Reps in a team (or its roster): one block of 16 trials holds 48 weeks x 16 trials x
reps weekly luck values at once, about 250 MB at 40,000 reps."""
MAX_SEED = 2**64 - 1
"""Seeds (`rep_seed`, `--seed`) are whole numbers from 0 to this."""
MIN_FUNNEL, MAX_FUNNEL = 1e-3, 1e6
"""Funnel counts per rep per month, minutes per conversation, working hours, task levels."""
MIN_FACTOR, MAX_FACTOR = 1e-3, 1e3
"""Multiplicative factors: seasonality, a roster rep's level, the history factor."""

# --------------------------------------------------------------------------- runs

MAX_TRIALS = 1_000_000
"""Simulated plan years of one run (`--trials`, `--draw-trials`)."""
MAX_MODEL_DRAWS = 256
"""Behaviour-parameter sets of one run (`--model-draws`, `bench --draws`)."""
MAX_REPEATS = 100
"""Timing repeats of `bench`."""
MAX_MEMORY_BYTES = 2_000_000_000
"""The most memory one run may be estimated to need (`simulator.model.limits`)."""


class RunTooLarge(ValueError):
    """A run that would need more memory (or more of a count) than allowed.

    `field` names what to lower: ``trials``, ``reps``, ``model_draws`` or ``draw_trials``;
    the faces turn it into their flag or field.
    """

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
