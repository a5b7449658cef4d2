"""JSON lists of records written column by column: the bytes orjson writes for a list of dicts, indented by two.

A national initiative's per-indicator JSON files hold five million observations. Making a dict of each row for
orjson took most of their time; here each column's distinct values are written once (a `Column`: distinct JSON
texts and a code a row) and pyarrow joins them into records, as `csvfiles` does for CSV.
`tests/test_jsonfiles.py` holds the bytes to orjson's on random tables.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.load.cells import Column
from generator.publish.csvfiles import text_bytes

_NOTHING = pa.scalar("", pa.large_string())
# A record of a list that is the value of a key of the top object: orjson's OPT_INDENT_2 puts it four spaces in.
_RECORD_INDENT, _FIELD_INDENT = "\n    ", "\n      "
_BETWEEN_RECORDS = "," + _RECORD_INDENT


def json_cells(values: pd.Series) -> Column:
    """The column's values as orjson writes them, a missing value (NaN, None) as null."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        texts = [orjson.dumps(value).decode("utf-8") for value in values.cat.categories.tolist()]
    elif isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
        numbers = values.to_numpy(dtype="float64")
        # By their bits: -0.0 equals 0.0 but is written "-0.0". A list of numbers is written with commas only
        # between them, and every NaN as null.
        codes, distinct = pd.factorize(numbers.view("int64"))
        listed = orjson.dumps(distinct.view("float64").tolist())[1:-1]
        texts = listed.decode("ascii").split(",") if listed else []
    else:
        objects = values.to_numpy(dtype=object, na_value=None).tolist()
        codes = np.arange(len(objects))
        texts = [orjson.dumps(value).decode("utf-8") for value in objects]
    codes = np.where(codes < 0, len(texts), codes)  # code -1, a missing value, takes the null appended last
    return Column(pa.array([*texts, "null"], pa.large_string()), codes.astype(np.min_scalar_type(len(texts))))


def with_records(head: bytes, names: list[str], columns: list[Column],
                 positions: np.ndarray) -> Iterator[bytes | memoryview]:
    """`head`, an object orjson wrote (OPT_INDENT_2 | OPT_APPEND_NEWLINE) whose last value is an empty list, with
    that list holding a record of `names` for each row at `positions` of `columns`: in pieces to write one after
    another."""
    opened = last_list_opened(head)
    if len(positions) == 0:
        yield head
        return
    if names:
        pieces: list = []
        for number, (name, column) in enumerate(zip(names, columns)):
            key = ("{" if number == 0 else ",") + _FIELD_INDENT + orjson.dumps(name).decode("utf-8") + ": "
            pieces += [pa.scalar(key, pa.large_string()), column.values.take(column.codes[positions])]
        pieces.append(pa.scalar(_RECORD_INDENT + "}" + _BETWEEN_RECORDS, pa.large_string()))
        records = text_bytes(pc.binary_join_element_wise(*pieces, _NOTHING))
    else:
        records = memoryview((("{}" + _BETWEEN_RECORDS) * len(positions)).encode("ascii"))
    yield opened + _RECORD_INDENT.encode("ascii")
    yield records[:-len(_BETWEEN_RECORDS)]  # the last record has no record after it
    yield LAST_LIST_CLOSED


# What ends an object orjson wrote (OPT_INDENT_2 | OPT_APPEND_NEWLINE) whose last value is a list of items.
LAST_LIST_CLOSED = b"\n  ]\n}\n"


def last_list_opened(head: bytes) -> bytes:
    """`head`, an object orjson wrote (OPT_INDENT_2 | OPT_APPEND_NEWLINE) whose last value is an empty list, up to
    that list's `[`: its items, each on a line of its own four spaces in, and LAST_LIST_CLOSED follow."""
    if not head.endswith(b"[]\n}\n"):  # indented, an empty list is written `[]`, then the object's `}`
        raise ValueError("the object's last value is not an empty list")
    return head[:-len(b"]\n}\n")]
