# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the webhooks leave this addon for ``stablecoin_webhooks``.

Their tables and records stay as they are (same models, tables, fields and ids). What changes
is who owns them: their XML ids (models, fields, selections, SQL constraints, access rights,
record rules, views, actions, menus, the scheduled action and its server action, the event
types) and their constraint and many2many metadata pass to ``stablecoin_webhooks``, so that
the new addon's data files update these records instead of making them twice, and that
cleaning up this addon's old data at the end of the upgrade leaves them alone.

The new addon is installed in the same upgrade: ``-u`` of an addon that depends on it (the
provider) marks it *to install* by itself (``ir.module.module.button_upgrade``); a database
with this addon and without the provider had the webhooks too, so it is marked here.

Installing runs its data in *init* mode, which rewrites even ``noupdate`` records: the
scheduled action's schedule and active flag, as the administrator left them, are kept aside
here and put back by ``end-move-webhooks.py``.
"""

# Every XML id of this addon naming a webhook record is one of them: none of what stays here
# has "webhook" in its XML id.
XMLID_PATTERN = "%webhook%"
MODELS = (
    "stablecoin.webhook.endpoint",
    "stablecoin.webhook.delivery",
    "stablecoin.webhook.attempt",
    "stablecoin.webhook.event.type",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE ir_model_data SET module = 'stablecoin_webhooks' "
        "WHERE module = 'stablecoin_invoicing' AND name LIKE %s",
        [XMLID_PATTERN],
    )
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = 'stablecoin_webhooks'")
    row = cr.fetchone()
    if not row:
        return  # not in the addons path: the records wait, owned, for it to be installed
    webhooks_id, state = row
    # Their SQL constraints and many2many tables: dropped with the addon that owns them.
    cr.execute(
        "UPDATE ir_model_constraint SET module = %s "
        "WHERE model IN (SELECT id FROM ir_model WHERE model IN %s) "
        "AND module = (SELECT id FROM ir_module_module WHERE name = 'stablecoin_invoicing')",
        [webhooks_id, MODELS],
    )
    cr.execute(
        "UPDATE ir_model_relation SET module = %s "
        "WHERE model IN (SELECT id FROM ir_model WHERE model IN %s) "
        "AND module = (SELECT id FROM ir_module_module WHERE name = 'stablecoin_invoicing')",
        [webhooks_id, MODELS],
    )
    if state == "uninstalled":
        cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE id = %s", [webhooks_id])
    cr.execute("DROP TABLE IF EXISTS stablecoin_webhooks_moved_cron")
    cr.execute(
        "CREATE TABLE stablecoin_webhooks_moved_cron AS "
        "SELECT c.id, c.active, c.interval_number, c.interval_type, c.priority "
        "FROM ir_cron c JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id "
        # The recurring invoices' job too, moved the same way just before (pre-move-recurring).
        "WHERE (d.module, d.name) IN (('stablecoin_webhooks', 'ir_cron_stablecoin_webhook_send'), "
        "('stablecoin_recurring', 'ir_cron_stablecoin_recurring'))"
    )
