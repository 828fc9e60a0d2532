"""Dependencies point one way: publish uses quality, quality never imports publish."""

import ast
from pathlib import Path

import orchestration.quality

QUALITY_DIR = Path(orchestration.quality.__file__).parent
FORBIDDEN = "orchestration.publish"


def imported_modules(source: str) -> set[str]:
    """Every module an `import` or `from ... import` names, anywhere in the source."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            # `from orchestration import publish` imports the package too
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_the_import_parser_sees_every_form_of_import():
    source = (
        "import orchestration.publish.store\n"
        "from orchestration import publish\n"
        "def late():\n    from orchestration.publish.reader import open_store_read_only\n"
    )
    found = {m for m in imported_modules(source) if m.startswith(FORBIDDEN)}
    assert found == {
        "orchestration.publish.store",
        "orchestration.publish",
        "orchestration.publish.reader",
        "orchestration.publish.reader.open_store_read_only",
    }


def test_no_quality_module_imports_publish():
    modules = sorted(QUALITY_DIR.rglob("*.py"))
    assert len(modules) >= 5
    offenders = {
        str(path.relative_to(QUALITY_DIR)): sorted(
            name
            for name in imported_modules(path.read_text())
            if name == FORBIDDEN or name.startswith(FORBIDDEN + ".")
        )
        for path in modules
    }
    assert {path: names for path, names in offenders.items() if names} == {}
