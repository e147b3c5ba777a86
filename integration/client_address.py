"""The address of the person behind a request, also behind the city's reverse proxy.

Behind a proxy every request comes from the proxy (REMOTE_ADDR); the proxy appends the address it
saw to X-Forwarded-For. Everything left of what our own proxies appended was written by the client
and may be forged, so the client is the right-most entry that none of our proxies wrote:

- TRUSTED_PROXIES (addresses or networks of the proxies): only a request that arrives from one of
  them has its header read at all; the header is walked from the right, skipping our proxies.
- TRUSTED_PROXY_COUNT (number of proxies, each appending one entry): the client is that many entries
  from the right. Simpler, but it trusts any request that reaches gunicorn directly.
- neither: the header is ignored and REMOTE_ADDR is the client.

Used by the login protection (django-axes' AXES_CLIENT_IP_CALLABLE), the security log and the
access log, so that all three name the same address.
"""

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    """``["127.0.0.1", "10.0.0.0/8"]`` as networks; raises ValueError on anything else."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _parse_address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "198.51.100.20:50000"
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(
    remote_addr: str | None,
    forwarded_for: str | None,
    *,
    trusted_proxies: Sequence[Network] = (),
    proxy_count: int = 0,
) -> str | None:
    """The client's address from the connection's peer and the X-Forwarded-For header."""
    peer = _parse_address(remote_addr or "")
    if not (trusted_proxies or proxy_count):
        return str(peer) if peer else remote_addr
    entries = [entry for entry in (forwarded_for or "").split(",") if entry.strip()]
    if trusted_proxies:
        if peer is None or not any(peer in network for network in trusted_proxies):
            return str(peer) if peer else remote_addr  # did not come through our proxy
        nearest = peer
        for entry in reversed(entries):
            address = _parse_address(entry)
            if address is None:
                break  # a forged or broken entry: nothing left of it can be trusted
            if not any(address in network for network in trusted_proxies):
                return str(address)
            nearest = address
        return str(nearest)
    if len(entries) < proxy_count:
        return str(peer) if peer else remote_addr
    address = _parse_address(entries[-proxy_count])
    return str(address) if address else (str(peer) if peer else remote_addr)


@lru_cache(maxsize=8)
def _configured_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def client_address_from_meta(meta) -> str | None:
    """The client's address of a request's META (or a WSGI environ) under this site's settings."""
    return client_address(
        meta.get("REMOTE_ADDR"),
        meta.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=_configured_networks(tuple(settings.TRUSTED_PROXIES)),
        proxy_count=settings.TRUSTED_PROXY_COUNT,
    )


def client_address_of(request) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_address_from_meta(request.META)
