"""The layout the README describes: the wings import the core, never each other; the core imports
no wing except where everything is put together (the admin and the management commands)."""

import ast
from pathlib import Path

import measures

ROOT = Path(measures.__file__).parent
WINGS = ("public", "reporting", "exchange")
COMPOSITION = {"admin.py", "admin_support.py", "management"}


def _imported_wings(path: Path) -> set[str]:
    package = ".".join(("measures", *path.relative_to(ROOT).parent.parts))
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
                names = [f"{module}.{alias.name}" for alias in node.names]
            else:
                names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "measures" and parts[1] in WINGS:
                found.add(parts[1])
    return found


def _modules():
    return [path for path in ROOT.rglob("*.py") if "migrations" not in path.parts]


def test_the_wings_never_import_each_other():
    offenders = []
    for path in _modules():
        parts = path.relative_to(ROOT).parts
        if parts[0] in WINGS:
            others = _imported_wings(path) - {parts[0]}
            if others:
                offenders.append((str(path.relative_to(ROOT)), sorted(others)))
    assert offenders == []


def test_the_core_imports_a_wing_only_where_everything_is_put_together():
    offenders = []
    for path in _modules():
        parts = path.relative_to(ROOT).parts
        if parts[0] in WINGS or parts[0] in COMPOSITION:
            continue
        if _imported_wings(path):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_check_sees_a_forbidden_import(tmp_path, monkeypatch):
    """The counterpart: the checker finds a wing importing another one."""
    wing = tmp_path / "public"
    wing.mkdir()
    module = wing / "views.py"
    module.write_text("from ..reporting.workflow import can_publish\nfrom measures.exchange import export\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _imported_wings(module) == {"reporting", "exchange"}


def test_no_module_is_longer_than_400_lines_except_the_models():
    long = {
        str(path.relative_to(ROOT)): length
        for path in _modules()
        if path.name != "models.py" and (length := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
