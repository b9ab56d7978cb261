# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestStablecoinBackendUi(HttpCase):
    def test_login_page_answers(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)

    def test_provider_shows_in_the_backend(self):
        """Real chromium loads the web client with our addons and lists the provider."""
        self.browser_js(
            "/odoo/action-payment.action_payment_provider",
            """
            const names = [...document.querySelectorAll('.o_kanban_record')]
                .map((card) => card.innerText);
            if (names.some((name) => name.includes('Stablecoin'))) {
                console.log('test successful');
            } else {
                console.error('Stablecoin provider missing from: ' + names.join(' | '));
            }
            """,
            ready="!!document.querySelector('.o_kanban_record')",
            login="admin",
        )
