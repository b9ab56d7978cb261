# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the sanctions list's refresh job, rewritten from its data file when
``stablecoin_compliance`` was installed over it, gets back the schedule and active flag the
administrator had given it (kept aside by ``pre-move-compliance.py``)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT to_regclass('stablecoin_compliance_moved_cron')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        "UPDATE ir_cron c SET active = s.active, interval_number = s.interval_number, "
        "interval_type = s.interval_type, priority = s.priority "
        "FROM stablecoin_compliance_moved_cron s WHERE s.id = c.id"
    )
    cr.execute("DROP TABLE stablecoin_compliance_moved_cron")
