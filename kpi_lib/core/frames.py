"""A table's rows as plain Python dicts, for code that reads them one by one.

DataFrame.to_dict("records") and .loc lookups box every value on every call: on the tables an
evaluation, an audit or a workbook walks row by row they took most of the time. These give the
same dicts (values as Python scalars, missing values as pandas gives them) column by column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype


def _column(frame: pd.DataFrame, name) -> list:
    column = frame[name]
    values = column.tolist()
    if column.dtype == object or isinstance(column.dtype, ExtensionDtype):  # boxed as to_dict boxes them
        values = [_native(v) for v in values]
    return values


def _native(value):
    """A value of an object or extension column as to_dict gives it: numpy's scalars as Python's,
    pandas' NA as None."""
    if value is pd.NA:
        return None
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    return value.item() if isinstance(value, np.generic) else value


def records(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"): one dict per row, in order."""
    columns = list(frame.columns)
    rows = zip(*(_column(frame, c) for c in columns)) if columns else ((),) * len(frame)
    return [dict(zip(columns, row)) for row in rows]


def records_by(frame: pd.DataFrame, key: str | list[str]) -> dict:
    """frame.set_index(key).to_dict("index"): {key: {column: value}} for each row (a key of several
    columns as a tuple), the key's columns left out of the values."""
    keys = [key] if isinstance(key, str) else list(key)
    columns = [c for c in frame.columns if c not in keys]
    # the keys as the index holds them (a missing one stays <NA>; one column: not a tuple)
    found = frame[keys[0]].tolist() if len(keys) == 1 else list(zip(*(frame[k].tolist() for k in keys)))
    rows = zip(*(_column(frame, c) for c in columns)) if columns else ((),) * len(frame)
    out = {k: dict(zip(columns, row)) for k, row in zip(found, rows)}
    if len(out) != len(frame):  # as pandas: a row may not hide another
        raise ValueError(f"records_by: the key {key!r} is not unique")
    return out
