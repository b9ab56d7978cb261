# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.1.0: the global KYC columns of 18.0.2.0.0 become per company. The columns are put
back in their old shape in this test's transaction, then migrated."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.stablecoin_compliance.hooks import kyc_per_company

OLD_COLUMNS = (
    "stablecoin_kyc_verified boolean",
    "stablecoin_kyc_date date",
    "stablecoin_kyc_user_id integer",
    "stablecoin_kyc_reference varchar",
)


@tagged("post_install", "-at_install")
class TestKycMigration(TransactionCase):
    def test_a_verification_counts_for_the_company_it_was_made_in(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Company B"})
        Partner = self.env["res.partner"]
        own_b = Partner.create({"name": "B's own customer", "company_id": company_b.id})
        logged_in_b = Partner.create({"name": "Shared, verified in B"})
        untraced = Partner.create({"name": "Shared, verified long ago"})
        unverified = Partner.create({"name": "Never verified"})
        self.env["stablecoin.compliance.log"].create(
            [
                {"event": "kyc", "company_id": company_a.id, "partner_id": logged_in_b.id},
                {"event": "kyc", "company_id": company_b.id, "partner_id": logged_in_b.id},
            ]
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE res_partner "
            + ", ".join(f"DROP COLUMN {c.split()[0]}" for c in OLD_COLUMNS)
            + ", "
            + ", ".join(f"ADD COLUMN {c}" for c in OLD_COLUMNS)
        )
        cr.execute(
            "UPDATE res_partner SET stablecoin_kyc_verified = true, "
            "stablecoin_kyc_date = '2026-11-02', stablecoin_kyc_user_id = %s, "
            "stablecoin_kyc_reference = 'ID-1' WHERE id = ANY(%s)",
            [self.env.uid, [own_b.id, logged_in_b.id, untraced.id]],
        )

        kyc_per_company(cr)
        kyc_per_company(cr)  # once done, nothing more

        self.env.invalidate_all()
        everywhere = self.env["res.company"].search([])
        for partner, companies in (
            (own_b, company_b),
            (logged_in_b, company_b),
            (untraced, everywhere),
            (unverified, self.env["res.company"]),
        ):
            for company in everywhere:
                verified = company in companies
                in_company = partner.with_company(company)
                self.assertEqual(
                    in_company.stablecoin_kyc_verified, verified, (partner.name, company.name)
                )
                self.assertEqual(
                    (
                        str(in_company.stablecoin_kyc_date or ""),
                        in_company.stablecoin_kyc_user_id.id,
                        in_company.stablecoin_kyc_reference,
                    ),
                    ("2026-11-02", self.env.uid, "ID-1") if verified else ("", False, False),
                )
