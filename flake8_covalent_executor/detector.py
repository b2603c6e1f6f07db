"""The one decision about what an inline executor is, shared by flake8, ``check`` and ``fix``:
a text prefilter, the walk over the statements it leaves (``sites``), and the rules' findings.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .findings import Finding, LineRef, Site, Text
from .rules import CVX001, CVX002, CVX003, Applicability
from .settings import Settings
from .sites import find_sites

# An executor keyword argument as text: the name, then "=" (not "=="), with anything Python
# allows between them inside brackets (spaces, newlines, a comment, a backslash-newline) --
# unless its value is plainly no call: one name, attribute chain or string, then "," or ")".
_KEYWORD = re.compile(
    rb"\b(?:executor|workflow_executor|backend)(?:\s|\\\r?\n|#[^\r\n]*)*=(?!=)"
    rb"(?!\s*(?:[A-Za-z_][\w.]*|\"[^\"\r\n]*\"|'[^'\r\n]*')\s*[,)])"
)


def may_have_findings(source: bytes, settings: Settings, all_rules: bool = False) -> bool:
    """The text prefilter: False when the file cannot contain a finding, before any parse.

    CVX001/CVX002 need an executor keyword argument; CVX003 (``all_rules``) only needs an
    executor to be built, so it is ruled out only by the absence of "covalent".
    """
    if not any(token in source for token in settings.prefilter_tokens()):
        return False
    return b"xecutor" in source if all_rules else _KEYWORD.search(source) is not None


def keyword_lines(source: bytes) -> list[int] | None:
    """The lines holding an executor keyword argument; only statements there can hold a
    CVX001/CVX002 site. None when line numbers cannot be counted simply (lone CRs)."""
    if b"\r" in source and b"\r" in source.replace(b"\r\n", b""):
        return None
    lines: list[int] = []
    line, position = 1, 0
    for match in _KEYWORD.finditer(source):
        line += source.count(b"\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


@dataclass
class Detection:
    """What the detector found in one module: its tree, the constructions it looked at and
    the findings of the rules asked for (before noqa and selection)."""

    tree: ast.Module
    sites: list[Site] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def detect(
    data: bytes,
    tree: Callable[[], ast.Module],
    settings: Settings,
    all_rules: bool,
    whole_module: bool = False,
) -> Detection | None:
    """The per-file pipeline every front end runs: prefilter the bytes, parse (``tree`` is
    called only past the prefilter), walk the statements that can hold a site, decide.

    None when the prefilter rules the file out. ``all_rules`` adds CVX003, which needs every
    construction of the module; ``whole_module`` searches them all without reporting it (the
    fixer reuses existing instances).
    """
    if not any(token in data for token in settings.prefilter_tokens()):
        return None
    if all_rules:
        if b"xecutor" not in data:
            return None
        only = None
    else:  # the keyword lines are both the prefilter and the pruning: one scan of the text
        only = keyword_lines(data)
        if only == [] or (only is None and _KEYWORD.search(data) is None):
            return None
        only = None if whole_module else only
    module = tree()
    sites = find_sites(module, settings, only)
    return Detection(module, sites, findings_for_sites(sites, all_rules))


def findings_for_sites(sites: list[Site], all_rules: bool = True) -> list[Finding]:
    """The findings for the sites of one module; CVX003 only with ``all_rules`` (it needs
    every site of the module, not those of a pruned search)."""
    findings = [_inline_finding(site) for site in sites if site.entry is not None]
    if all_rules:
        findings.extend(_configuration_findings(sites))
    return sorted(findings, key=lambda f: (f.line, f.col, f.code))


def findings_for_tree(tree: ast.Module, settings: Settings) -> list[Finding]:
    """All findings of all rules for a parsed module, sorted by position and code."""
    return findings_for_sites(find_sites(tree, settings))


_CONDITIONAL = Text(
    "it is built only when its branch of the conditional is chosen; hoisted, it would be "
    "built every time"
)
_IN_TASK = Text(
    "it is inside a function Covalent decorates, which Covalent pickles with the globals "
    "it uses: a module-level executor would be pickled with it"
)


def _inline_finding(site: Site) -> Finding:
    applicability, reason = _once_fix(site) if site.where is None else _repeated_fix(site)
    if site.blocking_names:  # the first reason to give: nothing else can move it
        applicability = Applicability.NEVER
        reason = Text(
            "its arguments use {names}, which is not a module-level name",
            {"names": ", ".join(site.blocking_names)},
        )
    fields = {"executor": site.executor, "entry": site.entry}
    if site.where is None:
        return Finding.at(CVX001, site, applicability, reason, **fields)
    return Finding.at(
        CVX002, site, applicability, reason, **fields, where=site.where, per=site.per
    )


def _once_fix(site: Site) -> tuple[Applicability, Text | None]:
    return (Applicability.NEVER, _CONDITIONAL) if site.conditional else (Applicability.SAFE, None)


def _repeated_fix(site: Site) -> tuple[Applicability, Text | None]:
    if not site.pure:
        reason = Text("its arguments have side effects that run on every {per}", {"per": site.per})
        return Applicability.NEVER, reason
    if site.conditional:
        return Applicability.NEVER, _CONDITIONAL
    if site.loop_in_function:  # built once, before the loop, still inside the function
        return Applicability.SAFE, None
    if site.in_task:
        return Applicability.NEVER, _IN_TASK
    return (Applicability.UNSAFE if site.in_function else Applicability.SAFE), None


def _configuration_findings(sites: list[Site]) -> Iterator[Finding]:
    by_class: dict[str, dict[str, list[Site]]] = {}
    for site in sites:
        if site.entry is None and not site.covalent:
            continue
        by_class.setdefault(site.class_key, {}).setdefault(site.config_key, []).append(site)
    never = Text("{code} is never fixed automatically", {"code": CVX003.code})
    for configs in by_class.values():
        if len(configs) < 2:
            continue
        groups = list(configs.values())
        first = groups[0][0]
        for group in groups[1:]:
            site = group[0]
            yield Finding.at(
                CVX003,
                site,
                Applicability.NEVER,
                never,
                executor=site.executor,
                count=len(groups),
                first_line=LineRef(first.line),
            )
