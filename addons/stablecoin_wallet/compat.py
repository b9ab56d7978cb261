# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Odoo 18.0 / 19.0 seam: the one module that knows which series runs.

The addons are one tree for both series. What is written the same way on both stays in the
addons (search views without ``<group expand>``, ``odoo.modules.module.current_test``,
``_hook_if_success(moves_data, **kwargs)``, series-free manifest versions such as ``2.1.0``,
which 18.0 reads as ``18.0.2.1.0`` and 19.0 as ``19.0.2.1.0``). What cannot be is here, chosen
at import time, each with the name of what it replaces:

* :func:`sql_constraints`: ``_sql_constraints`` (18.0) or ``models.Constraint`` (19.0, which
  ignores ``_sql_constraints``: the watcher's ``ON CONFLICT`` then fails);
* :data:`GROUP_IDS`: the groups of a user, a menu, a view or an action, ``groups_id`` (18.0)
  or ``group_ids`` (19.0; on a user, the explicit ones only); :func:`group_users`: a group's
  users, ``users`` or ``all_user_ids``;
* :func:`place_group`: a group in the user form, by ``category_id`` (18.0) or by a
  ``res.groups.privilege`` of that category (19.0);
* :func:`process_payment_data`: a provider's payment data applied to its transaction, by
  ``_handle_notification_data`` (18.0) or ``_process`` (19.0). The transaction models
  implement both sets of hooks over shared code: 18.0 calls ``_get_tx_from_notification_data``
  and ``_process_notification_data``, 19.0 ``_search_by_reference``, ``_extract_amount_data``
  and ``_apply_updates``; each series never calls the other's;
* :data:`SEND_TEMPLATE` / :data:`SEND_BODY`: the invoice send wizard's template and body
  fields (``mail_template_id`` / ``mail_body`` on 18.0, ``template_id`` / ``body`` on 19.0);
* :data:`ACCOUNT_IN_USE_DOMAIN`: accounts in use, not ``deprecated`` (18.0) or not archived
  (19.0, which has no ``deprecated``).

Odoo 20.0 will add its own entries here (see the README, "Odoo 19.0 and 20.0").
"""

from odoo import models, release

SERIES = release.version_info[0]
"""The running Odoo's major version: 18 or 19."""

GROUP_IDS = "group_ids" if SERIES >= 19 else "groups_id"
SEND_TEMPLATE = "template_id" if SERIES >= 19 else "mail_template_id"
SEND_BODY = "body" if SERIES >= 19 else "mail_body"
# The accounts still in use: 18.0 marks the others deprecated, 19.0 archives them.
ACCOUNT_IN_USE_DOMAIN = "[]" if SERIES >= 19 else "[('deprecated', '=', False)]"


def sql_constraints(cls):
    """Class decorator: a model's SQL constraints, declared once as 18.0's
    ``_sql_constraints`` (``(name, definition, message)``), on either series.

    On 19.0 (which ignores ``_sql_constraints``, with a warning) each becomes a
    ``models.Constraint`` attribute ``_<name>``, which 19.0 names ``<table>_<name>`` in
    PostgreSQL as 18.0 does: the constraints keep their names, so code naming them (``ON
    CONFLICT ON CONSTRAINT``) and databases stay the same on both."""
    if SERIES < 19 or "_sql_constraints" not in vars(cls):
        return cls
    for name, definition, message in cls._sql_constraints:
        constraint = models.Constraint(definition, message)
        setattr(cls, f"_{name}", constraint)
        constraint.__set_name__(cls, f"_{name}")
    del cls._sql_constraints
    return cls


def group_users(group):
    """The users of ``group``, implied memberships included: ``users`` on 18.0 (which stores
    them), ``all_user_ids`` on 19.0 (its ``user_ids`` holds the explicit members only)."""
    return group.all_user_ids if SERIES >= 19 else group.users


def place_group(env, group_xmlid, category_xmlid, privilege_xmlid):
    """Show group ``group_xmlid`` in the user form under application category
    ``category_xmlid``: its ``category_id`` on 18.0; on 19.0, where a group shows through its
    privilege, the privilege ``privilege_xmlid`` (created, named after the group) of that
    category. Called from the addon's data file (``<function>``), on install and update."""
    group = env.ref(group_xmlid)
    category = env.ref(category_xmlid)
    if SERIES < 19:
        group.category_id = category
        return
    privilege = env["res.groups.privilege"]._load_records(
        [
            {
                "xml_id": privilege_xmlid,
                "values": {"name": group.name, "category_id": category.id},
                "noupdate": False,
            }
        ]
    )
    group.privilege_id = privilege


def process_payment_data(env, provider_code, payment_data):
    """Apply ``payment_data`` of provider ``provider_code`` to its transaction (found by the
    provider's own hooks), as the provider's webhook would; returns the transaction."""
    Transaction = env["payment.transaction"]
    if SERIES >= 19:
        return Transaction._process(provider_code, payment_data)
    return Transaction._handle_notification_data(provider_code, payment_data)
