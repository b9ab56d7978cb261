# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin

from .common import PAGE_STARTED, StablecoinCheckoutMixin

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


# "Already paid?" with "Sign and check": the payer types the hash of the transaction they sent
# and signs the claim with the same wallet (personal_sign); the form is posted as the browser
# would, and the page after it tells the notice.
SIGN_AND_CHECK = """
(async () => {
    HTMLFormElement.prototype.submit = async function () {
        const response = await fetch(this.action, {method: 'POST', body: new FormData(this)});
        const page = await response.text();
        const signature = this.querySelector('input[name=signature]').value;
        if (!signature) { console.error('no signature'); return; }
        if (page.includes('o_stablecoin_suggested') || !page.includes('o_stablecoin_notice')) {
            console.error('the claim was not counted'); return;
        }
        console.log('test successful');
    };
    window.dispatchEvent(new Event('ethereum#initialized'));  // the extension announces itself
    const form = document.querySelector('.o_stablecoin_claim form');
    form.closest('details').open = true;
    form.querySelector('input[name=tx_hash]').value = %(tx)s;
    const button = form.querySelector('.o_stablecoin_claim_sign');
    if (button.classList.contains('d-none')) { console.error('no sign button'); return; }
    button.click();
})();
"""


@tagged("post_install", "-at_install", "stablecoin_node")
class TestWalletCheckout(AnvilChainMixin, StablecoinCheckoutMixin, HttpCase):
    def test_sign_and_check_counts_an_instalment_on_a_shared_address(self):
        invoice = self.make_invoice(50.0)  # the shared address: amounts name invoices
        tx_hash = self.pay(30_000_000)  # an instalment: no invoice asks this amount
        code = INJECTED_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.customer),
        }
        self.browser_js(
            invoice.get_portal_url(),
            code + SIGN_AND_CHECK % {"tx": json.dumps(tx_hash)},
            ready="!!document.querySelector('.o_stablecoin_claim form[data-ready]')",
        )
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", invoice.id)])
        self.assertEqual((claim.state, claim.proof), ("bound", "signature"))
        self.settle()
        self.assertEqual(invoice.amount_residual, 20.0)

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

    def test_browser_wallet_pays_an_invoices_deposit_address(self):
        """A wallet of deposit addresses (the default): the button sends to the invoice's own
        deposit address, and its claim is proved by that address."""
        wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Deposit addresses",
                "kind": "deposit",
                "address": self.chain.accounts[8],
                "token_ids": [(6, 0, self.token_usdc.ids)],
            }
        )
        invoice = self.make_invoice(42.5, wallet=wallet)
        address = invoice.stablecoin_request_id.address_id
        self.assertTrue(address.deposit_salt)
        self.chain.mint(self.usdc, self.customer, 42_500_000)
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
        self.assertEqual(self.chain.balance_of(self.usdc, address.address), 42_500_000)
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", invoice.id)])
        self.assertEqual((claim.state, claim.proof), ("bound", "address"))
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

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

    def test_pending_transaction_is_not_done_by_a_forged_notification(self):
        invoice = self.make_invoice(10.0)
        tx = self.create_pending_tx(invoice)
        self.url_open(
            "/payment/stablecoin/process",
            data={**self.redirect_form_data(tx), "state": "done", "amount": "10.0"},
        )
        self.assertEqual(tx.state, "pending")
        self.assertEqual(invoice.payment_state, "not_paid")


# The whole way a payer sees it: Pay Now usable, the wallet pays, Pay Now locks at once, the
# card shows the payment on its way, the chain reaches the depth (blocks mined from the page,
# as time would), and the card says paid; all in one document, never reloaded.
AWAITING_TO_PAID = """
(async () => {
    window.__sameDocument = true;
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const payNow = () => document.querySelector('[data-bs-target="#pay_with"]');
    const badge = () => document.querySelector('#stablecoin_portal_payment .o_stablecoin_status');
    const fail = (msg) => console.error(msg + ' (badge: ' + (badge() && badge().textContent) + ')');
    if (!payNow() || payNow().classList.contains('disabled')) { return fail('no usable Pay Now'); }
    if (!badge().textContent.includes('Awaiting')) { return fail('not awaiting'); }
    const card = document.querySelector('#stablecoin_portal_payment .o_stablecoin_wallet_pay');
    card.querySelector('.o_stablecoin_wallet_button').click();
    for (let i = 0; i < 100 && !card.dataset.txHash; i++) { await sleep(50); }
    if (!card.dataset.txHash) { return fail('the wallet sent nothing'); }
    if (!payNow().classList.contains('disabled')) {
        return fail('Pay Now still usable after the payment was sent');
    }
    for (let i = 0; i < 300 && !badge().textContent.includes('In progress'); i++) {
        await sleep(100);
    }
    if (!badge().textContent.includes('In progress')) { return fail('never in progress'); }
    await fetch(%(rpc)s, {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'anvil_mine', params: ['0x5']})});
    for (let i = 0; i < 300 && !badge().textContent.includes('Paid'); i++) { await sleep(100); }
    if (!badge().textContent.includes('Paid')) { return fail('never paid'); }
    if (!window.__sameDocument) { return fail('the page was reloaded'); }
    if (!payNow() || !payNow().classList.contains('disabled')) {
        return fail('Pay Now usable on a paid invoice');
    }
    if (odoo.portalChatterReady) { await odoo.portalChatterReady; }
    console.log('test successful');
})();
"""

# The Pay Now dialog's stablecoin option shows the page's card (QR code, URI), and its
# browser-wallet button pays through the page's card: one sender, one claim.
PAY_FROM_THE_DIALOG = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    document.querySelector('[data-bs-target="#pay_with"]').click();
    const radio = document.querySelector('#pay_with input[data-provider-code="stablecoin"]');
    radio.click();
    const inline = () => document.querySelector('#pay_with .o_stablecoin_inline_card');
    const qr = () => inline().querySelector('.o_stablecoin_qr');
    for (let i = 0; i < 50 && !qr(); i++) { await sleep(100); }
    const card = inline();
    if (!qr()) { console.error('no QR code in the dialog'); return; }
    const uri = card.querySelector('.o_stablecoin_uri').getAttribute('href');
    if (uri !== %(uri)s) { console.error('the dialog asks for ' + uri); return; }
    card.querySelector('.o_stablecoin_wallet_button').click();
    const pay = document.querySelector('#stablecoin_portal_payment .o_stablecoin_wallet_pay');
    for (let i = 0; i < 150 && pay.dataset.claimed !== '1'; i++) { await sleep(100); }
    if (pay.dataset.claimed !== '1') { console.error('the page card did not pay'); return; }
    if (odoo.portalChatterReady) { await odoo.portalChatterReady; }
    console.log('test successful');
})();
"""


# The copy buttons put the exact values on the clipboard (the clipboard API, recorded), in the
# card's order: amount, address.
COPY_BUTTONS = """
(async () => {
    const expected = %(expected)s;
    const copied = [];
    const record = async (text) => { copied.push(text); };
    Object.defineProperty(navigator, 'clipboard', {value: {writeText: record}});
    const buttons = document.querySelectorAll('#stablecoin_portal_payment .o_stablecoin_copy');
    // The page's widgets start after the document is ready: click until they answer.
    for (let i = 0; i < 50 && !copied.length; i++) {
        buttons[0].click();
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    copied.length = 0;
    for (const button of buttons) { button.click(); }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const got = JSON.stringify(copied), want = JSON.stringify(expected);
    if (got !== want) { console.error('copied ' + got + ', expected ' + want); return; }
    if ([...buttons].some((b) => b.textContent.trim() !== 'Copied')) {
        console.error('a button does not say it copied');
        return;
    }
    // Let the page finish loading (the portal chatter loads lazily) before ending.
    if (odoo.portalChatterReady) { await odoo.portalChatterReady; }
    console.log('test successful');
})();
"""


@tagged("post_install", "-at_install", "stablecoin_node")
class TestPortalCardInChromium(AnvilChainMixin, StablecoinCheckoutMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )

    def test_the_card_goes_from_awaiting_to_paid_and_pay_now_locks(self):
        invoice = self.make_invoice(12.34)
        self.chain.mint(self.usdc, self.customer, 12_340_000)
        status = type(self.env["account.move"])._stablecoin_portal_status

        def cron_worker(moves):
            # What the watcher's follower does meanwhile (test servers run no cron worker):
            # scan the chain, then match; here in the page's polling request.
            moves.env["stablecoin.network"].sudo()._cron_scan()
            moves.env["stablecoin.transfer"].sudo()._cron_match()
            return status(moves)

        code = INJECTED_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.customer),
        }
        with patch.object(type(self.env["account.move"]), "_stablecoin_portal_status", cron_worker):
            self.browser_js(
                invoice.get_portal_url(),
                code + AWAITING_TO_PAID % {"rpc": json.dumps(self.chain.url)},
                ready="!!document.querySelector("
                "'#stablecoin_portal_payment .o_stablecoin_wallet_pay[data-ready]')",
                timeout=120,
            )
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_payment_status, "paid")

    def test_pay_now_dialog_pays_through_the_page_card(self):
        invoice = self.make_invoice(55.0)
        self.chain.mint(self.usdc, self.customer, 55_000_000)
        code = INJECTED_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.customer),
        }
        self.browser_js(
            invoice.get_portal_url(),
            code + PAY_FROM_THE_DIALOG % {"uri": json.dumps(invoice.stablecoin_payment_uri)},
            ready="!!document.querySelector("
            "'#stablecoin_portal_payment .o_stablecoin_wallet_pay[data-ready]')",
        )
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", invoice.id)])
        self.assertEqual(claim.state, "bound")
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")

    def test_copy_buttons_copy_the_exact_values(self):
        self.make_invoice(1234.5)
        second = self.make_invoice(1234.5)  # one more of that amount: tagged 1234.500001
        self.assertEqual(second.stablecoin_amount_due_text, "1,234.500001 USDC")
        expected = ["1234.500001", second.stablecoin_address]
        self.browser_js(
            second.get_portal_url(),
            COPY_BUTTONS % {"expected": json.dumps(expected)},
            ready="!!document.querySelector('#stablecoin_portal_payment .o_stablecoin_copy') && "
            + PAGE_STARTED,
        )


PHONE_LAYOUT = """
(async () => {
    if (odoo.portalChatterReady) { await odoo.portalChatterReady; }
    const width = window.innerWidth;
    if (width !== 390) { console.error('viewport is ' + width + ' px wide'); return; }
    const fail = (msg) => console.error(msg);
    const page = document.documentElement.scrollWidth;
    if (page > width) { return fail('horizontal scroll: the page is ' + page + ' px wide'); }
    const card = document.querySelector('#stablecoin_portal_payment');
    const wide = [...card.querySelectorAll('*')].filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width && (box.left < 0 || box.right > width);
    });
    if (wide.length) { return fail('outside the screen: ' + wide[0].outerHTML.slice(0, 120)); }
    const qr = card.querySelector('.o_stablecoin_qr').getBoundingClientRect();
    const amount = card.querySelector('.o_stablecoin_amount').getBoundingClientRect();
    if (qr.bottom > amount.top) { return fail('the QR code is beside the text, not above it'); }
    console.log('test successful');
})();
"""


@tagged("post_install", "-at_install")
class TestPortalCardOnAPhone(StablecoinCheckoutMixin, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_the_card_fits_a_390_px_screen(self):
        invoice = self.make_invoice(1037.45)
        self.browser_js(
            invoice.get_portal_url(),
            PHONE_LAYOUT,
            ready="!!document.querySelector('#stablecoin_portal_payment')",
        )
