"""CSV files written column by column: the bytes `DataFrame.to_csv` writes, in a small part of its time.

pandas formats and quotes every cell of a table in Python, one row at a time: the UK's observations, 157,000 rows
of 187 columns that are blank almost everywhere, took seconds. Here each column's distinct values are formatted
and quoted once (a `Column`: distinct cells and a code a row) and pyarrow joins the cells into rows.
`tests/test_csvfiles.py` holds the bytes to pandas' on random tables.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.load.cells import Column

# Numbers as the partners wrote them: 86 stays 86, not 86.0; 15 significant digits round-trip any decimal they wrote.
FLOAT_FORMAT = "%.15g"
# The only characters for which the csv module (so pandas) quotes a cell; which of them it quotes depends on
# Python's version ("\r" only from 3.12), so a cell holding one is quoted by the csv module itself.
_MAYBE_QUOTED = re.compile('[,"\r\n]')
# Rows joined at a time. Few enough that most of a national table's dimension columns are blank in a whole
# block, and the block's cells, one text each, are small; enough that pyarrow's work per call is worth it.
BLOCK_ROWS = 1024
_NOTHING = pa.scalar("", pa.large_string())


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\\n")`, encoded as UTF-8."""
    return join_rows([str(name) for name in frame.columns], [cells(frame[name]) for name in frame.columns])


def cells(values: pd.Series, text: Callable[[str], str] | None = None) -> Column:
    """The column's cells as `to_csv` writes them: numbers by FLOAT_FORMAT, a missing value blank, text quoted.

    `text`, when given, rewrites each text of a column that is not numeric before it is quoted.
    """
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
        numbers = values.to_numpy(dtype="float64")
        # By their bits, not their values: -0.0 equals 0.0 but is written "-0".
        codes, distinct = pd.factorize(numbers.view("int64"))
        codes[np.isnan(numbers)] = -1
        written = [FLOAT_FORMAT % number for number in distinct.view("float64").tolist()]  # never quoted
    else:
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, distinct = values.cat.codes.to_numpy(), values.cat.categories
        elif values.dtype == object:
            # By their text: distinct values can be equal (1, 1.0 and True) and yet be written differently.
            absent = values.isna().to_numpy()
            as_text = [None if gone else value if isinstance(value, str) else str(value)
                       for value, gone in zip(values.tolist(), absent.tolist())]
            codes, distinct = pd.factorize(np.array(as_text, dtype=object), use_na_sentinel=True)
        else:
            codes, distinct = pd.factorize(values, use_na_sentinel=True)
        texts = [value if isinstance(value, str) else str(value) for value in distinct.tolist()]
        if text is not None and not pd.api.types.is_numeric_dtype(values.dtype):
            texts = [text(value) for value in texts]
        written = [_quoted(value) for value in texts]
    missing = codes < 0
    if missing.any():  # code -1, a missing value, takes the blank appended last
        codes = np.where(missing, len(written), codes)
    # Codes no wider than the texts need: a national table's columns' codes were 8 bytes a cell.
    return Column(pa.array([*written, ""], pa.large_string()), codes.astype(np.min_scalar_type(len(written))))


def join_rows(header: list[str], columns: list[Column], positions: np.ndarray | None = None) -> bytes:
    """The header and the rows at `positions` (every row when None) of `columns`, as CSV."""
    return b"".join(iter_rows(header, columns, positions))


def iter_rows(header: list[str], columns: list[Column],
              positions: np.ndarray | None = None) -> Iterator[bytes | memoryview]:
    """`join_rows` a block of rows at a time, for a file too large to hold whole (the observations of a national
    initiative)."""
    if len(columns) == 1:  # the csv module quotes a row's only cell when blank: else the row is an empty line
        columns = [Column(pc.if_else(columns[0].blank_values, '""', columns[0].values), columns[0].codes)]
    codes = [column.codes if positions is None else column.codes[positions] for column in columns]
    starts = np.arange(0, len(codes[0]), BLOCK_ROWS)
    # Which blocks of rows are blank in each column, in one pass a column.
    blank_blocks = [np.logical_and.reduceat(column.blank_values[rows], starts) if len(starts) else []
                    for column, rows in zip(columns, codes)]
    yield (",".join(map(_quoted, header)) or '""').encode("utf-8") + b"\n"
    for block_number, start in enumerate(starts.tolist()):
        block = slice(start, start + BLOCK_ROWS)
        # A column blank on every row of the block is written as its comma alone: a national table's rows are
        # each blank in all but a few of its ~180 dimension columns.
        pieces: list = []
        between = ""
        for number, (column, rows, blank) in enumerate(zip(columns, codes, blank_blocks)):
            if number == 0 or not blank[block_number]:
                pieces += [pa.scalar(between, pa.large_string()), column.values.take(rows[block])]
                between = ""
            between += "," if number < len(columns) - 1 else "\n"
        lines = pc.binary_join_element_wise(*pieces, pa.scalar(between, pa.large_string()), _NOTHING)
        yield text_bytes(lines)


def text_bytes(texts: pa.LargeStringArray) -> memoryview:
    """The texts one after another, as pyarrow holds them."""
    _, offsets, data = texts.buffers()
    first, last = np.frombuffer(offsets, dtype=np.int64)[[texts.offset, texts.offset + len(texts)]]
    return memoryview(data)[first:last]


def _quoted(text: str) -> str:
    if not _MAYBE_QUOTED.search(text):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]  # the cell, without the blank cell after it and the line's end
