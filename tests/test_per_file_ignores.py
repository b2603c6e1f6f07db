"""per-file-ignores parsed exactly as flake8 parses it: flake8's own parser is the oracle, on
strings made of the pieces real configs use (Hypothesis; not in the fast tier, which runs
without it on Python 3.10)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flake8_covalent_executor.selection import PerFileSyntaxError, parse_per_file_ignores


def flake8_parse(text: str) -> list[tuple[str, list[str]]] | None:
    from flake8.exceptions import ExecutionError
    from flake8.utils import parse_files_to_codes_mapping

    try:
        return parse_files_to_codes_mapping(text)
    except (ValueError, ExecutionError):
        return None


def ours(text: str) -> list[tuple[str, list[str]]] | None:
    try:
        return parse_per_file_ignores(text)
    except PerFileSyntaxError:
        return None


PIECES = st.sampled_from(
    ["tests/*", "a.py", "CVX001", "CVX", "E1", "cvx", ":", ",", " ", "\n", "\t", "*.py", "B"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=10).map("".join))
def test_per_file_ignores_parse_as_flake8_parses_them(text: str) -> None:
    """flake8's own parser is the oracle (a test-only use of its internals)."""
    assert ours(text) == flake8_parse(text)
