"""Strict YAML reading for plan and team files: plain data, numbers read one clear way.

The file is parsed into events (by libyaml when it is installed, else by PyYAML's own
parser) and built into dicts, lists and scalars here, so that nothing in it can run code
or surprise a reader:

- no tags (``!!int``, ``!!set``, ``!!python/...``), no anchors (``&a``) and no aliases
  (``*a``, the "billion laughs" vector), no duplicate keys, one document, at most
  MAX_YAML_DEPTH levels of nesting, at most MAX_YAML_BYTES bytes;
- numbers follow YAML 1.2's core schema: ``60000``, ``0.5``, ``6e4``, ``1_000`` are
  numbers, ``.inf`` and ``.nan`` are the non-finite floats that specs then refuse;
  what YAML 1.1 would read as another number than the one written is refused with a
  message saying why: a leading zero (``060000``, octal 24,576 in YAML 1.1), hexadecimal,
  octal or binary forms, base-60 forms (``1:00:00``, 3,600 in YAML 1.1), and whole
  numbers of more than MAX_DIGITS digits. Dates stay text.
- ``true``/``false`` and YAML 1.1's ``yes``/``no``/``on``/``off`` are booleans (so an
  unquoted ``yes:`` key is reported as a key that is not text), ``null``/``~``/nothing is
  null, anything else is text.

Every refusal is an `InputError` naming the file: structural ones with the line and
column, refused numbers with the field path (``pay.target_incentive: '060000' has a
leading zero ...``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml import events

from simulator.base.errors import InputError, Problem
from simulator.base.files import read_text_file
from simulator.base.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH
from simulator.base.validation import field_path

MAX_FILE_BYTES = MAX_YAML_BYTES
MAX_DIGITS = 20
"""Whole numbers of more digits are refused (2**64 has 20; every bound here is below)."""

_Loader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = {word: value for value, words in ((True, "yes Yes YES true True TRUE on On ON"),
                                          (False, "no No NO false False FALSE off Off OFF"))
         for word in words.split()}


def _special_floats() -> dict[str, float]:
    out = {}
    for word in (".inf", ".Inf", ".INF"):
        out[word] = out["+" + word] = float("inf")
        out["-" + word] = float("-inf")
    for word in (".nan", ".NaN", ".NAN"):
        out[word] = float("nan")
    return out


_SPECIAL = _special_floats()
_DIGITS = r"[0-9](?:_?[0-9])*"  # digits, grouped by single underscores or not
_INT = re.compile(r"[-+]?(?:0|[1-9](?:_?[0-9])*)")
_FLOAT = re.compile(
    rf"[-+]?(?:\.{_DIGITS}|{_DIGITS}(?:\.(?:{_DIGITS})?)?)(?:[eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_RADIX = re.compile(r"[-+]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_ALIAS_MESSAGE = ("YAML anchors and aliases (&name, *name) are not allowed in plan and "
                  "team files; write the value out")


@dataclass(frozen=True)
class Unreadable:
    """A plain scalar that looks like a number but would be misread: refused with `problem`."""

    text: str
    problem: str

    def message(self) -> str:
        """The problem, quoting the text as written (shortened when long)."""
        shown = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return f"{shown!r} {self.problem}"


class _Refused(Exception):
    """A structural refusal at a place in the file (line and column from `mark`)."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.mark = mark


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar, by the rules in the module doc."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if text in _SPECIAL:
        return _SPECIAL[text]
    first = text[:1]
    if not (first.isdigit() or first in "-+."):
        return text  # the common case: words
    if _INT.fullmatch(text):
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_DIGITS:
            return Unreadable(text, f"is too large a number ({digits:,} digits)")
        return int(text.replace("_", ""))
    if _LEADING_ZERO.fullmatch(text):
        return Unreadable(text, "has a leading zero, which YAML 1.1 reads as an octal number "
                          "(060000 as 24,576): write the number without it, or quote it "
                          "if it is text")
    if _FLOAT.fullmatch(text):
        return float(text.replace("_", ""))
    if _RADIX.fullmatch(text):
        return Unreadable(text, "is a hexadecimal, octal or binary number: write a plain "
                          "decimal number, or quote it if it is text")
    if _SEXAGESIMAL.fullmatch(text):
        return Unreadable(text, "is a base-60 number in YAML 1.1 (1:00:00 is read as 3,600): "
                          "write a plain decimal number, or quote it if it is text")
    return text


def _build(loader: Any, depth: int) -> Any:
    """The next node of the event stream as plain data (dict, list or scalar)."""
    event = loader.get_event()
    kind = type(event)
    if kind is events.AliasEvent or event.anchor is not None:
        raise _Refused(_ALIAS_MESSAGE, event.start_mark)
    if event.tag is not None:
        raise _Refused(f"tags such as {event.tag.replace('tag:yaml.org,2002:', '!!')} are not "
                       "allowed; write plain values (quote text)", event.start_mark)
    if kind is events.ScalarEvent:
        return resolve_plain(event.value) if event.implicit[0] else event.value
    if depth >= MAX_YAML_DEPTH:
        raise _Refused(f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark)
    if kind is events.SequenceStartEvent:
        items = []
        while type(loader.peek_event()) is not events.SequenceEndEvent:
            items.append(_build(loader, depth + 1))
        loader.get_event()
        return items
    if kind is events.MappingStartEvent:
        mapping: dict[Any, Any] = {}
        while type(following := loader.peek_event()) is not events.MappingEndEvent:
            key = _build(loader, depth + 1)
            if isinstance(key, list | dict):
                raise _Refused("a mapping key must be a plain value", following.start_mark)
            if key in mapping:
                raise _Refused(f"duplicate key {key!r}", following.start_mark)
            mapping[key] = _build(loader, depth + 1)
        loader.get_event()
        return mapping
    raise _Refused(f"unexpected {kind.__name__}", event.start_mark)  # pragma: no cover


def _load(text: str) -> Any:
    """The one document of a YAML text as plain data (None when there is none).

    A syntax error is worded as PyYAML's own parser words it (libyaml words the same
    errors a little differently), so a message does not depend on what is installed.
    """
    try:
        return _load_with(_Loader, text)
    except yaml.YAMLError as error:
        if _Loader is yaml.SafeLoader:
            raise
        try:  # the same reading with PyYAML's parser, which stops where libyaml did or sooner
            _load_with(yaml.SafeLoader, text)
        except (yaml.YAMLError, _Refused) as worded:
            raise worded from None
        raise error from None


def _load_with(loader_class: Any, text: str) -> Any:
    loader = loader_class(text)
    try:
        loader.get_event()  # stream start
        if loader.check_event(events.StreamEndEvent):
            return None
        loader.get_event()  # document start
        data = _build(loader, 0)
        loader.get_event()  # document end
        if not loader.check_event(events.StreamEndEvent):
            raise _Refused("a file holds one YAML document, not several",
                           loader.peek_event().start_mark)
        return data
    finally:
        loader.dispose()


def _unreadable(node: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every refused number in parsed data: its path and its problem."""
    if isinstance(node, Unreadable):
        yield loc, node.message()
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, Unreadable):
                yield loc, f"key {key.message()}"
            yield from _unreadable(value, (*loc, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _unreadable(item, (*loc, index))


def _line_column(text: str, position: int) -> str:
    before = text[: max(0, min(position, len(text)))]
    return f"line {before.count(chr(10)) + 1}, column {position - before.rfind(chr(10))}"


def parse_yaml_text(text: str, source: str) -> dict[str, Any]:
    """Parse YAML text that must hold one mapping; raise InputError naming `source` otherwise."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise InputError.single(source, "", f"file is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = _load(text)
    except _Refused as exc:
        where = f"line {exc.mark.line + 1}, column {exc.mark.column + 1}"
        raise InputError.single(source, where, f"invalid YAML: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.single(source, where, f"invalid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:
        raise InputError.single(source, _line_column(text, exc.position),
                                f"invalid YAML: {exc.reason}") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError.single(source, "", f"invalid YAML: {first}") from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise InputError.single(source, "", "invalid YAML: nested too deeply") from None
    if data is None:
        raise InputError.single(source, "", "file is empty")
    if not isinstance(data, dict):
        kind = "a number" if isinstance(data, Unreadable) else f"a {type(data).__name__}"
        raise InputError.single(source, "", f"the top level must be a mapping of keys, not {kind}")
    refused = list(_unreadable(data, ()))
    if refused:
        raise InputError(source, [Problem(field_path(loc, data), message)
                                  for loc, message in refused])
    return data


def read_yaml_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML file holding one mapping; raise InputError with the file name otherwise."""
    return parse_yaml_text(read_text_file(path, MAX_FILE_BYTES), str(path))
