"""Start the demo: a local chain (anvil) with a demo USDC token, and Odoo with the addons.

Run through ``setup/demo.sh`` (which installs what is missing first). Keeps the chain
(``.state/demo/chain.json``) and the database (``scoin_demo``) across runs; ``--reset`` starts
both afresh. Ctrl-C stops Odoo and anvil and leaves no process behind.

Environment: DEMO_HTTP_PORT (8069), DEMO_RPC_PORT (8545), DEMO_DB (scoin_demo).
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import odoodb

import odoo.addons

odoo.addons.__path__.append(str(odoodb.ADDONS))
from scoin_dev.bridge_sim import BridgeSimulator
from scoin_dev.devchain import (
    DEV_MNEMONIC,
    DevChain,
    _die_with_parent,
)
from scoin_dev.stripe_sim import StripeOnrampSimulator

from odoo.addons.stablecoin_wallet.chain import gas_payer, mandate, to_checksum_address
from odoo.addons.stablecoin_wallet.chain.units import from_units, to_units

HTTP_PORT = int(os.environ.get("DEMO_HTTP_PORT", "8069"))
RPC_PORT = int(os.environ.get("DEMO_RPC_PORT", "8545"))
BRIDGE_PORT = int(os.environ.get("DEMO_BRIDGE_PORT", "8546"))
STRIPE_PORT = int(os.environ.get("DEMO_STRIPE_PORT", "8547"))
DB = os.environ.get("DEMO_DB", f"{odoodb.PREFIX}_demo")  # scoin_demo on 18.0, scoin19_demo on 19.0
DEMO_DIR = odoodb.STATE / "demo"
CHAIN_STATE = DEMO_DIR / "chain.json"
INFO = DEMO_DIR / "info.json"
OTHER_COMPANY_ADDRESS = "0x2222222222222222222222222222222222222222"
FAUCET_AMOUNT = 10_000 * 10**6  # 10,000 USDC to each customer dev account
# The demo's gas payer: a key of its own on the local chain (never one of the funded dev
# accounts), made from a fixed text so that every demo has the same one.
GAS_PAYER_KEY = "0x" + hashlib.sha256(b"stablecoin demo gas payer").hexdigest()


def say(msg):
    print(f"[demo] {msg}", flush=True)


def fresh_start(chain):
    """New database from the addons template, token deployed and minted on the new chain."""
    odoodb.copy(odoodb.addons_template(), DB)
    token = chain.deploy_token("USD Coin (demo)", "USDC")
    # The deposit-address factory, where every network has it: the demo wallet's deposit
    # addresses are swept through it (Invoicing > Stablecoins > Deposit Wallets > Sweep).
    chain.deploy_deposit_factory()
    # The mandate contract (automatic payments), at its CREATE2 address as on any network, and
    # the gas payer that submits the charges the customers signed for (ether only: it holds
    # nothing else and can send no one's tokens).
    to, data = mandate.contract_deployment()
    chain.send(chain.accounts[0], to, data)
    chain.rpc("anvil_setBalance", gas_payer.address_of(GAS_PAYER_KEY), hex(100 * 10**18))
    for account in chain.accounts[2:]:
        chain.mint(token, account, FAUCET_AMOUNT)
    info = {"token": token, "addons_key": odoodb.addons_key(), "chain_id": chain.chain_id}
    INFO.write_text(json.dumps(info, indent=1))
    return info


def configure_odoo(rpc_url, token, create_invoice, other_address="", bridge=None):
    """Point the demo network at this run's chain and token; on a fresh demo, post an invoice
    in USDC to the portal user (odoo shell, in the demo database). Returns its portal URL."""
    script = f"""
import json
net = env.ref("stablecoin_wallet.stablecoin_network_local")
net.write({{"rpc_url": {rpc_url!r}, "active": True}})
token = env.ref("stablecoin_wallet.stablecoin_token_usdc_local")
token.contract_address = {token!r}
invoice = env["account.move"].search(
    [("stablecoin_token_id", "=", token.id), ("state", "=", "posted")], order="id desc", limit=1)
# Links in emails and PDFs (QR codes, the payment page) point at this demo's own address.
env["ir.config_parameter"].set_param("web.base.url", "http://127.0.0.1:{HTTP_PORT}")
# Community has no live rate provider: at each start the demo records the day's EUR rate, as a
# business's scheduled rate import would (invoices in EUR are quoted only on recent rates).
from odoo import fields
eur = env.ref("base.EUR")
eur.active = True
main_co = env.ref("base.main_company")
today = fields.Date.context_today(main_co)
Rate = env["res.currency.rate"]
if not Rate.search([("currency_id", "=", eur.id), ("name", "=", today),
                    ("company_id", "=", main_co.id)]):
    Rate.create({{"currency_id": eur.id, "name": today, "rate": 0.92, "company_id": main_co.id}})
if {create_invoice!r}:
    partner = env.ref("base.partner_demo_portal")
    # Above the KYC threshold (1,000): the customer's identity is verified, as an officer would.
    partner.write({{"stablecoin_kyc_verified": True, "stablecoin_kyc_reference": "Demo ID"}})
    invoice = env["account.move"].create({{
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "currency_id": token.currency_id.id,
        "invoice_line_ids": [(0, 0, {{"name": "Stablecoin integration workshop", "quantity": 1,
                                      "price_unit": 1250.0, "tax_ids": []}})],
    }})
    invoice.stablecoin_token_id = token
    invoice.action_post()
    # A standing arrangement: the same work invoiced monthly from next month, posted by itself
    # (the customer sees it on the portal, under /my/recurring).
    Recurring = env["stablecoin.recurring.invoice"]
    Recurring.create(dict(Recurring._defaults_from(invoice, {{}}), **{{
        "name": "Monthly support", "template_move_id": invoice.id,
        "interval_type": "monthly", "end_type": "never", "auto_post": True}}))
if {create_invoice!r}:
    # The people who use the addons, to try each role: a billing clerk and an accountant of
    # the main company, and the manager of a second company with its own wallet.
    def user(login, name, groups, company):
        return env["res.users"].with_context(no_reset_password=True).create({{
            "login": login, "password": login, "name": name, "email": login + "@example.com",
            "company_id": company.id, "company_ids": [(6, 0, company.ids)],
            "groups_id": [(6, 0, [env.ref(g).id for g in ["base.group_user", *groups]])],
        }})
    main = env.ref("base.main_company")
    # Odoo's own user form gives new users "Contact Creation": a clerk creates the customers
    # they invoice, as the accountant does.
    user("billing", "Billie Clerk (billing)",
         ["account.group_account_invoice", "base.group_partner_manager"], main)
    user("accountant", "Alex Accountant",
         ["account.group_account_user", "base.group_partner_manager"], main)
    user("compliance", "Casey Compliance (officer)",
         ["stablecoin_compliance.group_stablecoin_compliance"], main)
    other = env["res.company"].create({{"name": "Other Company"}})
    env["account.chart.template"].try_loading("generic_coa", company=other, install_demo=False)
    user("other", "Olga Other (manager)",
         ["account.group_account_manager", "account.group_account_user"], other)
    env["stablecoin.wallet"].create({{
        "name": "Other Company wallet", "kind": "address", "company_id": other.id,
        "address": {other_address!r}, "token_ids": [(6, 0, token.ids)],
    }})
# Automatic payments: the stablecoin provider's gas payer (a system administrator's secret).
env.ref("stablecoin_payment_provider.payment_provider_stablecoin").stablecoin_gas_payer_key = (
    {GAS_PAYER_KEY!r})
bridge = {bridge!r}
if bridge:
    # Bank wires and cards through the local Bridge and Stripe onramp simulators (the
    # on-ramps' sandboxes stand in: test mode).
    provider = env.ref("stablecoin_onramp.payment_provider_stablecoin_bridge")
    provider.write({{
        "state": "test",
        "stablecoin_bridge_api_url": bridge["url"],
        "stablecoin_bridge_api_key": bridge["api_key"],
        "stablecoin_bridge_customer_id": "cust_demo_merchant",
        "stablecoin_bridge_webhook_key": bridge["public_key"],
    }})
    env.ref("stablecoin_onramp.payment_provider_stablecoin_stripe").write({{
        "state": "test",
        "stablecoin_stripe_api_url": bridge["stripe_url"],
        "stablecoin_stripe_secret_key": bridge["stripe_key"],
        "stablecoin_stripe_webhook_secret": bridge["stripe_whsec"],
    }})
    account = provider._stablecoin_onramp_account()
    if not account:
        account = env["stablecoin.onramp.account"]._create_for(provider)
    print("BRIDGE_ACCOUNT=" + json.dumps({{"id": account.name, "address": account.address,
                                          "currency": account.currency.lower()}}))
url = invoice.get_portal_url() if invoice else ""  # writes the access token
env.cr.commit()
print("PORTAL_URL=" + url)
"""
    out = odoodb.shell(DB, script)
    urls = [line.split("=", 1)[1] for line in out.splitlines() if line.startswith("PORTAL_URL=")]
    accounts = [
        json.loads(line.split("=", 1)[1])
        for line in out.splitlines()
        if line.startswith("BRIDGE_ACCOUNT=")
    ]
    return (urls[-1] if urls else ""), (accounts[-1] if accounts else None)


def dev_private_key(index):
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return "0x" + account.key.hex().removeprefix("0x")


def faucet(address, amount):
    """Mint demo USDC to ``address`` on the running demo chain."""
    info = json.loads(INFO.read_text())
    chain = DevChain(port=RPC_PORT)
    chain.url = f"http://127.0.0.1:{RPC_PORT}"
    recipient = to_checksum_address(address)
    chain.mint(info["token"], recipient, to_units(amount, 6))
    balance = f"{from_units(chain.balance_of(info['token'], recipient), 6):,.6f}"
    say(f"minted {amount} USDC to {recipient}: balance {balance} USDC")


def main(argv):
    if argv[:1] == ["faucet"] and len(argv) == 3:
        faucet(argv[1], argv[2])
        return 0
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    reset = "--reset" in argv or not CHAIN_STATE.exists() or not INFO.exists()
    reset = reset or not odoodb.exists(DB) or not odoodb.filestore(DB).exists()
    if reset:
        CHAIN_STATE.unlink(missing_ok=True)
        INFO.unlink(missing_ok=True)

    # Blocks every 2 s, as on a real network: payments gather confirmations while you watch.
    chain = DevChain(chain_id=31337, port=RPC_PORT, state_file=CHAIN_STATE, block_time=2).start()
    odoo_proc = None

    def stop(*_args):
        say("stopping Odoo and anvil...")
        if odoo_proc and odoo_proc.poll() is None:
            odoo_proc.terminate()
            try:
                odoo_proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                odoo_proc.kill()
        chain.stop()
        say("stopped.")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    if reset:
        say("new demo: database from the template, demo USDC deployed on the local chain")
        info = fresh_start(chain)
    else:
        info = json.loads(INFO.read_text())
        if info.get("addons_key") != odoodb.addons_key():
            say("the addons changed since the last demo run: updating them")
            odoodb.odoo(
                "-d",
                DB,
                "-u",
                ",".join(odoodb.OUR_MODULES),
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
                log_file=DEMO_DIR / "update.log",
            )
            info["addons_key"] = odoodb.addons_key()
            INFO.write_text(json.dumps(info, indent=1))
    # Bank wires: the local Bridge simulator (Bridge cannot be reached from here), paying out
    # from dev account 7 on the local chain, reporting to this Odoo.
    bridge = BridgeSimulator(
        chain, {"usdc": info["token"]}, chain.accounts[7], api_key="sk-demo", port=BRIDGE_PORT
    ).start()
    bridge.webhook_url = f"http://127.0.0.1:{HTTP_PORT}/payment/stablecoin/bridge/webhook"
    # Cards: the local Stripe onramp simulator, paying out from dev account 6.
    stripe = StripeOnrampSimulator(
        chain, {"usdc": info["token"]}, chain.accounts[6], port=STRIPE_PORT
    ).start()
    stripe.webhook_url = f"http://127.0.0.1:{HTTP_PORT}/payment/stablecoin/stripe/webhook"
    bridge_conf = {
        "url": bridge.url,
        "api_key": bridge.api_key,
        "public_key": bridge.public_key_pem,
        "stripe_url": stripe.url,
        "stripe_key": stripe.secret_key,
        "stripe_whsec": stripe.webhook_secret,
    }
    # Not one of the funded dev accounts: its wallet starts empty, with no faucet mint to match.
    invoice_url, account = configure_odoo(
        chain.url, info["token"], reset, OTHER_COMPANY_ADDRESS, bridge_conf
    )
    if account:
        bridge.restore_virtual_account(
            account["id"], "cust_demo_merchant", account["address"], account["currency"] or "usd"
        )

    cmd = odoodb.server_cmd(DB, HTTP_PORT, f"--logfile={DEMO_DIR / 'odoo.log'}")
    odoo_proc = subprocess.Popen(
        cmd,
        env=dict(os.environ, TZ="UTC"),
        preexec_fn=_die_with_parent,  # noqa: PLW1509
    )
    url = f"http://127.0.0.1:{HTTP_PORT}"
    odoodb.wait_http(url + "/web/login")

    token = info["token"]
    customer = chain.accounts[2]
    balance = f"{from_units(chain.balance_of(token, customer), 6):,.2f}"
    print(
        f"""
================================================================================
 Stablecoin invoicing demo is running.  Ctrl-C stops everything.

 Odoo           {url}/odoo         database: {DB}
   logins (password = login): admin (administrator), billing (billing clerk),
   accountant (accountant), compliance (compliance officer: holds, KYC, sanctions
   list), other (manager of "Other Company", its own wallet)
 Customer       {url}/my           login: portal  password: portal
 XML-RPC        Odoo's standard models: python3 setup/xmlrpc_example.py
   (lists the open stablecoin invoices as admin; read it for the calls)
 Bank wires    {bridge.url}   the payer's bank: wire an invoice's instructions, or to
   the business's bank account with the invoice's reference (a local Bridge simulator)
 Cards         "Pay by card" on an invoice leads to {stripe.url}, a local stand-in for
   Stripe's hosted onramp (no card is charged)
 Local chain    {chain.url}   (anvil, chain id {chain.chain_id}, a block every 2 s)
 Demo USDC      {token}   (6 decimals, open mint)
 Invoice to pay {url + invoice_url if invoice_url else "(none)"}
   (1,250 USDC to the invoice's own deposit address: scan its QR code, or "Pay with
   browser wallet"). The invoice is paid a few seconds after the payment is final, with
   its page open or not. Any amount, in any number of parts, sent there pays this invoice.
   Or "Save for automatic payments" on its page: your browser wallet signs a mandate, and
   the invoice is charged on its due date (as billing: "Charge Now" on the invoice).
   Accountants sweep what deposit addresses hold to the demo wallet's address
   (0x7099...79C8): the wallet's "Sweep".

 Demo tokens to pay with:
   anvil's dev accounts 2..9 hold {balance} USDC each, for example
     address     {customer}
     private key {dev_private_key(2)}
   (anvil's public test mnemonic "test test ... junk": never use it for real money).
   In MetaMask: add the network {chain.url} (chain id {chain.chain_id}), import that
   private key, then import the token {token}.
   Mint more demo USDC to any address (the demo token is an open faucet):
     bash setup/faucet.sh 0xYourAddress 500
================================================================================
""",
        flush=True,
    )
    while True:
        if odoo_proc.poll() is not None:
            say(f"Odoo exited with {odoo_proc.returncode}; see {DEMO_DIR / 'odoo.log'}")
            chain.stop()
            return 1
        if chain.proc is None or chain.proc.poll() is not None:
            say("anvil exited")
            stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
