"""Writing a file so that it is, at every moment, either its old bytes or its new ones."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from .source import SourceError


def write_atomically(path: str, expected_old: bytes, data: bytes) -> None:
    """Replace ``path``'s bytes with ``data`` through a temporary file in the same directory.

    A symlink is followed (the target is rewritten, the link kept); permissions are kept.
    Raises SourceError, with the file untouched, when it is read-only, when the directory
    has no room for the temporary file, or when the file changed since it was read.
    """
    target = os.path.realpath(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    # No write bit means read-only even for root, who os.access would let through.
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise SourceError("read-only file; not rewritten")
    directory = os.path.dirname(target) or "."
    try:
        handle, temporary = tempfile.mkstemp(prefix=".cvx-", suffix=".tmp", dir=directory)
    except OSError as error:
        raise SourceError(f"cannot write next to it: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        with open(target, "rb") as current:
            if current.read() != expected_old:
                raise SourceError("changed on disk while being fixed; not rewritten")
        os.replace(temporary, target)
    except OSError as error:
        raise SourceError(f"cannot write: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
