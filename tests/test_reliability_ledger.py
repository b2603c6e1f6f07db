"""docs/reliability.md is written only when asked (``--write-reliability``), and only from a
run that executed the whole robustness tier."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import robust_helpers
from robust_helpers import TIER, Ledger

ITEMS = [f"tests/{name}::test_{n}" for name in TIER for n in ("one", "two")]


def _session(write: bool, items: list[str] = ITEMS) -> Any:
    options = {"write_reliability": write}
    config = SimpleNamespace(
        getoption=lambda name, default=None: options.get(name, default),
        pluginmanager=SimpleNamespace(get_plugin=lambda name: None),
        args=["tests"],
    )
    return SimpleNamespace(config=config, items=[SimpleNamespace(nodeid=i) for i in items])


def _ledger() -> Ledger:
    ledger = Ledger()
    ledger.rows.append(robust_helpers.Row("Fuzzing", ITEMS[0], "tried", "1", "happened"))
    ledger.outcomes.update(dict.fromkeys(ITEMS, "passed"))
    return ledger


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "docs" / "reliability.md"
    monkeypatch.setattr(robust_helpers, "REPORT", target)
    monkeypatch.setattr(robust_helpers, "PROFILE", "ci")
    return target


def test_a_run_without_the_option_writes_nothing(report: Path) -> None:
    _ledger().pytest_sessionfinish(_session(write=False), 0)
    assert not report.exists()


def test_the_option_writes_the_report_of_a_whole_run(report: Path) -> None:
    _ledger().pytest_sessionfinish(_session(write=True), 0)
    text = report.read_text(encoding="utf-8")
    assert "`python -m pytest --write-reliability`" in text.split("-->")[0]
    assert "| tried | 1 | happened | `test_one` passed |" in text


def test_the_option_writes_nothing_from_part_of_the_tier(report: Path) -> None:
    """As with ``-m "not slow"``, which leaves test_fuzz.py out."""
    robustness = [item for item in ITEMS if "/test_robustness.py::" in item]
    ledger = _ledger()
    ledger.pytest_sessionfinish(_session(write=True, items=robustness), 0)
    assert not report.exists()
    assert ledger.note is not None and "not written" in ledger.note
