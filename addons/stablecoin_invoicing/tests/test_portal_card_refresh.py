# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice page's payment card swaps in its new content when the payment's status changes
(no reload): after that it must work as before, in chromium: its own links, the copy buttons
(widgets of their own, restarted on the new content) and, for a converted quote, its
countdown."""

from odoo.tests import HttpCase, tagged

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin

# The page's scripts have started (19.0 also marks the body when its interactions are ready).
PAGE_STARTED = (
    "!!(window.odoo && odoo.__WOWL_DEBUG__)"
    " && (!odoo.loader.modules.has('@web/public/interaction_service')"
    " || document.body.getAttribute('is-ready') === 'true')"
)

REFRESHED_CARD_WORKS = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const card = document.getElementById('stablecoin_portal_payment');
    const body = card.querySelector('.card-body');
    // The status the page shows is now stale (as when a payment arrives): at its next poll
    // the card sees the server's differ and swaps in what the server renders now.
    card.dataset.status = 'stale';
    for (let i = 0; i < 150 && card.querySelector('.card-body') === body; i++) {
        await sleep(100);
    }
    if (card.querySelector('.card-body') === body) {
        console.error('the card was not refreshed'); return;
    }
    card.querySelector('.o_stablecoin_other_amount').click();
    if (!card.querySelector('details.o_stablecoin_claim').open) {
        console.error('"Sent a different amount?" no longer opens the claim form'); return;
    }
    const copy = card.querySelector('.o_stablecoin_copy');
    const label = copy.textContent;
    copy.click();
    for (let i = 0; i < 20 && copy.textContent === label; i++) {
        await sleep(100);
    }
    if (copy.textContent === label) {
        console.error('the copy button no longer answers'); return;
    }
    const countdown = card.querySelector('.o_stablecoin_countdown');
    if (countdown) {  // a quote converted from another currency: its time left, every second
        countdown.textContent = '';
        await sleep(1500);
        if (!countdown.textContent) {
            console.error("the quote's countdown stopped"); return;
        }
    }
    console.log('test successful');
})();
"""


@tagged("post_install", "-at_install")
class TestPortalCardRefresh(ClerkInvoicesMixin, StablecoinInvoiceMixin, HttpCase):
    def test_the_refreshed_card_keeps_working(self):
        invoice = self.make_invoice(12.5)
        self.browser_js(
            invoice.get_portal_url(), REFRESHED_CARD_WORKS, ready=PAGE_STARTED, timeout=60
        )
