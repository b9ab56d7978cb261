"""The deposit-address contracts on a real chain (anvil): a request's deposit address is known
before anything is deployed, takes any number of payments, and can only ever pay its merchant,
whoever sweeps it and however they try."""

import pytest
from eth_abi import decode, encode
from scoin_dev.devchain import DevChainError

from odoo.addons.stablecoin_wallet.chain import deposit
from odoo.addons.stablecoin_wallet.chain.abi import encode_call

SWEPT_TOPIC = "0x" + deposit.keccak(text="Swept(address,address,address,uint256)").hex()


@pytest.fixture
def factory(chain):
    """The factory, deployed through the CREATE2 deployer anvil has, as on a real network."""
    assert chain.rpc("eth_getCode", deposit.CREATE2_DEPLOYER, "latest") != "0x"
    address = deposit.factory_address()
    if chain.rpc("eth_getCode", address, "latest") == "0x":
        to, data = deposit.factory_deployment()
        chain.send(chain.accounts[0], to, data)
    assert chain.rpc("eth_getCode", address, "latest") != "0x"
    return address


@pytest.fixture
def roles(chain):
    accounts = chain.accounts
    return {"merchant": accounts[5], "payer": accounts[6], "attacker": accounts[7]}


def sweep(chain, factory, sender, merchant, salts, token):
    return chain.send(sender, factory, deposit.sweep_call(merchant, salts, token))


def salt(n):
    return deposit.request_salt(f"test-db:{n}")


def test_deposit_address_is_the_factorys_and_known_before_deployment(chain, factory, roles):
    merchant = roles["merchant"]
    on_chain = chain.call(
        factory,
        encode_call("depositAddress(address,bytes32)", ["address", "bytes32"], [merchant, salt(1)]),
    )
    expected = deposit.deposit_address(merchant, salt(1))
    assert decode(["address"], bytes.fromhex(on_chain[2:]))[0].lower() == expected.lower()
    assert chain.rpc("eth_getCode", expected, "latest") == "0x", "nothing deployed to pay it"
    # Another merchant or another request: another address.
    assert deposit.deposit_address(roles["attacker"], salt(1)) != expected
    assert deposit.deposit_address(merchant, salt(2)) != expected


def test_payments_in_parts_are_swept_to_the_merchant_by_anyone(chain, factory, roles):
    usdc = chain.tokens["USDC"]
    merchant, payer, attacker = roles["merchant"], roles["payer"], roles["attacker"]
    address = deposit.deposit_address(merchant, salt(3))
    chain.mint(usdc, payer, 100_000_001)
    before = chain.balance_of(usdc, merchant)
    chain.transfer(usdc, payer, address, 60_000_000)
    chain.transfer(usdc, payer, address, 40_000_000)
    tx = sweep(chain, factory, attacker, merchant, [salt(3)], usdc)  # a stranger sweeps
    assert chain.balance_of(usdc, merchant) - before == 100_000_000
    assert chain.balance_of(usdc, address) == 0
    assert chain.balance_of(usdc, attacker) == 0
    logs = [log for log in chain.wait_receipt(tx)["logs"] if log["topics"][0] == SWEPT_TOPIC]
    assert len(logs) == 1 and int(logs[0]["data"], 16) == 100_000_000
    # Paid again later (a late instalment): the deployed forwarder sweeps it the same way.
    chain.transfer(usdc, payer, address, 1)
    sweep(chain, factory, payer, merchant, [salt(3)], usdc)
    assert chain.balance_of(usdc, merchant) - before == 100_000_001
    # Nothing left: sweeping again (or replaying the same transaction) moves nothing.
    sweep(chain, factory, attacker, merchant, [salt(3)], usdc)
    assert chain.balance_of(usdc, merchant) - before == 100_000_001


def test_one_transaction_sweeps_several_deposit_addresses(chain, factory, roles):
    usdc = chain.tokens["USDC"]
    merchant, payer = roles["merchant"], roles["payer"]
    salts = [salt(10 + i) for i in range(5)]
    chain.mint(usdc, payer, 15_000_000)
    for i, s in enumerate(salts):
        chain.transfer(usdc, payer, deposit.deposit_address(merchant, s), (i + 1) * 1_000_000)
    before = chain.balance_of(usdc, merchant)
    tx = sweep(chain, factory, merchant, merchant, salts, usdc)
    assert chain.balance_of(usdc, merchant) - before == 15_000_000
    swept = [log for log in chain.wait_receipt(tx)["logs"] if log["topics"][0] == SWEPT_TOPIC]
    assert len(swept) == 5


def test_an_attacker_cannot_redirect_a_deposit(chain, factory, roles):
    usdc = chain.tokens["USDC"]
    merchant, payer, attacker = roles["merchant"], roles["payer"], roles["attacker"]
    address = deposit.deposit_address(merchant, salt(20))
    chain.mint(usdc, payer, 50_000_000)
    chain.transfer(usdc, payer, address, 50_000_000)
    # 1. The same salt for themselves: a forwarder at another address, ours untouched.
    sweep(chain, factory, attacker, attacker, [salt(20)], usdc)
    assert chain.balance_of(usdc, address) == 50_000_000
    assert chain.balance_of(usdc, attacker) == 0
    # 2. The forwarder's creation code through the CREATE2 deployer, with our salt, for
    #    themselves or even for our merchant: another deployer, another address; and the
    #    deployer is no factory, so the forwarder cannot even be made there.
    for beneficiary in (attacker, merchant):
        code = deposit.creation_code("DepositForwarder") + encode(["address"], [beneficiary])
        with pytest.raises(DevChainError, match="reverted"):
            chain.send(attacker, deposit.CREATE2_DEPLOYER, "0x" + (salt(20) + code).hex())
    assert chain.balance_of(usdc, address) == 50_000_000
    # 3. Swept by the merchant, paid again, swept by the attacker: the merchant gets it all,
    #    and nothing stays deployed at the address (nothing to call there).
    before = chain.balance_of(usdc, merchant)
    sweep(chain, factory, merchant, merchant, [salt(20)], usdc)
    chain.transfer(usdc, merchant, address, 1_000_000)
    sweep(chain, factory, attacker, merchant, [salt(20)], usdc)
    assert chain.balance_of(usdc, merchant) - before == 50_000_000
    assert chain.balance_of(usdc, attacker) == 0
    assert chain.rpc("eth_getCode", address, "latest") == "0x"
    # 4. The same salt twice in one sweep: swept once, not twice (and no revert).
    chain.mint(usdc, payer, 5)
    chain.transfer(usdc, payer, address, 5)
    before = chain.balance_of(usdc, merchant)
    sweep(chain, factory, attacker, merchant, [salt(20), salt(20)], usdc)
    assert chain.balance_of(usdc, merchant) - before == 5
    # 5. The factory deploys the factory once: a second deployment fails, the first stays.
    to, data = deposit.factory_deployment()
    with pytest.raises(DevChainError, match="reverted"):
        chain.send(attacker, to, data)


def test_native_coin_sent_by_mistake_goes_to_the_merchant(chain, factory, roles):
    merchant, payer, attacker = roles["merchant"], roles["payer"], roles["attacker"]
    address = deposit.deposit_address(merchant, salt(30))
    tx = chain.rpc("eth_sendTransaction", {"from": payer, "to": address, "value": hex(10**18)})
    chain.wait_receipt(tx)
    before = int(chain.rpc("eth_getBalance", merchant, "latest"), 16)
    sweep(chain, factory, attacker, merchant, [salt(30)], "0x" + "00" * 20)
    assert int(chain.rpc("eth_getBalance", merchant, "latest"), 16) - before == 10**18
    assert int(chain.rpc("eth_getBalance", address, "latest"), 16) == 0
