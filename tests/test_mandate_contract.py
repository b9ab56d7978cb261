"""The mandate contract and gasless payments on a real chain (anvil).

A payer signs terms once (with the wallet's own ``eth_signTypedData_v4``, here anvil's) and
approves the contract; anyone then charges. Every test tries to take more, elsewhere, again,
too early, too late or after a revocation than the payer signed, and checks that nothing moved.
The EIP-3009 tests do the same for USDC-like ``transferWithAuthorization``.

These tests move the chain's clock, so they run on an anvil of their own (the shared one's
later blocks would keep the jump).
"""

import json

import pytest
import requests
from eth_abi import decode, encode
from eth_utils import keccak
from scoin_dev.contracts import build
from scoin_dev.devchain import DevChain, DevChainError

from odoo.addons.stablecoin_wallet.chain import eip712, eip3009, mandate
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.address import to_checksum_address
from odoo.addons.stablecoin_wallet.chain.eip712 import SECP256K1_N

CHAIN_ID = 31337
DAY = 86400
CHARGED_TOPIC = "0x" + keccak(text="Charged(bytes32,address,address,address,uint256,bytes32)").hex()
REVOKED_TOPIC = "0x" + keccak(text="Revoked(bytes32,address)").hex()
AUTH_USED_TOPIC = "0x" + keccak(text="AuthorizationUsed(address,bytes32)").hex()
TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
GAS = {}


def error(name):
    """The revert data of the contract's custom error ``name``."""
    return "0x" + keccak(text=f"{name}()")[:4].hex()


def deploy(node, contract, *args):
    """Deploy a test token variant with constructor ``args`` (name, symbol)."""
    code = build.load_variants_artifact()["contracts"][contract]["bytecode"]
    tx = node.send(node.accounts[0], None, code + encode(["string", "string"], list(args)).hex())
    return to_checksum_address(node.wait_receipt(tx)["contractAddress"])


@pytest.fixture(scope="module")
def anvil():
    with DevChain() as node:
        to, data = mandate.contract_deployment()
        node.send(node.accounts[0], to, data)
        node.tokens = {
            "USDC": node.deploy_token("USD Coin (test)", "USDC"),
            "USDC3009": deploy(node, "TestAuthorizedStablecoin", "USD Coin", "USDC"),
            "USDT": deploy(node, "TestNoReturnToken", "Tether USD (test)", "USDT"),
            "FALSE": deploy(node, "TestFalseToken", "False (test)", "FLS"),
        }
        yield node
    if GAS:
        print("\ngas per charge (anvil, cancun):")
        for what, gas in GAS.items():
            print(f"  {what}: {gas}")


@pytest.fixture
def node(anvil):
    snapshot = anvil.snapshot()
    yield anvil
    anvil.revert(snapshot)


@pytest.fixture
def roles(node):
    a = node.accounts
    return {"payee": a[5], "payer": a[6], "attacker": a[7], "other_payer": a[8], "gas_payer": a[9]}


def now(node):
    return int(node.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)


def at(node, timestamp):
    """The next block (the next transaction, and eth_call on "pending") is at ``timestamp``."""
    node.rpc("evm_setNextBlockTimestamp", timestamp)


def sign(node, signer, document):
    """What a browser wallet does: eth_signTypedData_v4 on the JSON document."""
    return node.rpc("eth_signTypedData_v4", signer, json.dumps(document))


def sign_terms(node, terms, signer=None, chain_id=CHAIN_ID, contract=None):
    return sign(node, signer or terms.payer, mandate.typed_data(terms, chain_id, contract))


def approve(node, token, owner, spender, amount):
    node.send(
        owner,
        token,
        encode_call("approve(address,uint256)", ["address", "uint256"], [spender, amount]),
    )


def charge(node, sender, terms, signature, amount, charge_id):
    tx = node.send(
        sender, mandate.contract_address(), mandate.charge_call(terms, signature, amount, charge_id)
    )
    return node.wait_receipt(tx)


def revert_of(node, sender, to, data):
    """The revert of the call on the next block: (message, revert data); None if it succeeds."""
    body = requests.post(
        node.url,
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "eth_call",
            "params": [{"from": sender, "to": to, "data": data}, "pending"],
        },
        timeout=30,
    ).json()
    return body.get("error") and (body["error"]["message"], body["error"].get("data"))


def refused(node, reason, sender, to, data):
    """The transaction reverts for ``reason``: a custom error's data (``error(name)``) or the
    token's message. The revert is read with eth_call on the next block, then the transaction
    itself is sent and refused."""
    revert = revert_of(node, sender, to, data)
    assert revert, "the call succeeds"
    message, revert_data = revert
    if reason.startswith("0x"):
        assert revert_data == reason, revert
    else:
        assert reason in message, revert
    with pytest.raises(DevChainError, match="reverted"):
        node.send(sender, to, data)


def refused_charge(node, reason, sender, terms, signature, amount, charge_id):
    data = mandate.charge_call(terms, signature, amount, charge_id)
    refused(node, reason, sender, mandate.contract_address(), data)


def view(node, data, types):
    return decode(types, bytes.fromhex(node.call(mandate.contract_address(), data, "pending")[2:]))


def chargeable(node, terms):
    return view(node, mandate.chargeable_call(terms), ["uint256"])[0]


def charged(node, terms, charge_id):
    return view(node, mandate.charged_call(terms.payer, terms.payee, charge_id), ["bool"])[0]


def state(node, terms):
    data = encode_call("states(bytes32)", ["bytes32"], [mandate.mandate_id(terms, CHAIN_ID)])
    return view(node, data, ["bool", "uint64", "uint184"])


def cid(n):
    return mandate.charge_id("test-db", n, f"INV/2026/{n:05d}")


@pytest.fixture
def setup(node, roles):
    """A mandate of 100.00 USDC a charge, 150.00 a 30-day period, for a year from ``t0``;
    signed, approved without limit, the payer holding 1,000.00."""
    usdc = node.tokens["USDC"]
    t0 = now(node) + 1000
    terms = mandate.Terms(
        payer=roles["payer"],
        payee=roles["payee"],
        token=usdc,
        max_per_charge=100_000_000,
        max_per_period=150_000_000,
        period=30 * DAY,
        start=t0,
        end=t0 + 365 * DAY,
        salt=mandate.mandate_salt("test-db:1"),
    )
    node.mint(usdc, roles["payer"], 1_000_000_000)
    approve(node, usdc, roles["payer"], mandate.contract_address(), 2**256 - 1)
    at(node, t0)
    node.mine()
    return terms, sign_terms(node, terms), t0


def balances(node, terms):
    return (node.balance_of(terms.token, terms.payer), node.balance_of(terms.token, terms.payee))


# -- the contract --------------------------------------------------------------------------------
def test_contract_is_where_the_addon_computes_it(node, setup):
    terms, _signature, _t0 = setup
    address = mandate.contract_address()
    assert node.rpc("eth_getCode", address, "latest") != "0x"
    on_chain = view(
        node,
        encode_call(f"mandateId({mandate.TERMS_TUPLE})", [mandate.TERMS_TUPLE], [terms.as_tuple()]),
        ["bytes32"],
    )
    assert on_chain[0] == mandate.mandate_id(terms, CHAIN_ID)
    domain = view(
        node,
        encode_call("eip712Domain()", [], []),
        ["bytes1", "string", "string", "uint256", "address", "bytes32", "uint256[]"],
    )
    assert domain[1:4] == (mandate.NAME, mandate.VERSION, CHAIN_ID)
    assert to_checksum_address(domain[4]) == address
    # Deployed once: the same deployment again is refused, the contract stays.
    to, data = mandate.contract_deployment()
    with pytest.raises(DevChainError, match="reverted"):
        node.send(node.accounts[7], to, data)


def test_a_charge_by_anyone_pays_the_payee_what_was_charged(node, roles, setup):
    terms, signature, _t0 = setup
    before = balances(node, terms)
    receipt = charge(node, roles["gas_payer"], terms, signature, 100_000_000, cid(1))
    assert balances(node, terms) == (before[0] - 100_000_000, before[1] + 100_000_000)
    assert node.balance_of(terms.token, roles["gas_payer"]) == 0
    (log,) = [entry for entry in receipt["logs"] if entry["topics"][0] == CHARGED_TOPIC]
    assert log["topics"][1] == "0x" + mandate.mandate_id(terms, CHAIN_ID).hex()
    assert [to_checksum_address("0x" + t[-40:]) for t in log["topics"][2:]] == [
        terms.payer,
        terms.payee,
    ]
    token, amount, charge_id = decode(
        ["address", "uint256", "bytes32"], bytes.fromhex(log["data"][2:])
    )
    assert (to_checksum_address(token), amount, charge_id) == (terms.token, 100_000_000, cid(1))
    # The addon's decoder reads the same.
    assert mandate.CHARGED_TOPIC == CHARGED_TOPIC
    assert mandate.decode_charged_log(log) == (
        mandate.mandate_id(terms, CHAIN_ID),
        terms.payer,
        terms.payee,
        terms.token,
        100_000_000,
        cid(1),
        receipt["transactionHash"],
        int(receipt["blockNumber"], 16),
        int(log["logIndex"], 16),
    )
    (transfer,) = [entry for entry in receipt["logs"] if entry["topics"][0] == TRANSFER_TOPIC]
    assert transfer["address"].lower() == terms.token.lower()
    assert charged(node, terms, cid(1))
    assert chargeable(node, terms) == 50_000_000
    GAS["first charge of a mandate"] = int(receipt["gasUsed"], 16)


def test_no_charge_above_the_limit_per_charge(node, roles, setup):
    terms, signature, _t0 = setup
    before = balances(node, terms)
    refused_charge(
        node, error("AboveChargeLimit"), roles["gas_payer"], terms, signature, 100_000_001, cid(1)
    )
    refused_charge(node, error("ZeroAmount"), roles["gas_payer"], terms, signature, 0, cid(1))
    assert balances(node, terms) == before
    assert not charged(node, terms, cid(1))
    charge(node, roles["gas_payer"], terms, signature, 100_000_000, cid(1))


def test_no_overdraw_across_charges_of_a_period_and_a_new_period_resets(node, roles, setup):
    terms, signature, t0 = setup
    gas_payer = roles["gas_payer"]
    charge(node, gas_payer, terms, signature, 60_000_000, cid(1))
    receipt = charge(node, gas_payer, terms, signature, 60_000_000, cid(2))
    GAS["a later charge in the same period"] = int(receipt["gasUsed"], 16)
    assert chargeable(node, terms) == 30_000_000
    # The last second of the first period: still the first period.
    at(node, t0 + terms.period - 1)
    refused_charge(node, error("AbovePeriodLimit"), gas_payer, terms, signature, 30_000_001, cid(3))
    charge(node, gas_payer, terms, signature, 30_000_000, cid(3))
    at(node, t0 + terms.period - 1 + 1)  # first second of the second period
    node.mine()
    assert chargeable(node, terms) == 100_000_000
    receipt = charge(node, gas_payer, terms, signature, 100_000_000, cid(4))
    GAS["first charge of a later period"] = int(receipt["gasUsed"], 16)
    refused_charge(node, error("AbovePeriodLimit"), gas_payer, terms, signature, 50_000_001, cid(5))
    # A charge in a far later period, after periods without any.
    at(node, t0 + 5 * terms.period + 7)
    charge(node, gas_payer, terms, signature, 100_000_000, cid(5))
    charge(node, gas_payer, terms, signature, 50_000_000, cid(6))
    assert node.balance_of(terms.token, terms.payee) == 400_000_000
    assert state(node, terms) == (False, 5, 150_000_000)


def test_the_signed_terms_alone_say_where_money_goes(node, roles, setup):
    terms, signature, _t0 = setup
    attacker, other_payer = roles["attacker"], roles["other_payer"]
    node.mint(terms.token, other_payer, 1_000_000_000)
    approve(node, terms.token, other_payer, mandate.contract_address(), 2**256 - 1)
    before = balances(node, terms)
    # The payer's signature on terms with any field changed: to the attacker, another token,
    # higher limits, longer periods, other dates, another salt, another payer's funds.
    altered = {
        "payee": attacker,
        "token": node.tokens["USDT"],
        "max_per_charge": terms.max_per_charge + 1,
        "max_per_period": terms.max_per_period + 1,
        "period": terms.period + 1,
        "start": terms.start - 1,
        "end": terms.end + 1,
        "salt": bytes(32),
        "payer": other_payer,
    }
    for field, value in altered.items():
        forged = mandate.Terms(**{**terms.__dict__, field: value})
        refused_charge(node, error("BadSignature"), attacker, forged, signature, 1, cid(1))
    # The attacker's own signature on terms that name the payer (or another payer).
    mine = mandate.Terms(**{**terms.__dict__, "payee": attacker})
    for payer in (terms.payer, other_payer):
        forged = mandate.Terms(**{**mine.__dict__, "payer": payer})
        refused_charge(
            node,
            error("BadSignature"),
            attacker,
            forged,
            sign_terms(node, forged, signer=attacker),
            1,
            cid(1),
        )
    # Another payer's signature on the payer's terms.
    refused_charge(
        node,
        error("BadSignature"),
        attacker,
        terms,
        sign_terms(node, terms, signer=other_payer),
        1,
        cid(1),
    )
    # The payer's own signature for another network or another contract.
    for chain_id, contract in ((1, None), (8453, None), (CHAIN_ID, node.tokens["USDC"])):
        elsewhere = sign_terms(node, terms, chain_id=chain_id, contract=contract)
        refused_charge(node, error("BadSignature"), attacker, terms, elsewhere, 1, cid(1))
    # The same signature in its other valid form (s -> n - s), shortened or empty.
    raw = bytes.fromhex(signature[2:])
    s = int.from_bytes(raw[32:64], "big")
    other_form = raw[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - raw[64]])
    for bad in (other_form, raw[:64], b""):
        refused_charge(node, error("BadSignature"), attacker, terms, bad, 1, cid(1))
    # Terms naming nobody (the zero address) as payer, with a signature nobody made.
    nobody = mandate.Terms(**{**terms.__dict__, "payer": "0x" + "00" * 20})
    refused_charge(node, error("BadSignature"), attacker, nobody, bytes(64) + b"\x1b", 1, cid(1))
    assert balances(node, terms) == before
    assert node.balance_of(terms.token, attacker) == 0
    assert node.balance_of(terms.token, other_payer) == 1_000_000_000
    # The real terms, submitted by the attacker: they pay only the payee.
    charge(node, attacker, terms, signature, 1, cid(1))
    assert node.balance_of(terms.token, attacker) == 0
    assert balances(node, terms) == (before[0] - 1, before[1] + 1)
    # v as 0/1 (some hardware wallets) is the same signature.
    charge(node, attacker, terms, raw[:64] + bytes([raw[64] - 27]), 1, cid(2))


def test_each_charge_id_once_whichever_mandate_is_used(node, roles, setup):
    terms, signature, _t0 = setup
    gas_payer = roles["gas_payer"]
    charge(node, gas_payer, terms, signature, 10_000_000, cid(1))
    before = balances(node, terms)
    refused_charge(node, error("AlreadyCharged"), gas_payer, terms, signature, 10_000_000, cid(1))
    refused_charge(node, error("AlreadyCharged"), terms.payer, terms, signature, 1, cid(1))
    # A second mandate of the same payer to the same payee: the invoice stays charged.
    second = mandate.Terms(**{**terms.__dict__, "salt": mandate.mandate_salt("test-db:2")})
    refused_charge(
        node, error("AlreadyCharged"), gas_payer, second, sign_terms(node, second), 1, cid(1)
    )
    assert balances(node, terms) == before
    # Another payee's invoices are another namespace: nobody can block theirs with ours.
    third = mandate.Terms(**{**terms.__dict__, "payee": roles["attacker"]})
    charge(node, gas_payer, third, sign_terms(node, third), 1, cid(1))


def test_no_charge_before_the_start_or_after_the_end(node, roles, setup):
    terms, _signature, t0 = setup
    gas_payer = roles["gas_payer"]
    later = mandate.Terms(**{**terms.__dict__, "start": t0 + 10 * DAY, "end": t0 + 20 * DAY})
    signature = sign_terms(node, later)
    refused_charge(node, error("NotStarted"), gas_payer, later, signature, 1, cid(1))
    at(node, later.start - 1)
    refused_charge(node, error("NotStarted"), gas_payer, later, signature, 1, cid(1))
    at(node, later.start)
    charge(node, gas_payer, later, signature, 1, cid(1))
    at(node, later.end)
    charge(node, gas_payer, later, signature, 1, cid(2))
    at(node, later.end + 1)
    node.mine()
    assert chargeable(node, later) == 0
    refused_charge(node, error("Ended"), gas_payer, later, signature, 1, cid(3))
    assert node.balance_of(terms.token, terms.payee) == 2


def test_revoked_by_the_payer_only_and_never_charged_again(node, roles, setup):
    terms, signature, _t0 = setup
    contract = mandate.contract_address()
    charge(node, roles["gas_payer"], terms, signature, 1, cid(1))
    for stranger in (roles["attacker"], terms.payee, roles["gas_payer"]):
        refused(node, error("NotPayer"), stranger, contract, mandate.revoke_call(terms))
    charge(node, roles["gas_payer"], terms, signature, 1, cid(2))
    tx = node.send(terms.payer, contract, mandate.revoke_call(terms))
    (log,) = [
        entry for entry in node.wait_receipt(tx)["logs"] if entry["topics"][0] == REVOKED_TOPIC
    ]
    assert log["topics"][1] == "0x" + mandate.mandate_id(terms, CHAIN_ID).hex()
    before = balances(node, terms)
    refused_charge(node, error("MandateRevoked"), roles["gas_payer"], terms, signature, 1, cid(3))
    at(node, terms.start + 3 * terms.period)  # a new period changes nothing
    refused_charge(node, error("MandateRevoked"), terms.payer, terms, signature, 1, cid(3))
    assert chargeable(node, terms) == 0
    assert balances(node, terms) == before
    # The payer's other mandates go on.
    other = mandate.Terms(**{**terms.__dict__, "salt": mandate.mandate_salt("test-db:3")})
    charge(node, roles["gas_payer"], other, sign_terms(node, other), 1, cid(3))


def test_missing_allowance_or_balance_changes_nothing(node, roles, setup):
    terms, signature, _t0 = setup
    gas_payer, contract = roles["gas_payer"], mandate.contract_address()
    charge(node, gas_payer, terms, signature, 20_000_000, cid(1))
    before, state_before = balances(node, terms), state(node, terms)
    approve(node, terms.token, terms.payer, contract, 49_999_999)
    refused_charge(node, "insufficient allowance", gas_payer, terms, signature, 50_000_000, cid(2))
    approve(node, terms.token, terms.payer, contract, 10**12)
    node.transfer(terms.token, terms.payer, roles["other_payer"], before[0] - 49_999_999)
    refused_charge(node, "exceeds balance", gas_payer, terms, signature, 50_000_000, cid(2))
    assert not charged(node, terms, cid(2))
    assert state(node, terms) == state_before
    assert chargeable(node, terms) == 100_000_000
    assert node.balance_of(terms.token, terms.payee) == before[1]
    # Topped up: the same charge goes through, counted once.
    node.mint(terms.token, terms.payer, 1)
    charge(node, gas_payer, terms, signature, 50_000_000, cid(2))
    assert state(node, terms)[2] == 70_000_000


def test_a_token_that_returns_nothing_is_charged(node, roles, setup):
    terms, _signature, _t0 = setup
    usdt = node.tokens["USDT"]
    terms = mandate.Terms(**{**terms.__dict__, "token": usdt})
    signature = sign_terms(node, terms)
    node.mint(usdt, terms.payer, 100_000_000)
    approve(node, usdt, terms.payer, mandate.contract_address(), 150_000_000)
    receipt = charge(node, roles["gas_payer"], terms, signature, 100_000_000, cid(1))
    GAS["first charge, a token returning nothing"] = int(receipt["gasUsed"], 16)
    assert node.balance_of(usdt, terms.payee) == 100_000_000
    refused_charge(node, "transfer not allowed", roles["gas_payer"], terms, signature, 1, cid(2))
    assert not charged(node, terms, cid(2))


def test_a_token_that_returns_false_or_is_no_contract_is_refused(node, roles, setup):
    terms, _signature, _t0 = setup
    false_token = node.tokens["FALSE"]
    for token in (false_token, roles["attacker"]):
        forged = mandate.Terms(**{**terms.__dict__, "token": token})
        signature = sign_terms(node, forged)
        refused_charge(
            node, error("TransferFailed"), roles["gas_payer"], forged, signature, 1, cid(1)
        )
        assert not charged(node, forged, cid(1))
        assert state(node, forged) == (False, 0, 0)
    # With the allowance and balance it returns true and pays.
    forged = mandate.Terms(**{**terms.__dict__, "token": false_token})
    node.mint(false_token, terms.payer, 5)
    approve(node, false_token, terms.payer, mandate.contract_address(), 5)
    charge(node, roles["gas_payer"], forged, sign_terms(node, forged), 5, cid(1))
    assert node.balance_of(false_token, terms.payee) == 5


def test_terms_without_a_period_are_refused(node, roles, setup):
    terms, _signature, _t0 = setup
    tuple_ = list(terms.as_tuple())
    tuple_[5] = 0
    document = mandate.typed_data(terms, CHAIN_ID)
    document["message"]["period"] = "0"
    signature = bytes.fromhex(sign(node, terms.payer, document)[2:])
    data = encode_call(
        f"charge({mandate.TERMS_TUPLE},bytes,uint256,bytes32)",
        [mandate.TERMS_TUPLE, "bytes", "uint256", "bytes32"],
        [tuple(tuple_), signature, 1, cid(1)],
    )
    refused(node, error("BadTerms"), roles["gas_payer"], mandate.contract_address(), data)


def test_a_permit_replaces_the_approval_transaction(node, roles, setup):
    """EIP-2612: the payer signs the approval too; the gas payer submits both, the payer
    sends no transaction and spends no gas."""
    terms, _signature, _t0 = setup
    token = node.tokens["USDC3009"]
    terms = mandate.Terms(**{**terms.__dict__, "token": token})
    node.mint(token, terms.payer, 300_000_000)
    gas_before = int(node.rpc("eth_getBalance", terms.payer, "latest"), 16)
    nonce = decode(
        ["uint256"], bytes.fromhex(node.call(token, mandate.nonces_call(terms.payer))[2:])
    )[0]
    domain = eip712.domain("USD Coin", "2", CHAIN_ID, token)
    permit = mandate.permit_typed_data(
        domain, terms.payer, mandate.contract_address(), 150_000_000, nonce, terms.end
    )
    permit_signature = sign(node, terms.payer, permit)
    assert eip712.recover_signer(permit, permit_signature) == terms.payer
    node.send(roles["gas_payer"], token, mandate.permit_call(permit, permit_signature))
    # Replayed: the nonce moved on, the permit is spent.
    with pytest.raises(DevChainError, match="reverted"):
        node.send(roles["gas_payer"], token, mandate.permit_call(permit, permit_signature))
    charge(node, roles["gas_payer"], terms, sign_terms(node, terms), 100_000_000, cid(1))
    assert node.balance_of(token, terms.payee) == 100_000_000
    assert int(node.rpc("eth_getBalance", terms.payer, "latest"), 16) == gas_before


def test_gas_per_charge_is_bounded(node, roles, setup):
    """Measured for the readme (printed at the end of the module: ``pytest -s``)."""
    terms, signature, _t0 = setup
    node.mint(terms.token, terms.payee, 1)  # the payee already holds the token
    receipt = charge(node, roles["gas_payer"], terms, signature, 50_000_000, cid(1))
    first = GAS["first charge of a mandate, payee already holding the token"] = int(
        receipt["gasUsed"], 16
    )
    at(node, terms.start + terms.period)
    receipt = charge(node, roles["gas_payer"], terms, signature, 50_000_000, cid(2))
    monthly = GAS["a monthly charge (new period, payee holding the token)"] = int(
        receipt["gasUsed"], 16
    )
    assert monthly < first < 110_000
    assert monthly < 95_000


# -- EIP-3009: gasless pay now -------------------------------------------------------------------
@pytest.fixture
def authorization(node, roles):
    """A payer's signed authorization of 42.50 to an invoice's address, valid an hour."""
    token = node.tokens["USDC3009"]
    node.mint(token, roles["payer"], 100_000_000)
    start = now(node)
    document = eip3009.transfer_typed_data(
        eip712.domain("USD Coin", "2", CHAIN_ID, token),
        roles["payer"],
        roles["payee"],
        42_500_000,
        start - 1,
        start + 3600,
        eip3009.authorization_nonce("test-db", 7, "INV/2026/00007"),
    )
    return token, document, sign(node, roles["payer"], document)


def test_a_gas_payer_submits_the_payers_authorization_exactly(node, roles, authorization):
    token, document, signature = authorization
    payer, payee, gas_payer = roles["payer"], roles["payee"], roles["gas_payer"]
    assert eip3009.signer(document, signature) == payer
    eth_before = int(node.rpc("eth_getBalance", payer, "latest"), 16)
    call = eip3009.transfer_with_authorization_call(document, signature)
    tx = node.send(gas_payer, token, call)
    receipt = node.wait_receipt(tx)
    GAS["EIP-3009 transferWithAuthorization"] = int(receipt["gasUsed"], 16)
    assert node.balance_of(token, payee) == 42_500_000
    assert node.balance_of(token, payer) == 57_500_000
    assert node.balance_of(token, gas_payer) == 0
    assert int(node.rpc("eth_getBalance", payer, "latest"), 16) == eth_before, (
        "the payer paid no gas"
    )
    # The nonce in the token's event names the invoice.
    (used,) = [entry for entry in receipt["logs"] if entry["topics"][0] == AUTH_USED_TOPIC]
    nonce = eip3009.authorization_nonce("test-db", 7, "INV/2026/00007")
    assert used["topics"][2] == "0x" + nonce.hex()
    assert eip3009.AUTHORIZATION_USED_TOPIC == AUTH_USED_TOPIC
    assert eip3009.decode_authorization_used(used) == (payer, nonce)
    state_call = eip3009.authorization_state_call(payer, nonce)
    assert decode(["bool"], bytes.fromhex(node.call(token, state_call)[2:])) == (True,)
    # Replayed, by anyone: refused, nothing moves.
    for sender in (gas_payer, roles["attacker"], payee):
        refused(node, "authorization is used or canceled", sender, token, call)
    assert node.balance_of(token, payee) == 42_500_000


def test_an_authorization_cannot_be_bent(node, roles, authorization):
    token, document, signature = authorization
    attacker = roles["attacker"]
    # Another recipient or amount under the payer's signature: another signer.
    for field, value in (("to", attacker), ("value", "42500001"), ("validBefore", str(2**64))):
        forged = json.loads(json.dumps(document))
        forged["message"][field] = value
        refused(
            node,
            "invalid signature",
            attacker,
            token,
            eip3009.transfer_with_authorization_call(forged, signature),
        )
    # receiveWithAuthorization: only the recipient may submit (and it is a different type).
    data = (
        "0x"
        + keccak(
            text="receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"
        )[:4].hex()
    )
    data += eip3009.transfer_with_authorization_call(document, signature)[10:]
    refused(node, "caller must be the payee", attacker, token, data)
    refused(node, "invalid signature", roles["payee"], token, data)
    # Too late.
    at(node, int(document["message"]["validBefore"]))
    refused(
        node,
        "authorization is expired",
        attacker,
        token,
        eip3009.transfer_with_authorization_call(document, signature),
    )
    assert node.balance_of(token, roles["payee"]) == 0
    assert node.balance_of(token, attacker) == 0


def test_an_authorization_is_not_valid_before_its_time_nor_after_a_cancel(node, roles):
    token = node.tokens["USDC3009"]
    payer = roles["payer"]
    node.mint(token, payer, 10)
    start = now(node) + 100
    nonce = eip3009.authorization_nonce("test-db", 8, "INV/2026/00008")
    domain = eip712.domain("USD Coin", "2", CHAIN_ID, token)
    document = eip3009.transfer_typed_data(
        domain, payer, roles["payee"], 10, start, start + 3600, nonce
    )
    call = eip3009.transfer_with_authorization_call(document, sign(node, payer, document))
    at(node, start)
    refused(node, "authorization is not yet valid", roles["gas_payer"], token, call)
    cancel = eip712.typed_data(
        "CancelAuthorization",
        [{"name": "authorizer", "type": "address"}, {"name": "nonce", "type": "bytes32"}],
        domain,
        {"authorizer": payer, "nonce": "0x" + nonce.hex()},
    )
    v, r, s = eip712.split_signature(sign(node, payer, cancel))
    node.send(
        roles["gas_payer"],
        token,
        encode_call(
            "cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)",
            ["address", "bytes32", "uint8", "bytes32", "bytes32"],
            [payer, nonce, v, r, s],
        ),
    )
    at(node, start + 1)
    refused(node, "authorization is used or canceled", roles["gas_payer"], token, call)
    assert node.balance_of(token, roles["payee"]) == 0
