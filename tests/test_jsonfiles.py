"""JSON records written column by column are the very bytes orjson writes for a list of dicts, on random tables."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.publish.jsonfiles import json_cells, with_records
from test_csvfiles import FUZZ, frames

OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def _orjson(head: dict, frame: pd.DataFrame, positions: np.ndarray) -> bytes:
    """The file as orjson writes it from a dict a row, missing values (NaN, None) as null."""
    rows = frame.iloc[positions].astype(object).where(frame.iloc[positions].notna(), None)
    return orjson.dumps({**head, "observations": rows.to_dict("records")}, option=OPTIONS)


def _ours(head: dict, frame: pd.DataFrame, positions: np.ndarray) -> bytes:
    written = orjson.dumps({**head, "observations": []}, option=OPTIONS)
    columns = [json_cells(frame[name]) for name in frame.columns]
    return b"".join(with_records(written, list(frame.columns), columns, positions))


@FUZZ
@given(frame=frames(), data=st.data())
def test_the_records_at_given_positions_are_those_orjson_writes(frame, data):
    positions = np.array(data.draw(st.lists(st.integers(0, max(len(frame) - 1, 0)), max_size=len(frame))),
                         dtype=np.int64) if len(frame) else np.zeros(0, dtype=np.int64)
    head = {"indicator": {"id": "a", "limit": None}, "series": [{"score": 1.5}]}
    assert _ours(head, frame, positions) == _orjson(head, frame, positions)


def test_numbers_and_texts_are_written_as_orjson_writes_them():
    frame = pd.DataFrame({
        "period": pd.Categorical(["2015", "2016", None, "2015"]),
        "note": pd.Categorical(['a "quoted"\nnote', None, "é ∑ \u2028", "\x01"]),
        "value": [-0.0, 8.3e-05, np.nan, 1e16],
    })
    positions = np.array([3, 0, 2, 1, 1])
    assert _ours({}, frame, positions) == _orjson({}, frame, positions)
    assert b'"value": -0.0' in _ours({}, frame, positions)


def test_no_rows_leave_the_list_empty_and_no_columns_give_empty_records():
    frame = pd.DataFrame({"value": [1.0, 2.0]})
    assert _ours({"a": 1}, frame, np.zeros(0, dtype=np.int64)) == b'{\n  "a": 1,\n  "observations": []\n}\n'
    written = orjson.dumps({"observations": []}, option=OPTIONS)
    assert b"".join(with_records(written, [], [], np.array([0, 1]))) == \
        orjson.dumps({"observations": [{}, {}]}, option=OPTIONS)


def test_an_object_whose_last_value_is_not_an_empty_list_is_refused():
    with pytest.raises(ValueError, match="not an empty list"):
        list(with_records(orjson.dumps({"observations": [1]}, option=OPTIONS), ["value"],
                          [json_cells(pd.Series([1.0]))], np.array([0])))
