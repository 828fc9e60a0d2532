"""How dbt nodes appear in Dagster: groups follow the folder layer, never model names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster_dbt import DagsterDbtTranslator

LAYER_GROUPS = {"staging", "intermediate", "marts", "reporting"}
PLAN_GROUP = "plan"  # the seeds


class SalesTargetsTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return PLAN_GROUP
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else None
        return layer if layer in LAYER_GROUPS else "transform"
