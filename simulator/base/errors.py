"""The one error type a user ever sees: a bad input file, with every problem in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is (a field path or a row) and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(Exception):
    """A plan, team or CSV file that cannot be used, with every problem found in it.

    The faces print `str(error)`: one line per problem, each starting with the file name.
    """

    def __init__(self, source: str, problems: Iterable[Problem]):
        self.source = source
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {p}" for p in self.problems)

    @classmethod
    def single(cls, source: str, where: str, message: str) -> InputError:
        """An error with one problem."""
        return cls(source, [Problem(where, message)])
