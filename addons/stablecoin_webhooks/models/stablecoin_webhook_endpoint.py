# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import str2bool

from .. import webhooks

# Set (to True) by a system administrator, for development: webhooks may go to this server
# itself (its loopback, its own addresses); such receivers' answers are never kept or shown.
ALLOW_LOOPBACK_PARAM = "stablecoin_webhooks.allow_loopback"

# After "Rotate secret", messages are signed with the old secret too for this long.
ROTATION_OVERLAP = timedelta(hours=24)


class StablecoinWebhookEndpoint(models.Model):
    """A receiver of a company's signed webhooks (Standard Webhooks v1), for the events it
    subscribes to. Accounting administrators manage them; the rest of the addon only calls
    :meth:`_enqueue` (the invoices' events, from ``account.move._stablecoin_publish``)."""

    _name = "stablecoin.webhook.endpoint"
    _description = "Stablecoin Webhook Endpoint"
    _order = "company_id, name, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    url = fields.Char(
        string="URL",
        required=True,
        help="HTTPS address the events are POSTed to. Private, link-local and other internal "
        "addresses are refused, and so is this server itself unless a system administrator "
        "allows it for development (then plain HTTP to its loopback too).",
    )
    active = fields.Boolean(default=True)
    event_type_ids = fields.Many2many(
        "stablecoin.webhook.event.type",
        string="Events",
        default=lambda self: self._default_event_types(),
        help="The events sent to this endpoint.",
    )
    secret = fields.Char(
        string="Signing Secret",
        groups="account.group_account_manager",
        readonly=True,
        copy=False,
        default=lambda self: webhooks.new_secret(),
        help="The receiver verifies each message's webhook-signature with it (Standard "
        "Webhooks libraries take it as is, whsec_ included).",
    )
    previous_secret = fields.Char(groups="account.group_account_manager", readonly=True, copy=False)
    previous_secret_until = fields.Datetime(
        string="Previous Secret Valid Until",
        readonly=True,
        copy=False,
        help="Until then, messages carry a second signature made with the previous secret.",
    )
    disabled_reason = fields.Char(readonly=True, copy=False)
    delivery_ids = fields.One2many(
        "stablecoin.webhook.delivery", "endpoint_id", string="Deliveries", readonly=True
    )
    delivery_count = fields.Integer(compute="_compute_stats")
    failed_count = fields.Integer(string="Failed Deliveries", compute="_compute_stats")
    last_attempt_at = fields.Datetime(compute="_compute_stats")
    last_status_code = fields.Integer(string="Last Status", compute="_compute_stats")
    last_error = fields.Char(compute="_compute_stats")

    @api.model
    def _default_event_types(self):
        return self.env["stablecoin.webhook.event.type"].search([("code", "!=", "webhook.test")])

    def _compute_stats(self):
        Delivery = self.env["stablecoin.webhook.delivery"]
        Attempt = self.env["stablecoin.webhook.attempt"]
        counts = {
            (endpoint.id, state): count
            for endpoint, state, count in Delivery._read_group(
                [("endpoint_id", "in", self.ids)], ["endpoint_id", "state"], ["__count"]
            )
        }
        last = {
            endpoint.id: Attempt.browse(attempt_id)
            for endpoint, attempt_id in Attempt._read_group(
                [("endpoint_id", "in", self.ids)], ["endpoint_id"], ["id:max"]
            )
        }
        for endpoint in self:
            attempt = last.get(endpoint.id, Attempt)
            endpoint.delivery_count = sum(
                counts.get((endpoint.id, state), 0) for state in ("pending", "delivered", "failed")
            )
            endpoint.failed_count = counts.get((endpoint.id, "failed"), 0)
            endpoint.last_attempt_at = attempt.sent_at
            endpoint.last_status_code = attempt.status_code
            endpoint.last_error = attempt.error

    @api.model
    def _allow_local(self):
        """Whether webhooks may go to this server itself: a system parameter, which only
        system administrators can set."""
        value = self.env["ir.config_parameter"].sudo().get_param(ALLOW_LOOPBACK_PARAM)
        return str2bool(value or "False", False)

    @api.constrains("url")
    def _check_url(self):
        local = self._allow_local()
        for endpoint in self:
            try:
                webhooks.check_url(endpoint.url, local=local)
            except ValueError as exc:
                raise ValidationError(
                    self.env._("Webhook URL %(url)s: %(reason)s", url=endpoint.url, reason=exc)
                ) from exc

    @api.constrains("secret")
    def _check_secret(self):
        for endpoint in self.sudo():
            try:
                key = webhooks.secret_key(endpoint.secret)
            except ValueError as exc:
                raise ValidationError(self.env._("Signing secret: %(reason)s", reason=exc)) from exc
            if len(key) < webhooks.SECRET_BYTES:
                raise ValidationError(
                    self.env._("Signing secret: at least 24 random bytes, base64 after whsec_.")
                )

    def write(self, vals):
        if vals.get("active"):
            vals = {**vals, "disabled_reason": False}
        return super().write(vals)

    # -- secrets -----------------------------------------------------------------------------
    def action_rotate_secret(self):
        """A new secret; the previous one still signs for :data:`ROTATION_OVERLAP`, so that
        receivers verify throughout the change."""
        until = fields.Datetime.now() + ROTATION_OVERLAP
        for endpoint in self:
            endpoint.write(
                {
                    "previous_secret": endpoint.secret,
                    "previous_secret_until": until,
                    "secret": webhooks.new_secret(),
                }
            )
        return True

    def _signing_secrets(self):
        """The secrets that sign a message sent now: the current one, and the previous one
        while its overlap lasts."""
        self.ensure_one()
        endpoint_sudo = self.sudo()
        secrets = [endpoint_sudo.secret]
        until = endpoint_sudo.previous_secret_until
        if endpoint_sudo.previous_secret and until and fields.Datetime.now() < until:
            secrets.append(endpoint_sudo.previous_secret)
        return secrets

    # -- events ------------------------------------------------------------------------------
    @api.model
    def _enqueue(self, company, event_type_code, data):
        """Queue the event ``event_type_code`` (an event type's code, e.g. ``invoice.paid``)
        with ``data`` (a JSON-serialisable dict, or a function returning it, called only when
        an endpoint listens; Decimal and datetime values are written as strings) for every
        active endpoint of ``company`` subscribed to it.

        Callable by any user whose action raises the event: nothing is sent in the caller's
        transaction; the sending scheduled action runs after it commits. Returns the
        deliveries (as superuser)."""
        endpoints_sudo = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("event_type_ids.code", "=", event_type_code),
            ]
        )
        Delivery = self.env["stablecoin.webhook.delivery"]
        if callable(data):
            data = data() if endpoints_sudo else {}
        deliveries_sudo = Delivery.sudo()._create_for(endpoints_sudo, event_type_code, data)
        if deliveries_sudo:
            Delivery._trigger_sending()
        return deliveries_sudo

    def action_send_test_event(self):
        """Send a ``webhook.test`` event to this endpoint now, and say how it went."""
        self.ensure_one()
        self.check_access("write")
        if not self.active:
            raise UserError(self.env._("Activate the endpoint before sending it a test event."))
        Delivery = self.env["stablecoin.webhook.delivery"]
        data = {
            "endpoint": self.name,
            "company": self.company_id.name,
            "message": "A test event from Odoo: signature and delivery work.",
        }
        delivery_sudo = Delivery.sudo()._create_for(self.sudo(), "webhook.test", data)
        sent = delivery_sudo._send(retry=False, defer_local=True)
        attempt = delivery_sudo.attempt_ids[:1]
        if not sent:
            kind = "info"
            message = self.env._(
                "Test event queued: the receiver is on this server, so the scheduled job sends "
                "it and the log keeps only whether it was delivered."
            )
        elif delivery_sudo.state == "delivered":
            kind = "success"
            message = self.env._(
                "Test event delivered: HTTP %(status)s in %(ms)s ms.",
                status=attempt.status_code,
                ms=attempt.duration_ms,
            )
        elif attempt.status_code:
            kind = "danger"
            message = self.env._(
                "Test event refused: HTTP %(status)s. %(reason)s",
                status=attempt.status_code,
                reason=delivery_sudo.endpoint_id.disabled_reason or "",
            )
        else:
            kind = "danger"
            message = self.env._("Test event not delivered: %(error)s", error=attempt.error)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": self.name,
                "message": message,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stablecoin_webhooks.stablecoin_webhook_delivery_action"
        )
        action["domain"] = [("endpoint_id", "=", self.id)]
        action["context"] = {"default_endpoint_id": self.id}
        return action
