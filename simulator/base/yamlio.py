"""Safe YAML reading for user files: no code, no aliases, no duplicate keys, bounded size."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from simulator.base.errors import InputError
from simulator.base.files import read_text_file

MAX_FILE_BYTES = 1_000_000


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (the alias-bomb vector) and duplicate mapping keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "YAML anchors and aliases (*name) are not allowed in plan and team files",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 (PyYAML) reads `6e4` as the text "6e4" because it wants a dot (`6.0e4`); users
# write money like that, so read a number in exponent form without a dot as a number too.
_StrictSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def parse_yaml_text(text: str, source: str) -> dict[str, Any]:
    """Parse YAML text that must hold one mapping; raise InputError naming `source` otherwise."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise InputError.single(source, "", f"file is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.single(source, where, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, "", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError.single(source, "", "invalid YAML: nested too deeply") from None
    if data is None:
        raise InputError.single(source, "", "file is empty")
    if not isinstance(data, dict):
        raise InputError.single(
            source, "", f"the top level must be a mapping of keys, not a {type(data).__name__}"
        )
    return data


def read_yaml_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML file holding one mapping; raise InputError with the file name otherwise."""
    return parse_yaml_text(read_text_file(path, MAX_FILE_BYTES), str(path))
