# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""KYC per company (18.0.2.1.0): the partner's ``stablecoin_kyc_*`` columns, one value for
every company until then, become company-dependent (jsonb ``{company_id: value}``, as Odoo 18
keeps such fields).

A verification counts only for the company it was made in: the contact's own company, else
the company of its latest KYC entry in the audit log (where the verifier worked). A shared
contact verified with no such entry (none can be traced) keeps its verification in every
company, as before: a compliance officer reviews those (listed in the server log).

Run by the migration of an installed addon and by the install hook (an upgrade from
18.0.1.1.0 installs this addon over the columns ``stablecoin_invoicing`` left)."""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

KYC_COLUMNS = (
    "stablecoin_kyc_verified",
    "stablecoin_kyc_date",
    "stablecoin_kyc_user_id",
    "stablecoin_kyc_reference",
)


def _column_types(cr):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = ANY(%s)",
        [list(KYC_COLUMNS)],
    )
    return dict(cr.fetchall())


def kyc_per_company(cr):
    """Convert the global KYC columns to company-dependent ones (nothing when already done,
    or when there are none)."""
    types = _column_types(cr)
    global_columns = [name for name in KYC_COLUMNS if types.get(name, "jsonb") != "jsonb"]
    if not global_columns:
        return
    # The companies each verified partner's values count for.
    cr.execute(
        """
        CREATE TEMPORARY TABLE stablecoin_kyc_company AS
        SELECT p.id AS partner_id, c.id AS company_id
          FROM res_partner p
          JOIN res_company c ON c.id = COALESCE(
                p.company_id,
                (SELECT l.company_id FROM stablecoin_compliance_log l
                  WHERE l.partner_id = p.id AND l.event = 'kyc'
                  ORDER BY l.id DESC LIMIT 1),
                c.id)
         WHERE p.stablecoin_kyc_verified
            OR p.stablecoin_kyc_date IS NOT NULL
            OR p.stablecoin_kyc_user_id IS NOT NULL
            OR p.stablecoin_kyc_reference IS NOT NULL
        """
    )
    cr.execute(
        """
        SELECT partner_id FROM stablecoin_kyc_company
         GROUP BY partner_id HAVING count(*) > 1
        """
    )
    everywhere = [row[0] for row in cr.fetchall()]
    if everywhere:
        _logger.warning(
            "KYC per company: partners %s were verified with no trace of the company; their "
            "verification is kept in every company, for a compliance officer to review.",
            everywhere,
        )
    for name in global_columns:
        column, moved = SQL.identifier(name), SQL.identifier(f"{name}_global")
        cr.execute(SQL("ALTER TABLE res_partner RENAME COLUMN %s TO %s", column, moved))
        cr.execute(SQL("ALTER TABLE res_partner ADD COLUMN %s jsonb", column))
        cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %(column)s = v.value
                  FROM (SELECT k.partner_id,
                               jsonb_object_agg(k.company_id::text, to_jsonb(g.%(moved)s)) AS value
                          FROM stablecoin_kyc_company k
                          JOIN res_partner g ON g.id = k.partner_id
                         WHERE g.%(moved)s IS NOT NULL
                         GROUP BY k.partner_id) v
                 WHERE p.id = v.partner_id
                """,
                column=column,
                moved=moved,
            )
        )
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", moved))
    cr.execute("DROP TABLE stablecoin_kyc_company")


def pre_init_hook(env):
    kyc_per_company(env.cr)
