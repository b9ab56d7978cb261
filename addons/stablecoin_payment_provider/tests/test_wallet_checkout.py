# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os

from lxml import html

from odoo.tests import HttpCase, tagged

from .common import StablecoinCheckoutMixin

SHOTS = os.environ.get("SCOIN_SCREENSHOTS")

# An EIP-1193 provider, as a wallet extension injects it, backed by one of anvil's unlocked
# accounts: it answers eth_requestAccounts and wallet_switchEthereumChain itself (anvil has
# neither) and forwards everything else to the chain.
INJECTED_WALLET = """
const ANVIL = %(rpc)s, ACCOUNT = %(account)s;
const calls = [];
window.__walletCalls = calls;
window.ethereum = {
    isMetaMask: false,
    async request({method, params}) {
        calls.push(method);
        if (method === 'eth_requestAccounts') { return [ACCOUNT]; }
        if (method === 'wallet_switchEthereumChain') { return null; }
        const response = await fetch(ANVIL, {
            method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({jsonrpc: '2.0', id: calls.length, method, params: params || []}),
        });
        const body = await response.json();
        if (body.error) { throw new Error(body.error.message); }
        return body.result;
    },
};
"""

CLICK_AND_WAIT = """
(async () => {
    const card = document.querySelector('#stablecoin_portal_payment .o_stablecoin_wallet_pay');
    card.querySelector('.o_stablecoin_wallet_button').click();
    const status = card.querySelector('.o_stablecoin_wallet_status');
    for (let i = 0; i < 150; i++) {
        // The button sends, then claims the transaction for this invoice by itself.
        if (card.dataset.claimed === '1') {
            console.log('SENT ' + card.dataset.txHash);
            // Let the page finish loading (the portal chatter loads lazily) before ending.
            if (odoo.portalChatterReady) { await odoo.portalChatterReady; }
            console.log('test successful');
            return;
        }
        if (status.classList.contains('text-danger')) {
            console.error('wallet error: ' + status.textContent);
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.error('no answer from the wallet flow: ' + status.textContent);
})();
"""


# Pay with the button, then wait, without reloading, until the card's own status badge says the
# payment is on its way (the card polls the status route and swaps itself in place).
PAY_AND_WATCH_THE_CARD = """
(async () => {
    window.__sameDocument = true;
    const card = document.querySelector('#stablecoin_portal_payment .o_stablecoin_wallet_pay');
    card.querySelector('.o_stablecoin_wallet_button').click();
    for (let i = 0; i < 300; i++) {
        const badge = document.querySelector('#stablecoin_portal_payment .o_stablecoin_status');
        if (badge && badge.textContent.includes('In progress')) {
            if (!window.__sameDocument) { console.error('the page was reloaded'); return; }
            console.log('test successful');
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const badge = document.querySelector('#stablecoin_portal_payment .o_stablecoin_status');
    console.error('the card did not follow the payment: ' + (badge && badge.textContent));
})();
"""


@tagged("post_install", "-at_install")
class TestWalletCheckout(StablecoinCheckoutMixin, HttpCase):
    def test_browser_wallet_pays_the_invoice(self):
        invoice = self.make_invoice(321.09)
        tx = self.create_pending_tx(invoice)
        self.chain.mint(self.usdc, self.customer, 321_090_000)
        code = INJECTED_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.customer),
        }
        self.browser_js(
            invoice.get_portal_url(),
            code + CLICK_AND_WAIT,
            ready="!!document.querySelector("
            "'#stablecoin_portal_payment .o_stablecoin_wallet_pay[data-ready]')",
        )
        # The button's claim bound the transfer the server read from the chain to this invoice.
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", invoice.id)])
        self.assertEqual(claim.state, "bound")
        self.assertEqual(invoice.stablecoin_transfer_ids, claim.transfer_ids)
        self.assertEqual(invoice.stablecoin_transfer_ids.tx_hash, claim.tx_hash)
        # The browser's word changed nothing: only the chain does.
        self.assertEqual(tx.state, "pending")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.chain.balance_of(self.usdc, self.merchant), 321_090_000)

        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "done")
        payment = invoice.stablecoin_transfer_ids.payment_id
        self.assertEqual(tx.payment_id, payment)
        self.assertEqual(
            self.env["account.payment"].search_count([("partner_id", "=", self.partner.id)]), 1
        )

    def test_the_card_follows_the_payment_without_a_reload(self):
        invoice = self.make_invoice(12.34)
        self.chain.mint(self.usdc, self.customer, 12_340_000)
        code = INJECTED_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.customer),
        }
        self.browser_js(
            invoice.get_portal_url(),
            code + PAY_AND_WATCH_THE_CARD,
            ready="!!document.querySelector("
            "'#stablecoin_portal_payment .o_stablecoin_wallet_pay[data-ready]')",
        )
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")

    def test_pay_now_dialog_shows_the_request(self):
        invoice = self.make_invoice(55.0)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        option = page.xpath(
            "//div[@id='pay_with']//input[@data-provider-code='stablecoin']"
            "/ancestor::li[1]//div[@name='o_payment_inline_form']"
        )
        self.assertEqual(len(option), 1, "the Stablecoin option has its inline form")
        self.assertEqual(
            option[0].xpath(".//a[hasclass('o_stablecoin_uri')]/@href"),
            [invoice.stablecoin_payment_uri],
        )
        self.assertTrue(option[0].xpath(".//button[hasclass('o_stablecoin_wallet_button')]"))

    def test_pending_transaction_is_not_done_by_a_forged_notification(self):
        invoice = self.make_invoice(10.0)
        tx = self.create_pending_tx(invoice)
        self.url_open(
            "/payment/stablecoin/process",
            data={"reference": tx.reference, "state": "done", "amount": "10.0"},
        )
        self.assertEqual(tx.state, "pending")
        self.assertEqual(invoice.payment_state, "not_paid")
