# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Standard Webhooks v1 (https://www.standardwebhooks.com/), the sender's side: secrets,
signatures, the retry schedule and the check of a receiver's URL. Plain Python, no ORM.

* A secret is ``whsec_`` and the base64 of 24 random bytes (the spec: 24 to 64 bytes).
* A message is signed as ``v1,<base64 HMAC-SHA256 of "msg_id.timestamp.body">``, keyed by the
  secret's decoded bytes; the ``webhook-signature`` header lists one signature per secret,
  space-separated, so that a receiver keeps verifying while its secret is rotated.
* A failed delivery is retried on the spec's example schedule, with random jitter; a
  ``Retry-After`` of the receiver is a minimum.
* A receiver's URL is HTTPS (plain HTTP on the loopback only) and none of its addresses is
  private, link-local (cloud metadata), unique-local, shared (CGNAT), multicast, reserved or
  unspecified: a webhook must not be a way into the server's own network (SSRF). The loopback
  and this machine's own addresses are refused too, unless the caller allows them (``local``:
  a system administrator's choice, for development).
"""

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import random
import secrets as _secrets
import socket
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import psutil

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24

# The spec's example schedule: the delay before each retry, after the first attempt (which
# is immediate); after the last one the delivery has failed (about 75 hours after the event).
RETRY_DELAYS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
JITTER = 0.2  # each delay is drawn within +/- 20 % of the schedule's
MAX_RETRY_AFTER = 24 * 3600  # a receiver's Retry-After is honoured up to one day

LOOPBACK_NAMES = ("localhost",)
LOCAL_REFUSED = (
    "this server itself (its loopback or its own address), allowed only for development, by a "
    "system administrator (system parameter stablecoin_webhooks.allow_loopback)"
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
OWN_ADDRESSES_TTL = 60  # seconds this machine's addresses are remembered
_own_cache = {"until": 0.0, "addresses": frozenset()}


# -- secrets and signatures --------------------------------------------------------------------
def new_secret():
    """A fresh signing secret: ``whsec_`` and the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id():
    """A message id, ``msg_`` and 22 random URL-safe characters (never a full stop)."""
    return "msg_" + _secrets.token_urlsafe(16)


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)  # exact: an amount is never a float on the wire
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def envelope(event_type, data, moment=None):
    """The body of a webhook, serialised once: ``{"type", "timestamp", "data"}`` as compact
    JSON (ASCII) bytes; ``timestamp`` is the event's moment (ISO 8601, UTC)."""
    moment = moment or datetime.now(timezone.utc)
    return json.dumps(
        {"type": event_type, "timestamp": _json_value(moment), "data": data},
        separators=(",", ":"),
        default=_json_value,
    ).encode("ascii")


def secret_key(secret):
    """The HMAC key of a ``whsec_`` secret (its base64 part, decoded)."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise ValueError("A webhook secret starts with whsec_.")
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("A webhook secret is whsec_ and base64.") from exc
    if not key:
        raise ValueError("A webhook secret may not be empty.")
    return key


def _timestamp(timestamp):
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=timezone.utc)
        return int(timestamp.timestamp())
    return int(timestamp)


def sign(secret, msg_id, timestamp, body):
    """``v1,<signature>`` of ``body`` (bytes) sent as message ``msg_id`` at ``timestamp``
    (unix seconds, or an aware or UTC datetime)."""
    if not msg_id or "." in msg_id:
        raise ValueError("A message id is not empty and has no full stop.")
    if isinstance(body, str):
        body = body.encode()
    signed = b"%s.%d.%s" % (msg_id.encode(), _timestamp(timestamp), body)
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secrets, msg_id, timestamp, body):
    """The three Standard Webhooks headers, with one signature per secret (rotation)."""
    if isinstance(secrets, str):
        secrets = [secrets]
    if not secrets:
        raise ValueError("At least one secret signs a message.")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(_timestamp(timestamp)),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets),
    }


# -- retries -----------------------------------------------------------------------------------
def parse_retry_after(value, now=None):
    """Seconds asked by a ``Retry-After`` header (delay-seconds or an HTTP-date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else _timestamp(now)
    return max(0, int(moment.timestamp() - now))


def next_delay(attempt, retry_after=None, rng=random, now=None):
    """Seconds to wait before retrying a delivery whose ``attempt``-th attempt (1 for the
    first) failed, or None when it has had its last retry.

    The schedule's delay, within +/- :data:`JITTER`; a ``Retry-After`` header (seconds or an
    HTTP-date) asks for at least its delay, honoured up to :data:`MAX_RETRY_AFTER`.
    """
    if attempt < 1 or attempt > len(RETRY_DELAYS):
        return None
    delay = RETRY_DELAYS[attempt - 1] * rng.uniform(1 - JITTER, 1 + JITTER)
    asked = parse_retry_after(retry_after, now=now)
    if asked is not None:
        delay = max(delay, min(asked, MAX_RETRY_AFTER))
    return delay


# -- receivers' URLs ---------------------------------------------------------------------------
def _address(text):
    """An IP address (an IPv4-mapped or NAT64 IPv6 address as the IPv4 it carries), or None."""
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone: fe80::1%eth0
    except ValueError:
        return None
    if ip.version == 6:
        if ip.ipv4_mapped:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def own_addresses():
    """This machine's own addresses: its network interfaces', and those its host name
    resolves to (remembered for :data:`OWN_ADDRESSES_TTL` seconds)."""
    now = time.monotonic()
    if now < _own_cache["until"]:
        return _own_cache["addresses"]
    found = {
        info.address
        for infos in psutil.net_if_addrs().values()
        for info in infos
        if info.family in (socket.AF_INET, socket.AF_INET6)
    }
    try:
        named = socket.getaddrinfo(socket.gethostname(), None)
    except (OSError, UnicodeError):
        named = []  # a host name that does not resolve: the interfaces' addresses still count
    found.update(str(info[4][0]) for info in named)
    addresses = frozenset(ip for ip in map(_address, found) if ip is not None)
    _own_cache.update(until=now + OWN_ADDRESSES_TTL, addresses=addresses)
    return addresses


def refused_reason(ip, local=False, own=None):
    """Why a webhook may not go to this address (in words), or None. The loopback and this
    machine's own addresses (``own``, by default :func:`own_addresses`) only when ``local``."""
    ip = _address(str(ip))
    if ip is None:
        return "not an IP address"
    if ip.is_loopback:
        return None if local else LOCAL_REFUSED
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata and the local link)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.version == 4 and ip in CGNAT:
        return "a shared (carrier-grade NAT) address"
    if ip.version == 6 and ip in ipaddress.ip_network("fc00::/7"):
        return "a unique-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"
    if not local and ip in (own_addresses() if own is None else own):
        return LOCAL_REFUSED
    return None


def is_local(host, addresses, own=None):
    """Whether a receiver at ``host``, resolved to ``addresses``, is on this machine (its
    loopback or one of its own addresses)."""
    if is_loopback_host(host):
        return True
    own = own_addresses() if own is None else own
    return any((ip := _address(a)) is not None and (ip.is_loopback or ip in own) for a in addresses)


def is_loopback_host(host):
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1)."""
    host = (host or "").lower().rstrip(".")
    if host in LOOPBACK_NAMES:
        return True
    ip = _address(host)
    return bool(ip and ip.is_loopback)


def check_url(url, resolve=None, local=False, own=None):
    """Raise ValueError (saying why) unless ``url`` may receive webhooks; return it.

    HTTPS, or HTTP to the loopback; no credentials; the host, and each address it resolves
    to (with ``resolve``, by default :func:`socket.getaddrinfo` as it is at the call), is
    public; the loopback and this machine's own addresses only when ``local``.
    """
    checked_addresses(url, resolve, local=local, own=own)
    return url


def checked_addresses(url, resolve=None, local=False, own=None):
    """The addresses ``url``'s host resolves to, in the resolver's order, once
    :func:`check_url` found them all allowed (ValueError otherwise): the sender connects to
    one of these, not to what a second resolution might answer. Empty for ``localhost``."""
    resolve = resolve or socket.getaddrinfo
    if not isinstance(url, str) or not url.strip():
        raise ValueError("A webhook URL is required.")
    if url != url.strip() or any(c.isspace() or ord(c) < 32 for c in url):
        raise ValueError("A webhook URL has no spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"Not a valid URL: {exc}.") from exc
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError("A webhook URL is https://host/path.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("A webhook URL carries no user name or password.")
    loopback = is_loopback_host(host)
    if loopback and not local:
        raise ValueError(f"Webhooks are not sent to {host}: {LOCAL_REFUSED}.")
    if parts.scheme != "https" and not loopback:
        raise ValueError("A webhook URL must use https (plain http only to the loopback).")
    literal = _address(host)
    if loopback and literal is None:
        return []  # localhost: the loopback by name, never asked of a resolver
    if literal is not None:
        addresses = [host]
    else:
        try:
            infos = resolve(host, port or (443 if parts.scheme == "https" else 80))
        except (OSError, UnicodeError) as exc:
            raise ValueError(f"The host {host} cannot be resolved: {exc}.") from exc
        addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))
        if not addresses:
            raise ValueError(f"The host {host} has no address.")
    for address in addresses:
        reason = refused_reason(address, local=local, own=own)
        if reason:
            where = host if address == host else f"{host} ({address})"
            raise ValueError(f"Webhooks are not sent to {where}: {reason}.")
    return addresses


def pinned_url(url, address):
    """``url`` with its host replaced by ``address`` (an IP address), for connecting to the
    address checked; the original host goes in the Host header and the TLS server name."""
    parts = urlsplit(url)
    netloc = f"[{address}]" if ":" in address else address
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))
