"""A local, Segment-compatible Tracking API for development, tests and the demo.

Needs the ``collector`` extra (aiohttp): ``pip install 'analytics-web[collector]'``.
"""

from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.server import CollectorServer, serve
from analytics_web.collector.store import EventStore

__all__ = ["CollectorServer", "EventStore", "Fault", "FaultPlan", "serve"]
