# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Installing this addon on a database of ``stablecoin_payment_provider`` 18.0.1.x, where the
on-ramps lived inside the provider: their records become this addon's.

Called by the ``pre_init_hook``, before this addon's models and data load. It cannot be a
pre-migrate script of the provider: the provider depends on this addon, so an upgrade
installs this addon before the provider's scripts run, and this addon's data would make its
views and menus a second time. Nothing is copied or renamed: the tables
``stablecoin_onramp_transfer``/``_event``/``_account`` and their rows, and the credential
columns on ``payment_provider`` that keep their names (``stablecoin_bridge_*``,
``stablecoin_stripe_*``), stay as they are; only the owner of their XML ids changes (the
models, their fields, selections and constraints, the provider's and the invoice's fields
that move, access rights, record rules, views, templates, the action and the menu). Left with
the provider, the end of its upgrade would delete them, tables included.

The provider's own ``post-move-onramp.py`` then hands its credentials to the two on-ramp
providers, once they exist.
"""

from odoo.tools import SQL

MODULE = "stablecoin_payment_provider"
NEW_MODULE = "stablecoin_onramp"
MODELS = ("stablecoin.onramp.transfer", "stablecoin.onramp.event", "stablecoin.onramp.account")
# Fields of the provider on models that stay, which this addon keeps under the same name.
FIELDS = (
    ("account.move", "stablecoin_onramp_ids"),
    ("payment.provider", "stablecoin_bridge_api_url"),
    ("payment.provider", "stablecoin_bridge_api_key"),
    ("payment.provider", "stablecoin_bridge_customer_id"),
    ("payment.provider", "stablecoin_bridge_webhook_key"),
    ("payment.provider", "stablecoin_bridge_source_rail"),
    ("payment.provider", "stablecoin_stripe_api_url"),
    ("payment.provider", "stablecoin_stripe_secret_key"),
    ("payment.provider", "stablecoin_stripe_webhook_secret"),
)
# The records of the data files (security, views, templates), by their XML id's name.
RECORDS = (
    "access_stablecoin_onramp_transfer_invoice",
    "access_stablecoin_onramp_transfer_user",
    "access_stablecoin_onramp_transfer_manager",
    "access_stablecoin_onramp_event_user",
    "access_stablecoin_onramp_event_manager",
    "access_stablecoin_onramp_account_invoice",
    "access_stablecoin_onramp_account_user",
    "access_stablecoin_onramp_account_manager",
    "stablecoin_onramp_transfer_rule_company",
    "stablecoin_onramp_event_rule_company",
    "stablecoin_onramp_account_rule_company",
    "payment_provider_form",
    "stablecoin_onramp_transfer_view_list",
    "stablecoin_onramp_transfer_view_form",
    "stablecoin_onramp_transfer_action",
    "stablecoin_onramp_transfer_menu",
    "view_move_form",
    "stablecoin_bank_account_instructions",
    "stablecoin_wire_transfer_instructions",
    "report_invoice_document",
    "stablecoin_payment_email",
    "portal_invoice_page_wire",
)


def take_over_from_the_provider(cr):
    cr.execute("SELECT id FROM ir_model WHERE model IN %s", [MODELS])
    model_ids = tuple(row[0] for row in cr.fetchall())
    if not model_ids:
        return  # a new database, or the provider never had the on-ramps
    cr.execute("SELECT id FROM ir_model_fields WHERE model_id IN %s", [model_ids])
    field_ids = tuple(row[0] for row in cr.fetchall())
    for model, name in FIELDS:
        cr.execute("SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", [model, name])
        field_ids += tuple(row[0] for row in cr.fetchall())
    cr.execute(
        """
        UPDATE ir_model_data SET module = %(new)s
         WHERE module = %(old)s
           AND (   (model = 'ir.model' AND res_id IN %(models)s)
                OR (model = 'ir.model.fields' AND res_id IN %(fields)s)
                OR (model = 'ir.model.fields.selection' AND res_id IN (
                        SELECT id FROM ir_model_fields_selection WHERE field_id IN %(fields)s))
                OR (model = 'ir.model.constraint' AND res_id IN (
                        SELECT id FROM ir_model_constraint WHERE model IN %(models)s))
                OR name IN %(records)s)
        """,
        {
            "new": NEW_MODULE,
            "old": MODULE,
            "models": model_ids,
            "fields": field_ids,
            "records": RECORDS,
        },
    )
    # Their SQL constraints and many2many tables: dropped with the addon that owns them.
    for table in ("ir_model_relation", "ir_model_constraint"):
        cr.execute(
            SQL(
                "UPDATE %s SET module = (SELECT id FROM ir_module_module WHERE name = %s) "
                "WHERE model IN %s "
                "AND module = (SELECT id FROM ir_module_module WHERE name = %s)",
                SQL.identifier(table),
                NEW_MODULE,
                model_ids,
                MODULE,
            )
        )
