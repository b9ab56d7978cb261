# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the sanctions list leaves this addon for ``stablecoin_compliance``.

Runs before this addon loads. Nothing is copied or renamed: the tables
``stablecoin_sanctions_address`` and ``stablecoin_sanctions_list``, their rows and the
system parameters (``stablecoin_wallet.sanctions_list_url``, ``.screening_provider``,
``.chainalysis_api_key``, ``.chainalysis_url``: their keys keep the old prefix) stay as they
are; only the owner of their XML ids changes (the models, their fields, selections and
constraints, the settings' fields, access rights, views, actions, the scheduled action and its
server action). Left with this addon, the end of its upgrade would delete them (and the
imported list with its models).

``stablecoin_compliance`` is marked to install when ``stablecoin_invoicing`` is installed (its
dependency; ``stablecoin_invoicing``'s own migration does the same). Installing runs its data
in *init* mode, which rewrites even ``noupdate`` records: the refresh job's schedule and active
flag, as the administrator left them, are kept aside here and put back by
``end-move-compliance.py``.
"""

from odoo.tools import SQL

MODULE = "stablecoin_wallet"
NEW_MODULE = "stablecoin_compliance"
MODELS = (
    "stablecoin.sanctions.address",
    "stablecoin.sanctions.list",
    "stablecoin.sanctions.import",
)
# Fields of this addon on models that stay: the settings' screening fields.
FIELDS = (
    ("res.config.settings", "stablecoin_sanctions_list_url"),
    ("res.config.settings", "stablecoin_screening_provider"),
    ("res.config.settings", "stablecoin_chainalysis_api_key"),
)
# The records of the data files (security, data, views), by their XML id's name.
RECORDS = (
    "access_stablecoin_sanctions_list_user",
    "access_stablecoin_sanctions_list_system",
    "access_stablecoin_sanctions_address_user",
    "access_stablecoin_sanctions_address_system",
    "access_stablecoin_sanctions_import_system",
    "ir_cron_stablecoin_sanctions_refresh",
    "ir_cron_stablecoin_sanctions_refresh_ir_actions_server",
    "stablecoin_sanctions_address_action",
    "stablecoin_sanctions_address_view_list",
    "stablecoin_sanctions_address_view_search",
    "stablecoin_sanctions_import_action",
    "stablecoin_sanctions_import_view_form",
    "stablecoin_sanctions_list_action",
    "stablecoin_sanctions_list_view_form",
    "stablecoin_sanctions_list_view_list",
)
CRON = "ir_cron_stablecoin_sanctions_refresh"
SAVED_CRON = "stablecoin_compliance_moved_cron"


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id FROM ir_model WHERE model IN %s", [MODELS])
    model_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
    field_ids = (0,)
    for model, name in FIELDS:
        cr.execute("SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", [model, name])
        field_ids += tuple(row[0] for row in cr.fetchall())
    cr.execute("SELECT id FROM ir_model_fields WHERE model_id IN %s", [model_ids])
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
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = %s", [NEW_MODULE])
    row = cr.fetchone()
    if not row:
        return  # not on the addons path: the records wait, owned, for it to be installed
    new_id, state = row
    # Their SQL constraints and many2many tables: dropped with the addon that owns them.
    for table in ("ir_model_relation", "ir_model_constraint"):
        cr.execute(
            SQL(
                "UPDATE %s SET module = %s WHERE model IN %s "
                "AND module = (SELECT id FROM ir_module_module WHERE name = %s)",
                SQL.identifier(table),
                new_id,
                model_ids,
                MODULE,
            )
        )
    cr.execute(
        "SELECT 1 FROM ir_module_module WHERE name = 'stablecoin_invoicing' "
        "AND state IN ('installed', 'to upgrade')"
    )
    if state == "uninstalled" and cr.fetchone():
        cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE id = %s", [new_id])
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(SAVED_CRON)))
    cr.execute(
        SQL(
            "CREATE TABLE %s AS "
            "SELECT c.id, c.active, c.interval_number, c.interval_type, c.priority "
            "FROM ir_cron c JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id "
            "WHERE d.module = %s AND d.name = %s",
            SQL.identifier(SAVED_CRON),
            NEW_MODULE,
            CRON,
        )
    )
