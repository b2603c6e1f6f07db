"""``# noqa`` exactly as flake8 reads it, for the front ends that are not flake8."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence

# Same grammar as flake8: "# noqa", "# noqa: X1,Y2", "# NOQA:X1 Y2"; case-insensitive.
_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_WORD = re.compile("noqa", re.IGNORECASE)  # in both patterns above: no match without it


def may_have_noqa(data: bytes, encoding: str) -> bool:
    """False when no line of the file can hold a ``# noqa`` or ``# flake8: noqa``.

    Both patterns contain "noqa", matched ignoring case; no character but the ASCII letters
    matches n, o, q or a that way. In UTF-8 those letters are always their ASCII bytes, so the
    bytes are searched (``bytes.lower`` folds ASCII only). Other encodings (UTF-7 can spell
    "noqa" without those bytes) are decoded and searched as text, exactly as the patterns do.
    """
    if encoding in ("utf-8", "utf-8-sig"):
        return b"noqa" in data.lower()
    return _WORD.search(data.decode(encoding)) is not None


def file_is_ignored(lines: Sequence[str]) -> bool:
    """A line ``# flake8: noqa`` on its own turns the whole file off, as in flake8."""
    return any(_FILE.match(line) for line in lines)


def noqa_lines(lines: Sequence[str]) -> dict[int, str]:
    """Map each line number to the text flake8 searches for ``noqa`` when it reports there.

    Lines joined by a backslash or spanned by one token (a multi-line string) share their text;
    each physical line inside brackets is its own.
    """
    mapping: dict[int, str] = {}
    first, last = len(lines) + 2, -1
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError):
        return {number: line for number, line in enumerate(lines, start=1)}
    for kind, _, (start, _), (end, _), _ in tokens:
        if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first, last = min(first, start), max(last, end)
        if kind in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[first - 1 : last])
            mapping.update(dict.fromkeys(range(first, last + 1), joined))
            first, last = len(lines) + 2, -1
    return mapping


def is_suppressed(code: str, text: str | None) -> bool:
    """True when ``text`` has a ``# noqa`` that covers ``code``."""
    match = _INLINE.search(text or "")
    if match is None:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    # The word noqa in any case, but the codes as written: flake8 matches cvx001 to no CVX001.
    return any(code.startswith(c) for c in _CODE.findall(codes))
