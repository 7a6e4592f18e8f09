import pytest

from kpi_lib.loading import load_dataset


@pytest.fixture(scope="session")
def dataset():
    return load_dataset()
