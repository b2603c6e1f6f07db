"""Import every module in a directory under real Covalent and print, as JSON, what Covalent
recorded for each electron, lattice and lepton, and how many executors were constructed.
Notebooks (``*.ipynb``) there run cell by cell, and are recorded after each cell.

Run as ``python semantic_probe.py DIR``: one process per side (before / after a fix).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import runpy
import sys
from pathlib import Path
from typing import Any

import covalent as ct
from covalent._workflow.electron import Electron
from covalent._workflow.lattice import Lattice
from covalent.executor.base import AsyncBaseExecutor, BaseExecutor

FIELDS = ("executor", "executor_data", "workflow_executor", "workflow_executor_data")
constructed: list[Any] = []


def _count_constructions(base: type) -> None:
    """Count every instance of ``base`` built (both Covalent bases: Local is a BaseExecutor,
    Dask an AsyncBaseExecutor; neither calls the other's __init__)."""
    original = base.__init__

    def counting_init(self: Any, *args: Any, **kwargs: Any) -> None:
        constructed.append(self)
        original(self, *args, **kwargs)

    base.__init__ = counting_init  # type: ignore[misc]


_count_constructions(BaseExecutor)
_count_constructions(AsyncBaseExecutor)


def _pick(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: metadata[key] for key in FIELDS if key in metadata}


def _record(name: str, obj: Any, out: dict[str, Any]) -> None:
    if isinstance(obj, Lattice):
        out[f"lattice:{name}"] = _pick(obj.metadata)
        try:
            obj.build_graph()
        except TypeError as error:
            if "argument" in str(error):
                return  # needs arguments
            out[f"graph:{name}"] = f"build_graph failed: {type(error).__name__}: {error}"
            return
        except Exception as error:  # pickling a global it reaches, say: must not differ
            out[f"graph:{name}"] = f"build_graph failed: {type(error).__name__}: {error}"
            return
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
    return {"importable": True, "records": records, **_constructed_since(before)}


def _constructed_since(before: int) -> dict[str, int]:
    mine = constructed[before:]
    configs = {
        json.dumps([type(e).__name__, e.to_dict()["attributes"]], sort_keys=True) for e in mine
    }
    return {"constructed": len(mine), "configurations": len(configs)}


# -- notebooks: the code cells run top to bottom in one namespace, as a kernel runs them ------
_LINE_ESCAPE = re.compile(r"^([ \t]*)(?:(\w+)[ \t]*=[ \t]*)?[%!]")


def notebook_cells(path: Path) -> list[tuple[int, str]]:
    """The code cells as plain Python, minus IPython: a line magic or shell escape becomes
    ``pass`` (``name = None`` when assigned); the body of %%time and %%capture is kept; other
    cell magics are not Python and are left out. Numbered among all cells."""
    cells = []
    for number, cell in enumerate(json.loads(path.read_bytes())["cells"], start=1):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        lines = source.split("\n")
        if lines[0].startswith("%%"):
            if lines[0].split()[0] not in ("%%time", "%%capture"):
                continue
            lines[0] = ""
        cells.append((number, "\n".join(_LINE_ESCAPE.sub(_placeholder, line) for line in lines)))
    return cells


def _placeholder(match: re.Match[str]) -> str:
    indent, name = match.group(1), match.group(2)
    return f"{indent}{name} = None  #" if name else f"{indent}pass  #"


def _dispatch(lattice: Any) -> Any:
    """Dispatching needs a Covalent server: build the graph, as dispatch does first."""

    def run(*args: Any, **kwargs: Any) -> str:
        lattice.build_graph(*args, **kwargs)
        return "dispatch-id"

    return run


def probe_notebook(path: Path) -> dict[str, Any]:
    """What Covalent recorded after each code cell (cells that do not compile are skipped)."""
    before = len(constructed)
    namespace: dict[str, Any] = {"__name__": f"case_{path.stem}"}
    snapshots: dict[str, Any] = {}
    ct.dispatch, ct.get_result = _dispatch, lambda *args, **kwargs: None  # type: ignore[assignment]
    for number, code in notebook_cells(path):
        try:
            compiled = compile(code, f"{path.name}:cell_{number}", "exec")
        except SyntaxError:
            continue
        try:
            exec(compiled, namespace)
        except Exception as error:
            return {
                "importable": False,
                "error": f"cell_{number}: {type(error).__name__}: {error}",
            }
        records: dict[str, Any] = {}
        for name, value in namespace.items():
            if not name.startswith("__"):
                _record(name, value, records)
        snapshots[f"cell_{number}"] = records
    return {"importable": True, "records": snapshots, **_constructed_since(before)}


def probe_file(path: Path, as_main: bool) -> dict[str, Any]:
    """One module, imported by name or run as ``__main__`` (as ``python case.py`` runs it),
    with what it printed."""
    output = io.StringIO()
    before = len(constructed)
    with contextlib.redirect_stdout(output):
        if as_main:
            try:
                namespace = runpy.run_path(str(path), run_name="__main__")
            except Exception as error:
                return {"importable": False, "error": f"{type(error).__name__}: {error}"}
            records: dict[str, Any] = {}
            for name, value in namespace.items():
                if not name.startswith("__"):
                    _record(name, value, records)
            result = {"importable": True, "records": records, **_constructed_since(before)}
        else:
            result = probe(path)
    return {**result, "output": output.getvalue()}


if __name__ == "__main__" and sys.argv[1] in ("--file", "--main"):
    # ``--file PATH`` imports it by name, ``--main PATH`` runs it as a script.
    print(json.dumps(probe_file(Path(sys.argv[2]), sys.argv[1] == "--main"), default=str))
elif __name__ == "__main__" and sys.argv[1] in ("--directory", "--main-directory"):
    # Every module of a directory in turn, in one process: imported, or each as a script.
    as_main = sys.argv[1] == "--main-directory"
    paths = sorted(Path(sys.argv[2]).glob("*.py"))
    print(json.dumps({p.stem: probe_file(p, as_main) for p in paths}, default=str))
elif __name__ == "__main__":
    ct.set_config  # noqa: B018  (covalent imported and configured before any case)
    results = {p.stem: probe(p) for p in sorted(Path(sys.argv[1]).glob("*.py"))}
    results |= {p.name: probe_notebook(p) for p in sorted(Path(sys.argv[1]).glob("*.ipynb"))}
    print(json.dumps(results, sort_keys=True, default=str))
