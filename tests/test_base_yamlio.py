"""Safe YAML reading (simulator.base.yamlio): no code, no aliases, no duplicates, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.base.errors import InputError
from simulator.base.yamlio import MAX_FILE_BYTES, parse_yaml_text, read_yaml_file


def problem_of(text: str) -> str:
    """The one problem (without the source) of YAML text that must be refused."""
    with pytest.raises(InputError) as caught:
        parse_yaml_text(text, "f.yaml")
    [problem] = caught.value.problems
    assert caught.value.source == "f.yaml"
    assert str(caught.value) == f"f.yaml: {problem}"
    return str(problem)


def test_a_mapping_is_read_as_plain_data() -> None:
    data = parse_yaml_text("name: x\nweights: [0.5, 0.5]\nnested: {a: 1, b: null}\n", "f.yaml")
    assert data == {"name": "x", "weights": [0.5, 0.5], "nested": {"a": 1, "b": None}}


@pytest.mark.parametrize(("text", "message"), [
    ("", "file is empty"),
    ("# only a comment\n", "file is empty"),
    ("- a\n- b\n", "the top level must be a mapping of keys, not a list"),
    ("just text\n", "the top level must be a mapping of keys, not a str"),
    ("42\n", "the top level must be a mapping of keys, not a int"),
    ("name: [unclosed\nperiod: quarter\n", "invalid YAML"),
    ("name: a\n  period: b\n", "invalid YAML"),
    ("name: a\nname: b\n", "invalid YAML: duplicate key 'name'"),
    ("a: {x: 1, x: 2}\n", "invalid YAML: duplicate key 'x'"),
    ("a: &x 1\nb: *x\n", "anchors and aliases"),
    ("a: !!python/object/apply:os.system ['echo hacked']\n", "invalid YAML"),
    ("? [1, 2]\n: value\n", "a mapping key must be a plain value"),
])
def test_refused(text: str, message: str) -> None:
    assert message in problem_of(text)


def test_duplicate_keys_and_aliases_say_where() -> None:
    assert problem_of("name: a\nperiod: q\nname: b\n").startswith("line 3, column 1: ")
    # an anchor is refused where it is written, alias or not
    assert problem_of("a: &x 1\nb: *x\n").startswith("line 1, column 4: ")
    assert problem_of("a: &x 1\nb: 2\n").startswith("line 1, column 4: ")


def test_syntax_error_gives_line_and_column() -> None:
    problem = problem_of("name: x\nperiod: [quarter\npay: 1\n")
    assert problem.startswith("line ") and ", column " in problem


def test_billion_laughs_is_refused_at_the_first_alias() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert "aliases" in problem_of("\n".join(lines) + "\n")


def test_deep_nesting_is_an_input_error() -> None:
    assert "invalid YAML" in problem_of("a: " + "[" * 20000 + "]" * 20000 + "\n")


def test_size_limit(tmp_path: Path) -> None:
    text = "a: 1\n# " + "x" * MAX_FILE_BYTES + "\n"
    assert problem_of(text) == "file is larger than 1,000,000 bytes"
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_yaml_file(path)
    assert str(caught.value) == f"{path}: file is larger than 1,000,000 bytes"
    # just under the limit is fine; the limit counts bytes, not characters
    fits = "a: 1\n#" + "x" * (MAX_FILE_BYTES - 7) + "\n"
    assert len(fits.encode()) == MAX_FILE_BYTES
    assert parse_yaml_text(fits, "f.yaml") == {"a": 1}
    wide = "a: 1\n#" + "é" * (MAX_FILE_BYTES // 2) + "\n"  # two bytes a character
    assert problem_of(wide) == "file is larger than 1,000,000 bytes"


@pytest.mark.parametrize(("text", "value"), [
    ("6e4", 60_000.0), ("6E4", 60_000.0), ("1.5e3", 1_500.0), ("-2e-2", -0.02),
    ("+3e2", 300.0), ("6.0e+4", 60_000.0),
])
def test_exponent_forms_are_numbers(text: str, value: float) -> None:
    parsed = parse_yaml_text(f"x: {text}\n", "f.yaml")["x"]
    assert isinstance(parsed, float) and parsed == value


@pytest.mark.parametrize(("text", "value"), [
    ("'6e4'", "6e4"), ("60000", 60_000), ("e4", "e4"), ("6e", "6e"), ("1.2.3", "1.2.3"),
    ("yes", True),
])
def test_other_scalars_keep_their_yaml_types(text: str, value: object) -> None:
    parsed = parse_yaml_text(f"x: {text}\n", "f.yaml")["x"]
    assert parsed == value and type(parsed) is type(value)


def test_read_yaml_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_yaml_file(path)
    assert str(caught.value).startswith(f"{path}: line 2, column 1: invalid YAML: duplicate")
    path.write_bytes("\ufeffname: x\n".encode())  # a byte-order mark is dropped
    assert read_yaml_file(path) == {"name": "x"}


# --------------------------------------------------------------------------- numbers, tags


@pytest.mark.parametrize(("text", "value"), [
    ("60000", 60_000), ("-3", -3), ("0", 0), ("+7", 7), ("60_000", 60_000), ("0.5", 0.5),
    ("00.5", 0.5), ("1.", 1.0), (".5", 0.5), ("6e4", 60_000.0), ("1e400", float("inf")),
    ("2026-01-01", "2026-01-01"), ("1.2.3", "1.2.3"), ("~", None), ("null", None), ("", None),
    ("true", True), ("off", False), ("0x", "0x"), ("1:2:3:4x", "1:2:3:4x"),
    ("12345678901234567890", 12_345_678_901_234_567_890),
])
def test_plain_scalars_follow_the_core_schema(text: str, value: object) -> None:
    parsed = parse_yaml_text(f"x: {text}\n", "f.yaml")["x"]
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(("text", "message"), [
    ("060000", "'060000' has a leading zero, which YAML 1.1 reads as an octal number"),
    ("-007", "'-007' has a leading zero"),
    ("0o17", "'0o17' is a hexadecimal, octal or binary number"),
    ("0x1F", "'0x1F' is a hexadecimal, octal or binary number"),
    ("0b101", "'0b101' is a hexadecimal, octal or binary number"),
    ("1:00:00", "'1:00:00' is a base-60 number in YAML 1.1 (1:00:00 is read as 3,600)"),
    ("-1:30.5", "'-1:30.5' is a base-60 number"),
    ("1" + "0" * 400, "'1000000000000000000000000000000000000...' is too large a number "
     "(401 digits)"),
])
def test_numbers_yaml_11_would_misread_are_refused_at_their_field(text: str, message: str
                                                                 ) -> None:
    assert problem_of(f"pay:\n  base: {text}\n").startswith(f"pay.base: {message}")


def test_every_refused_number_is_reported_with_its_path() -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml_text("measures:\n  - {name: A, quota: 010}\n  - curve: [[01, 1:00]]\n"
                        "010: key\n", "f.yaml")
    problems = caught.value.problems
    assert [p.where for p in problems] == [
        "measures[1] (A).quota", "measures[2].curve[1][1]", "measures[2].curve[1][2]", ""]
    assert problems[-1].message.startswith("key '010' has a leading zero")


@pytest.mark.parametrize("text", [
    "x: !!int 12abc\n", "x: !!float abc\n", "x: !!bool maybe\n", "x: !!timestamp nope\n",
    "x: !!str 5\n", "x: ! 5\n", "x: !local 5\n", "x: !!binary aGk=\n", "x: !!set {a}\n",
    "x: !!omap [{a: 1}]\n", "? !!set {a}\n: 1\n", "x: !<tag:yaml.org,2002:int> 3\n",
])
def test_every_explicit_tag_is_refused_where_it_is_written(text: str) -> None:
    problem = problem_of(text)
    assert problem.startswith(("line 1, column ", "line 2, column ")), problem
    assert "invalid YAML: tags such as" in problem


def test_anchors_are_refused_with_or_without_an_alias() -> None:
    assert problem_of("a: &x [1]\n").startswith("line 1, column 4: invalid YAML: YAML anchors")
    assert problem_of("a: [1, &x 2]\n").startswith("line 1, column 8: ")
    assert problem_of("&x a: 1\n").startswith("line 1, column 1: ")


def test_one_document_and_bounded_nesting() -> None:
    assert problem_of("a: 1\n---\nb: 2\n") == ("line 2, column 1: invalid YAML: a file holds "
                                              "one YAML document, not several")
    assert problem_of("a: " + "[" * 40 + "]" * 40 + "\n") == (
        "line 1, column 35: invalid YAML: nested more than 32 levels deep")
    assert parse_yaml_text("a: " + "[" * 30 + "]" * 30 + "\n", "f.yaml")


def test_a_large_file_parses_quickly() -> None:
    """A valid plan padded to 990 KB parses in well under a second (it took 9 s)."""
    import time

    from conftest import PLANS_DIR
    text = (PLANS_DIR / "baseline.yaml").read_text(encoding="utf-8")
    text += "".join(f"# {'x' * 60} {i}\n" for i in range(14_500))
    assert 950_000 < len(text.encode()) < MAX_FILE_BYTES
    start = time.perf_counter()
    assert parse_yaml_text(text, "f.yaml")["name"] == "Baseline"
    assert time.perf_counter() - start < 2.0


def test_thirty_thousand_unknown_keys_print_fifty_one_lines_quickly(tmp_path: Path) -> None:
    import time

    from simulator.plan.spec import load_plan

    path = tmp_path / "keys.yaml"
    path.write_text("name: x\n" + "".join(f"k{i}: 1\n" for i in range(30_000)), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert time.perf_counter() - start < 5
    lines = str(caught.value).splitlines()
    assert len(lines) == 51 and lines[-1] == f"{path}: ... and 29,953 more problems"
