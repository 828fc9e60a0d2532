"""Write the dbt YAML generated from the registry: `python -m models.registry.generate`.

`--check` writes nothing and exits 1 when a file is out of date (what the staleness test
asserts, without a subprocess).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.registry.dbt_yaml import models_yaml
from models.registry.marts import MART_FOLDERS
from models.registry.published import PUBLISHED_TABLES
from models.registry.staging import STAGING_FOLDERS

DBT_MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"


def generated_files(models_dir: Path = DBT_MODELS) -> dict[Path, str]:
    """Every generated file and the text it must hold: one per published table, one per
    staging and marts folder (`_<folder>__models.yml`)."""
    files = {
        models_dir / "reporting" / f"{table.name}.yml": models_yaml([table])
        for table in PUBLISHED_TABLES.values()
        if table.built_by_dbt
    }
    for layer, folders in (("staging", STAGING_FOLDERS), ("marts", MART_FOLDERS)):
        for folder, tables in folders.items():
            path = models_dir / layer / folder / f"_{folder}__models.yml"
            files[path] = models_yaml(list(tables))
    return files


def stale_files(models_dir: Path = DBT_MODELS) -> list[Path]:
    """Generated files whose text differs from what the registry generates."""
    return [
        path
        for path, text in generated_files(models_dir).items()
        if not path.exists() or path.read_text() != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"{path} is out of date: run python -m models.registry.generate")
        return 1 if stale else 0
    for path, text in generated_files().items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
