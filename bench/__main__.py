"""``python -m bench``: run the benchmark."""

from .run import bench

bench()
