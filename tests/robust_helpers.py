"""Shared machinery of the robustness tier (test_fuzz.py, test_robustness.py).

- ``LEDGER`` collects what each test tried and what happened; at the end of a run given
  ``--write-reliability`` (tests/conftest.py) that executed the whole tier, it writes
  docs/reliability.md from it (nothing there is typed by hand). Other runs write nothing.
- ``fuzz_settings`` is the hypothesis profile: ``ci`` (the default: derandomized, so the
  report is the same on every run) or ``deep`` (CVX_FUZZ_PROFILE=deep: ten times the
  examples, random, with an example database under .pytest_cache).
- ``run_cli`` runs the real command in a subprocess; ``run_cli_as_nobody`` runs it in a forked
  child that dropped root for user ``nobody`` (permission tests mean nothing to root).
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import pwd
import re
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "reliability.md"
TIER = ("test_fuzz.py", "test_robustness.py")
PROFILE = os.environ.get("CVX_FUZZ_PROFILE", "ci")
if PROFILE not in ("ci", "deep"):
    raise RuntimeError(f"CVX_FUZZ_PROFILE must be ci or deep, not {PROFILE!r}")
SCALE = 10 if PROFILE == "deep" else 1


# -- hypothesis ----------------------------------------------------------------------------
def fuzz_settings(examples: int) -> Any:
    """``examples`` in CI (derandomized, no database), ten times that and random when deep."""
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    deep = PROFILE == "deep"
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=not deep,
        database=(
            DirectoryBasedExampleDatabase(str(ROOT / ".pytest_cache" / "cvx-hypothesis"))
            if deep
            else None
        ),
        # The target phase (hill-climbing on hypothesmith's targets) doubles the run time and
        # finds nothing the generate phase does not.
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        # too_slow times data generation: on a loaded machine (xdist's workers, CI) it would
        # fail a run for the machine's speed, not for anything the code did. No other health
        # check fires, in either profile.
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )


# -- running the command --------------------------------------------------------------------
@dataclass
class Ran:
    """What a run of the command gave."""

    code: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[str]:
        """stderr without the lines that only report what the run did (check's closing line,
        fix's summary and fixed: lines)."""
        return [line for line in self.stderr.splitlines() if not _SUMMARY.match(line)]


_SUMMARY = re.compile(
    r"\d+ files? (would be )?rewritten, |All checks passed!$|Found \d+ findings?\b"
    r"|(fixed|would fix): .* \(\d+ sites?\)$"
)


def run_cli(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 300
) -> Ran:
    """``python -m flake8_covalent_executor ARGS`` (always --isolated); never raises."""
    command, rest = args[0], args[1:]
    result = subprocess.run(
        [sys.executable, "-m", "flake8_covalent_executor", command, "--isolated", *rest],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    decode = lambda data: data.decode("utf-8", "replace")  # noqa: E731
    return Ran(result.returncode, decode(result.stdout), decode(result.stderr))


def nobody() -> tuple[int, int] | None:
    """The uid and gid to drop to, or None when already unprivileged (nothing to drop)."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("nobody")
    return user.pw_uid, user.pw_gid


def hand_over(path: Path) -> None:
    """Give ``path`` and everything under it to ``nobody`` (when running as root)."""
    ids = nobody()
    if ids is None:
        return
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.lchown(name, *ids)


@contextlib.contextmanager
def nobody_dir() -> Iterator[Path]:
    """A fresh directory that user ``nobody`` owns and can reach (pytest's tmp_path is
    under a root-only directory)."""
    base = Path(tempfile.mkdtemp(prefix="cvx-robust-"))
    try:
        base.chmod(0o755)
        hand_over(base)
        yield base
    finally:
        for root, dirs, _ in os.walk(base):  # undo the test's chmods so it can be removed
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
        subprocess.run(["rm", "-rf", str(base)], check=False)


def _warm_up() -> None:
    """Import everything ``fix`` imports lazily, so the child needs no file root owns."""
    from flake8_covalent_executor import cli  # noqa: F401
    from flake8_covalent_executor.api import fix_source
    from flake8_covalent_executor.fix import runner, splice  # noqa: F401

    seed = b"import covalent as ct\n@ct.electron(executor=ct.executor.LocalExecutor())\n"
    fix_source(seed + b"def a():\n    pass\n", "warm.py")


def run_cli_as_nobody(*args: str, cwd: Path) -> Ran:
    """The command's ``main()`` in a forked child running as ``nobody`` in ``cwd``: the real
    code path, without needing the interpreter's files to be readable by that user."""
    from flake8_covalent_executor import cli

    _warm_up()
    ids = nobody()
    command, rest = args[0], list(args[1:])
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 99
            try:
                os.chdir(cwd)
                if ids is not None:
                    os.setgroups([])
                    os.setgid(ids[1])
                    os.setuid(ids[0])
                sys.stdout = io.TextIOWrapper(os.fdopen(out.fileno(), "wb", closefd=False))
                sys.stderr = io.TextIOWrapper(os.fdopen(err.fileno(), "wb", closefd=False))
                code = cli.main([command, "--isolated", *rest])
            except SystemExit as error:
                code = error.code if isinstance(error.code, int) else 98
            except BaseException:
                traceback.print_exc(file=sys.stderr)
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return Ran(
            os.waitstatus_to_exitcode(status),
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def temporaries(directory: Path) -> list[str]:
    """The fixer's temporary files under ``directory``."""
    return sorted(
        os.path.relpath(os.path.join(root, name), directory)
        for root, _, names in os.walk(directory)
        for name in names
        if name.startswith(".cvx-") and name.endswith(".tmp")
    )


def one_clear_line(ran: Ran, name: str) -> str:
    """The single message about ``name`` on stderr; fails on a traceback or anything else."""
    assert "Traceback" not in ran.stderr, ran.stderr
    assert "internal error" not in ran.stderr, ran.stderr
    lines = [line for line in ran.messages if line.strip()]
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith(f"{name}: "), lines
    return lines[0]


# -- the ledger and the report ---------------------------------------------------------------
SECTIONS = (
    "Fuzzing",
    "Hostile input",
    "File-system faults",
    "Problems this tier found, now fixed",
)


@dataclass
class Row:
    section: str
    nodeid: str
    tried: str
    count: str
    happened: str


@dataclass
class Ledger:
    """Rows added by the tier's tests, and each test's outcome; a pytest plugin."""

    rows: list[Row] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)
    installed: bool = False
    note: str | None = None  # why the report asked for was not written

    def install(self, config: pytest.Config) -> None:
        if not self.installed:
            config.pluginmanager.register(self, "cvx-reliability-ledger")
            self.installed = True

    def add(self, section: str, tried: str, count: object, happened: str) -> None:
        assert section in SECTIONS, section
        current = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
        self.rows.append(Row(section, current, tried, str(count), happened))

    # -- hooks ------------------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not _in_tier(report.nodeid):
            return
        if report.failed:
            self.outcomes[report.nodeid] = "FAILED"
        elif report.skipped and hasattr(report, "wasxfail"):
            self.outcomes[report.nodeid] = "xfail"
        elif report.skipped:
            self.outcomes.setdefault(report.nodeid, "skipped")
        elif report.when == "call":
            wasxfail = getattr(report, "wasxfail", None)
            self.outcomes.setdefault(report.nodeid, "XPASS" if wasxfail else "passed")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not session.config.getoption("write_reliability", default=False):
            return  # written only when asked: a test run must not change the docs
        items = [item.nodeid for item in session.items if _in_tier(item.nodeid)]
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        deselected = getattr(reporter, "stats", {}).get("deselected", [])
        whole = (
            {Path(i.split("::")[0]).name for i in items} == set(TIER)
            and not any(_in_tier(getattr(d, "nodeid", "")) for d in deselected)
            and all(i in self.outcomes for i in items)
            and not any("::" in str(arg) for arg in session.config.args)
        )
        target = (
            REPORT if PROFILE == "ci" else ROOT / ".pytest_cache" / f"reliability-{PROFILE}.md"
        )
        if not whole:  # a partial run of the tier must not rewrite the report
            self.note = (
                f"--write-reliability: {os.path.relpath(target, ROOT)} not written: the run did "
                f"not execute the whole of {' and '.join(TIER)}"
            )
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        text = self.render(items)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.note is not None:
            terminalreporter.write_line(self.note)

    def render(self, order: Sequence[str]) -> str:
        from hypothesis import __version__ as hypothesis_version

        position = {nodeid: index for index, nodeid in enumerate(order)}
        rows = sorted(
            enumerate(self.rows),
            key=lambda pair: (
                SECTIONS.index(pair[1].section),
                position.get(pair[1].nodeid, len(position)),
                pair[0],
            ),
        )
        lines = [
            "# Reliability: what the robustness tier tried, and what happened",
            "",
            "<!-- Written by `python -m pytest --write-reliability` (tests/robust_helpers.py),",
            "     at the end of a run that executed the whole of tests/test_fuzz.py and",
            "     tests/test_robustness.py; a run without the option writes nothing here.",
            "     Do not edit by hand: change the tests, run them with the option, commit the",
            "     result. -->",
            "",
            f"Profile `{PROFILE}` (hypothesis {hypothesis_version}, derandomized in CI, so the "
            f"same examples every run), Python {platform.python_version_tuple()[0]}."
            f"{platform.python_version_tuple()[1]}. `exit` is the command's exit status; "
            '"unchanged" means the file\'s bytes are the same afterwards.',
        ]
        section = None
        for _, row in rows:
            if row.section != section:
                section = row.section
                lines += [
                    "",
                    f"## {section}",
                    "",
                    "| what was tried | how many | what happened | test |",
                    "|---|---|---|---|",
                ]
            test = row.nodeid.split("::", 1)[-1]
            outcome = self.outcomes.get(row.nodeid, "not run")
            lines.append(
                f"| {_cell(row.tried)} | {_cell(row.count)} | {_cell(row.happened)} | "
                f"`{_cell(test)}` {outcome} |"
            )
        return "\n".join(lines) + "\n"


def _in_tier(nodeid: str) -> bool:
    return Path(nodeid.split("::")[0]).name in TIER


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


LEDGER = Ledger()
