# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an invoice tells people of its stablecoin payments: the customer's emails (payment
seen, partly paid, paid, overpaid), the salesperson's notification, the event for the
company's own systems (:meth:`AccountMove._stablecoin_publish`, a hook) and the share link."""

from werkzeug.urls import url_encode

from odoo import api, fields, models

# Events the customer is told of by email (and the salesperson by an Odoo notification).
CUSTOMER_NOTICES = {
    "payment.seen": "stablecoin_invoicing.email_template_stablecoin_payment_seen",
    "invoice.partially_paid": "stablecoin_invoicing.email_template_stablecoin_payment_partial",
    "invoice.paid": "stablecoin_invoicing.email_template_stablecoin_payment_paid",
    "invoice.overpaid": "stablecoin_invoicing.email_template_stablecoin_payment_overpaid",
    "payment.unmatched": "stablecoin_invoicing.email_template_stablecoin_payment_unmatched",
}


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    stablecoin_share_url = fields.Char(
        compute="_compute_stablecoin_share_url",
        string="Share Link",
        help="The invoice's page for the customer (with its access token): anyone with this "
        "link sees the invoice and can pay it, without an account.",
    )

    stablecoin_payment_qr_url = fields.Char(
        compute="_compute_stablecoin_payment_qr_url",
        help="The payment QR code as an image link (Odoo's barcode route), for emails: mail "
        "clients drop images embedded in the message.",
    )
    stablecoin_reminder_ids = fields.One2many(
        "stablecoin.reminder", "move_id", string="Payment Reminders", readonly=True
    )

    @api.depends("stablecoin_payment_uri")
    def _compute_stablecoin_payment_qr_url(self):
        for move in self:
            uri = move.stablecoin_payment_uri
            move.stablecoin_payment_qr_url = (
                "{}/report/barcode/?{}".format(
                    move.get_base_url(),
                    url_encode({"barcode_type": "QR", "value": uri, "width": 200, "height": 200}),
                )
                if uri
                else False
            )

    @api.depends("access_token", "move_type", "state")
    def _compute_stablecoin_share_url(self):
        for move in self:
            move.stablecoin_share_url = (
                move.get_base_url() + move.sudo().get_portal_url()
                if move.id and move.is_sale_document() and move.state == "posted"
                else False
            )

    # -- events ----------------------------------------------------------------------------------
    def _stablecoin_event(self, code, transfer=None, notice=None):
        """One payment event of these invoices (``code``: ``payment.seen``, ``invoice.paid``,
        ...): the customer's email and the salesperson's notification for the events they
        are told of (queued, sent by a scheduled action right after this transaction), and the
        company's own systems for all (:meth:`_stablecoin_publish`). ``notice``: what the email
        says of a payment that is no transfer (an accountant's, the customer's balance).
        Nothing here may stop the payment that caused it."""
        Notice = self.env["stablecoin.payment.notice"]
        for move in self:
            if code in CUSTOMER_NOTICES and move.company_id.stablecoin_notify_customer:
                Notice._queue(move, code, transfer, notice)  # sent right after this commits
            move._stablecoin_publish(code, transfer)

    def _stablecoin_payment_applied(self, payments, amount, currency):
        """``payments`` (none for a bank statement line) paid ``amount`` of ``currency`` of
        this invoice: whoever did it (the matcher, a claim, manual matching, *Register
        Payment*, the customer's balance), the requests learn what was paid, what remains gets
        a request, the portal transaction follows and the customer and the company's systems
        are told, once. A credit note that cancels the invoice pays nothing: its requests just
        close."""
        self.ensure_one()
        if self.payment_state == "reversed":
            self._stablecoin_refresh_request()
            return
        # The receipt being booked (the matcher, a claim, manual matching say which): an
        # earlier receipt's payment applied as credit is not this payment's transfer.
        transfer = (
            self.env["stablecoin.transfer"]
            .sudo()
            .browse(self.env.context.get("stablecoin_paying_transfer"))
            .exists()
        )
        transfer = transfer if transfer.payment_id & payments else None
        fully = self.payment_state in ("paid", "in_payment") or not self.amount_residual
        requests = transfer.request_id.filtered(lambda r: r.move_id == self) if transfer else None
        (requests or self.stablecoin_request_id).filtered(
            lambda r: r.state not in ("cancelled", "paid")
        )._mark_settled(fully)
        self._stablecoin_refresh_request()
        self._stablecoin_after_payment(payments)
        notice = None
        if not transfer:
            amount = currency.round(amount)
            notice = {"amount": f"{amount:.{currency.decimal_places}f} {currency.name}"}
        self._stablecoin_event(self._stablecoin_settled_event(), transfer, notice)

    def _stablecoin_after_payment(self, payments):
        """Hook: ``payments`` (posted, reconciled; none for a bank statement line) paid this
        invoice in full or in part."""
        return True

    def _stablecoin_publish(self, code, transfer=None):
        """Hook: the event ``code`` of this invoice (``transfer``: the receipt it is about,
        if any) for the company's own systems; :meth:`_stablecoin_event_data` says what it
        carries. Nothing here: the webhooks addon (``stablecoin_webhooks``) sends the event to
        the company's endpoints. An override must not stop the payment that caused the event
        (no exception out of it)."""
        self.ensure_one()

    def _stablecoin_settled_event(self):
        """The event a settlement of this invoice is: paid, overpaid or partly paid."""
        self.ensure_one()
        status = self.stablecoin_payment_status
        if status == "overpaid":
            return "invoice.overpaid"
        if status in ("paid", "paid_late") or self.payment_state in ("paid", "in_payment"):
            return "invoice.paid"
        return "invoice.partially_paid"

    def _stablecoin_notify_customer(self, code, transfer=None, notice=None):
        """Email the customer (posted on the invoice, so a portal customer finds it there too)
        and notify the salesperson in Odoo. ``notice``: what it says of the transfer, as it was
        at the event (else read from ``transfer`` now)."""
        self.ensure_one()
        template = self.env.ref(CUSTOMER_NOTICES[code], raise_if_not_found=False)
        if not template or not self.partner_id:
            return
        recipients = self.partner_id
        salesperson = self.invoice_user_id.partner_id
        if salesperson and not self.invoice_user_id.share:
            recipients |= salesperson
        if notice is None:
            notice = self._stablecoin_notice_values(transfer)
        self.sudo().with_context(stablecoin_notice=notice).message_post_with_source(
            template,
            message_type="auto_comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipients.ids,
            # From the company: the salesperson (the template's sender) is notified too, and an
            # author is never notified of their own message.
            author_id=self.company_id.partner_id.id,
        )

    def _stablecoin_notice_description(self, model_description):
        """A notice names the document as Odoo's invoice email does ("Invoice", so the
        customer's button says "View Invoice"), not by its model ("Journal Entry")."""
        if "stablecoin_notice" in self.env.context and len(self) == 1 and self.is_invoice():
            return self.type_name
        return model_description

    def _notify_by_email_prepare_rendering_context(self, message, msg_vals=False, **kwargs):
        kwargs["model_description"] = self._stablecoin_notice_description(
            kwargs.get("model_description")
        )
        return super()._notify_by_email_prepare_rendering_context(message, msg_vals, **kwargs)

    def _notify_get_recipients_classify(
        self, message, recipients_data, model_description, msg_vals=None
    ):
        return super()._notify_get_recipients_classify(
            message,
            recipients_data,
            self._stablecoin_notice_description(model_description),
            msg_vals=msg_vals,
        )

    def _stablecoin_notice_values(self, transfer=None):
        """What a notice shows of the transfer: amount, hash, explorer link."""
        if not transfer:
            return {}
        return {
            "amount": transfer.amount_text,
            "tx_hash": transfer.display_tx,  # as the payer's wallet shows it (Tron: no 0x)
            "explorer_url": transfer.explorer_url or "",
            "network": transfer.network_id.name,
        }

    def _stablecoin_event_data(self, transfer=None):
        """The event's ``data`` (what :meth:`_stablecoin_publish` tells the company's systems):
        the invoice, and the transfer when there is one.
        Amounts in tokens are integers in the token's smallest unit, as strings."""
        self.ensure_one()
        data = {
            "invoice": {
                "id": self.id,
                "number": self.name,
                "move_type": self.move_type,
                "company_id": self.company_id.id,
                "partner": {"id": self.commercial_partner_id.id, "name": self.partner_id.name},
                "currency": self.currency_id.name,
                "amount_total": self.amount_total,
                "amount_residual": self.amount_residual,
                "payment_state": self.payment_state,
                "status": self.stablecoin_payment_status or None,
                "amount_due_units": self._stablecoin_current_request().amount_units or None,
                "token": self.stablecoin_token_id.symbol or None,
                "invoice_date": fields.Date.to_string(self.invoice_date),
                "due_date": fields.Date.to_string(self.invoice_date_due),
                "url": self.stablecoin_share_url or None,
            }
        }
        if transfer:
            data["transfer"] = {
                "tx_hash": transfer.tx_hash,
                "log_index": transfer.log_index,
                "network": transfer.network_id.name,
                "chain_id": transfer.network_id.chain_id,
                "token": transfer.token_id.symbol,
                "contract": transfer.token_id.contract_address,
                "amount_units": str(transfer.amount_units),
                "sender": transfer.sender,
                "recipient": transfer.recipient,
                "block_number": transfer.block_number,
                "confirmations": transfer.confirmations,
                "state": transfer.state,
                "explorer_url": transfer.explorer_url or None,
                # The same as the network's wallets write them (Tron: T... addresses,
                # transaction ids without 0x); the fields above keep the logs' 0x form.
                "network_type": transfer.network_id.kind,
                "tx_id": transfer.display_tx,
                "sender_display": transfer.display_sender,
                "recipient_display": transfer.display_recipient,
                "contract_display": transfer.token_id.display_contract,
            }
        return data
