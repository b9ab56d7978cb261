# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from eth_account import Account
from eth_account.messages import encode_defunct

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.stablecoin_wallet.tests.common import ANVIL_XPUB, StablecoinChainMixin


class StablecoinInvoiceMixin(StablecoinChainMixin):
    """Chain, network, tokens, a fixed-address wallet and an xpub wallet, and a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hd_wallet = cls.env["stablecoin.wallet"].create(
            {
                "name": "HD wallet",
                "kind": "xpub",
                "xpub": ANVIL_XPUB,
                # Start past anvil's funded dev accounts: fresh, empty addresses.
                "token_ids": [Command.set(cls.token_usdc.ids)],
            }
        )
        cls.hd_wallet.sudo().next_index = 20
        partner_vals = {"name": "Crypto Customer", "email": "customer@example.com"}
        if "stablecoin_kyc_verified" in cls.env["res.partner"]._fields:
            # With stablecoin_compliance, identity verified: invoices above the KYC threshold
            # (1,000) can be posted.
            partner_vals.update(
                stablecoin_kyc_verified=True, stablecoin_kyc_reference="Test fixture"
            )
        cls.partner = cls.env["res.partner"].create(partner_vals)
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )

    @classmethod
    def make_invoice(cls, amount, token=None, wallet=None, post=True):
        token = token or cls.token_usdc
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner.id,
                "currency_id": token.currency_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.stablecoin_token_id = token
        invoice.stablecoin_wallet_id = wallet or cls.wallet
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def company_user(cls, login, groups, companies):
        """A user of ``companies`` (the first is their current one) in ``groups``."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=companies[0].id,
            company_ids=[Command.set([company.id for company in companies])],
        )

    def invoice_as(self, user, amount, token=None, wallet=None, currency=None, post=True, **vals):
        """A customer invoice ``user`` creates (and posts) as in the Invoicing app, in
        ``currency`` (default: the token's), paid in ``token`` to ``wallet`` (default: the
        shared fixed address)."""
        token = token or self.token_usdc
        invoice = (
            self.env["account.move"]
            .with_user(user)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "currency_id": (currency or token.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                    **vals,
                }
            )
        )
        invoice.stablecoin_token_id = token
        invoice.sudo().stablecoin_wallet_id = wallet or self.wallet
        if post:
            invoice.action_post()
        return invoice

    def claim_signature(self, invoice, tx_hash, sender=None):
        """What the payer's browser wallet returns for ``personal_sign`` of the claim of
        ``tx_hash`` for ``invoice``: signed with the key of ``sender`` (an account of anvil's
        public test mnemonic; default: the customer)."""
        sender = (sender or self.customer).lower()
        Account.enable_unaudited_hdwallet_features()
        for index in range(20):
            account = Account.from_mnemonic(
                "test test test test test test test test test test test junk",
                account_path=f"m/44'/60'/0'/0/{index}",
            )
            if account.address.lower() == sender:
                break
        else:
            raise AssertionError(f"{sender} is no account of the test mnemonic")
        message = self.env["stablecoin.payment.claim"]._message_for(invoice, tx_hash)
        return "0x" + account.sign_message(encode_defunct(text=message)).signature.hex()

    def run_crons(self):
        """What the scheduled actions do: scan, then match."""
        self.scan()
        self.env["stablecoin.transfer"]._cron_match()

    def settle(self):
        """Mine to the confirmation depth and run the crons."""
        self.mine_to_depth()
        self.run_crons()


class ClerkInvoicesMixin:
    """Mix in before StablecoinInvoiceMixin: the tests' invoices are made and posted by a
    billing clerk (not the superuser), as in the Invoicing app."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls.company_user(
            f"scoin_clerk_{cls.__name__.lower()}",
            "account.group_account_invoice",
            [cls.env.company],
        )

    def make_invoice(self, amount, token=None, wallet=None, post=True):
        return self.invoice_as(self.clerk, amount, token=token, wallet=wallet, post=post)
