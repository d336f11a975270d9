"""kaifaqu (开发区): an open platform for running a development zone."""

__version__ = "0.1.0"
