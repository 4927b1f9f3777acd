"""analytics-web: a Segment-compatible browser analytics library written in Python.

The browser code lives in :mod:`analytics_web.browser` and is transpiled to JavaScript;
everything else in this package runs on CPython (snippet rendering, collector, CLI).
"""

__version__ = "0.1.0"
