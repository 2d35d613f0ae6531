"""Prepared plans sent to worker processes once, then named by a token.

A task of `engine.simulate` carried its plans' prepared models: about 1 MB a plan (the
effort policies' tables), pickled and sent down the pool's pipe for every task, which
moves 150-400 MB/s on the 2-core machine, so a 2,000-trial comparison's tasks started
25-70 ms after the call (docs/ARCHITECTURE.md, "Speed"). Now:

- each worker process keeps the models it has received (the last RECEIVED_KEPT), under a
  token that names everything a model depends on (`token`);
- once a run has sent a plan's model, this process's later runs send only its token;
- a worker without it (a new pool, a model it let go) answers None, and that task is sent
  again with the models (`engine`), so the results are the same bits either way.

A team too large for its prepared plans to be kept (`prepare.prepared_key` is None) has no
token: its models travel with every task, as its long runs can afford. So a worker keeps
at most RECEIVED_KEPT models of teams of at most 2,000 reps: about 1 MB each for 50 reps,
a few MB at 2,000.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from simulator.base.kept import Kept
from simulator.model.prepare import PlanModel, PreparedKey

RECEIVED_KEPT = 8
"""Models a worker keeps: a comparison's plans and an edit (as `prepare.PREPARED_KEPT`)."""

Parcel = tuple[str | None, PlanModel | None]
"""A plan in a task: its token (None: it has none) and its model (None: the token says it)."""

_received: Kept[str, PlanModel] = Kept(RECEIVED_KEPT)  # in each worker
_sent: Kept[str, bool] = Kept(RECEIVED_KEPT)  # in the process that sends the tasks


def token(key: PreparedKey | None, today: PreparedKey | None = None) -> str | None:
    """The token of the model prepared under `key`, its leaving set against `today`'s.

    `simulate` gives a model its leaving from its own worth and the plan in force's
    (`today`: that plan's key, None without turnover), so the two keys name it.
    """
    if key is None:
        return None
    return hashlib.blake2b(repr((key, today)).encode(), digest_size=16).hexdigest()


def pack(models: Sequence[PlanModel], tokens: Sequence[str | None]
         ) -> tuple[list[Parcel], list[Parcel]]:
    """The parcels of a run's tasks: (light, full).

    light names by its token a model that an earlier run has sent; full carries them all.
    """
    full: list[Parcel] = list(zip(tokens, models, strict=True))
    light: list[Parcel] = [(tok, None if tok is not None and _sent.get(tok) else model)
                           for tok, model in full]
    return light, full


def sent(tokens: Sequence[str | None]) -> None:
    """Note that a run's tasks have carried these tokens' models to the workers."""
    for tok in tokens:
        if tok is not None:
            _sent.put(tok, True)


def unpack(parcels: Sequence[Parcel]) -> list[PlanModel] | None:
    """A task's models, in a worker: those it carries are kept, the others looked up.

    None when a token names a model this process does not have.
    """
    models = []
    for tok, model in parcels:
        if model is None:
            model = _received.get(tok) if tok is not None else None
            if model is None:
                return None
        elif tok is not None:
            _received.put(tok, model)
        models.append(model)
    return models


def forget_parcels() -> None:
    """Forget what was sent and received (tests, and benchmarks of a first run)."""
    _sent.clear()
    _received.clear()
