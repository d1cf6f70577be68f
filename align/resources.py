"""How many CPU threads one process's models may use.

Batch workers set ``ALIGN_THREADS`` so that several processes share the cores instead of each
claiming all of them; a single run uses every core.
"""

from __future__ import annotations

import os


def cpu_threads() -> int:
    """``$ALIGN_THREADS`` when set, else the number of cores."""
    value = os.environ.get("ALIGN_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 2)
