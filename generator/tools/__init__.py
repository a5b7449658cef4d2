"""Tools around the build: the partner scaffold, the live preview, and the benchmarks."""
