"""Writing a file so that it is, at every moment, either its old bytes or its new ones."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat

from ..source import SourceError

# Temporary files are ".cvx-fix-<pid>-<16 hex digits>.tmp" beside the file: a run killed
# between creating one and renaming it over the file leaves it behind, and the pid says whose
# it was. Only names of exactly that form are ever removed: a user's ".cvx-1-notes.tmp" is not.
_PREFIX = ".cvx-fix-"
_TEMPORARY = re.compile(r"\.cvx-fix-([1-9][0-9]{0,9})-[0-9a-f]{16}\.tmp\Z")


def write_atomically(path: str, expected_old: bytes, data: bytes) -> None:
    """Replace ``path``'s bytes with ``data`` through a temporary file in the same directory.

    A symlink is followed (the target is rewritten, the link kept); permissions are kept,
    and the owner where allowed. A hard link is broken: the path gets a new file. Raises
    SourceError, with the file untouched, when it is read-only, when the directory has no
    room for the temporary file, or when the file changed or went since it was read.
    """
    target = os.path.realpath(path)
    status = _writable(target)
    handle, temporary = _temporary(os.path.dirname(target) or ".")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _keep_owner(temporary, status)
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        with open(target, "rb") as current:
            if current.read() != expected_old:
                raise SourceError("changed on disk while being fixed; not rewritten")
        os.replace(temporary, target)
    except OSError as error:
        raise SourceError(f"cannot write: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _writable(target: str) -> os.stat_result:
    """The file's status; raises SourceError when it is gone or may not be written."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        raise SourceError("deleted while being fixed; not rewritten") from None
    except OSError as error:
        raise SourceError(f"cannot write: {error.strerror or error}") from None
    # No write bit means read-only even for root, who os.access would let through.
    if not stat.S_IMODE(status.st_mode) & 0o222 or not os.access(target, os.W_OK):
        raise SourceError("read-only file; not rewritten")
    return status


def _temporary(directory: str) -> tuple[int, str]:
    """A new file of ours (created exclusively, never an existing one) in ``directory``."""
    for _ in range(8):
        name = f"{_PREFIX}{os.getpid()}-{secrets.token_hex(8)}.tmp"
        path = os.path.join(directory, name)
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path
        except FileExistsError:
            continue
        except OSError as error:
            raise SourceError(f"cannot write next to it: {error.strerror}") from None
    raise SourceError("cannot write next to it: no free temporary name")


def remove_stale_temporaries(directory: str) -> list[str]:
    """Delete the temporary files that runs killed mid-write left in ``directory`` (those
    whose process is gone); return their paths. Never raises."""
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = _TEMPORARY.match(name)
        if match is None or _alive(int(match.group(1))):
            continue
        path = os.path.join(directory, name)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
                removed.append(path)
    return removed


def _keep_owner(path: str, old: os.stat_result) -> None:
    """Give the new file the old one's owner and group where allowed (root may, and a user
    may keep a group of theirs); else it is the writer's, as any new file."""
    if os.name == "nt" or (old.st_uid, old.st_gid) == (os.geteuid(), os.getegid()):
        return
    with contextlib.suppress(OSError):
        os.chown(path, old.st_uid, old.st_gid)


def _alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill would end the process there: never guess, never delete
    if not 0 < pid < 2**22:  # no system has such a pid (Linux's pid_max is 2**22 at most)
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # another user's process
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has ended but not been reaped (a killed run's pool workers, where
    nothing reaps orphans, as in some containers) answers os.kill like a live one."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            line = handle.read()
    except OSError:
        return False  # no /proc: trust os.kill
    state = line[line.rfind(b")") + 2 :][:1]  # after "pid (command) "
    return state in (b"Z", b"X")
