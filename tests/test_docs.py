"""Documentation that must stay in step with the code."""

import re
import tomllib
from pathlib import Path

from kpi_lib.dataset.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent


def test_data_readme_documents_every_column():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        section = readme.split(f"### `{table.file}`")[1].split("### ")[0]
        for column in table.column_names:
            assert f"| `{column}` |" in section, (table.file, column)


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    """environment.yml: python, pip, then the dependencies and each extra under a comment naming it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {None: dict(_pairs(project["dependencies"]))}
    wanted |= {extra: dict(_pairs(specs)) for extra, specs in project["optional-dependencies"].items()}
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    listed, section = {None: {}}, None
    for line in env.split("dependencies:", 1)[1].splitlines():
        if m := re.match(r'^\s+# extra "([a-z]+)"$', line):
            section = m[1]
            listed[section] = {}
        elif m := re.match(r"^\s+- ([A-Za-z0-9_.\-]+[^\n#:]*?)\s*(?:#.*)?$", line):
            listed[section].update(_pairs([m[1]]))
    assert listed[None].pop("python") == ">=3.11"
    listed[None].pop("pip")
    assert listed == wanted


def _pairs(specs):
    for spec in specs:
        spec = spec.strip()
        if spec.startswith("-e"):
            continue
        name = re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0]
        yield name.lower().replace("_", "-"), spec[len(name) :].replace(" ", "")


def test_readme_starts_with_the_two_commands():
    lines = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.strip()]
    commands = [line for line in lines[:8] if line.startswith("python3 tasks.py")]
    assert [c.split()[2] for c in commands[:2]] == ["report", "test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in ci
