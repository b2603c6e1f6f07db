"""What ``check`` says after the findings: flake8's ``--statistics`` table and the closing line
(``Found 3 findings in 2 files (2 fixable with fix, 1 with --unsafe-fixes)``), counted as the
files go by: results are not kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from .results import CheckResult


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


@dataclass
class Totals:
    """A run's findings, counted: per file, per fix safety and per code."""

    findings: int = 0
    files: int = 0  # files with findings
    safe: int = 0
    unsafe: int = 0
    errors: int = 0  # files that could not be checked
    # Per code: its count, and the first message of the first file (by name) it is in, which
    # is the message flake8's --statistics shows.
    codes: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, result: CheckResult) -> None:
        self.errors += result.error is not None
        self.files += bool(result.findings)
        for f in result.findings:
            self.findings += 1
            self.safe += f.fix == "safe"
            self.unsafe += f.fix == "unsafe"
            self.codes[f.code] = self.codes.get(f.code, 0) + 1
            known = self.first.get(f.code)
            if known is None or result.path < known[0]:
                text = f.message[len(f.code) + 1 :]
                self.first[f.code] = (result.path, text)

    def statistics(self) -> str:
        """One line per code, sorted by code, as flake8's ``--statistics`` prints them."""
        return "".join(
            f"{self.codes[code]:<5} {code} {self.first[code][1]}\n" for code in sorted(self.codes)
        )

    def closing_line(self) -> str:
        """The line ``check`` ends with on stderr (Ruff's "All checks passed!" when clean)."""
        if not self.findings and not self.errors:
            return "All checks passed!"
        line = f"Found {plural(self.findings, 'finding')}"
        if self.findings:
            line += f" in {plural(self.files, 'file')}"
        fixable = []
        if self.safe:
            fixable.append(f"{self.safe} fixable with fix")
        if self.unsafe:
            fixable.append(
                f"{self.unsafe} with --unsafe-fixes"
                if self.safe
                else f"{self.unsafe} fixable with fix --unsafe-fixes"
            )
        if fixable:
            line += f" ({', '.join(fixable)})"
        if self.errors:
            line += f"; {plural(self.errors, 'file')} skipped with errors"
        return line
