# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the webhooks' and the recurring invoices' scheduled actions, rewritten from
their data files when ``stablecoin_webhooks`` and ``stablecoin_recurring`` were installed over
them, get back the schedule and active flag the administrator had given them (kept aside by
``pre-move-webhooks.py``)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT to_regclass('stablecoin_webhooks_moved_cron')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        "UPDATE ir_cron c SET active = s.active, interval_number = s.interval_number, "
        "interval_type = s.interval_type, priority = s.priority "
        "FROM stablecoin_webhooks_moved_cron s WHERE s.id = c.id"
    )
    cr.execute("DROP TABLE stablecoin_webhooks_moved_cron")
