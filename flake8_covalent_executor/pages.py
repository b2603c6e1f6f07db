"""The rules' pages (``rule_docs/CVX00N.md``), read from the installed package: the
``rule`` command prints them, as ``ruff rule`` does."""

from __future__ import annotations

from importlib import resources

from .rules import RULES


class UnknownRule(Exception):
    """A code that is not in the catalogue; the message is one line for the user."""


def page(code: str) -> str:
    """The markdown page of the rule ``code`` (case-sensitive, as flake8 compares codes).
    Raises UnknownRule."""
    if code not in RULES:
        known = ", ".join(RULES)
        raise UnknownRule(f"unknown rule code {code!r} (the rules are {known})")
    docs = resources.files("flake8_covalent_executor") / "rule_docs"
    return (docs / f"{code}.md").read_text(encoding="utf-8")


def all_pages() -> str:
    """Every rule's page, in code order, a blank line between them (``ruff rule --all``)."""
    return "\n".join(page(code) for code in RULES)
