"""A plan's currency: an ISO 4217 code (`currency: USD`), shown with every amount.

A plan without `currency` states none; `compare` and `backtest` refuse plans that state
different currencies (`same_currency`), since their amounts cannot be set side by side.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Strict

from simulator.base.errors import InputError, Problem
from simulator.base.validation import shorten

if TYPE_CHECKING:
    from simulator.plan.spec import PlanSpec

ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
""".split())
"""Active ISO 4217 currency codes (funds, metals and test codes left out)."""


def _iso_code(code: str) -> str:
    if code in ISO_4217:
        return code
    if code.upper() in ISO_4217:
        raise ValueError(f"{shorten(code)!r} must be written in capitals: {code.upper()!r}")
    close = difflib.get_close_matches(code, sorted(ISO_4217), n=1) if len(code) < 20 else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"{shorten(code)!r} is not an ISO 4217 currency code{hint}; write three "
                     "capital letters such as USD, EUR or GBP")


Currency = Annotated[str, Strict(), AfterValidator(_iso_code)]
"""An ISO 4217 code as written in a plan file."""


def same_currency(plans: Sequence[PlanSpec], sources: Sequence[str]) -> str | None:
    """The currency the plans share (None when none states one).

    Raises InputError, naming the file of the first plan whose currency differs from the
    first stated one, when two plans state different currencies.
    """
    first: tuple[PlanSpec, str] | None = None
    for plan, source in zip(plans, sources, strict=True):
        if plan.currency is None:
            continue
        if first is None:
            first = (plan, source)
        elif plan.currency != first[0].currency:
            raise InputError(source, [Problem(
                "currency", f"{plan.currency} differs from {first[0].currency} of plan "
                f"{first[0].name!r} ({first[1]}); plans in different currencies cannot be "
                "set side by side: convert one plan's amounts")])
    return None if first is None else first[0].currency
