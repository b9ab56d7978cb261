# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Downloading the sanctions list: https only, streamed under a size cap and an overall
deadline. No ORM: the model passes its settings."""

import ipaddress
import time
from urllib.parse import urlsplit

import requests

# Per read (connect, then each chunk); the whole download has DEADLINE.
TIMEOUT = 120
DEADLINE = 600
# OFAC's sdn_advanced.xml is about 100 MB; a tenfold margin, decompressed.
MAX_BYTES = 1024 * 1024 * 1024
CHUNK = 1 << 16


class DownloadRefused(ValueError):
    """The URL or what it answered is not taken (the reason in words)."""


def _is_loopback(host):
    if (host or "").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url, loopback_http=False):
    """Refuse what is not an https URL; ``loopback_http``: plain http to this machine is
    allowed too (development, tests)."""
    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and loopback_http and _is_loopback(parts.hostname):
        return
    raise DownloadRefused(f"{url} is not an https:// address.")


def download(url, max_bytes=MAX_BYTES, loopback_http=False, deadline=DEADLINE):
    """The body at ``url``, at most ``max_bytes`` (decompressed), within ``deadline``
    seconds. Redirects are followed to https addresses only. Raises DownloadRefused or
    requests' errors."""
    check_url(url, loopback_http)
    ends = time.monotonic() + deadline
    with requests.get(url, timeout=TIMEOUT, stream=True) as response:
        response.raise_for_status()
        for hop in [*response.history, response]:
            check_url(hop.url, loopback_http)
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise DownloadRefused(f"the file is larger than {max_bytes} bytes.")
        chunks, size = [], 0
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise DownloadRefused(f"the file is larger than {max_bytes} bytes.")
            if time.monotonic() > ends:
                raise DownloadRefused(f"the download took longer than {deadline} seconds.")
            chunks.append(chunk)
    return b"".join(chunks)
