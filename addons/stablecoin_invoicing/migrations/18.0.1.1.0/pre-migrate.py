# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the quote (``stablecoin.quote``) becomes the payment request
(``stablecoin.payment.request``). Its table, its metadata and the invoice's link are renamed
in place, so no record and no id changes."""

RENAMED_MOVE_FIELDS = {"stablecoin_quote_id": "stablecoin_request_id"}


def _exists(cr, table, column=None):
    if column is None:
        cr.execute("SELECT to_regclass(%s)", [table])
        return bool(cr.fetchone()[0])
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, column],
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version or not _exists(cr, "stablecoin_quote"):
        return
    cr.execute("ALTER TABLE stablecoin_quote RENAME TO stablecoin_payment_request")
    cr.execute(
        "ALTER SEQUENCE IF EXISTS stablecoin_quote_id_seq "
        "RENAME TO stablecoin_payment_request_id_seq"
    )
    cr.execute(
        "ALTER INDEX IF EXISTS stablecoin_quote_pkey RENAME TO stablecoin_payment_request_pkey"
    )
    for sql in (
        (
            "UPDATE ir_model SET model = 'stablecoin.payment.request' "
            "WHERE model = 'stablecoin.quote'"
        ),
        (
            "UPDATE ir_model_fields SET model = 'stablecoin.payment.request' "
            "WHERE model = 'stablecoin.quote'"
        ),
        (
            "UPDATE ir_model_fields SET relation = 'stablecoin.payment.request' "
            "WHERE relation = 'stablecoin.quote'"
        ),
        (
            "UPDATE ir_model_data SET name = 'model_stablecoin_payment_request' "
            "WHERE module = 'stablecoin_invoicing' AND name = 'model_stablecoin_quote'"
        ),
        (
            "UPDATE ir_model_data SET name = replace(name, 'field_stablecoin_quote__', "
            "'field_stablecoin_payment_request__') "
            "WHERE module = 'stablecoin_invoicing' AND name LIKE 'field_stablecoin_quote__%'"
        ),
    ):
        cr.execute(sql)
    # The states of a quote, as the request's: set before the new constraints are checked.
    cr.execute(
        """UPDATE stablecoin_payment_request SET state = CASE
               WHEN state = 'used' THEN 'paid'
               WHEN state = 'active' AND expires_at < (now() AT TIME ZONE 'UTC') THEN 'expired'
               WHEN state = 'active' THEN 'awaiting'
               ELSE state END"""
    )
    for old, new in RENAMED_MOVE_FIELDS.items():
        if _exists(cr, "account_move", old):
            cr.execute(f'ALTER TABLE account_move RENAME COLUMN "{old}" TO "{new}"')
        cr.execute(
            "UPDATE ir_model_fields SET name = %s WHERE model = 'account.move' AND name = %s",
            [new, old],
        )
        cr.execute(
            "UPDATE ir_model_data SET name = %s WHERE module = 'stablecoin_invoicing' "
            "AND name = %s",
            [f"field_account_move__{new}", f"field_account_move__{old}"],
        )
