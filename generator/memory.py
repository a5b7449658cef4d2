"""A process's own peak memory, for the benchmarks and the image-drawing processes; the standard library only."""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """This process's own peak resident memory since it started its program, in MB.

    Not ru_maxrss where Linux's /proc tells: a process started by fork and exec (a spawned image-drawing process, a
    validator the benchmark starts) begins with its parent's peak as its own, so it "measured" the parent.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
