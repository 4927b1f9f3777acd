"""A first-party endpoint: the Tracking API and the bundle through the site's own domain, with a
durable spool that forwards to Segment (or any compatible API) and loses nothing."""

from analytics_web.proxy.app import ProxySettings, create_proxy_app
from analytics_web.proxy.server import ProxyServer, serve

__all__ = ["ProxyServer", "ProxySettings", "create_proxy_app", "serve"]
