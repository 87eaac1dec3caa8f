"""The client's network address, as the login lockout counts it."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip_address(request) -> str:
    """The TCP peer's address (REMOTE_ADDR) — unless JIXIAO_TRUSTED_PROXY says N reverse proxies stand in
    front: then the address the outermost of them saw, the N-th entry from the right of X-Forwarded-For
    (each proxy appends its peer's address; what a client wrote itself stays to the left and is ignored)."""
    meta = request.META
    peer = meta.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return peer
    return peer
