# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def onramp_provider(env, code, **vals):
    """The on-ramp provider of ``code`` (``stablecoin_bridge``, ``stablecoin_stripe``) in test
    mode (the on-ramp's sandbox: a local simulator here), with ``vals``."""
    provider = env.ref(f"stablecoin_onramp.payment_provider_{code}")
    provider.write({"state": "test", **vals})
    return provider
