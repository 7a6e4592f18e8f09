"""One exceptions module, one base: every error kpi_lib raises for a user is a KpiError from
kpi_lib.core.errors, so a caller catches KpiError and nothing else."""

import importlib
import pkgutil

import kpi_lib
from kpi_lib.core import errors


def _kpi_lib_modules():
    yield kpi_lib
    for info in pkgutil.walk_packages(kpi_lib.__path__, "kpi_lib."):
        yield importlib.import_module(info.name)


def test_every_exception_class_is_a_kpi_error_defined_in_core_errors():
    defined = {
        (module.__name__, name)
        for module in _kpi_lib_modules()
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == module.__name__
    }
    assert {module for module, _ in defined} == {"kpi_lib.core.errors"}
    names = {name for _, name in defined}
    assert {"KpiError", "DataError", "InputFileError", "CellError", "ReportError", "PdfError"} <= names
    for name in names:
        assert issubclass(getattr(errors, name), errors.KpiError), name


def test_file_and_cell_errors_are_not_os_or_value_errors():
    # they used to be, which made callers catch (KpiError, CellError) and OSError for a user's file
    assert not issubclass(errors.InputFileError, OSError)
    assert not issubclass(errors.CellError, ValueError)
