"""Atomic file writing for the scripts that produce committed reference data."""

import os
import tempfile


def write_text(path, text):
    """Replace path with text so that a reader sees the old file or the new
    one, never a part: a temporary file in the same folder, flushed to disk,
    then renamed over path."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".tmp-")
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
