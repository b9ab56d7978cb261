# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the on-ramps are providers of their own (``stablecoin_onramp``:
``stablecoin_bridge`` and ``stablecoin_stripe``), no longer switches on this one.

Runs once ``stablecoin_onramp`` is installed (this addon depends on it; its ``pre_init_hook``
took over the on-ramps' records). For each stablecoin provider, in its company:

* the Bridge and Stripe credentials move to that company's on-ramp provider of each code (the
  one ``stablecoin_onramp`` made, or a copy of it for another company); the on-ramp provider
  takes the stablecoin provider's state and publication when its switch (*Bank Wire
  (Bridge)*, *Card (Stripe Onramp)*) was on and its credentials given, else stays disabled;
  the fees account moves to the Bridge provider;
* the on-ramp transfers (wires and deposits: Bridge; cards: Stripe) and the bank account at
  Bridge point at their provider (their events follow their transfers);
* the stablecoin provider keeps no on-ramp credential.

The switches' and the fees account's old columns go at the end of this upgrade, with their
fields.
"""

from odoo import SUPERUSER_ID, api

CODES = {
    "stablecoin_bridge": {
        "switch": "stablecoin_wire_enabled",
        "fields": (
            "stablecoin_bridge_api_url",
            "stablecoin_bridge_api_key",
            "stablecoin_bridge_customer_id",
            "stablecoin_bridge_webhook_key",
            "stablecoin_bridge_source_rail",
        ),
        "kinds": ("transfer", "deposit"),
        "accounts": True,
    },
    "stablecoin_stripe": {
        "switch": "stablecoin_card_enabled",
        "fields": (
            "stablecoin_stripe_api_url",
            "stablecoin_stripe_secret_key",
            "stablecoin_stripe_webhook_secret",
        ),
        "kinds": ("card",),
        "accounts": False,
    },
}
# What the stablecoin provider forgets once moved (the source rail is not a secret, and has a
# default).
SECRETS = {
    name
    for move in CODES.values()
    for name in move["fields"]
    if name != "stablecoin_bridge_source_rail"
}


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'payment_provider' "
        "AND column_name IN ('stablecoin_wire_enabled', 'stablecoin_card_enabled', "
        "'stablecoin_onramp_fee_account_id')"
    )
    if len(cr.fetchall()) < 3:
        return  # a release before the on-ramps
    cr.execute(
        "SELECT id, company_id, state, is_published, stablecoin_wire_enabled, "
        "stablecoin_card_enabled, stablecoin_onramp_fee_account_id "
        "FROM payment_provider WHERE code = 'stablecoin' ORDER BY id"
    )
    rows = cr.dictfetchall()
    env = api.Environment(cr, SUPERUSER_ID, {})
    Provider = env["payment.provider"]
    for row in rows:
        old = Provider.browse(row["id"])
        for code, move in CODES.items():
            template = env.ref(f"stablecoin_onramp.payment_provider_{code}")
            target = Provider.search(
                [("code", "=", code), ("company_id", "=", row["company_id"])], limit=1
            ) or template.copy({"company_id": row["company_id"]})
            vals = {name: old[name] for name in move["fields"]}
            if move["accounts"]:
                vals["stablecoin_bridge_fee_account_id"] = row["stablecoin_onramp_fee_account_id"]
            target.write(vals)
            if row[move["switch"]] and target._stablecoin_onramp_credentials_given():
                target.write({"state": row["state"], "is_published": row["is_published"]})
            old.write({name: False for name in move["fields"] if name in SECRETS})
            cr.execute(
                "UPDATE stablecoin_onramp_transfer SET provider_id = %s "
                "WHERE provider_id = %s AND kind IN %s",
                [target.id, old.id, move["kinds"]],
            )
            if move["accounts"]:
                cr.execute(
                    "UPDATE stablecoin_onramp_account SET provider_id = %s WHERE provider_id = %s",
                    [target.id, old.id],
                )
    env.invalidate_all()
    env.registry.clear_cache()
