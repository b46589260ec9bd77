"""CloudFlow: an Amazon States Language workflow engine with a pure core."""

__version__ = "0.1.0"
