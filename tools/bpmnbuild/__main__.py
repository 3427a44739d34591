"""Write the diagrams and forms of tools/procedures to bpmn/, or check they are up to date.

    python -m tools.bpmnbuild [--check] [--out DIR]

Without ``--check`` every process of ``tools.procedures.PROCESSES`` is compiled and written
to ``DIR/<file>`` (default ``bpmn/``); unchanged files are left alone. With ``--check``
nothing is written: the command lists the files whose content differs from what would be
generated (or that are missing) and exits 1 if there are any. A definition that cannot be
built is reported on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.bpmnbuild.dsl import Process
from tools.bpmnbuild.emit import to_xml
from tools.bpmnbuild.validate import BuildError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "bpmn"


def load_processes() -> list[Process]:
    """``PROCESSES`` of the tools.procedures package."""
    module = importlib.import_module("tools.procedures")
    return list(module.PROCESSES)


def load_forms() -> dict[str, str]:
    """``forms/<name>.schema.json`` → JSON text of every form of tools.procedures."""
    import json

    module = importlib.import_module("tools.procedures")
    return {f"forms/{name}.schema.json": json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
            for name, schema in getattr(module, "FORMS", {}).items()}


def generate(processes: Sequence[Process]) -> dict[str, str]:
    """File name → BPMN text of every process; BuildError on a bad definition or when two
    processes would write the same file."""
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for process in processes:
        if process.file in owners:
            raise BuildError(process.id, [f"file {process.file} is also written by process "
                                          f"{owners[process.file]!r}"])
        owners[process.file] = process.id
        files[process.file] = to_xml(process)
    return files


def stale(files: dict[str, str], out: Path) -> list[str]:
    """Names of the files of *out* that differ from *files* (or are missing)."""
    changed = []
    for name, text in files.items():
        path = out / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            changed.append(name)
    return changed


def main(argv: Sequence[str] | None = None, processes: Sequence[Process] | None = None) -> int:
    """Command line entry; *processes* replaces tools.procedures (tests)."""
    parser = argparse.ArgumentParser(prog="python -m tools.bpmnbuild",
                                     description="Compile tools/procedures into bpmn/.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing the files that are out of date")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    try:
        files = generate(load_processes() if processes is None else processes)
        if processes is None:
            files.update(load_forms())
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changed = stale(files, args.out)
    if args.check:
        for name in changed:
            print(f"out of date: {args.out / name}")
        if changed:
            print("run `make diagrams` to regenerate them", file=sys.stderr)
        return 1 if changed else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in changed:
        (args.out / name).parent.mkdir(parents=True, exist_ok=True)
        (args.out / name).write_bytes(files[name].encode("utf-8"))
        print(f"wrote {args.out / name}")
    print(f"{len(files)} file(s) (diagrams and forms), {len(changed)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
