"""What each engine needs on this machine, checked before a run reads any source."""

from __future__ import annotations

import importlib.util
import os
import shutil

from orchestration.settings import Settings

SPARK_MODULES = ("pyspark", "dbt.adapters.spark")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def engine_problem(settings: Settings) -> str | None:
    """Why the settings' engine cannot run here, or None when it can."""
    if settings.engine != "spark":
        return None
    missing = [module for module in SPARK_MODULES if not _installed(module)]
    if missing:
        return (
            f"SALES_TARGETS_ENGINE=spark needs {', '.join(missing)} (the `spark` extra): "
            "`SALES_TARGETS_ENGINE=spark make demo` installs it, or "
            "`pip install -c constraints.txt -e '.[spark]'`"
        )
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.isdir(java_home)):
        return (
            "SALES_TARGETS_ENGINE=spark needs Java 17 on PATH or in JAVA_HOME "
            "(Debian: `apt-get install openjdk-17-jre-headless`)"
        )
    return None
