# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Save for automatic payments* on the invoice page, in chromium with an EIP-1193 wallet on
anvil: the customer's wallet signs the terms the server proposes and approves the mandate
contract; the invoice is then charged on its due date. The routes refuse what a stranger or a
forged signature would bring."""

import dataclasses
import json
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.stablecoin_wallet.chain import mandate
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin, run_scheduled_action

from .common import MandateChainMixin
from .test_wallet_checkout import INJECTED_WALLET

SIGN_MANDATE = """
(async () => {
    const box = document.querySelector('#stablecoin_portal_payment .o_stablecoin_mandate');
    if (!box) { console.error('no "Save for automatic payments" on the card'); return; }
    box.open = true;
    box.querySelector('[name=max_per_charge]').value = %(limit)s;
    box.querySelector('[name=months]').value = '6';
    box.querySelector('.o_stablecoin_mandate_button').click();
    const status = box.querySelector('.o_stablecoin_mandate_status');
    for (let i = 0; i < 200; i++) {
        if (box.dataset.approveTx) {
            if (odoo.portalChatterReady) { await odoo.portalChatterReady; }
            console.log('test successful');
            return;
        }
        if (status.classList.contains('text-danger')) {
            console.error('mandate error: ' + status.textContent); return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.error('no answer from the mandate flow: ' + status.textContent);
})();
"""

READY = "!!document.querySelector('.o_stablecoin_mandate[data-ready]')"


@tagged("post_install", "-at_install", "stablecoin_node")
class TestMandatePortal(AnvilChainMixin, MandateChainMixin, HttpCase):
    def allowance(self):
        data = encode_call(
            "allowance(address,address)", ["address", "address"], [self.customer, self.contract]
        )
        return int(self.chain.rpc("eth_call", {"to": self.usdc, "data": data}, "latest"), 16)

    def new_invoice(self, amount=80.0, days=10):
        today = fields.Date.context_today(self.env["account.move"])
        return self.invoice_as(
            self.billing, amount, invoice_date=today, invoice_date_due=today + timedelta(days=days)
        )

    def test_the_customer_saves_a_mandate_and_the_invoice_is_charged_on_its_due_date(self):
        invoice = self.new_invoice(80.0)
        # The wallet approved nothing yet (MandateChainMixin approved once for its own tests).
        self.chain.send(
            self.customer,
            self.usdc,
            encode_call("approve(address,uint256)", ["address", "uint256"], [self.contract, 0]),
        )
        code = INJECTED_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.customer),
        }
        self.browser_js(
            invoice.get_portal_url(),
            code + SIGN_MANDATE % {"limit": json.dumps("100")},
            ready=READY,
            timeout=90,
        )
        token = invoice.stablecoin_autopay_token_id
        self.assertTrue(token, "the invoice is charged to the saved mandate")
        self.assertEqual(token.partner_id, invoice.partner_id)
        self.assertEqual(token.stablecoin_payer, self.customer)
        self.assertEqual(token.stablecoin_payee, self.merchant)
        self.assertEqual(token.stablecoin_max_per_charge, str(100 * 10**6))
        self.assertEqual(token.stablecoin_mandate_state, "active")
        self.assertEqual(invoice.stablecoin_autopay_state, "scheduled")
        self.assertEqual(self.allowance(), 6 * 100 * 10**6, "approved for six charges at most")
        # On the due date the scheduled action charges it, once.
        nonce = self.gas_payer_nonce()
        due_day = fields.Datetime.to_datetime(invoice.invoice_date_due)
        with freeze_time(due_day + timedelta(hours=12)):
            run_scheduled_action(self, "stablecoin_payment_provider.ir_cron_stablecoin_autopay")
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)
        self.assertEqual(invoice.stablecoin_autopay_state, "sent")

    def post(self, invoice, path, **fields_):
        """A visitor's POST to the card's route, with the page's CSRF token, asking JSON."""
        page = self.url_open(invoice.get_portal_url()).text
        csrf = re.search(r'csrf_token: "([^"]+)"', page).group(1)
        response = self.url_open(
            f"/my/invoices/{invoice.id}/stablecoin/{path}",
            data={"csrf_token": csrf, **fields_},
            headers={"Accept": "application/json"},
        )
        return response.status_code, response.json()

    def test_the_routes_refuse_a_stranger_a_forged_signature_and_another_payee(self):
        invoice = self.new_invoice(40.0)
        token = invoice._portal_ensure_token()
        before = self.env["payment.token"].search([("stablecoin_payer", "!=", False)])
        status, answer = self.post(invoice, "mandate/terms", payer=self.customer, months="3")
        self.assertEqual(status, 404, "no access token: nothing")
        status, answer = self.post(
            invoice,
            "mandate/terms",
            access_token=token,
            payer=self.customer,
            max_per_charge="10",
            months="3",
        )
        self.assertFalse(answer["ok"])
        self.assertIn("Limit per charge", answer["message"])
        status, answer = self.post(
            invoice,
            "mandate/terms",
            access_token=token,
            payer=self.customer,
            max_per_charge="40",
            months="3",
        )
        self.assertTrue(answer["ok"], answer)
        message = answer["typedData"]["message"]
        self.assertEqual(message["payee"], self.merchant)
        terms = mandate.Terms(
            payer=message["payer"],
            payee=message["payee"],
            token=message["token"],
            max_per_charge=int(message["maxPerCharge"]),
            max_per_period=int(message["maxPerPeriod"]),
            period=int(message["period"]),
            start=int(message["start"]),
            end=int(message["end"]),
            salt=bytes.fromhex(message["salt"].removeprefix("0x")),
        )
        # Signed by another wallet than the payer named: refused, nothing kept.
        forged = self.sign(terms, signer=self.chain.accounts[5])
        status, answer = self.post(
            invoice,
            "mandate",
            access_token=token,
            message=json.dumps(message),
            signature=forged,
        )
        self.assertFalse(answer["ok"])
        self.assertFalse(invoice.stablecoin_autopay_token_id)
        # Terms naming another payee (the signer's own wallet): refused though truly signed.
        theirs = dict(message, payee=self.chain.accounts[5])
        status, answer = self.post(
            invoice,
            "mandate",
            access_token=token,
            message=json.dumps(theirs),
            signature=self.sign(dataclasses.replace(terms, payee=self.chain.accounts[5])),
        )
        self.assertFalse(answer["ok"])
        self.assertIn("Payee Address", answer["message"])
        kept = self.env["payment.token"].search([("stablecoin_payer", "!=", False)]) - before
        self.assertFalse(kept, "no mandate kept from a refused signature")
        self.assertFalse(invoice.stablecoin_autopay_token_id)

    def test_the_customer_sees_and_removes_the_mandate_in_their_payment_methods(self):
        """Logged in, the customer finds the mandate under *Payment methods* (Odoo's page) and
        deletes it: it is never charged again, and the due-date charge stops, saying why."""
        contact = self.env["res.partner"].create(
            {"name": "Payer Contact", "email": "payer@example.com", "parent_id": self.partner.id}
        )
        new_test_user(
            self.env,
            login="scoin_mandate_portal_payer",
            password="scoin_mandate_portal_payer",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        token = self.save_mandate()
        invoice = self.new_invoice(30.0, days=2)
        invoice.with_user(self.billing).stablecoin_autopay_token_id = token
        self.authenticate("scoin_mandate_portal_payer", "scoin_mandate_portal_payer")
        page = self.url_open("/my/payment_method")
        self.assertEqual(page.status_code, 200)
        self.assertIn(token.display_name, page.text)
        self.make_jsonrpc_request("/payment/archive_token", {"token_id": token.id})
        self.assertFalse(token.active)
        due_day = fields.Datetime.to_datetime(invoice.invoice_date_due)
        nonce = self.gas_payer_nonce()
        with freeze_time(due_day + timedelta(hours=12)):
            run_scheduled_action(self, "stablecoin_payment_provider.ir_cron_stablecoin_autopay")
        self.assertEqual(self.gas_payer_nonce(), nonce, "nothing sent")
        self.assertEqual(invoice.stablecoin_autopay_state, "failed")
        self.assertFalse(invoice.stablecoin_autopay_token_id)
