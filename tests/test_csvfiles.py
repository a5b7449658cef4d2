"""CSV files written column by column are the very bytes pandas' to_csv writes, on random tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.publish import csvfiles
from generator.publish.csvfiles import FLOAT_FORMAT, cells, csv_bytes, join_rows

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text as partners write it, and the characters that make the csv module quote a cell or a spreadsheet run it.
TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t=+-@\'é∑') + ["\u2028"]), max_size=6)
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([86.0, -0.0, 0.0, 1e-5, 1e16,
                                                                                     0.1 + 0.2, 123456789.125]))


@st.composite
def frames(draw) -> pd.DataFrame:
    rows = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(["category", "float", "text", "bool", "int", "mixed"]), min_size=1,
                          max_size=6))
    columns = {}
    for number, kind in enumerate(kinds):
        if kind == "float":
            values = pd.Series(draw(st.lists(NUMBERS, min_size=rows, max_size=rows)), dtype="float64")
        elif kind == "bool":
            values = pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
        elif kind == "int":
            values = pd.Series(draw(st.lists(st.integers(-10**12, 10**12), min_size=rows, max_size=rows)),
                               dtype="int64")
        elif kind == "mixed":
            values = pd.Series(draw(st.lists(st.one_of(st.none(), TEXT, st.floats(), st.booleans()),
                                             min_size=rows, max_size=rows)), dtype=object)
        else:
            texts = draw(st.lists(st.one_of(st.none(), TEXT), min_size=rows, max_size=rows))
            values = pd.Series(texts, dtype="category" if kind == "category" else object)
        columns[draw(TEXT.filter(lambda name: name not in columns))] = values
    return pd.DataFrame(columns)


def _pandas(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n").encode("utf-8")


@pytest.mark.parametrize("block_rows", [1, 3, 1024])
@FUZZ
@given(frame=frames())
def test_the_bytes_are_pandas_to_csv(frame, block_rows, monkeypatch):
    monkeypatch.setattr(csvfiles, "BLOCK_ROWS", block_rows)
    assert csv_bytes(frame) == _pandas(frame)


@FUZZ
@given(frame=frames(), data=st.data())
def test_the_rows_at_given_positions_are_those_rows_of_the_table(frame, data):
    positions = np.array(data.draw(st.lists(st.integers(0, max(len(frame) - 1, 0)), max_size=len(frame))),
                         dtype=np.int64) if len(frame) else np.zeros(0, dtype=np.int64)
    columns = [cells(frame[name]) for name in frame.columns]
    assert join_rows(list(frame.columns), columns, positions) == _pandas(frame.iloc[positions])


def test_a_wide_table_blank_almost_everywhere_is_written_as_pandas_writes_it(monkeypatch):
    # The shape of a national agenda's observations: a few columns filled, a different few on each run of rows.
    monkeypatch.setattr(csvfiles, "BLOCK_ROWS", 4)
    rows = 30
    frame = pd.DataFrame({f"dimension-{number}": pd.Categorical(
        ["" if row // 5 != number % 6 else f"group, {row % 3}" for row in range(rows)]) for number in range(40)})
    frame["value"] = np.where(np.arange(rows) % 7 == 0, np.nan, np.arange(rows) * 1.5)
    assert csv_bytes(frame) == _pandas(frame)


def test_text_is_rewritten_before_quoting_and_numbers_are_not():
    frame = pd.DataFrame({"note": pd.Categorical(["=1+1, so", "plain", None]), "value": [-1.0, 2.0, np.nan]})
    columns = [cells(frame["note"], text=lambda text: "'" + text if text.startswith("=") else text),
               cells(frame["value"], text=lambda text: "'" + text)]
    assert join_rows(["note", "value"], columns) == b"note,value\n\"'=1+1, so\",-1\nplain,2\n,\n"
