"""Strict CSV reading (simulator.base.csvfile): numbers, shapes, every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from simulator.base.csvfile import MAX_PROBLEMS, CsvRows, parse_number, read_text, text_problem
from simulator.base.errors import InputError

# --------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(("text", "value"), [
    ("1000", 1000.0), ("1,000", 1000.0), ("1,000.50", 1000.5), ("-1,000", -1000.0),
    ("1,234,567.891", 1234567.891), (" 250.5 ", 250.5), ("+12", 12.0), ("0.", 0.0),
    (".5", 0.5), ("+.5", 0.5), ("1e5", 1e5), ("1.5e3", 1500.0), ("-.5e-2", -0.005),
    ("1.e5", 1e5),
])
def test_plain_numbers_are_read(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "", " ", "1,5", "1,2,3", "1234,567", ",100", "100,", "1_000", "nan", "inf", "-inf",
    "1.2.3", "12k", "1 000", "e5", "-e5", ".", "-", "+", "١٢", "１２", "1e400", "0x10", "€5",
])
def test_anything_else_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", [".e5", "-.e5", "+.E1"])
def test_a_bare_dot_with_an_exponent_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["0,250", "00,500", "-0,125"])
def test_a_decimal_comma_after_zero_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=15)


@settings(max_examples=150)
@given(sign=st.sampled_from(["", "-", "+"]), whole=DIGITS | st.just(""),
       fraction=st.none() | DIGITS | st.just(""))
def test_plain_decimals_read_as_float_reads_them(sign: str, whole: str,
                                                 fraction: str | None) -> None:
    text = sign + whole + ("" if fraction is None else "." + fraction)
    assume(any(c.isdigit() for c in text))
    assert parse_number(text) == float(text)


@settings(max_examples=200)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_written_by_python_reads_back(value: float) -> None:
    assert parse_number(repr(value)) == value
    assert parse_number(f"{value:,.2f}") == float(f"{value:.2f}")


@settings(max_examples=150)
@given(whole=st.integers(0, 999_999),
       decimals=st.text(alphabet="0123456789", min_size=1, max_size=6).filter(
           lambda d: len(d) != 3))
def test_decimal_commas_are_refused(whole: int, decimals: str) -> None:
    """"1,5" or "3,1416" would otherwise be read as 15 or 31,416."""
    assert parse_number(f"{whole},{decimals}") is None
    assert parse_number(f"{whole:,},{decimals}") is None


@settings(max_examples=300)
@given(st.text(alphabet="0123456789,.eE+- _", max_size=12))
@example("1,000.5e2")
def test_a_number_or_none_and_never_an_error(text: str) -> None:
    value = parse_number(text)
    if value is not None:
        assert value == float(text.strip().replace(",", ""))
        assert abs(value) < float("inf")


# --------------------------------------------------------------------------- CsvRows


def rows_of(text: str, **options: object) -> tuple[list[tuple[int, dict[str, str]]], CsvRows]:
    reader = CsvRows(text, "f.csv", required=("rep_id", "actual"),
                     optional=("note",), **options)  # type: ignore[arg-type]
    return list(reader), reader


def test_rows_map_known_columns_by_header_whatever_the_order() -> None:
    rows, reader = rows_of("\ufeffextra, actual ,rep_id,note\nx,5,R1,hi\n\n,,,\ny,6,R2,\n")
    assert rows == [(2, {"actual": "5", "rep_id": "R1", "note": "hi"}),
                    (5, {"actual": "6", "rep_id": "R2", "note": ""})]
    assert reader.problems == []
    reader.raise_if_problems()  # nothing to raise


def test_optional_columns_may_be_missing_and_headers_may_be_lowercased() -> None:
    rows, _ = rows_of("REP_ID,Actual\nR1,5\n", lowercase_header=True)
    assert rows == [(2, {"rep_id": "R1", "actual": "5"})]


def test_missing_columns_are_named_with_what_is_needed() -> None:
    with pytest.raises(InputError) as caught:
        rows_of("rep_id,value\nR1,5\n", need="rep_id,actual[,note]")
    assert str(caught.value) == (
        "f.csv: line 1: missing column(s): actual (need rep_id,actual[,note])")


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_file_with_another_separator_gets_a_hint(separator: str) -> None:
    with pytest.raises(InputError) as caught:
        rows_of(f"rep_id{separator}actual\nR1{separator}5\n")
    assert "missing column(s): rep_id, actual" in str(caught.value)
    assert "separate columns with ';' or tabs" in str(caught.value)


@pytest.mark.parametrize("text", ["", "  \n", "\ufeff"])
def test_an_empty_file(text: str) -> None:
    with pytest.raises(InputError) as caught:
        rows_of(text)
    assert str(caught.value) == "f.csv: file is empty"


def test_rows_of_the_wrong_shape_become_problems_with_their_line() -> None:
    rows, reader = rows_of("rep_id,actual\nR1,5\nR2\nR3,1,000\nR4,7,\nR5,8\n")
    assert [line for line, _ in rows] == [2, 5, 6]  # a trailing empty cell is fine
    assert [str(p) for p in reader.problems] == [
        "line 3: has 1 fields, the header has 2",
        "line 4: has 3 fields, the header has 2 (put numbers with commas in quotes)",
    ]
    with pytest.raises(InputError) as caught:
        reader.raise_if_problems()
    assert str(caught.value).splitlines()[0] == "f.csv: line 3: has 1 fields, the header has 2"


def test_the_problem_list_is_bounded() -> None:
    text = "rep_id,actual\n" + "R\n" * (MAX_PROBLEMS + 7)
    _, reader = rows_of(text)
    with pytest.raises(InputError) as caught:
        reader.raise_if_problems()
    lines = str(caught.value).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == "f.csv: ... and 7 more problems"


def test_malformed_csv_names_the_line() -> None:
    huge = "x" * 200_000  # past the csv module's field size limit
    with pytest.raises(InputError) as caught:
        rows_of(f"rep_id,actual\nR1,5\nR2,{huge}\n")
    assert str(caught.value).startswith("f.csv: line 3: not valid CSV: field larger than")


def test_read_text_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"rep_id\n\xff\n")
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert str(caught.value) == f"{path}: file is not UTF-8 text"


# --------------------------------------------------------------------------- hardening


def test_line_numbers_are_physical_lines() -> None:
    """A quoted cell with line breaks counts its lines, so later rows keep their numbers."""
    rows, _ = rows_of('rep_id,actual\n"R\n1\n",5\nR2,6\n\r\nR3,7\r\n')
    assert [line for line, _ in rows] == [2, 5, 7]
    rows, reader = rows_of('"rep\nid",rep_id,actual\nx,R1,5\nx\n')
    assert [line for line, _ in rows] == [3]
    assert [str(p) for p in reader.problems] == ["line 4: has 1 fields, the header has 3"]


@pytest.mark.parametrize("header", ["rep_id,actual,actual", "rep_id,actual, actual ",
                                    "rep_id,actual,note,note"])
def test_a_known_column_twice_is_refused(header: str) -> None:
    with pytest.raises(InputError) as caught:
        rows_of(header + "\nR1,5,6,7\n")
    assert "appears 2 times in the header (keep one)" in str(caught.value)
    rows, _ = rows_of("rep_id,actual,extra,extra\nR1,5,a,b\n")  # unknown columns may repeat
    assert rows == [(2, {"rep_id": "R1", "actual": "5"})]


def test_text_cells_with_control_characters_are_named() -> None:
    assert text_problem("rep_id", "R1") is None
    assert text_problem("rep_id", "R\x1b[31m1") == (
        "rep_id contains a control character ('\\x1b')")
    assert text_problem("measure", "A\nB") == "measure contains a control character ('\\n')"


def test_a_hundred_thousand_bad_rows_keep_fifty_problems() -> None:
    reader = CsvRows("rep_id,actual\n" + "R\n" * 100_000, "f.csv", ("rep_id", "actual"))
    list(reader)
    assert len(reader.problems) == MAX_PROBLEMS and reader.problems.more == 100_000 - 50
