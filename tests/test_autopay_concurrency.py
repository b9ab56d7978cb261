"""Charge on Due Date with two workers at once, against a real database, real Odoo processes
and anvil: each due invoice is charged once (one transaction in Odoo, one charge on chain).

The scheduled action runs in two `odoo shell` processes started together on a committed
database, as two cron workers (or two servers) would, each committing after each invoice.
"""

import json
import uuid

import odoodb
import pytest
from scoin_dev.devchain import DevChain
from test_faults import run, shell

from odoo.addons.stablecoin_wallet.chain import mandate
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.gas_payer import address_of

GAS_PAYER_KEY = "0x" + "4b" * 32
DAY = 86400
CHARGE = "env['account.move']._cron_stablecoin_autopay()\nenv.cr.commit()\n"


@pytest.fixture
def world():
    db = f"scoin_autopay_{uuid.uuid4().hex[:8]}"
    odoodb.copy(odoodb.addons_template(), db)
    chain = DevChain(prune_history=4096).start()
    token = chain.deploy_token("USD Coin (test)", "USDC")
    merchant, customer = chain.accounts[1], chain.accounts[2]
    to, data = mandate.contract_deployment()
    chain.send(chain.accounts[0], to, data)
    contract = mandate.contract_address()
    chain.rpc("anvil_setBalance", address_of(GAS_PAYER_KEY), hex(10**18))
    chain.send(
        customer,
        token,
        encode_call("approve(address,uint256)", ["address", "uint256"], [contract, 2**256 - 1]),
    )
    chain.mint(token, customer, 10**12)
    yield db, chain, token, merchant, customer
    chain.stop()
    odoodb.drop(db)


def test_two_workers_charge_each_due_invoice_once(world):
    db, chain, token, merchant, customer = world
    now = int(chain.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    terms = mandate.Terms(
        payer=customer,
        payee=merchant,
        token=token,
        max_per_charge=1000 * 10**6,
        max_per_period=100_000 * 10**6,
        period=30 * DAY,
        start=now - 3600,
        end=now + 365 * DAY,
        salt=mandate.mandate_salt("concurrency"),
    )
    signature = chain.rpc(
        "eth_signTypedData_v4", customer, json.dumps(mandate.typed_data(terms, chain.chain_id))
    )
    out = run(
        db,
        f"""
net = env.ref('stablecoin_wallet.stablecoin_network_local')
net.write({{'rpc_url': {chain.url!r}, 'confirmations_final': 2, 'start_block': 1}})
usdc = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
usdc.contract_address = {token!r}
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
wallet.kind = 'address'
provider = env.ref('stablecoin_payment_provider.payment_provider_stablecoin')
provider.write({{'state': 'enabled', 'is_published': True}})
provider.with_context(active_test=False).payment_method_ids.active = True
provider.stablecoin_gas_payer_key = {GAS_PAYER_KEY!r}
partner = env['res.partner'].create({{'name': 'Autopay customer', 'email': 'a@example.com'}})
mandate = env['payment.token']._stablecoin_mandate_from_signature(
    partner, {json.dumps(terms.message())}, {signature!r})
for amount in (41, 42, 43, 44, 45, 46, 47, 48):
    inv = env['account.move'].create({{
        'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': usdc.currency_id.id,
        'stablecoin_token_id': usdc.id, 'stablecoin_wallet_id': wallet.id,
        'invoice_line_ids': [(0, 0, {{'name': 'x', 'price_unit': amount, 'tax_ids': []}})]}})
    inv.action_post()
    inv.stablecoin_autopay_token_id = mandate
    print('UNITS', inv.stablecoin_request_id.amount_units)
env.cr.commit()
""",
    )
    units = [int(line.split()[1]) for line in out.splitlines() if line.startswith("UNITS")]
    assert len(units) == 8, out
    before = chain.balance_of(token, customer)
    procs = [shell(db, CHARGE) for _ in range(2)]
    outs = [proc.communicate(script, timeout=300)[0] for proc, script in procs]
    assert [proc.returncode for proc, _script in procs] == [0, 0], outs
    for output in outs:
        assert " ERROR " not in output, output
    # And once more, afterwards: nothing is charged again.
    run(db, CHARGE)
    out = run(
        db,
        """
domain = [('partner_id.name', '=', 'Autopay customer'), ('move_type', '=', 'out_invoice')]
for m in env['account.move'].search(domain):
    txs = env['payment.transaction'].search([('invoice_ids', 'in', m.ids)])
    print('INVOICE', m.stablecoin_autopay_state, m.stablecoin_autopay_attempts,
          ','.join(txs.mapped('state')))
""",
    )
    invoices = [line.split()[1:] for line in out.splitlines() if line.startswith("INVOICE")]
    assert invoices == [["sent", "1", "pending"]] * 8, out
    # On chain: the gas payer sent eight charges, the customer paid each invoice once.
    nonce = int(chain.rpc("eth_getTransactionCount", address_of(GAS_PAYER_KEY), "latest"), 16)
    assert nonce == 8
    assert chain.balance_of(token, customer) == before - sum(units)
