# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import random
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from psycopg2.errors import TransactionRollbackError
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from odoo.addons.stablecoin_wallet.compat import sql_constraints
from odoo.addons.stablecoin_wallet.jobs import may_commit
from odoo.addons.stablecoin_wallet.locking import try_lock_row

from .. import webhooks

_logger = logging.getLogger(__name__)

SEND_BATCH = 20  # deliveries locked at once by the sending job
SEND_LIMIT = 500  # deliveries sent per run; the job is triggered again for the rest
SEND_BUDGET = 60  # seconds of sending per run, well within a cron worker's time limit
TIMEOUT = 15  # seconds: the spec recommends giving receivers 15 to 30 s
EXCERPT = 500  # characters of a response kept in the log
USER_AGENT = "Odoo-Stablecoin-Webhooks/1.0"
TLS_VERIFY = True  # certificates checked against the system's authorities (a CA file in tests)
LOCAL_EXCERPT = "(not kept: a receiver on this server)"


class _PinnedAdapter(HTTPAdapter):
    """Connects where the URL says (the address checked), but speaks TLS to ``hostname``:
    server name indication and the certificate's name check use it."""

    def __init__(self, hostname):
        self._hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        kwargs.update(server_hostname=self._hostname, assert_hostname=self._hostname)
        return super().init_poolmanager(*args, **kwargs)


@sql_constraints
class StablecoinWebhookDelivery(models.Model):
    """One event for one endpoint: its message id and body, fixed once (a retry or a resend
    sends the same bytes under the same ``webhook-id``, so that receivers can deduplicate),
    and its attempts."""

    _name = "stablecoin.webhook.delivery"
    _description = "Stablecoin Webhook Delivery"
    _order = "id desc"
    _rec_name = "msg_id"

    endpoint_id = fields.Many2one(
        "stablecoin.webhook.endpoint", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    event_type_id = fields.Many2one(
        "stablecoin.webhook.event.type", string="Event", required=True, readonly=True
    )
    msg_id = fields.Char(string="Message ID", required=True, readonly=True, index=True)
    payload = fields.Text(required=True, readonly=True, help="The exact body sent.")
    state = fields.Selection(
        [("pending", "Pending"), ("delivered", "Delivered"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    retry_step = fields.Integer(
        readonly=True,
        help="Attempts failed since the event was queued or resent: the retry schedule's step.",
    )
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    delivered_at = fields.Datetime(readonly=True)
    last_status_code = fields.Integer(string="Last Status", readonly=True)
    last_error = fields.Char(readonly=True)
    attempt_ids = fields.One2many(
        "stablecoin.webhook.attempt", "delivery_id", string="Attempts Log", readonly=True
    )

    _sql_constraints = [  # noqa: RUF012
        ("msg_id_unique", "unique(msg_id)", "A webhook message id is unique."),
    ]

    @api.model
    def _create_for(self, endpoints, event_type_code, data):
        """One pending delivery per endpoint for this event, all with the same body."""
        event_type = (
            self.env["stablecoin.webhook.event.type"]
            .sudo()
            .search([("code", "=", event_type_code)], limit=1)
        )
        if not event_type:
            raise ValueError(f"Unknown webhook event type {event_type_code!r}")
        if not endpoints:
            return self.browse()
        payload = webhooks.envelope(event_type_code, data).decode("ascii")
        now = fields.Datetime.now()
        return self.create(
            [
                {
                    "endpoint_id": endpoint.id,
                    "event_type_id": event_type.id,
                    "msg_id": webhooks.new_message_id(),
                    "payload": payload,
                    "next_attempt_at": now,
                }
                for endpoint in endpoints
            ]
        )

    @api.model
    def _trigger_sending(self, at=None):
        """Wake the sending job at ``at`` (at once by default), unless a wake-up is already
        set between now and then."""
        cron = self.env.ref("stablecoin_webhooks.ir_cron_stablecoin_webhook_send", False)
        if not cron:
            return
        now = fields.Datetime.now()
        at = max(at or now, now)
        pending_wakeups = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id), ("call_at", ">", now), ("call_at", "<=", at)])
        )
        if not pending_wakeups:
            cron.sudo()._trigger(at)

    def action_resend(self):
        """Send again (the log's "Resend"): back in the queue now, same message id and body,
        on a fresh retry schedule."""
        self.check_access("read")
        if any(d.state == "pending" for d in self):
            raise UserError(self.env._("This delivery is already queued."))
        if self.endpoint_id.filtered(lambda e: not e.active):
            raise UserError(self.env._("Activate the endpoint before resending to it."))
        self.sudo().write(
            {"state": "pending", "retry_step": 0, "next_attempt_at": fields.Datetime.now()}
        )
        self._trigger_sending()
        return True

    # -- sending -----------------------------------------------------------------------------
    @api.model
    def _cron_send(self):
        """Scheduled action: send the due deliveries, each isolated from the others.

        Deliveries are locked (``FOR UPDATE SKIP LOCKED``): two workers never send the same
        one. Outside tests each delivery commits on its own, so a crash loses at most one
        outcome (and a receiver deduplicates by ``webhook-id``)."""
        # Not jobs.run_batches: deliveries are locked a batch at a time but sent and committed
        # one by one, each locked again after the commit before it, within a time budget.
        auto_commit = may_commit(self.env)
        delivery_sudo = self.sudo()
        due = [("state", "=", "pending"), ("next_attempt_at", "<=", fields.Datetime.now())]
        total = min(delivery_sudo.search_count(due), SEND_LIMIT)
        deadline = time.monotonic() + SEND_BUDGET
        seen, batch = [], delivery_sudo
        while len(seen) < SEND_LIMIT and time.monotonic() < deadline:
            batch = delivery_sudo._lock_due(SEND_BATCH, exclude=seen)
            if not batch:
                break
            for index, delivery in enumerate(batch):
                if index and auto_commit and not delivery._relock():
                    continue  # another worker took it since our last commit
                seen.append(delivery.id)
                delivery._send_guarded()
                if auto_commit:
                    done = len(seen)
                    self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if time.monotonic() > deadline:
                    break
        # Stopped by the limit or the time budget: run again at once for the rest.
        delivery_sudo._schedule_next_run(more=bool(batch))

    def _lock_due(self, limit, exclude=()):
        """Lock up to ``limit`` due pending deliveries that no other worker holds."""
        domain = [
            ("state", "=", "pending"),
            ("next_attempt_at", "<=", fields.Datetime.now()),
            ("id", "not in", list(exclude)),
        ]
        self.env.flush_all()
        query = self._search(domain, order="next_attempt_at, id", limit=limit)
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
                return self.browse(row[0] for row in self.env.cr.fetchall())
        except TransactionRollbackError:
            # One changed since this transaction began (a resend): lock them one by one.
            return self.search(domain, order="next_attempt_at, id", limit=limit).filtered(
                lambda d: d._relock()
            )

    def _relock(self):
        """Lock this delivery again (after a commit), if it is still due and nobody holds it."""
        self.ensure_one()
        locked = try_lock_row(
            self.env.cr,
            self._table,
            self.id,
            SQL("state = 'pending' AND next_attempt_at <= %s", fields.Datetime.now()),
        )
        self.invalidate_recordset()
        return locked

    def _schedule_next_run(self, more=False):
        """Wake the sending job for the earliest retry (or at once, when this run left due
        deliveries behind)."""
        if more:
            self._trigger_sending()
            return
        upcoming = self.search(
            [("state", "=", "pending"), ("next_attempt_at", "!=", False)],
            order="next_attempt_at",
            limit=1,
        )
        if upcoming:
            self._trigger_sending(upcoming.next_attempt_at)

    def _send_guarded(self):
        """Send; an unexpected error is logged, and the delivery retried like a failure."""
        try:
            with self.env.cr.savepoint():
                self._send(retry=self.event_type_id.code != "webhook.test")
        except Exception as exc:  # pylint: disable=broad-except
            _logger.warning("Webhook delivery %s could not be sent", self.msg_id, exc_info=True)
            self.env.invalidate_all()
            self._record_outcome(fields.Datetime.now(), None, 0, str(exc) or repr(exc), "", None)

    def _send(self, retry=True, defer_local=False):
        """One attempt: POST the body to the endpoint, log it, and move the delivery on. With
        ``retry=False`` (a test event) a failure is final. With ``defer_local``, a receiver on
        this server is left to the sending job (a user waiting for the answer would time it):
        returns False then, True once sent."""
        self.ensure_one()
        endpoint_sudo = self.endpoint_id.sudo()
        now = fields.Datetime.now()
        if not endpoint_sudo.active:
            self.write(
                {
                    "state": "failed",
                    "next_attempt_at": False,
                    "last_error": self.env._("The endpoint is disabled."),
                }
            )
            return True
        body = self.payload.encode()
        status, error, excerpt, retry_after, local = None, None, "", None, False
        started = time.monotonic()
        try:
            # Again at each attempt: the host's addresses may have changed since it was saved,
            # and the system administrator may have withdrawn the loopback.
            addresses = webhooks.checked_addresses(
                endpoint_sudo.url, local=endpoint_sudo._allow_local()
            )
        except ValueError as exc:
            error = self.env._("URL refused: %(reason)s", reason=exc)
        else:
            local = webhooks.is_local(urlsplit(endpoint_sudo.url).hostname, addresses)
            if local and defer_local:
                self._trigger_sending()
                return False
            try:
                status, excerpt, retry_after, error = self._post(endpoint_sudo, body, addresses)
            except Exception:  # pylint: disable=broad-except
                if not local:
                    raise  # logged with its error by _send_guarded
                # Whatever a local service made go wrong stays in the server's log.
                _logger.warning("Webhook delivery %s: local receiver", self.msg_id, exc_info=True)
        duration_ms = int((time.monotonic() - started) * 1000)
        self._record_outcome(now, status, duration_ms, error, excerpt, retry_after, retry, local)
        return True

    def _post(self, endpoint_sudo, body, addresses):
        """POST the signed body; return (status, response excerpt, Retry-After, error).

        A host name is connected to at the first address checked, not resolved again (DNS
        rebinding), TLS verifying the certificate for the name; unless a proxy is configured
        for the URL, which then resolves and connects (and should filter internal targets).
        """
        url = endpoint_sudo.url
        secrets = endpoint_sudo._signing_secrets()
        headers = {
            **webhooks.headers(secrets, self.msg_id, int(time.time()), body),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        }
        host = urlsplit(url).hostname
        try:
            with requests.Session() as session:
                if addresses and addresses[0] != host and not get_environ_proxies(url):
                    session.mount(url.split(":", 1)[0] + "://", _PinnedAdapter(host))
                    headers["Host"] = urlsplit(url).netloc
                    url = webhooks.pinned_url(url, addresses[0])
                response = session.post(
                    url,
                    data=body,
                    headers=headers,
                    timeout=TIMEOUT,
                    allow_redirects=False,
                    stream=True,
                    verify=TLS_VERIFY,
                )
                with response:
                    head = next(response.iter_content(EXCERPT * 4), b"")
                    excerpt = head.decode(response.encoding or "utf-8", "replace")[:EXCERPT]
                    return (
                        response.status_code,
                        excerpt,
                        response.headers.get("Retry-After"),
                        None,
                    )
        except requests.RequestException as exc:
            return None, "", None, f"{type(exc).__name__}: {exc}"

    def _record_outcome(
        self, sent_at, status, duration_ms, error, excerpt, retry_after, retry=True, local=False
    ):
        """Log the attempt; delivered on a 2xx, the endpoint disabled on a 410, else retried
        on the schedule (failed after its last retry, or at once when ``retry`` is False).

        A ``local`` receiver (on this server) leaves only whether it took the event: no
        status, Retry-After, error, timing or answer, kept or acted on (the log is no port
        scanner of the server's own services)."""
        self.ensure_one()
        delivered = bool(status and 200 <= status < 300)
        if local:
            status, duration_ms, excerpt, retry_after = 0, 0, LOCAL_EXCERPT, None
            error = None
            if not delivered:
                error = self.env._("Not delivered (a receiver on this server: no answer is kept).")
        self.env["stablecoin.webhook.attempt"].sudo().create(
            {
                "delivery_id": self.id,
                "url": self.endpoint_id.sudo().url,
                "sent_at": sent_at,
                "status_code": status or 0,
                "duration_ms": duration_ms,
                "error": error,
                "response_excerpt": excerpt,
                "retry_after": retry_after,
            }
        )
        vals = {
            "attempt_count": self.attempt_count + 1,
            "last_status_code": status or 0,
            "last_error": error or False,
        }
        if delivered:
            vals.update(state="delivered", delivered_at=sent_at, next_attempt_at=False)
        elif status == 410:
            self.endpoint_id.sudo().write(
                {
                    "active": False,
                    "disabled_reason": self.env._(
                        "The receiver answered 410 Gone on %(date)s: it wants no more "
                        "webhooks. Reactivate the endpoint to send again.",
                        date=sent_at,
                    ),
                }
            )
            vals.update(state="failed", next_attempt_at=False)
            vals["last_error"] = error or self.env._("410 Gone: endpoint disabled.")
        else:
            step = self.retry_step + 1
            delay = webhooks.next_delay(step, retry_after, rng=random) if retry else None
            if delay is None:
                vals.update(state="failed", next_attempt_at=False, retry_step=step)
            else:
                vals.update(
                    retry_step=step,
                    next_attempt_at=fields.Datetime.now() + timedelta(seconds=delay),
                )
        self.write(vals)

    @api.autovacuum
    def _gc_old_deliveries(self):
        """Deliveries done (delivered or failed) more than 90 days ago leave the log."""
        limit = fields.Datetime.now() - timedelta(days=90)
        self.sudo().search(
            [("state", "!=", "pending"), ("write_date", "<", limit)], limit=10000
        ).unlink()
