"""A survey table as one compressed file: numpy's .npz without pickled objects.

Text columns are stored as fixed-width unicode arrays and read back as object arrays of str, the
shape kesu.survey.io.read_table produces, so estimates from a stored wave see the same columns
as estimates from the uploaded file.  Column names travel in a separate array: a name such as
"权数/最终" would not survive as a member name of the zip archive.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import numpy as np

from kesu.survey.errors import SurveyError
from kesu.survey.io import Table

NAMES_KEY = "names"
ROWS_KEY = "row_numbers"


def encode_table(table: Table) -> bytes:
    arrays: dict[str, np.ndarray] = {
        NAMES_KEY: np.asarray(list(table), dtype=str),
        ROWS_KEY: np.asarray(table.row_numbers, dtype=np.int64),
    }
    for position, values in enumerate(table.values()):
        values = np.asarray(values)
        if values.dtype.kind == "O":
            values = np.asarray([str(value) for value in values.tolist()], dtype=str)
        arrays[f"c{position}"] = values
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def decode_table(data: bytes, source: str) -> Table:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            names = [str(name) for name in archive[NAMES_KEY]]
            row_numbers = archive[ROWS_KEY]
            columns = {}
            for position, name in enumerate(names):
                values = archive[f"c{position}"]
                columns[name] = values.astype(object) if values.dtype.kind == "U" else values
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise SurveyError(f"{source}：无法读取保存的调查数据（{exc}）",
                          f"{source}: the stored survey data cannot be read ({exc})") from None
    return Table(columns, source, row_numbers)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
