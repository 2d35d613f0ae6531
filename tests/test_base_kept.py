"""`Kept`: recent values by key, the least recently used going first."""

from __future__ import annotations

from simulator.base.kept import Kept


def test_the_least_recently_used_goes_first() -> None:
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # now more recent than b
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)


def test_sizes_bound_the_total_and_a_value_too_large_is_not_kept() -> None:
    kept: Kept[str, str] = Kept(10, size=len)
    kept.put("a", "xxxx")
    kept.put("b", "yyyyy")
    kept.put("a", "zzz")  # replaced: its old size no longer counts
    assert kept.total == 8
    kept.put("c", "wwww")  # 12 > 10: the least recent (b) goes
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("zzz", None, "wwww")
    kept.put("d", "v" * 11)
    assert kept.get("d") is None and kept.total == 7
    kept.clear()
    assert kept.get("a") is None and kept.total == 0
