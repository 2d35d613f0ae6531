"""The optimiser's objectives and search methods: the words `optimize` takes.

Apart from `results.optimize` so that the command line offers them without loading the
engine (`python -m simulator --help` stays quick and light).
"""

from __future__ import annotations

OBJECTIVES = ("sales", "sales-minus-pay")
METHODS = ("grid", "scipy")
