"""Large CSV files read by pyarrow, cut into exactly the records Python's csv module (and so frictionless) sees.

pyarrow reads a million rows in a fraction of a second where Python's csv module takes seconds, but the two
must agree on every cell, or the validator would report problems frictionless does not. They agree on how
quotes, doubled quotes, stray quotes and line breaks inside quoted values cut a file, with two exceptions,
both found by comparing them on random text, and both kept away here:

- a quote that opens in the last record and never closes: pyarrow drops the line break that ends the file from
  the record's text; such a file is not read here (`_scan` finds it);
- a quoted "\\r\\n" that straddles two of pyarrow's blocks loses its "\\n": the blocks are sized to split no
  "\\r\\n" at all (`_block_size`).

Everything else that differs between the two (an empty line is no cells for Python, blank cells for pyarrow)
means the same to frictionless, and `tests/test_validation_fast.py` keeps checking that the records agree.

A column is held as its distinct texts and one code a row (`Column`): a partner's file repeats a few indicators,
units, geographies, groups and periods a million times, so every check reads each distinct text once and the
answer reaches the rows by their codes. That is also what keeps a large file small in memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from generator.load.lines import FileLayout

# pyarrow reads a file in blocks of about this size. Above half a MiB the parser's own buffers (outside pyarrow's
# memory pool) leave the process some 40 MB larger, for no gain in speed.
BLOCK_BYTES = 1 << 19
# pandas' text dtype held by pyarrow, which `read_csv(dtype=str)` gives: later stages see one kind of column.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
_CODED_TEXT = pa.dictionary(pa.int32(), pa.large_string())
_SCAN_BYTES = 1 << 20
_QUOTE, _CELL_ENDS = ord('"'), frozenset(b",\r\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what splits the lines of a file opened with newline=""


def _memory_pool() -> pa.MemoryPool:
    """jemalloc where pyarrow has it: here it reads a large file in less time and memory than mimalloc."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return pa.default_memory_pool()


@dataclass(frozen=True)
class Column:
    """One column of text: each distinct text once (`values`), and for each row the position of its text there.

    `values` may hold a text no row has (the header's label, read with the rows and cut off): an answer reaches
    the rows only through `codes`, so it does no harm.
    """

    values: pa.Array  # large_string
    codes: np.ndarray  # one integer a row

    @classmethod
    def of_texts(cls, texts: pd.Series) -> Column:
        """A column pandas read; a cell pandas added to a short row (NaN) becomes a null text."""
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        return cls(pa.array(np.asarray(uniques, dtype=object), pa.large_string(), from_pandas=True), codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> str | None:
        return self.values[int(self.codes[row])].as_py()

    @cached_property
    def texts(self) -> np.ndarray:
        """`values` as Python strings, for the checks numpy or pyarrow cannot make."""
        return np.asarray(self.values.to_pylist(), dtype=object)

    def where(self, of_values) -> np.ndarray:
        """Each row's answer, from `of_values`: one answer (bool, number, …) for each of `values`."""
        return np.take(np.asarray(of_values), self.codes)

    def each(self, question: Callable[[str], object], dtype=None) -> np.ndarray:
        """`question` asked of each distinct text once; its answer for each row."""
        return self.where(np.array([question(text) for text in self.texts], dtype=dtype))

    def isin(self, choices: Iterable[str]) -> np.ndarray:
        """Which rows hold one of `choices`."""
        chosen = np.flatnonzero(pc.is_in(self.values, pa.array(list(choices), pa.large_string()))
                                .to_numpy(zero_copy_only=False))
        if len(chosen) == 1:  # the usual question (is it blank? is it suppressed?) costs a comparison a row
            return self.codes == chosen[0]
        answers = np.zeros(len(self.values), dtype=bool)
        answers[chosen] = True
        return self.where(answers)

    def equals(self, text: str) -> np.ndarray:
        return self.isin([text])

    @cached_property
    def blank_values(self) -> np.ndarray:
        """Which of `values` are blank."""
        return pc.equal(self.values, "").to_numpy(zero_copy_only=False)

    def arrow(self) -> pa.Array:
        """The column as one text a row."""
        return pa.DictionaryArray.from_arrays(pa.array(self.codes, pa.int32()), self.values).cast(pa.large_string())


@dataclass(frozen=True)
class TextTable:
    """The rows of a data file as the text the partner wrote, one Column per header name; row i is record i + 2.

    Names are pandas' for the header (a blank label is "Unnamed: 3", a repeated one "value.1"), stripped of spaces.
    """

    names: tuple[str, ...]
    columns: tuple[Column, ...]
    row_count: int

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> TextTable:
        return cls(tuple(str(name) for name in frame.columns),
                   tuple(Column.of_texts(frame.iloc[:, position]) for position in range(frame.shape[1])),
                   len(frame))

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def __getitem__(self, name: str) -> Column:
        return self.columns[self.names.index(name)]

    def column_number(self, name: str) -> int | None:
        return self.names.index(name) + 1 if name in self.names else None

    @cached_property
    def filled(self) -> np.ndarray:
        """Which rows have a cell that is not blank: a blank row is reported once, by frictionless, as blank-row."""
        filled = np.zeros(self.row_count, dtype=bool)
        for column in self.columns:
            filled |= ~column.equals("")
        return filled

    def frame(self) -> pd.DataFrame:
        """The table as pandas text columns, the way `packages._read_table` reads a file."""
        as_text = {pa.large_string(): TEXT}.get
        by_position = {position: column.arrow().to_pandas(types_mapper=as_text)
                       for position, column in enumerate(self.columns)}
        return pd.DataFrame(by_position, index=pd.RangeIndex(self.row_count)).set_axis(list(self.names), axis=1)


@dataclass(frozen=True)
class Cells:
    """The records of a CSV file, as text Columns, cut the way Python's csv module cuts them.

    Record 1 is the header. `columns` hold, in file order, every later record with as many cells as the header;
    the others (`odd`, with their cells) are those frictionless reports as rows with missing or extra cells.
    """

    header: list[str]
    columns: tuple[Column, ...]  # one per header cell
    row_count: int
    odd: tuple[tuple[int, list[str]], ...]  # (record number, cells)
    records: np.ndarray | None  # the record number of each row of `columns`; None when row i is record i + 2
    lines: int  # lines in the file, as a text file opened with newline="" splits them

    @property
    def record_count(self) -> int:
        return 1 + self.row_count + len(self.odd)

    def record_numbers(self) -> np.ndarray:
        if self.records is not None:
            return self.records
        return np.arange(2, self.row_count + 2)

    def row(self, position: int) -> list[str]:
        """The cells of one row of `columns`."""
        return [column[position] for column in self.columns]

    def table(self, path: Path) -> TextTable | None:
        """The rows as the rules read them, named as `packages._read_table` names the columns with pandas.

        The header is read by pandas itself, for its names of blank and repeated labels. None when a record has
        another number of cells than the header, which pandas pads, cuts or refuses by rules of its own.
        """
        if self.odd:
            return None
        names = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig", index_col=False, engine="c").columns
        if len(names) != len(self.columns):
            return None
        return TextTable(tuple(str(name).strip() for name in names), self.columns, self.row_count)


class CellsLayout(FileLayout):
    """FileLayout's lines and columns, worked out from the cells rather than by reading the file again.

    A record takes one line, and one more for each line break inside its quoted cells; when the file has no
    more lines than records, no cell holds a line break and record n starts on line n.
    """

    def __init__(self, path: Path, cells: Cells):
        super().__init__(path)
        self.cells = cells

    @cached_property
    def _starts(self) -> np.ndarray | None:
        """Where each record starts (index: record number); None when each record is one line."""
        cells = self.cells
        if cells.lines == cells.record_count:
            return None
        lines = np.ones(cells.record_count, dtype=np.int64)
        lines[0] += _line_breaks(cells.header)
        for number, odd in cells.odd:
            lines[number - 1] += _line_breaks(odd)
        inside_rows = cells.lines - int(lines.sum())  # the line breaks inside the cells of `columns`
        breaks = np.zeros(cells.row_count, dtype=np.int64)
        for column in cells.columns:
            if inside_rows <= 0:
                break
            in_values = pc.count_substring_regex(column.values, _LINE_BREAK.pattern).to_numpy()
            if in_values.any():
                here = column.where(in_values)
                breaks += here
                inside_rows -= int(here.sum())
        lines[cells.record_numbers() - 1] += breaks
        return np.concatenate([[0, 1], 1 + np.cumsum(lines)[:-1]])

    @cached_property
    def _header(self) -> list[str]:
        with self.path.open("rb") as file:
            byte_order_mark = file.read(3) == b"\xef\xbb\xbf"
        header = list(self.cells.header)
        if byte_order_mark and header:
            header[0] = "\ufeff" + header[0]  # FileLayout reads the mark as text, then strips it
        return [label.strip().lstrip("\ufeff") for label in header]

    def line(self, record_number: int | None) -> int | None:
        if record_number is None:
            return None
        if record_number > self.cells.record_count:
            return record_number
        return record_number if self._starts is None else int(self._starts[record_number])

    def column(self, field_name: str | None, fallback: int | None) -> int | None:
        if field_name and field_name in self._header:
            return self._header.index(field_name) + 1
        return fallback


def read_cells(path: Path, block_bytes: int = BLOCK_BYTES) -> Cells | None:
    """Every record of the file, cut exactly as Python's csv module cuts it; None when that cannot be promised.

    None for an empty file, bytes that are not UTF-8 (pyarrow checks), a header Python cannot read, or a quote
    that is still open at the end of the file.
    """
    size = path.stat().st_size
    if size == 0:
        return None
    ends_inside_quotes, lines = _scan(path, size)
    if ends_inside_quotes:
        return None
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file), None)
    except (UnicodeDecodeError, csv.Error):
        return None
    if not header:
        return None
    odd: list[tuple[int, str]] = []

    def keep_aside(row) -> str:
        odd.append((row.number, row.text))
        return "skip"

    names = [str(position) for position in range(len(header))]
    # The file is read a block at a time and each block's cells become codes at once, so that the text of the
    # whole file is never held: only the codes, and each block's distinct texts.
    coders = [_Coder() for _ in names]
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False,  # threads lose row numbers
                                            block_size=_block_size(path, size, block_bytes)),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=keep_aside),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, _CODED_TEXT),
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=_memory_pool(),
        )
        for batch in reader:
            for coder, chunk in zip(coders, batch.columns):
                coder.add(chunk)
    except (pa.ArrowInvalid, OSError):
        return None
    if odd and (odd[0][0] == 1 or any(number is None for number, _ in odd)):
        return None
    columns = tuple(coder.column(first_row=1) for coder in coders)  # pyarrow read the header as a row: cut off
    row_count = len(columns[0])
    if not odd:
        return Cells(header, columns, row_count, (), None, lines)
    numbers = np.array([number for number, _ in odd])
    records = np.setdiff1d(np.arange(1, row_count + len(odd) + 2), numbers, assume_unique=True)
    return Cells(header, columns, row_count, tuple((number, _cells(text)) for number, text in odd),
                 records[1:], lines)


class _Coder:
    """One Column, built a block at a time from each block's distinct texts and its rows' codes into them.

    The codes are kept in numpy's memory, not pyarrow's: small arrays kept between the blocks pyarrow frees would
    keep most of its freed memory from going back to the system.
    """

    def __init__(self):
        self.blocks: list[tuple[pa.Array, np.ndarray]] = []

    def add(self, chunk: pa.DictionaryArray) -> None:
        codes = chunk.indices.to_numpy(zero_copy_only=False)
        self.blocks.append((chunk.dictionary, codes.astype(_narrow(len(chunk.dictionary)))))

    def column(self, first_row: int) -> Column:
        """The rows from `first_row` on, their codes renumbered into the distinct texts of the whole column."""
        numbered = pa.concat_arrays([pa.array([], pa.large_string())] + [texts for texts, _ in self.blocks]
                                    ).dictionary_encode()
        renumber = numbered.indices.to_numpy(zero_copy_only=False).astype(_narrow(len(numbered.dictionary)))
        codes = np.empty(sum(len(block) for _, block in self.blocks), dtype=renumber.dtype)
        row = at = 0
        while self.blocks:  # each block's codes go as soon as they are renumbered
            texts, block = self.blocks.pop(0)
            np.take(renumber[at: at + len(texts)], block, out=codes[row: row + len(block)])
            row, at = row + len(block), at + len(texts)
        return Column(numbered.dictionary, codes[first_row:])


def _narrow(count: int) -> type:
    """The smallest integers that number `count` texts: most columns hold a few dozen, so a byte a row."""
    return next(dtype for dtype in (np.int8, np.int16, np.int32) if count <= np.iinfo(dtype).max + 1)


def _cells(text: str) -> list[str]:
    """The cells of one record, from its text without the line break that ends it."""
    return next(csv.reader(io.StringIO(text, newline="")), [])


def _line_breaks(cells: list[str]) -> int:
    return sum(len(_LINE_BREAK.findall(cell)) for cell in cells)


def _block_size(path: Path, size: int, block_bytes: int) -> int:
    """`block_bytes`, or the first size above it at which no block ends between a "\\r" and a "\\n"."""
    with path.open("rb") as file:
        for tried in range(block_bytes, block_bytes + 4096):
            for boundary in range(tried, size, tried):
                file.seek(boundary - 1)
                if file.read(2) == b"\r\n":
                    break
            else:
                return tried
    return block_bytes  # never seen: a file that is almost nothing but "\r\n"


def _scan(path: Path, size: int, chunk_bytes: int = _SCAN_BYTES) -> tuple[bool, int]:
    """Whether a quoted value is still open at the end of the file, and how many lines the file has.

    As Python's csv module reads quotes: a quote opens a value at the start of a cell (after a comma, a line
    break or the start of the file); inside the value, two quotes stand for one and a single quote closes it;
    any other quote is text. Usually every quote opens or closes a value, so that they alternate and their
    count answers; only when one does not are the quotes followed one by one (`_ends_inside_quotes_slowly`).
    """
    quotes = breaks = 0
    alternate = True
    cell_ends = np.array([ord(","), ord("\n"), ord("\r"), _QUOTE], dtype=np.uint8)
    with path.open("rb") as file:
        start = 3 if file.read(3) == b"\xef\xbb\xbf" else 0
        for offset in range(0, size, chunk_bytes):
            file.seek(max(offset - 1, 0))
            chunk = file.read(chunk_bytes + 2)  # with the byte before and the one after, where there are
            data = np.frombuffer(chunk, dtype=np.uint8)
            first = 1 if offset else 0  # data[first] is the byte at `offset`
            mine = data[first: first + chunk_bytes]
            breaks += np.count_nonzero(mine == 10)
            if b"\r" in chunk:  # a "\r" ends a line too, unless a "\n" follows and ends it
                follows = np.flatnonzero(mine == 13) + first + 1
                breaks += np.count_nonzero((follows == len(data)) | (data[np.minimum(follows, len(data) - 1)] != 10))
            if not alternate or b'"' not in chunk:
                continue
            found = np.flatnonzero(mine == _QUOTE) + first
            before = data[np.maximum(found - 1, 0)]  # the first byte of the file is a quote itself: it opens
            after = np.where(found + 1 < len(data), data[np.minimum(found + 1, len(data) - 1)], ord(","))
            opens = (np.arange(len(found)) + quotes) % 2 == 0
            at_start = found + offset - first == start
            alternate = bool(np.where(opens, np.isin(before, cell_ends) | at_start, np.isin(after, cell_ends)).all())
            quotes += len(found)
        file.seek(size - 1)
        lines = breaks + (file.read(1) not in (b"\n", b"\r"))  # a last line without a line break counts too
        if not alternate:
            return _ends_inside_quotes_slowly(file, size, start, chunk_bytes), lines
    return quotes % 2 == 1, lines


def _ends_inside_quotes_slowly(file, size: int, start: int, chunk_bytes: int) -> bool:
    inside = skip = False
    for offset in range(0, size, chunk_bytes):
        file.seek(max(offset - 1, 0))
        chunk = file.read(chunk_bytes + 2)
        first = 1 if offset else 0
        found = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8)[first: first + chunk_bytes] == _QUOTE) + first
        for at in found.tolist():
            if skip:
                skip = False
            elif inside:
                skip = chunk[at + 1: at + 2] == b'"'  # a doubled quote is one quote of text
                inside = skip
            else:
                inside = at + offset - first == start or (at > 0 and chunk[at - 1] in _CELL_ENDS)
    return inside
