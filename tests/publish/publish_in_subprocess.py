"""A publisher to SIGKILL: run as a separate process by the kill tests.

python publish_in_subprocess.py slow-gate DATA_DIR MARKER
    one publish whose gate touches MARKER once the new store file is complete, then
    stalls (as a slow validation would) until it is killed;
python publish_in_subprocess.py mid-write DATA_DIR MARKER
    one publish that touches MARKER after copying its first table into the new store
    file (the file is open and half-written), then stalls until it is killed;
python publish_in_subprocess.py loop DATA_DIR FIRST_VERSION
    rewrite the warehouse as version N and publish it, for N = FIRST_VERSION, ...,
    printing each finished publication number, until it is killed.
"""

from __future__ import annotations

import sys
import time
from itertools import count
from pathlib import Path

from orchestration.publish import store
from orchestration.publish.store import publish_reporting_store
from orchestration.settings import Settings
from tests.publish.reporting_warehouse import write_warehouse

LOOP_WEEKS = 13
LOOP_NODES = 1_500  # ~40k progress rows: a publish takes long enough to be hit mid-write


def mark(marker: Path, text: str) -> None:
    """Write the marker in one step: the test waits for it to exist, then reads it."""
    part = marker.with_name(marker.name + ".part")
    part.write_text(text)
    part.replace(marker)


def slow_gate(data_dir: Path, marker: Path) -> None:
    settings = Settings().with_data_dir(data_dir)

    def stall(new_store: Path) -> None:
        mark(marker, str(new_store))
        time.sleep(120)

    publish_reporting_store(settings, {"run_id": "killed"}, gates=[stall])


def mid_write(data_dir: Path, marker: Path) -> None:
    settings = Settings().with_data_dir(data_dir)
    columns_of = store.table_columns

    def stall_after_the_first_table(connection, catalog, schema, table):
        # build_store_file asks for a copied table's columns right after the copy
        if schema == "main":
            mark(marker, table)
            time.sleep(120)
        return columns_of(connection, catalog, schema, table)

    store.table_columns = stall_after_the_first_table
    publish_reporting_store(settings, {"run_id": "killed"})


def loop(data_dir: Path, first_version: int) -> None:
    settings = Settings().with_data_dir(data_dir)
    for version in count(first_version):
        write_warehouse(settings, version=version, weeks=LOOP_WEEKS, nodes=LOOP_NODES)
        publication = publish_reporting_store(settings, {"run_id": f"loop-{version}"})
        print(publication.publication_number, flush=True)


def main(argv: list[str]) -> None:
    mode, data_dir, argument = argv
    if mode == "slow-gate":
        slow_gate(Path(data_dir), Path(argument))
    elif mode == "mid-write":
        mid_write(Path(data_dir), Path(argument))
    elif mode == "loop":
        loop(Path(data_dir), int(argument))
    else:
        raise SystemExit(f"unknown mode {mode!r}: use slow-gate, mid-write or loop")


if __name__ == "__main__":
    main(sys.argv[1:])
