"""How tests/conftest.py sets pytest-xdist up: parallel unless told otherwise, and serial for
``--write-reliability`` (the reliability ledger lives in one process)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from conftest import pytest_cmdline_main


def _configured(write: bool = False, **option: Any) -> tuple[Any, Any]:
    config = SimpleNamespace(option=SimpleNamespace(**option), getoption=lambda name: write)
    pytest_cmdline_main(config)  # type: ignore[arg-type]
    return config.option.numprocesses, config.option.dist


def test_by_default_a_worker_per_core_and_a_file_per_worker() -> None:
    assert _configured(numprocesses=None, dist="no") == ("auto", "loadfile")


@pytest.mark.parametrize(
    "given", [(0, "no"), (2, "no"), (None, "load"), ("auto", "worksteal")], ids=str
)
def test_what_the_command_line_says_is_kept(given: tuple[Any, str]) -> None:
    numprocesses, dist = given
    assert _configured(numprocesses=numprocesses, dist=dist) == given


def test_write_reliability_runs_in_one_process() -> None:
    assert _configured(True, numprocesses="auto", dist="loadfile") == (None, "no")


def test_a_worker_starts_no_workers_of_its_own() -> None:
    """xdist runs this hook in each worker too, with -n unset: it must stay unset there."""
    config = SimpleNamespace(
        option=SimpleNamespace(numprocesses=None, dist="no"),
        getoption=lambda name: False,
        workerinput={"workerid": "gw0"},
    )
    pytest_cmdline_main(config)  # type: ignore[arg-type]
    assert (config.option.numprocesses, config.option.dist) == (None, "no")


def test_without_xdist_nothing_is_set() -> None:
    config = SimpleNamespace(option=SimpleNamespace(), getoption=lambda name: False)
    pytest_cmdline_main(config)  # type: ignore[arg-type]
    assert vars(config.option) == {}
