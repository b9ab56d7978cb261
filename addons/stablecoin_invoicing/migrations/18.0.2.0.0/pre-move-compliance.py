# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: compliance (holds, audit log, decisions, KYC, the officers' group) leaves this
addon for ``stablecoin_compliance``.

Runs before this addon loads, so before ``stablecoin_compliance`` is installed in the same run.
Nothing is copied or renamed: the tables ``stablecoin_compliance_hold``/``_log``, the columns
on ``res_partner`` (``stablecoin_kyc_*``) and ``res_company`` (``stablecoin_kyc_threshold``),
and the held/rejected states of receipts and claims stay as they are; only their owner
changes:

* the models' XML ids, their fields, selections and constraints;
* this addon's fields of compliance on models that stay (receipts' and claims' holds and log,
  the invoice's holds, the partner's KYC and log, the company's and the settings' KYC
  threshold) and its selection values (receipts *On hold*/*Rejected (compliance)*, claims and
  invoices *On hold (compliance)*). Left here, the end of this upgrade would delete the values,
  resetting held receipts to their default state;
* the officers' group (its users stay in it), the record rules, access rights, views,
  actions and menus.

``stablecoin_compliance`` is marked to install when it is not installed: with
``stablecoin_payment_provider`` installed Odoo does it by itself (the provider depends on it);
a database with only this addon would otherwise lose the holds and the group's users.
"""

from odoo.tools import SQL

MODULE = "stablecoin_invoicing"
NEW_MODULE = "stablecoin_compliance"
MODELS = (
    "stablecoin.compliance.hold",
    "stablecoin.compliance.log",
    "stablecoin.compliance.decision",
)
FIELDS = (
    ("stablecoin.transfer", "hold_ids"),
    ("stablecoin.transfer", "compliance_log_ids"),
    ("stablecoin.payment.claim", "hold_ids"),
    ("account.move", "stablecoin_hold_ids"),
    ("res.partner", "stablecoin_kyc_verified"),
    ("res.partner", "stablecoin_kyc_date"),
    ("res.partner", "stablecoin_kyc_user_id"),
    ("res.partner", "stablecoin_kyc_reference"),
    ("res.partner", "stablecoin_kyc_editable"),
    ("res.partner", "stablecoin_compliance_log_ids"),
    ("res.company", "stablecoin_kyc_threshold"),
    ("res.config.settings", "stablecoin_kyc_threshold"),
)
# Selection values this addon added to fields that stay.
SELECTIONS = (
    ("stablecoin.transfer", "state", "held"),
    ("stablecoin.transfer", "state", "blocked"),
    ("stablecoin.payment.claim", "state", "held"),
    ("account.move", "stablecoin_payment_status", "on_hold"),
)
# The records of the data files (security, views), by their XML id's name.
RECORDS = (
    "group_stablecoin_compliance",
    "stablecoin_compliance_hold_rule_company",
    "stablecoin_compliance_log_rule_company",
    "stablecoin_compliance_decision_rule_company",
    "access_stablecoin_compliance_hold_user",
    "access_stablecoin_compliance_hold_officer",
    "access_stablecoin_compliance_log_user",
    "access_stablecoin_compliance_decision_officer",
    "access_stablecoin_sanctions_list_officer",
    "access_stablecoin_sanctions_address_officer",
    "access_stablecoin_sanctions_import_officer",
    "stablecoin_compliance_decision_view_form",
    "stablecoin_compliance_hold_view_list",
    "stablecoin_compliance_hold_view_form",
    "stablecoin_compliance_hold_view_search",
    "stablecoin_compliance_hold_action",
    "stablecoin_compliance_log_view_list",
    "stablecoin_compliance_log_view_search",
    "stablecoin_compliance_log_action",
    "stablecoin_transfer_view_form_compliance",
    "stablecoin_transfer_view_list_compliance",
    "stablecoin_transfer_view_search_compliance",
    "res_partner_view_form_stablecoin_kyc",
    "stablecoin_compliance_menu",
    "stablecoin_compliance_hold_menu",
    "stablecoin_sanctions_address_menu",
    "stablecoin_sanctions_list_menu",
    "stablecoin_compliance_log_menu",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id FROM ir_model WHERE model IN %s", [MODELS])
    model_ids = tuple(row[0] for row in cr.fetchall())
    if not model_ids:
        return  # a release before compliance
    cr.execute("SELECT id FROM ir_model_fields WHERE model_id IN %s", [model_ids])
    field_ids = tuple(row[0] for row in cr.fetchall())
    for model, name in FIELDS:
        cr.execute("SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", [model, name])
        field_ids += tuple(row[0] for row in cr.fetchall())
    selection_ids = (0,)
    for model, name, value in SELECTIONS:
        cr.execute(
            "SELECT s.id FROM ir_model_fields_selection s JOIN ir_model_fields f "
            "ON f.id = s.field_id WHERE f.model = %s AND f.name = %s AND s.value = %s",
            [model, name, value],
        )
        selection_ids += tuple(row[0] for row in cr.fetchall())
    cr.execute(
        """
        UPDATE ir_model_data SET module = %(new)s
         WHERE module = %(old)s
           AND (   (model = 'ir.model' AND res_id IN %(models)s)
                OR (model = 'ir.model.fields' AND res_id IN %(fields)s)
                OR (model = 'ir.model.fields.selection' AND (res_id IN %(selections)s
                    OR res_id IN (SELECT id FROM ir_model_fields_selection
                                   WHERE field_id IN %(fields)s)))
                OR (model = 'ir.model.constraint' AND res_id IN (
                        SELECT id FROM ir_model_constraint WHERE model IN %(models)s))
                OR name IN %(records)s)
        """,
        {
            "new": NEW_MODULE,
            "old": MODULE,
            "models": model_ids,
            "fields": field_ids,
            "selections": selection_ids,
            "records": RECORDS,
        },
    )
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = %s", [NEW_MODULE])
    row = cr.fetchone()
    if not row:
        return  # not on the addons path: update the apps list and install it
    new_id, state = row
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
    if state == "uninstalled":
        cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE id = %s", [new_id])
