"""The architecture's rules read straight from the source, independently of import-linter (which
`make lint` also runs): every package has a place in the layers, the pure cores and the ground floor
import nothing above them, the API writes only through the domain services, and no module is large."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "kesu"
PYPROJECT = SRC.parents[1] / "pyproject.toml"
PURE_CORES = {"plans", "survey"}
GROUND_FLOOR = {"org", "audit", "caching"}
MAX_LINES = 600
# ORM calls that write or lock. The API may make them only on its own token model (api/tokens.py).
WRITES = {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create",
          "update_or_create", "select_for_update", "atomic"}


def _modules(package: str):
    for path in sorted((SRC / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _packages() -> set[str]:
    return {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}


def _layers() -> list[set[str]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["id"] == "layers")
    return [{name.strip().removeprefix("kesu.") for name in layer.split("|")} for layer in contract["layers"]]


def test_every_package_has_a_place_in_the_layers():
    placed = set().union(*_layers())
    assert _packages() - placed == set(), "add new apps to [tool.importlinter] in pyproject.toml"
    assert placed - _packages() == set()


def test_the_pure_cores_import_neither_django_nor_other_kesu_packages():
    offences = []
    for core in PURE_CORES:
        for path in _modules(core):
            for name in _imported(path):
                top = name.split(".")
                if top[0] == "django" or (top[0] == "kesu" and len(top) > 1 and top[1] != core):
                    offences.append(f"{path.relative_to(SRC)} imports {name}")
    assert offences == []


def test_the_ground_floor_imports_nothing_above_it():
    allowed = GROUND_FLOOR | PURE_CORES
    offences = []
    for package in GROUND_FLOOR:
        for path in _modules(package):
            for name in _imported(path):
                parts = name.split(".")
                if parts[0] == "kesu" and len(parts) > 1 and parts[1] not in allowed:
                    offences.append(f"{path.relative_to(SRC)} imports {name}")
    assert offences == []


def test_the_api_writes_only_through_services():
    offences = []
    for path in _modules("api"):
        if path.name == "tokens.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                offences.append(f"{path.relative_to(SRC)}:{node.lineno} .{node.func.attr}()")
        if "django.db.transaction" in _imported(path):
            offences.append(f"{path.relative_to(SRC)} imports django.db.transaction")
    assert offences == []


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(SRC)): n
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
