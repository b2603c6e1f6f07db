"""Import every module in a directory under real Covalent and print, as JSON, what Covalent
recorded for each electron, lattice and lepton, and how many executors were constructed.

Run as ``python semantic_probe.py DIR``: one process per side (before / after a fix).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import covalent as ct
from covalent._workflow.electron import Electron
from covalent._workflow.lattice import Lattice
from covalent.executor.base import BaseExecutor

FIELDS = ("executor", "executor_data", "workflow_executor", "workflow_executor_data")
constructed: list[BaseExecutor] = []
_original_init = BaseExecutor.__init__


def _counting_init(self: BaseExecutor, *args: Any, **kwargs: Any) -> None:
    constructed.append(self)
    _original_init(self, *args, **kwargs)


BaseExecutor.__init__ = _counting_init  # type: ignore[method-assign]


def _pick(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: metadata[key] for key in FIELDS if key in metadata}


def _record(name: str, obj: Any, out: dict[str, Any]) -> None:
    if isinstance(obj, Lattice):
        out[f"lattice:{name}"] = _pick(obj.metadata)
        try:
            obj.build_graph()
        except TypeError:
            return  # needs arguments
        graph = obj.transport_graph.get_internal_graph_copy()
        out[f"graph:{name}"] = [
            [data["name"], _pick(data["metadata"])] for _, data in sorted(graph.nodes(data=True))
        ]
    elif isinstance(obj, Electron):
        out[f"electron:{name}"] = _pick(obj.metadata)
    elif hasattr(obj, "electron_object"):
        out[f"electron:{name}"] = _pick(obj.electron_object.metadata)
    elif isinstance(obj, (list, tuple)):
        for index, item in enumerate(obj):
            _record(f"{name}[{index}]", item, out)
    elif isinstance(obj, type) and obj.__module__.startswith("case_"):
        for attr, value in vars(obj).items():
            _record(f"{name}.{attr}", value, out)


def probe(path: Path) -> dict[str, Any]:
    before = len(constructed)
    spec = importlib.util.spec_from_file_location(f"case_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # not importable here (missing plugin, etc.)
        return {"importable": False, "error": f"{type(error).__name__}: {error}"}
    records: dict[str, Any] = {}
    for name, value in vars(module).items():
        if not name.startswith("__"):
            _record(name, value, records)
    mine = constructed[before:]
    configs = {
        json.dumps([type(e).__name__, e.to_dict()["attributes"]], sort_keys=True) for e in mine
    }
    return {
        "importable": True,
        "records": records,
        "constructed": len(mine),
        "configurations": len(configs),
    }


if __name__ == "__main__":
    ct.set_config  # noqa: B018  (covalent imported and configured before any case)
    results = {p.stem: probe(p) for p in sorted(Path(sys.argv[1]).glob("*.py"))}
    print(json.dumps(results, sort_keys=True, default=str))
