"""The one error type a user ever sees: a bad input file, with every problem in it.

Messages echo what users wrote (file names, keys, names, cells), so every part of a
message is made printable here (`printable`): a newline in a name cannot forge another
`FILE: field: problem` line, and a terminal escape code is shown, not run. A file with
many problems prints at most MAX_PROBLEMS of them and then how many more there are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_PROBLEMS = 50
"""Problems printed per file; the rest are counted ("... and 12 more problems")."""

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")
"""Characters that reorder text on screen ("Trojan source"): shown escaped, never raw."""


def is_control(char: str) -> bool:
    """True for a character a terminal or a text field acts on instead of showing.

    Control characters (C0, DEL, C1: newlines, tabs, escape codes), surrogates and the
    bidirectional overrides.
    """
    return char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs")


def printable(text: str) -> str:
    r"""The text with every character that is not printable written as an escape.

    ``\n``, ``\x1b``, ``\u202e``: what `repr` writes for it. Printable text is unchanged.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is (a field path or a row) and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return printable(text)


class ProblemList(list[Problem]):
    """A list of problems that keeps the first MAX_PROBLEMS and counts the rest (`more`).

    A file with a million bad rows then costs fifty problems of memory, not a million.
    """

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def append(self, problem: Problem) -> None:  # noqa: D102 - list.append
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:  # noqa: D102 - list.extend
        for problem in problems:
            self.append(problem)


class InputError(Exception):
    """A plan, team or CSV file that cannot be used, with every problem found in it.

    The faces print `str(error)`: one line per problem, each starting with the file name.
    `problems` keeps the first MAX_PROBLEMS and then one that counts the rest.
    """

    def __init__(self, source: str, problems: Iterable[Problem], more: int = 0):
        self.source = source
        found = tuple(problems)
        extra = len(found) - MAX_PROBLEMS + more  # more: problems found but not kept
        if extra > 0:
            found = (*found[:MAX_PROBLEMS], Problem("", f"... and {extra:,} more problems"))
        self.problems = found
        super().__init__(str(self))

    def __str__(self) -> str:
        source = printable(self.source)
        return "\n".join(f"{source}: {p}" for p in self.problems)

    @classmethod
    def single(cls, source: str, where: str, message: str) -> InputError:
        """An error with one problem."""
        return cls(source, [Problem(where, message)])

    def moved(self, source: str, prefix: str) -> InputError:
        """The same problems told of another file, each path prefixed (``fitted team ...``).

        For a spec built from a file rather than read from one: a team fitted to a
        history whose values fall outside a team's bounds is the history's problem.
        """
        return InputError(source, [Problem(f"{prefix} {p.where}".strip(), p.message)
                                   for p in self.problems])
