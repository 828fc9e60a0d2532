"""dagster-dbt's `DbtCliResource`, with the dbt environment passed explicitly.

`DbtCliResource.cli` hands dbt a copy of `os.environ` and takes no environment of its
own (an `env` argument was declined upstream, dagster-io/dagster#29656, in favour of
changing `os.environ` around the call). Changing the process environment leaks between
steps and threads, so `cli_with_env` builds the same invocation as `cli` (dagster-dbt
0.29: asset selection, unique target folder, Dagster's own variables) with `env` added.

No dbt adapter is opened in this process for metadata: it only serves column and
row-count metadata, which the pipeline does not fetch, and it would read the profile from
`os.environ`. Nor is `dbt --version` run in a subprocess to learn the version (2.4 s of
every dbt step): the dbt next to this interpreter is the dbt-core installed with it.

With `in_process`, that dbt runs in this process (`in_process_dbt.py`) instead of a
subprocess: same arguments, same environment, same events.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource
from dagster_dbt.asset_utils import (
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from packaging import version

from orchestration.transform.dbt_invocation import start_from_parse_state
from orchestration.transform.in_process_dbt import InProcessDbt

DBT_INDIRECT_SELECTION_ENV = "DBT_INDIRECT_SELECTION"


class ExplicitEnvDbtCliResource(DbtCliResource):
    """A `DbtCliResource` whose dbt subprocess gets this process's environment plus `env`;
    with `in_process`, the dbt installed with this interpreter runs in this process."""

    in_process: bool = False

    @cached_property
    def _cli_version(self) -> version.Version:
        """dbt-core's version from this environment's metadata when `dbt_executable` is the
        dbt installed with this interpreter; another executable is asked, as upstream does."""
        if self._is_installed_here:
            return version.parse(installed_version("dbt-core"))
        return super()._cli_version

    @property
    def runs_in_process(self) -> bool:
        """In process only when asked and the executable is the dbt installed here (another
        dbt, e.g. a different version, can only run as its own program)."""
        return self.in_process and self._is_installed_here

    @property
    def _is_installed_here(self) -> bool:
        return Path(self.dbt_executable) == Path(sys.executable).with_name("dbt")

    def cli_with_env(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        context: dg.AssetExecutionContext,
        parsed: Path | None = None,
    ) -> DbtCliInvocation:
        """`parsed` is a partial-parse file to start from when it exists (else dagster-dbt
        copies the project's, from dbt_project/target)."""
        cleaned_args, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest={},
            dagster_dbt_translator=DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        target_path = self._get_unique_target_path(context=context)
        project_dir = Path(
            params.dbt_project.project_dir if params.dbt_project else self.project_dir
        )
        environment = {
            **os.environ,
            **env,
            # what `DbtCliResource.cli` sets: structured logs, a target folder per run
            "DAGSTER_DBT_CLI": "true",
            "PYTHONUNBUFFERED": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_LOG_FORMAT": "json",
            "DBT_TARGET_PATH": os.fspath(target_path),
            "DBT_LOG_PATH": os.fspath(target_path),
            **({"DBT_PROFILES_DIR": self.profiles_dir} if self.profiles_dir else {}),
            "DBT_PROJECT_DIR": str(project_dir),
        }
        if params.indirect_selection:  # a subset of asset checks was selected
            environment[DBT_INDIRECT_SELECTION_ENV] = params.indirect_selection
        profile_args = [*(["--profile", self.profile] if self.profile else []),
                        *(["--target", self.target] if self.target else [])]  # fmt: skip
        if not target_path.is_absolute():
            target_path = project_dir.joinpath(target_path)
        if parsed is not None:
            start_from_parse_state(target_path, parsed)
        args = [
            self.dbt_executable,
            *self.global_config_flags,
            *cleaned_args,
            *profile_args,
            *params.selection_args,
        ]
        shared = {
            "manifest": params.manifest,
            "dagster_dbt_translator": params.dagster_dbt_translator,
            "project_dir": project_dir,
            "target_path": target_path,
            "raise_on_error": True,
            "context": context,
            "adapter": None,
            "cli_version": self._cli_version,
        }
        if self.runs_in_process:
            process = InProcessDbt(args, environment)
            invocation = DbtCliInvocation(process=process, project=params.dbt_project, **shared)
            context.log.info(f"Running dbt in process: `{invocation.dbt_command}`.")
            return invocation
        return DbtCliInvocation.run(
            args=args, env=environment, dbt_project=params.dbt_project, **shared
        )
