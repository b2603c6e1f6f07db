"""The one decision about what an inline executor is, shared by flake8, ``check`` and ``fix``:
a text prefilter, the walk over the statements it leaves (``sites``), and the rules' findings.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import re
import tokenize
import unicodedata
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

    A file must name Covalent (or an extra entry point). CVX001/CVX002 then need an executor
    keyword argument; CVX003 (``all_rules``) needs an executor built anywhere, which the
    text shows by "xecutor", an executor keyword, a Covalent plugin package or an extra
    executor's name.
    """
    views = identifier_views(source)
    if not any(_names_covalent(view, settings) for view in views):
        return False
    if all_rules:
        return any(_may_build_executor(view, settings) for view in views)
    return any(_KEYWORD.search(view) is not None for view in views)


def identifier_views(source: bytes) -> list[bytes]:
    """The texts the prefilter reads: the bytes themselves for an ASCII file (the cheap,
    usual case); otherwise the text with each identifier character replaced by its NFKC
    form, as the parser reads identifiers (``executor=`` spelt with a fullwidth ``e``,
    U+FF45, is ``executor=``), decoded both as UTF-8 and in the encoding the file declares,
    when that differs (the flake8 plugin hands over UTF-8 whatever the file declares).

    Only identifier characters change (never quotes, brackets, ``=``, ``#`` or line ends), so
    the text keeps its line numbers and the keyword pattern reads strings as before.
    """
    if source.isascii():
        return [source]
    texts = [source.decode("utf-8", "replace")]
    declared = _declared_encoding(source)
    if declared is not None:
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            texts.append(source.decode(declared))
    return [_normalise_identifiers(text).encode("utf-8", "replace") for text in texts]


def _declared_encoding(source: bytes) -> str | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except (SyntaxError, LookupError):
        return None
    return None if encoding in ("utf-8", "utf-8-sig") else encoding


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _normalise_identifiers(text: str) -> str:
    return _NON_ASCII.sub(lambda match: _identifier_form(match.group()), text)


@functools.lru_cache(maxsize=4096)
def _identifier_form(char: str) -> str:
    """``char`` as the parser reads it in an identifier (NFKC), when it can be part of one."""
    normal = unicodedata.normalize("NFKC", char)
    return normal if ("a" + normal).isidentifier() else char


def _names_covalent(view: bytes, settings: Settings) -> bool:
    return any(token in view for token in settings.prefilter_tokens())


def _may_build_executor(view: bytes, settings: Settings) -> bool:
    if b"xecutor" in view or b"_plugin" in view or _KEYWORD.search(view) is not None:
        return True
    return any(token in view for token in settings.executor_tokens())


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


def _pruning_lines(views: list[bytes]) -> tuple[bool, list[int] | None]:
    """Whether any view holds an executor keyword, and the lines that do in any of them
    (None: every statement, when a view's lines cannot be counted simply)."""
    lines: set[int] = set()
    for view in views:
        found = keyword_lines(view)
        if found is None:
            if _KEYWORD.search(view) is not None:
                return True, None
        else:
            lines.update(found)
    return bool(lines), sorted(lines)


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
    views = identifier_views(data)
    if not any(_names_covalent(view, settings) for view in views):
        return None
    if all_rules:
        if not any(_may_build_executor(view, settings) for view in views):
            return None
        only = None
    else:  # the keyword lines are both the prefilter and the pruning: one scan of the text
        found, only = _pruning_lines(views)
        if not found:
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
