"""JSON as the faces print it: strict JSON, every number finite or null.

`json.dumps` writes NaN and Infinity by default, which are not JSON (a JSON parser in
another language refuses the whole object). A figure that cannot be computed (the cost
of sales of zero sales, a decile group without reps) is null instead; README
("compare --json") says when each one can be.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any


def finite_or_null(value: Any) -> Any:
    """Plain data with every non-finite float (NaN, inf) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: finite_or_null(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_null(item) for item in value]
    return value


def json_text(data: Any, indent: int | None = None) -> str:
    """Strict JSON of plain data (`allow_nan=False`), non-finite numbers as null."""
    return json.dumps(finite_or_null(data), indent=indent, allow_nan=False)
