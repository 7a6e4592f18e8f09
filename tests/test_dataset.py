"""A Dataset is a self-contained snapshot: its tables as declared fields, its scheme parsed once."""

import dataclasses
import json
import shutil
import tomllib

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

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
    # bytes no other test loads: a dataset loaded before from the same bytes is not parsed again
    with open(data / "own.toml", "a", encoding="utf-8") as f:
        f.write(f"# {tmp_path}\n")
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


# --- loading the same bytes again ---------------------------------------------------------------
# Invariant: load_dataset(folder) equals a first load of the folder's files as they are now (the
# validated datasets it keeps are keyed by those bytes), and what one caller does to its dataset
# changes no other's.


def _same(a: Dataset, b: Dataset) -> None:
    assert (a.data_dir, a.metadata, a.scheme, a.digest, a.warnings) == (
        b.data_dir,
        b.metadata,
        b.scheme,
        b.digest,
        b.warnings,
    )
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def _first_load(folder) -> Dataset:
    from kpi_lib.dataset.loading import _load  # the load itself, without the datasets kept

    return _load(folder)


@settings(max_examples=examples(20))
@given(edits=st.lists(st.sampled_from(["75.8", "76.0", "70.5", "未"]), min_size=1, max_size=4))
def test_every_load_is_of_the_files_as_they_are_now(tmp_path_factory, edits):
    # project 1's できれば今と同じ市町村に住んでいたいと考える人の割合, H30 75.8 in the source
    data = shutil.copytree(DATA_DIR, tmp_path_factory.mktemp("cache") / "data")
    actuals = data / "actuals.csv"
    original = actuals.read_text(encoding="utf-8")
    assert "wish_to_stay_rate,2018,75.8" in original
    for value in edits:
        actuals.write_text(
            original.replace("wish_to_stay_rate,2018,75.8", f"wish_to_stay_rate,2018,{value}"), encoding="utf-8"
        )
        loaded = load_dataset(data)
        _same(loaded, _first_load(data))
        row = loaded.actuals[(loaded.actuals["indicator"] == "wish_to_stay_rate") & (loaded.actuals["year"] == 2018)]
        assert row["actual_state"].item() == ("not_yet" if value == "未" else "value")


def test_a_caller_changing_its_dataset_changes_no_other_callers(tmp_path):
    data = shutil.copytree(DATA_DIR, tmp_path / "data")
    first = load_dataset(data)
    first.actuals.loc[:, "actual"] = 0.0
    first.indicators.loc[:, "name_ja"] = "changed"
    first.metadata["title_ja"] = "changed"
    first.metadata["period"]["first"] = 1900
    _same(load_dataset(data), _first_load(data))


def test_the_same_bytes_in_another_folder_are_that_folders_dataset(tmp_path):
    a = shutil.copytree(DATA_DIR, tmp_path / "a")
    b = shutil.copytree(DATA_DIR, tmp_path / "b")
    assert load_dataset(a).data_dir == a
    assert load_dataset(b).data_dir == b
    _same(load_dataset(b), _first_load(b))


@pytest.mark.parametrize("named", ["own.toml", "own.toml/", "./own.toml", "absolute"])
def test_a_scheme_file_edited_after_a_load_is_read_again_however_metadata_names_it(own_scheme_data, named):
    path = own_scheme_data / "own.toml"
    meta_path = own_scheme_data / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "scheme": str(path) if named == "absolute" else named}), encoding="utf-8")
    assert load_dataset(own_scheme_data).scheme.bands[0].rate_below == 80
    path.write_text(
        path.read_text(encoding="utf-8").replace("rate_below = 80\n", "rate_below = 99\n"), encoding="utf-8"
    )
    assert load_dataset(own_scheme_data).scheme.bands[0].rate_below == 99
    _same(load_dataset(own_scheme_data), _first_load(own_scheme_data))


def test_files_changed_while_they_are_read_are_not_kept_as_what_was_there_before(tmp_path, monkeypatch):
    """Another process (kpi import) rewrites the data while a notebook loads it: what that load read
    is not kept under the bytes the files held before."""
    from kpi_lib.dataset import loading

    data = shutil.copytree(DATA_DIR, tmp_path / "data")
    actuals = data / "actuals.csv"
    original = actuals.read_text(encoding="utf-8")
    assert "wish_to_stay_rate,2018,75.8" in original  # H30 75.8 in the source
    real = loading._load

    def load_while_written(root):
        actuals.write_text(original.replace("wish_to_stay_rate,2018,75.8", "wish_to_stay_rate,2018,70.5"), "utf-8")
        return real(root)

    monkeypatch.setattr(loading, "_load", load_while_written)
    load_dataset(data)
    monkeypatch.setattr(loading, "_load", real)
    actuals.write_text(original, encoding="utf-8")  # the bytes the first load's key was made of
    _same(load_dataset(data), _first_load(data))
