"""Every shell command in the project's Markdown runs as shown, or says why it cannot run here;
and the README, which is also the PyPI page, links only to absolute addresses.

**Blocks.** Fenced ``sh`` (also ``bash``, ``shell``) and ``console`` blocks of ``*.md``,
``docs/*.md``, ``benchmarks/*.md`` and the rule pages. New pages and blocks are picked up by
these globs, nothing else needs listing.

- In an ``sh`` block every line is a command; a line ending in ``\\`` goes on in the next
  one, and a line starting with ``#`` is a comment.
- In a ``console`` block the lines starting with ``$ `` are commands. The lines below one, up
  to the next ``$ ``, are what it prints, stdout and stderr together, checked line by line
  (trailing spaces aside); a line ``...`` stands for any number of lines, and ``...`` in a
  line for any text.

**Exit status.** A command must exit 0 unless its line ends with a comment that starts with
``exits N``, for example ``flake8-covalent-executor check examples/  # exits 1: findings``.

**Not runnable here.** An HTML comment on the line before the opening fence (blank lines
between are allowed) skips the block, with a reason that is required::

    <!-- docs-test: skip (installs from PyPI) -->

**Where they run.** Each command in a fresh copy of the repository (without ``.git`` and
caches) in a temporary directory, with this interpreter's scripts first on ``PATH`` and
``HOME`` in the temporary directory: the lines of a block are alternatives a reader picks
from, not one session (chain commands that build on each other with ``&&``). In that copy the docs'
stand-ins for the reader's code are real: ``src/`` holds a copy of each ``examples/*.py`` and
``workflow.py`` is one of ``examples/not_recommended.py``; both have findings.

**Never run here**, whatever the page says: the test suite, benchmarks, nox/tox and
``pip install`` (a block holding one must be skipped, or this module fails before running it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from flake8_covalent_executor.rules import REPOSITORY

SHELLS = {"sh": "sh", "bash": "sh", "shell": "sh", "console": "console"}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<lang>[\w-]*)")
MARKER = re.compile(r"<!--\s*docs-test:(?P<body>.*?)-->")
SKIP = re.compile(r"^\s*skip\s*\((?P<reason>.*)\)\s*$")
EXITS = re.compile(r"\s#\s*exits\s+(?P<status>\d+)\b")
PENDING: dict[tuple[str, str], str] = {}
SANDBOX_IGNORE = shutil.ignore_patterns(
    ".git", ".ci-venv", ".venv", ".venvs", ".nox", ".tox", "*.egg-info", "__pycache__",
    ".*_cache", ".hypothesis", "build", "dist",
)  # fmt: skip


def pages() -> list[Path]:
    globs = ["*.md", "docs/*.md", "benchmarks/*.md", "flake8_covalent_executor/rule_docs/*.md"]
    return sorted(path for pattern in globs for path in ROOT.glob(pattern))


@dataclass(frozen=True)
class Command:
    text: str
    status: int  # the exit status it must end with
    output: tuple[str, ...] | None  # what a console block shows it printing; None in sh


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository's root
    line: int  # of the opening fence, 1-based
    lang: str  # "sh" or "console"
    body: tuple[str, ...]
    marker: str | None  # the text of a docs-test comment just before the fence

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        match = SKIP.match(self.marker or "")
        return match["reason"].strip() if match else None

    def commands(self) -> list[Command]:
        return console_commands(self.body) if self.lang == "console" else sh_commands(self.body)


def exit_status(command: str) -> int:
    match = EXITS.search(command)
    return int(match["status"]) if match else 0


def joined(lines: list[str]) -> list[str]:
    """Lines with their ``\\`` continuations joined (the continuation kept for the shell)."""
    logical: list[str] = []
    carry = ""
    for line in lines:
        carry += line + "\n" if line.rstrip().endswith("\\") else line
        if not line.rstrip().endswith("\\"):
            logical.append(carry)
            carry = ""
    return [*logical, carry] if carry else logical


def sh_commands(body: tuple[str, ...]) -> list[Command]:
    lines = [line for line in body if line.strip() and not line.lstrip().startswith("#")]
    return [Command(text, exit_status(text), None) for text in joined(lines)]


def console_commands(body: tuple[str, ...]) -> list[Command]:
    groups: list[list[str]] = []
    for line in body:
        if line.startswith("$ "):
            groups.append([line[2:]])
        elif groups:
            groups[-1].append(line)
    commands = []
    for group in groups:
        command, *shown = joined(group)
        commands.append(Command(command, exit_status(command), tuple(shown)))
    return commands


def blocks_of(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    page = path.relative_to(ROOT).as_posix()
    found, index = [], 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = tuple(line[len(indent) :] for line in lines[index + 1 : end])
        lang = SHELLS.get(opening["lang"].lower())
        if lang:
            found.append(Block(page, index + 1, lang, body, marker_before(lines, index)))
        index = end + 1
    return found


def marker_before(lines: list[str], index: int) -> str | None:
    before = index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    match = MARKER.search(lines[before]) if before >= 0 else None
    return match["body"].strip() if match else None


BLOCKS = [block for page in pages() for block in blocks_of(page)]


def pending_key(block: Block) -> tuple[str, str]:
    commands = block.commands()
    return (block.page, commands[0].text if commands else "")


# -- the markers ----------------------------------------------------------------------------
def test_the_pages_have_shell_blocks() -> None:
    """The extraction finds what the pages hold (a parser that finds nothing passes nothing)."""
    readme = [block for block in BLOCKS if block.page == "README.md"]
    assert {block.lang for block in readme} == {"sh", "console"}, readme
    assert all(block.commands() for block in BLOCKS), [b.id for b in BLOCKS if not b.commands()]


def test_every_marker_is_a_skip_with_a_reason() -> None:
    bad = [(b.id, b.marker) for b in BLOCKS if b.marker is not None and not b.skip_reason]
    assert not bad, "write <!-- docs-test: skip (why it cannot run here) -->"


def test_every_marker_stands_before_a_shell_block() -> None:
    """A marker before a ``text`` or ``python`` block, or in prose, would skip nothing."""
    placed = {(block.page, block.line) for block in BLOCKS if block.marker is not None}
    stray = []
    for page in pages():
        name = page.relative_to(ROOT).as_posix()
        for index, target in markers_outside_blocks(page.read_text(encoding="utf-8")):
            if (name, target) not in placed:
                stray.append(f"{name}:{index}")
    assert not stray


def markers_outside_blocks(text: str) -> list[tuple[int, int]]:
    """(line of each docs-test marker outside fenced blocks, line of the next non-blank line),
    1-based."""
    lines, found, fence = text.splitlines(), [], ""
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence:
            fence = "" if line.strip().startswith(fence) else fence
        elif opening:
            fence = opening["fence"]
        elif MARKER.search(line):
            after = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), -1)
            found.append((index + 1, after + 1))
    return found


def test_every_pending_entry_names_a_block() -> None:
    keys = {pending_key(block) for block in BLOCKS}
    assert not [key for key in PENDING if key not in keys], "drop the entry: the page changed"


def test_no_block_runs_the_suite_or_a_benchmark() -> None:
    """They would run for minutes or hours here (the suite would even run this test again)."""
    heavy = re.compile(r"\bpytest\b|\bbenchmarks/|\bnox\b|\btox\b|\bpip install\b")
    runs = [b.id for b in BLOCKS if not b.skip_reason and heavy.search("\n".join(b.body))]
    assert not runs, "mark them <!-- docs-test: skip (reason) -->"


# -- the commands ---------------------------------------------------------------------------
def sandbox(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=SANDBOX_IGNORE, symlinks=True)
    (copy / "src").mkdir()
    for example in (ROOT / "examples").glob("*.py"):
        shutil.copyfile(example, copy / "src" / example.name)
    shutil.copyfile(ROOT / "examples" / "not_recommended.py", copy / "workflow.py")
    (tmp_path / "home").mkdir()
    return copy


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["HOME"] = str(tmp_path / "home")
    return env


def matches(shown: tuple[str, ...], printed: list[str]) -> bool:
    """``printed`` is ``shown``, where a line ``...`` stands for any number of lines and a
    ``...`` inside a line for any text."""
    pattern = "".join(
        "(?:[^\n]*\n)*"
        if line == "..."
        else "[^\n]*".join(map(re.escape, line.split("..."))) + "\n"
        for line in shown
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in printed)) is not None


def run_command(command: Command, cwd: Path, env: dict[str, str]) -> str | None:
    """None when the command ends as the page says; else what went wrong, with its output."""
    result = subprocess.run(
        ["bash", "-c", command.text],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    problems = []
    if result.returncode != command.status:
        problems.append(f"exit {result.returncode}, the page says {command.status}")
    shown = command.output
    if shown is not None and not matches(tuple(s.rstrip() for s in shown), printed):
        problems.append("printed something else than the page shows:\n" + "\n".join(shown))
    if not problems:
        return None
    return f"$ {command.text}\n" + "\n".join(problems) + "\n--- printed\n" + result.stdout


def block_param(block: Block) -> object:
    marks: list[pytest.MarkDecorator] = []
    reason = block.skip_reason
    if reason:
        marks.append(pytest.mark.skip(reason=f"{block.id}: {reason}"))
    elif pending_key(block) in PENDING:
        marks.append(pytest.mark.xfail(reason=PENDING[pending_key(block)], strict=True))
    return pytest.param(block, id=block.id, marks=marks)


@pytest.mark.parametrize("block", [block_param(block) for block in BLOCKS])
def test_the_block_runs_as_shown(block: Block, tmp_path: Path) -> None:
    """A block's commands run in order in one copy of the repo, as a reader runs them."""
    test_no_block_runs_the_suite_or_a_benchmark()
    cwd, env = sandbox(tmp_path), environment(tmp_path)
    for command in block.commands():
        problem = run_command(command, cwd, env)
        if problem is not None:
            pytest.fail(f"{block.id}\n{problem}", pytrace=False)


# -- links ----------------------------------------------------------------------------------
LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)|^\[[^\]]+\]:\s*(?P<ref>\S+)", re.M)
HTML_LINK = re.compile(r"(?:href|src)=\"(?P<target>[^\"]+)\"")
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#)", re.I)


def links(text: str) -> list[str]:
    found = [m["target"] or m["ref"] for m in LINK.finditer(text)]
    return found + [m["target"] for m in HTML_LINK.finditer(text)]


def test_the_readme_links_only_to_absolute_addresses() -> None:
    """PyPI shows README.md without the repository around it: a relative link is dead there."""
    relative = [t for t in links((ROOT / "README.md").read_text("utf-8")) if not ABSOLUTE.match(t)]
    assert not relative, f"make them {REPOSITORY}/blob/main/<path>"


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.relative_to(ROOT).as_posix())
def test_the_links_into_the_repository_name_files_it_has(page: Path) -> None:
    prefixes = [f"{REPOSITORY}/blob/main/", f"{REPOSITORY}/tree/main/"]
    dead = []
    for target in links(page.read_text(encoding="utf-8")):
        path = target.split("#", 1)[0]
        prefix = next((p for p in prefixes if path.startswith(p)), None)
        if prefix:
            resolved = ROOT / path[len(prefix) :]
        elif path and not ABSOLUTE.match(path):
            resolved = page.parent / path
        else:
            continue
        if not resolved.exists():
            dead.append(target)
    assert not dead


# -- what the pages pin and configure ---------------------------------------------------------
def test_the_pages_pin_the_current_version() -> None:
    """pre-commit users pin a tag and pip users a version: a release updates every example
    (CONTRIBUTING.md, "Releasing")."""
    from flake8_covalent_executor import __version__

    rev = re.compile(rf"repo: {re.escape(REPOSITORY)}\s+rev: (?P<pin>\S+)")
    pip = re.compile(r"flake8-covalent-executor==(?P<pin>[\w.]+)")
    pins = {
        (page.relative_to(ROOT).as_posix(), match["pin"])
        for page in pages()
        for pattern, prefix in ((rev, "v"), (pip, ""))
        for match in pattern.finditer(page.read_text(encoding="utf-8"))
        if match["pin"] != prefix + __version__
    }
    assert not pins, f"the version is {__version__}"


def test_the_editor_task_reads_what_check_prints() -> None:
    """docs/editors.md's problem matcher takes each finding in a Python file, and no other."""
    import json

    text = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    (task,) = [task for block in blocks for task in block.get("tasks", [])]
    pattern = task["problemMatcher"]["pattern"]
    result = subprocess.run(
        [sys.executable, "-m", "flake8_covalent_executor", "check", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and any(".ipynb:" in line for line in lines), result
    for line in lines:
        match = re.match(pattern["regexp"], line)
        assert bool(match) == (".ipynb:" not in line), line
        if match:
            fields = {key: match[pattern[key]] for key in ("file", "line", "column", "code")}
            assert line.startswith("{file}:{line}:{column}: {code} ".format(**fields)), line
