"""A Dataset is a self-contained snapshot: its tables as declared fields, its scheme parsed once."""

import dataclasses
import json
import shutil
import tomllib

import pandas as pd
import pytest

from kpi_lib.analysis.grading import evaluate
from kpi_lib.core.resources import DATA_DIR, SCHEME_DIR
from kpi_lib.dataset.loading import Dataset, load_dataset
from kpi_lib.dataset.schema import TABLES
from kpi_lib.dataset.scheme import Scheme, load_scheme, scheme_for


@pytest.fixture
def own_scheme_data(tmp_path):
    """The shipped data naming a scheme file of its own (a copy of the shipped scheme)."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    scheme = json.loads((data / "metadata.json").read_text(encoding="utf-8"))["scheme"]
    shutil.copy(SCHEME_DIR / f"{scheme}.toml", data / "own.toml")
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    (data / "metadata.json").write_text(json.dumps({**meta, "scheme": "own.toml"}), encoding="utf-8")
    return data


def test_the_tables_are_declared_fields_in_the_order_of_the_schema(dataset):
    fields = [f.name for f in dataclasses.fields(Dataset) if f.type == "pd.DataFrame"]
    assert fields == list(TABLES)
    assert list(dataset.tables) == list(TABLES)
    for name in TABLES:
        assert isinstance(getattr(dataset, name), pd.DataFrame)
        assert dataset.tables[name] is getattr(dataset, name)


def test_loading_parses_the_scheme_file_once(own_scheme_data, monkeypatch):
    parsed = []
    real = tomllib.loads

    def counting(text, **kw):
        parsed.append(text)
        return real(text, **kw)

    monkeypatch.setattr(tomllib, "loads", counting)
    ds = load_dataset(own_scheme_data)
    assert len(parsed) == 1
    # and using it parses nothing more
    assert isinstance(ds.scheme, Scheme) and scheme_for(ds) is ds.scheme
    evaluate(ds, 2018)
    assert len(parsed) == 1


def test_the_scheme_stays_as_loaded_when_the_file_changes(own_scheme_data):
    ds = load_dataset(own_scheme_data)
    before = evaluate(ds, 2018)
    path = own_scheme_data / "own.toml"
    original = path.read_text(encoding="utf-8")
    assert "rate_below = 80\n" in original
    path.write_text(original.replace("rate_below = 80\n", "rate_below = 99\n"), encoding="utf-8")
    assert load_scheme(path).bands[0].rate_below == 99  # the file did change
    assert ds.scheme.bands[0].rate_below == 80 and scheme_for(ds) is ds.scheme
    pd.testing.assert_frame_equal(evaluate(ds, 2018), before)
    # a fresh load sees the new file: more B grades under the stricter band
    after = evaluate(load_dataset(own_scheme_data), 2018)
    assert (after["grade"] == "B").sum() > (before["grade"] == "B").sum()


def test_a_scheme_given_explicitly_still_wins(dataset):
    assert scheme_for(dataset, "expected_path").name == "expected_path"
    other = load_scheme("milestone_improvement")
    assert scheme_for(dataset, other) is other
    assert scheme_for(dataset).name == dataset.scheme_name
