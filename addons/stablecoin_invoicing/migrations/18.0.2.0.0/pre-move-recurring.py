# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: recurring invoices move to their own addon, ``stablecoin_recurring``.

Runs before this addon loads, so before ``stablecoin_recurring`` is installed in the same run.
Nothing is copied or renamed: the table ``stablecoin_recurring_invoice``, the columns
``account_move.stablecoin_recurring_id``/``_date`` and their unique index stay as they are;
only their owner changes.

* Every ``ir_model_data`` row of ``stablecoin_invoicing`` that names a piece of the recurring
  invoices (the model, its fields and selection values, the fields on ``account.move``, the
  access rights, record rules, views, portal templates, action, menu, the scheduled action and
  its server action) is given to ``stablecoin_recurring``. Its data files then update these
  records when it installs instead of making second ones (a second daily cron, a second *Make
  Recurring* button). Left with this addon, they would be checked and deleted by this upgrade:
  the view on the invoice form names fields this addon no longer has (the upgrade fails), and
  the end of the upgrade (``ir.model.data._process_end``) unlinks what this addon no longer
  loads: the cron's old row (``noupdate``) would stay beside the new one.
* The model's many2many table and constraints (``ir_model_relation``,
  ``ir_model_constraint``) change owner too, so that uninstalling ``stablecoin_recurring``
  drops them.
* ``stablecoin_recurring`` is marked to install when the database had recurring invoices. With
  ``stablecoin_payment_provider`` installed Odoo does it by itself (the provider now depends on
  it: ``button_upgrade`` installs the new dependencies of what it upgrades); a database with
  only this addon (``-u stablecoin_invoicing``) would otherwise lose the feature, its records
  owned by a module that is not installed.
"""

from odoo.tools import SQL

MODULE = "stablecoin_invoicing"
NEW_MODULE = "stablecoin_recurring"
MODELS = ("stablecoin.recurring.invoice",)
MOVE_FIELDS = ("stablecoin_recurring_id", "stablecoin_recurring_date", "stablecoin_recurring_count")
# The records of the data files (security, data, views), by their XML id's name.
RECORDS = (
    "access_stablecoin_recurring_invoice_user",
    "access_stablecoin_recurring_invoice_readonly",
    "access_stablecoin_recurring_invoice_portal",
    "stablecoin_recurring_invoice_rule_company",
    "stablecoin_recurring_invoice_rule_portal",
    "ir_cron_stablecoin_recurring",
    "ir_cron_stablecoin_recurring_ir_actions_server",
    "stablecoin_recurring_invoice_view_form",
    "stablecoin_recurring_invoice_view_list",
    "stablecoin_recurring_invoice_view_search",
    "stablecoin_recurring_invoice_action",
    "stablecoin_recurring_invoice_menu",
    "view_move_form_recurring",
    "stablecoin_recurring_summary",
    "portal_invoice_page_recurring",
    "portal_my_home_stablecoin_recurring",
    "portal_my_home_menu_stablecoin_recurring",
    "portal_my_stablecoin_recurring",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id FROM ir_model WHERE model IN %s", [MODELS])
    model_ids = tuple(row[0] for row in cr.fetchall())
    if not model_ids:
        return  # never had recurring invoices
    cr.execute(
        "SELECT id FROM ir_model_fields WHERE model_id IN %s "
        "OR (model = 'account.move' AND name IN %s)",
        [model_ids, MOVE_FIELDS],
    )
    field_ids = tuple(row[0] for row in cr.fetchall())
    cr.execute(
        """
        UPDATE ir_model_data SET module = %(new)s
         WHERE module = %(old)s
           AND (   (model = 'ir.model' AND res_id IN %(models)s)
                OR (model = 'ir.model.fields' AND res_id IN %(fields)s)
                OR (model = 'ir.model.fields.selection' AND res_id IN (
                        SELECT id FROM ir_model_fields_selection WHERE field_id IN %(fields)s))
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
    # QWeb templates are found by their key first: the key names the module too.
    cr.execute(
        """
        UPDATE ir_ui_view v SET key = %s || '.' || d.name
          FROM ir_model_data d
         WHERE d.model = 'ir.ui.view' AND d.res_id = v.id AND d.module = %s
           AND v.key = %s || '.' || d.name
        """,
        [NEW_MODULE, NEW_MODULE, MODULE],
    )
    cr.execute("SELECT id FROM ir_module_module WHERE name = %s", [NEW_MODULE])
    row = cr.fetchone()
    if not row:
        return  # not on the addons path: update the apps list and install it
    for table in ("ir_model_relation", "ir_model_constraint"):
        cr.execute(
            SQL(
                "UPDATE %s SET module = %s "
                "WHERE module = (SELECT id FROM ir_module_module WHERE name = %s) "
                "AND (model IN %s OR name LIKE %s)",
                SQL.identifier(table),
                row[0],
                MODULE,
                model_ids,
                "account_move_stablecoin_recurring%",
            )
        )
    cr.execute(
        "UPDATE ir_module_module SET state = 'to install' WHERE id = %s AND state = 'uninstalled'",
        [row[0]],
    )
