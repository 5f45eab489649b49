"""dupfinder: find duplicate and near-duplicate photos and move the extra copies to the trash, safely."""

__version__ = "0.1.0"
