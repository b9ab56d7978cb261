# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from contextlib import contextmanager
from unittest.mock import patch

from lxml import html

from odoo.tools.misc import hmac as hmac_tool

from odoo.addons.payment import utils as payment_utils
from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin
from odoo.addons.stablecoin_wallet.chain import mandate
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.gas_payer import address_of
from odoo.addons.stablecoin_wallet.tests.common import TEST_CHAIN_ID

# A browser test's ``ready``: the page's scripts have started, so a click from the test reaches
# a handler. Odoo sets ``odoo.__WOWL_DEBUG__`` once its public root and every public widget
# started (18.0: the payment form too); 19.0 runs the payment form and its *Pay* button as
# interactions and marks the body ``is-ready`` once they started. Until the deferred scripts
# run, a click is a plain click that nothing replays (on a cold 19.0 page they start ~5 s after
# the page is parsed), so "the element is there" is not enough.
DAY = 86400
# A key of no dev account: the gas payer holds nothing but the gas it is given.
GAS_PAYER_KEY = "0x" + "4b" * 32
MAX_UINT = 2**256 - 1

PAGE_STARTED = (
    "!!(window.odoo && odoo.__WOWL_DEBUG__)"
    " && (!odoo.loader.modules.has('@web/public/interaction_service')"
    " || document.body.getAttribute('is-ready') === 'true')"
)


def enable_stablecoin_provider(env):
    """Enable and publish the stablecoin provider and activate its payment method."""
    provider = env.ref("stablecoin_payment_provider.payment_provider_stablecoin")
    provider.write({"state": "enabled", "is_published": True})
    method = provider.with_context(active_test=False).payment_method_ids
    method.active = True
    return provider, method


class StablecoinCheckoutMixin(StablecoinInvoiceMixin):
    """The stablecoin provider enabled, and a pending checkout transaction for an invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider, cls.method = enable_stablecoin_provider(cls.env)

    def create_tx(self, invoice):
        """A checkout of ``invoice`` as *Pay now* starts it (draft)."""
        return self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": f"{invoice.name}-scoin",
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": invoice.partner_id.id,
                "invoice_ids": [(6, 0, invoice.ids)],
                "operation": "online_redirect",
            }
        )

    def redirect_form_data(self, tx):
        """The fields of the redirect form the payer's page gets for ``tx`` (and posts)."""
        # Rendered outside a request: its token made as payment.utils makes it in one (as in
        # Odoo's own payment tests), with this database's secret.
        with patch.object(payment_utils, "generate_access_token", self._test_access_token):
            form_html = tx._get_processing_values()["redirect_form_html"]
        form = html.fromstring(form_html)
        self.assertEqual(form.get("action"), "/payment/stablecoin/process")
        return {field.get("name"): field.get("value") for field in form.xpath(".//input")}

    def _test_access_token(self, *values):
        return hmac_tool(self.env(su=True), "generate_access_token", "|".join(map(str, values)))

    def create_pending_tx(self, invoice):
        tx = self.create_tx(invoice)
        response = self.url_open("/payment/stablecoin/process", data=self.redirect_form_data(tx))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(tx.state, "pending")
        return tx


class MandateChainMixin(StablecoinCheckoutMixin):
    """Mandates on anvil (mix in after ``AnvilChainMixin``): the mandate contract deployed, a
    gas payer set by a system administrator and funded, the customer's wallet holding 10,000
    USDC and approving the contract; a billing user and an administrator of this company and
    a second one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Stablecoin Co"})
        companies = [cls.env.company, cls.other_company]
        prefix = f"scoin_{cls.__name__.lower()}"
        cls.billing = cls.company_user(
            f"{prefix}_billing", "account.group_account_invoice", companies
        )
        cls.admin = cls.company_user(f"{prefix}_admin", "base.group_system", companies)
        contract = mandate.contract_address()
        if cls.chain.rpc("eth_getCode", contract, "latest") in ("0x", "0x0", None):
            to, data = mandate.contract_deployment()
            cls.chain.send(cls.chain.accounts[0], to, data)
        cls.contract = contract
        cls.gas_payer = address_of(GAS_PAYER_KEY)
        cls.chain.rpc("anvil_setBalance", cls.gas_payer, hex(10**18))
        # The customer's wallet approves the contract once (or signs a permit).
        cls.chain.send(
            cls.customer,
            cls.usdc,
            encode_call("approve(address,uint256)", ["address", "uint256"], [contract, MAX_UINT]),
        )
        cls.chain.mint(cls.usdc, cls.customer, 10_000 * 10**6)

    def setUp(self):
        super().setUp()
        self.provider.with_user(self.admin).stablecoin_gas_payer_key = GAS_PAYER_KEY

    # -- helpers ---------------------------------------------------------------------------------
    @contextmanager
    def refused(self, exception, regex):
        """``assertRaisesRegex`` rolled back as Odoo's ``assertRaises`` is (a savepoint)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    def now(self):
        return int(self.chain.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)

    def terms(self, **overrides):
        now = self.now()
        values = {
            "payer": self.customer,
            "payee": self.merchant,
            "token": self.usdc,
            "max_per_charge": 500 * 10**6,
            "max_per_period": 1000 * 10**6,
            "period": 30 * DAY,
            "start": now - 3600,
            "end": now + 365 * DAY,
            "salt": mandate.mandate_salt(f"test:{self.id()}"),
        }
        values.update(overrides)
        return mandate.Terms(**values)

    def sign(self, terms, signer=None):
        document = mandate.typed_data(terms, TEST_CHAIN_ID)
        return self.chain.rpc("eth_signTypedData_v4", signer or terms.payer, json.dumps(document))

    def save_mandate(self, terms=None, message=None, signature=None, partner=None, company=None):
        """The mandate ``partner`` (default: the customer) signs to ``company`` (default: this
        one), kept as the portal keeps it."""
        terms = terms or self.terms()
        signature = signature or self.sign(terms)
        return self.env["payment.token"]._stablecoin_mandate_from_signature(
            partner or self.partner, message or terms.message(), signature, company=company
        )

    def balance(self, owner):
        return self.chain.balance_of(self.usdc, owner)

    def gas_payer_nonce(self):
        return int(self.chain.rpc("eth_getTransactionCount", self.gas_payer, "latest"), 16)

    def charge(self, invoice, token):
        return (
            self.env["payment.transaction"]
            .with_user(self.billing)
            ._stablecoin_charge_invoice(
                invoice.with_user(self.billing), token.with_user(self.billing)
            )
        )
