"""Reading a file (or standard input) and turning its bytes into what the detector and the
noqa reader need."""

from __future__ import annotations

import ast
import io
import os
import re
import stat
import sys
import tokenize
from dataclasses import dataclass


class SourceError(Exception):
    """A file that cannot be read or parsed; the message is one line for the user."""


@dataclass(frozen=True)
class Source:
    """A Python file's bytes, decoded the way Python itself would."""

    data: bytes
    encoding: str

    @classmethod
    def from_bytes(cls, data: bytes) -> Source:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            data.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError) as error:
            raise SourceError(f"cannot decode: {_one_line(error)}") from None
        return cls(data, encoding)

    @property
    def text(self) -> str:
        return self.data.decode(self.encoding)

    def lines(self) -> list[str]:
        """Lines with universal newlines, as flake8 reads them."""
        text = self.text.replace("\r\n", "\n").replace("\r", "\n")
        return io.StringIO(text).readlines()

    def parse(self, filename: str) -> ast.Module:
        try:
            return ast.parse(self.data, filename=filename)
        except SyntaxError as error:
            where = f" (line {error.lineno})" if error.lineno else ""
            raise SourceError(f"syntax error{where}: {error.msg}") from None
        except (ValueError, UnicodeError) as error:
            raise SourceError(f"cannot parse: {_one_line(error)}") from None
        except (RecursionError, MemoryError):
            raise SourceError("cannot parse: too deeply nested") from None


def read_input(path: str) -> bytes:
    """A file's bytes, or standard input's for ``-``. Raises SourceError with a short reason."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        # Non-blocking, so that opening a FIFO does not wait forever for a writer.
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            kind = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(kind):
                raise SourceError(_directory_problem(path))
            if not stat.S_ISREG(kind):  # a FIFO, a socket, a device: it may never end
                raise SourceError("not a regular file")
            return handle.read()
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def _directory_problem(path: str) -> str:
    try:
        os.listdir(path)
    except OSError as error:
        return f"cannot list directory: {error.strerror or error}"
    return "is a directory"


def python_lines(text: str) -> list[str]:
    """Lines as Python counts them (only \\n, \\r\\n and \\r end a line, not the form feeds
    and other separators ``str.splitlines`` also splits at), ends kept."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
