"""Standard Webhooks signing, retry schedule and URL checks (webhooks.py), without Odoo.

Plain pytest: the module is loaded from its file, so these tests need no Odoo (importing
``odoo.addons.stablecoin_webhooks.webhooks`` would load the addon and its models). The
signatures are checked against the spec's published vector and the reference implementation
(the ``standardwebhooks`` package), never against this module itself.
"""

import base64
import importlib.util
import json
import random
import socket
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

_PATH = Path(__file__).resolve().parent.parent / "webhooks.py"
_SPEC = importlib.util.spec_from_file_location("stablecoin_webhooks_webhooks", _PATH)
webhooks = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(webhooks)

# The signature test vector of the reference libraries (standard-webhooks, libraries/*/tests).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


# -- secrets and signatures --------------------------------------------------------------------
def test_the_published_vector():
    signature = webhooks.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    assert signature == VECTOR_SIGNATURE
    moment = datetime.fromtimestamp(VECTOR_TIMESTAMP, tz=timezone.utc)
    assert webhooks.sign(VECTOR_SECRET, VECTOR_ID, moment, VECTOR_BODY) == VECTOR_SIGNATURE


def test_a_new_secret_is_24_random_bytes():
    secret = webhooks.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:], validate=True)) == 24
    assert len({webhooks.new_secret() for _ in range(50)}) == 50


@pytest.mark.parametrize("secret", ["", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_*!"])
def test_a_malformed_secret_is_refused(secret):
    with pytest.raises(ValueError):
        webhooks.sign(secret, "msg_1", 1, b"{}")


@pytest.mark.parametrize("msg_id", ["", "msg.1"])
def test_a_message_id_has_no_full_stop(msg_id):
    with pytest.raises(ValueError):
        webhooks.sign(webhooks.new_secret(), msg_id, 1, b"{}")


bodies = st.binary(max_size=300).map(lambda b: base64.b64encode(b)).map(lambda b: b'{"d":"%s"}' % b)
msg_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_", min_size=1)


@given(body=bodies, msg_id=msg_ids, skew=st.integers(min_value=-240, max_value=240))
def test_the_reference_verifier_accepts_our_headers(body, msg_id, skew):
    secret = webhooks.new_secret()
    timestamp = int(datetime.now(timezone.utc).timestamp()) + skew
    sent = webhooks.headers(secret, msg_id, timestamp, body)
    assert set(sent) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    Webhook(secret).verify(body, sent)
    reference = Webhook(secret).sign(
        msg_id, datetime.fromtimestamp(timestamp, tz=timezone.utc), body.decode()
    )
    assert sent["webhook-signature"] == reference


def test_a_tampered_body_id_or_timestamp_fails_the_reference_verifier():
    secret = webhooks.new_secret()
    now = int(datetime.now(timezone.utc).timestamp())
    body = b'{"type":"invoice.paid","data":{"amount":"10.00"}}'
    sent = webhooks.headers(secret, "msg_abc", now, body)
    Webhook(secret).verify(body, sent)
    for tampered_body, tampered in (
        (body.replace(b"10.00", b"99.00"), sent),
        (body, {**sent, "webhook-id": "msg_abd"}),
        (body, {**sent, "webhook-timestamp": str(now + 1)}),
    ):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(tampered_body, tampered)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(body, sent)


def test_rotation_signs_with_each_secret_and_both_verify():
    old, new = webhooks.new_secret(), webhooks.new_secret()
    now = int(datetime.now(timezone.utc).timestamp())
    body = b'{"type":"webhook.test"}'
    sent = webhooks.headers([new, old], "msg_rot", now, body)
    signatures = sent["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    Webhook(old).verify(body, sent)
    Webhook(new).verify(body, sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(body, sent)
    with pytest.raises(ValueError):
        webhooks.headers([], "msg_rot", now, body)


def test_message_ids_are_unique_and_have_no_full_stop():
    ids = {webhooks.new_message_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(i.startswith("msg_") and "." not in i and len(i) >= 20 for i in ids)


def test_the_envelope_is_compact_ascii_json_with_exact_amounts():
    moment = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=timezone.utc)
    body = webhooks.envelope(
        "invoice.paid",
        {"amount": Decimal("120.000001"), "partner": "Zoë", "due": date(2026, 4, 1)},
        moment,
    )
    assert body == (
        b'{"type":"invoice.paid","timestamp":"2026-03-04T05:06:07.890123Z",'
        b'"data":{"amount":"120.000001","partner":"Zo\\u00eb","due":"2026-04-01"}}'
    )
    assert json.loads(body)["data"]["partner"] == "Zoë"
    with pytest.raises(TypeError):
        webhooks.envelope("invoice.paid", {"x": object()})


def test_the_envelope_timestamp_is_now_by_default():
    before = datetime.now(timezone.utc)
    stamp = json.loads(webhooks.envelope("webhook.test", {}))["timestamp"]
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert before <= moment <= datetime.now(timezone.utc)


# -- retries -----------------------------------------------------------------------------------
def test_the_schedule_is_the_specs():
    assert webhooks.RETRY_DELAYS == (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)


@given(
    attempt=st.integers(min_value=1, max_value=len(webhooks.RETRY_DELAYS)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_each_delay_is_the_schedules_within_the_jitter(attempt, seed):
    delay = webhooks.next_delay(attempt, rng=random.Random(seed))
    base = webhooks.RETRY_DELAYS[attempt - 1]
    assert base * 0.8 <= delay <= base * 1.2


def test_jitter_spreads_the_retries():
    rng = random.Random(7)
    delays = {round(webhooks.next_delay(3, rng=rng)) for _ in range(20)}
    assert len(delays) > 10


@pytest.mark.parametrize("attempt", [0, len(webhooks.RETRY_DELAYS) + 1, 50])
def test_no_retry_after_the_last(attempt):
    assert webhooks.next_delay(attempt, retry_after="10") is None


def test_retry_after_in_seconds_is_a_minimum():
    rng = random.Random(1)
    assert webhooks.next_delay(1, retry_after="120", rng=rng) == 120
    # shorter than the schedule's delay: the schedule wins
    assert webhooks.next_delay(4, retry_after="120", rng=rng) >= 7200 * 0.8
    # honoured up to a day, never more
    assert webhooks.next_delay(1, retry_after=str(10 * 86400), rng=rng) == 86400


def test_retry_after_as_an_http_date():
    now = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(minutes=10), usegmt=True)
    assert webhooks.parse_retry_after(later, now=now) == 600
    assert webhooks.next_delay(1, retry_after=later, now=now) == 600
    past = format_datetime(now - timedelta(minutes=10), usegmt=True)
    assert webhooks.parse_retry_after(past, now=now) == 0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2026"])
def test_a_meaningless_retry_after_is_ignored(value):
    assert webhooks.parse_retry_after(value) is None
    assert 4 <= webhooks.next_delay(1, retry_after=value) <= 6


# -- receivers' URLs ---------------------------------------------------------------------------
def resolver(mapping):
    """A getaddrinfo answering from ``mapping`` (host -> addresses)."""

    def resolve(host, port, *args, **kwargs):
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in mapping[host]
        ]

    return resolve


PUBLIC = resolver(
    {
        "hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        "internal.example.com": ["93.184.215.14", "10.1.2.3"],
        "metadata.example.com": ["169.254.169.254"],
        "rebind.example.com": ["fd12::1"],
        "cgnat.example.com": ["100.64.0.7"],
        "loop.example.com": ["127.0.0.1"],
    }
)


OWN = frozenset({webhooks._address("198.51.100.0"), webhooks._address("93.184.216.34")})
LOCAL_URLS = [
    "http://127.0.0.1:8123/hook",
    "http://127.5.6.7/hook",
    "http://[::1]:9000/",
    "http://localhost:8069/x",
    "https://LOCALHOST./x",
    "https://[::ffff:127.0.0.1]/",
    "https://loop.example.com/",
    "https://93.184.216.34/hook",
    "https://self.example.com/hook",
]
SELF = resolver({"self.example.com": ["93.184.216.34"]})


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/stablecoin", "https://hooks.example.com:8443/a?b=c"]
    + ["https://93.184.215.14/hook"],
)
def test_accepted_urls(url):
    assert webhooks.check_url(url, resolve=PUBLIC, own=OWN) == url
    assert not webhooks.is_local("hooks.example.com", ["93.184.215.14"], own=OWN)


@pytest.mark.parametrize("url", LOCAL_URLS)
def test_this_server_only_when_allowed(url):
    """The loopback and the server's own addresses: a port scanner of its services, unless
    allowed (for development)."""

    def resolve(host, port):
        return (SELF if host.startswith("self.") else PUBLIC)(host, port)

    with pytest.raises(ValueError, match="this server itself"):
        webhooks.check_url(url, resolve=resolve, own=OWN)
    assert webhooks.check_url(url, resolve=resolve, local=True, own=OWN) == url
    host = urlsplit(url).hostname
    addresses = webhooks.checked_addresses(url, resolve=resolve, local=True, own=OWN)
    assert webhooks.is_local(host, addresses, own=OWN)


def test_own_addresses_are_the_interfaces_and_the_host_name():
    own = webhooks.own_addresses()
    assert webhooks._address("127.0.0.1") in own
    assert own is webhooks.own_addresses(), "remembered"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://hooks.example.com/", "must use https"),
        ("ftp://hooks.example.com/", "https://host"),
        ("https:///path", "https://host"),
        ("hooks.example.com", "https://host"),
        ("", "required"),
        ("https://user:pw@hooks.example.com/", "no user name or password"),
        ("https://user@hooks.example.com/", "no user name or password"),
        ("https://hooks.example.com/ a", "no spaces"),
        ("https://hooks.example.com:99999/", "Not a valid URL"),
        ("https://10.0.0.1/", "private"),
        ("https://172.16.3.4/", "private"),
        ("https://192.168.0.5/", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fe80::1]/", "link-local"),
        ("https://[fd00::1]/", "unique-local"),
        ("https://[::ffff:10.0.0.1]/", "private"),
        ("https://[::ffff:169.254.169.254]/", "link-local"),
        ("https://[64:ff9b::a9fe:a9fe]/", "link-local"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://[::]/", "unspecified"),
        ("https://100.64.1.1/", "carrier-grade NAT"),
        ("https://224.0.0.1/", "multicast"),
        ("https://[ff02::1]/", "multicast"),
        ("https://240.0.0.1/", "address"),
        ("https://internal.example.com/", "10.1.2.3"),
        ("https://metadata.example.com/", "link-local"),
        ("https://rebind.example.com/", "unique-local"),
        ("https://cgnat.example.com/", "carrier-grade NAT"),
        ("https://unknown.example.com/", "cannot be resolved"),
        ("http://loop.example.com/", "must use https"),
    ],
)
def test_refused_urls(url, reason):
    with pytest.raises(ValueError, match=reason):
        webhooks.check_url(url, resolve=PUBLIC)


def test_every_resolved_address_is_checked():
    calls = []

    def resolve(host, port, *args, **kwargs):
        calls.append((host, port))
        return PUBLIC(host, port)

    with pytest.raises(ValueError, match="internal.example.com \\(10.1.2.3\\)"):
        webhooks.check_url("https://internal.example.com/", resolve=resolve)
    assert calls == [("internal.example.com", 443)]


@given(st.ip_addresses())
def test_an_address_is_allowed_only_if_public(ip):
    reason = webhooks.refused_reason(ip, own=OWN)
    mapped = getattr(ip, "ipv4_mapped", None) or ip
    if reason is None:
        assert mapped.is_global and not mapped.is_multicast, ip
        assert mapped not in OWN and not mapped.is_loopback, ip
    if mapped.is_loopback:
        assert webhooks.refused_reason(ip, local=True, own=OWN) is None


def test_checked_addresses_keep_the_resolvers_order():
    both = resolver({"dual.example.com": ["2606:2800:21f:cb07::1", "93.184.215.14"]})
    assert webhooks.checked_addresses("https://dual.example.com/", resolve=both) == [
        "2606:2800:21f:cb07::1",
        "93.184.215.14",
    ]
    assert webhooks.checked_addresses("https://93.184.215.14/", resolve=both) == ["93.184.215.14"]
    assert webhooks.checked_addresses("http://localhost:8069/", resolve=both, local=True) == []


@pytest.mark.parametrize(
    "url, address, pinned",
    [
        ("https://hooks.example.com/a?b=c", "93.184.215.14", "https://93.184.215.14/a?b=c"),
        ("https://hooks.example.com:8443/a", "93.184.215.14", "https://93.184.215.14:8443/a"),
        ("https://hooks.example.com/", "2606:2800::1", "https://[2606:2800::1]/"),
    ],
)
def test_pinned_url(url, address, pinned):
    assert webhooks.pinned_url(url, address) == pinned
