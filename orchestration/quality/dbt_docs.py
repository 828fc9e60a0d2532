"""dbt docs as one static page: `docs_dir/dbt/index.html`, openable straight from disk.

`dbt docs generate --static` embeds the manifest and catalog in `static_index.html`, so
no web server is needed. dbt writes into a temporary target and log folder: nothing
lands in the dbt project, and the published page is swapped in only when complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from orchestration.settings import Settings
from orchestration.transform.project import dbt_env
from orchestration.warehouse import warehouse_lock

STATIC_PAGE = "static_index.html"


def dbt_docs_dir(settings: Settings) -> Path:
    return settings.docs_dir / "dbt"


def generate_dbt_docs(settings: Settings, timeout_seconds: float = 600.0) -> Path:
    """Run `dbt docs generate --static`; return the path of the published index.html."""
    dbt = Path(sys.executable).with_name("dbt")
    destination = dbt_docs_dir(settings)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as scratch:
        command = [
            str(dbt), "docs", "generate", "--static",
            "--project-dir", str(settings.dbt_project_dir),
            "--profiles-dir", str(settings.dbt_project_dir),
            "--target-path", str(Path(scratch) / "target"),
            "--log-path", str(Path(scratch) / "logs"),
        ]  # fmt: skip
        # dbt-duckdb opens the warehouse read-write to read its catalog: be the one writer.
        with warehouse_lock(settings):
            result = subprocess.run(
                command,
                env={**os.environ, **dbt_env(settings)},
                capture_output=True,
                text=True,
                check=False,
                timeout=timeout_seconds,
            )
        page = Path(scratch) / "target" / STATIC_PAGE
        if result.returncode != 0 or not page.exists():
            raise RuntimeError(
                f"`dbt docs generate --static` failed for {settings.dbt_project_dir} "
                f"(exit {result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        staged = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
        staged.mkdir()
        shutil.copyfile(page, staged / "index.html")
    retired = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.old")
    if destination.exists():
        os.replace(destination, retired)
    os.replace(staged, destination)
    shutil.rmtree(retired, ignore_errors=True)
    return destination / "index.html"
