"""Writers: every raw table to ``<out>/<table>.csv`` or ``.parquet``, appended chunk after chunk.

CSV: header row, UTF-8, comma, ``"`` quoting only where a value needs it, empty = null, dates
``YYYY-MM-DD``, timestamps ``YYYY-MM-DDTHH:MM:SSZ``, booleans ``true``/``false``. Parquet: typed
columns (string, int64, decimal128, bool, date32, timestamp[us] in UTC without zone), except the
columns the caller asks to keep as text.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tools.generate_data.contract import ARROW_TYPES, TABLES

TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_text(arr: pa.Array, kind: str) -> pa.Array:
    """The CSV text form of a typed column (nulls stay null)."""
    if pa.types.is_dictionary(arr.type):
        return arr.dictionary_decode()
    if pa.types.is_string(arr.type):
        return arr
    if kind == "ts" or pa.types.is_timestamp(arr.type):
        return pc.strftime(pc.cast(arr, pa.timestamp("s")), format=TS_FORMAT)
    return pc.cast(arr, pa.string())


def csv_quote(arr: pa.Array) -> pa.Array:
    """Quote the values that contain a comma, a quote or a line break."""
    need = pc.match_substring_regex(arr, r'[",\r\n]')
    if not pc.any(need).as_py():
        return arr
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(need, quoted, arr)


def csv_text_column(arr: pa.Array, kind: str) -> pa.Array:
    if pa.types.is_dictionary(arr.type):
        dictionary = csv_quote(arr.dictionary)
        arr = pa.DictionaryArray.from_arrays(arr.indices, dictionary).dictionary_decode()
        return pc.fill_null(arr, "")
    text = to_text(arr, kind)
    if kind == "str":
        text = csv_quote(text)
    return pc.fill_null(text, "")


def csv_payload(batch: pa.RecordBatch, kinds: Sequence[str]) -> memoryview:
    """The bytes of a batch as CSV lines (no header)."""
    cols = [csv_text_column(batch.column(i), k) for i, k in enumerate(kinds)]
    lines = pc.binary_join_element_wise(*cols, ",") if len(cols) > 1 else cols[0]
    lines = pc.binary_join_element_wise(lines, "", "\n")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    offsets = offsets[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]


def parquet_schema(name: str, text_columns: set[tuple[str, str]]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c, pa.string() if (name, c) in text_columns else ARROW_TYPES[k])
            for c, k in TABLES[name]
        ]
    )


def parse_text(arr: pa.Array, kind: str, target: pa.DataType) -> pa.Array:
    """Typed values from CSV-style text (used for bad rows written to Parquet)."""
    if pa.types.is_string(target):
        return arr
    if kind == "ts":
        arr = pc.replace_substring_regex(arr, "Z$", "")
    return pc.cast(arr, target)


def to_parquet_column(arr: pa.Array, kind: str, target: pa.DataType, text: bool) -> pa.Array:
    if text:
        return parse_text(arr, kind, target)
    if pa.types.is_string(target):
        return to_text(arr, kind)
    return pc.cast(arr, target)


class Sink:
    """Writes every table to ``<out>/<table>.<format>``, appending chunk after chunk."""

    def __init__(self, out: Path, fmt: str, text_columns: set[tuple[str, str]]) -> None:
        self.out, self.fmt = out, fmt
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.files: dict[str, BinaryIO] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.schemas = {name: parquet_schema(name, text_columns) for name in TABLES}
        out.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            self._open(name)

    def _open(self, name: str) -> None:
        path = self.out / f"{name}.{self.fmt}"
        if self.fmt == "csv":
            handle = path.open("wb")
            handle.write((",".join(c for c, _ in TABLES[name]) + "\n").encode())
            self.files[name] = handle
        else:
            self.writers[name] = pq.ParquetWriter(
                path, self.schemas[name], compression="zstd", write_statistics=True
            )

    def write(self, name: str, table: pa.Table, text: bool = False) -> None:
        """Append rows; ``text`` marks a table of CSV-style strings (the bad rows)."""
        if table.num_rows == 0:
            return
        self.rows[name] += table.num_rows
        kinds = [k for _, k in TABLES[name]]
        if self.fmt == "csv":
            for batch in table.combine_chunks().to_batches():
                self.files[name].write(csv_payload(batch, kinds))
            return
        schema = self.schemas[name]
        cols = [
            to_parquet_column(table.column(i).combine_chunks(), k, schema.field(i).type, text)
            for i, k in enumerate(kinds)
        ]
        self.writers[name].write_table(pa.table(cols, schema=schema))

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        for writer in self.writers.values():
            writer.close()
