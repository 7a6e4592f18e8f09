"""core.frames gives a table's rows as pandas' to_dict does: the same keys, values and types.

Invariant: records(frame) == frame.to_dict("records") and records_by(frame, key) ==
frame.set_index(key).to_dict("index") value for value (a missing value as pandas gives it, the
same Python type), for every table the library walks and for generated tables of every dtype.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd
from hypothesis_budget import examples

from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.core import resources
from kpi_lib.core.frames import records, records_by
from kpi_lib.dataset.loading import load_dataset


def same(a, b) -> bool:
    """Equal with the same type; NaN equals NaN (pandas gives float('nan') for a missing float)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a is b if a is pd.NA or a is None else a == b


def check(frame: pd.DataFrame, key) -> None:
    want = frame.to_dict("records")
    got = records(frame)
    assert len(got) == len(want) and all(same(g, w) for g, w in zip(got, want)), (got[:2], want[:2])
    if key is None:
        return
    if frame.duplicated(key).any():  # a row would hide another: refused, as pandas refuses it
        with pytest.raises(ValueError):
            frame.set_index(key).to_dict("index")
        with pytest.raises(ValueError):
            records_by(frame, key)
        return
    want_by = frame.set_index(key).to_dict("index")
    got_by = records_by(frame, key)
    assert list(got_by) == list(want_by)
    assert all(same(got_by[k], want_by[k]) for k in want_by)


@pytest.mark.parametrize("name", ["hokkaido", *sorted(resources.examples())])
def test_every_table_and_result_of_the_shipped_datasets(name):
    ds = load_dataset(f"example:{name}")
    for frame in ds.tables.values():
        check(frame, None)
    check(ds.indicators, "indicator")
    check(ds.published_rates, ["project", "indicator", "year"])
    graded = progress_table(ds)
    check(graded, ["indicator", "year"])
    for year in ds.years:
        check(evaluate(ds, year), ["project", "indicator"])


_columns = [
    hpd.column("i", dtype=np.int64),
    hpd.column("f", dtype=float),
    hpd.column("b", dtype=bool),
    hpd.column("s", elements=st.one_of(st.none(), st.text(max_size=3))),
    hpd.column("o", elements=st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=True), st.text(max_size=2))),
]


@settings(max_examples=examples(100))
@given(frame=hpd.data_frames(_columns, index=hpd.range_indexes(max_size=8)), nullable=st.booleans())
def test_generated_tables(frame, nullable):
    if nullable:  # pandas' nullable dtypes, as numbers.nullable makes them
        frame = frame.assign(i=frame["i"].astype("Int64").mask(frame["b"]), s=frame["s"].astype("string"))
    check(frame, None)
    check(frame, "i")
    check(frame, ["i"])  # one key column in a list: keys as the column holds them, as pandas gives them
    check(frame, ["i", "b"])
