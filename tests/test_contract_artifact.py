"""The committed artifacts (the test tokens; the deposit-address factory and forwarder the wallet
addon computes addresses from; the mandate contract) are exactly what solc-js makes of the
committed sources."""

import json
import logging

import pytest
from scoin_dev.contracts import build
from scoin_dev.devchain import DevChainError


def test_artifact_matches_a_fresh_compilation():
    fresh = build.compile_artifact()
    committed = build.load_artifact()
    assert fresh["compiler"] == committed["compiler"]
    assert fresh["abi"] == committed["abi"]
    assert fresh["bytecode"] == committed["bytecode"], "run build.py: the bytecode is stale"


def test_deposit_artifact_matches_a_fresh_compilation():
    fresh = build.compile_deposit_artifact()
    committed = build.load_deposit_artifact()
    assert fresh["compiler"] == committed["compiler"]
    assert set(committed["contracts"]) == {"DepositForwarder", "DepositFactory"}
    for name, contract in committed["contracts"].items():
        assert fresh["contracts"][name]["abi"] == contract["abi"]
        assert fresh["contracts"][name]["bytecode"] == contract["bytecode"], (
            f"run build.py: {name}'s bytecode is stale"
        )


@pytest.mark.parametrize(
    ("compile_", "load", "names"),
    [
        (build.compile_mandate_artifact, build.load_mandate_artifact, build.MANDATE_CONTRACTS),
        (build.compile_variants_artifact, build.load_variants_artifact, build.VARIANTS_CONTRACTS),
    ],
    ids=["mandate", "token-variants"],
)
def test_contracts_artifact_matches_a_fresh_compilation(compile_, load, names):
    fresh, committed = compile_(), load()
    assert fresh["compiler"] == committed["compiler"]
    assert set(committed["contracts"]) == set(names)
    for name, contract in committed["contracts"].items():
        assert fresh["contracts"][name]["abi"] == contract["abi"]
        assert fresh["contracts"][name]["bytecode"] == contract["bytecode"], (
            f"run build.py: {name}'s bytecode is stale"
        )


def test_mandate_contract_has_no_admin():
    """No owner, no constructor argument (one address on every network), nothing payable, and
    two functions that change state: ``charge`` (the signed terms decide) and ``revoke``."""
    abi = build.load_mandate_artifact()["contracts"]["StablecoinMandate"]["abi"]
    functions = {item["name"]: item for item in abi if item["type"] == "function"}
    assert {
        name for name, item in functions.items() if item["stateMutability"] not in ("view", "pure")
    } == {"charge", "revoke"}
    assert set(functions) == {
        "charge",
        "revoke",
        "charged",
        "chargeable",
        "mandateId",
        "domainSeparator",
        "eip712Domain",
        "states",
        "TERMS_TYPEHASH",
    }
    assert not [item for item in abi if item["type"] in ("constructor", "receive", "fallback")]
    assert all(item.get("stateMutability") != "payable" for item in abi)


def test_usdc_like_test_token_has_permit_and_eip3009():
    """The shared test token has neither (``TestStablecoin``): gasless pay and permits are
    tested on this variant."""
    shared = {item.get("name") for item in build.load_artifact()["abi"]}
    variant = {
        item.get("name")
        for item in build.load_variants_artifact()["contracts"]["TestAuthorizedStablecoin"]["abi"]
    }
    gasless = {
        "permit",
        "nonces",
        "DOMAIN_SEPARATOR",
        "transferWithAuthorization",
        "receiveWithAuthorization",
        "cancelAuthorization",
        "authorizationState",
    }
    assert gasless <= variant
    assert not gasless & shared


def test_deposit_contracts_have_no_admin():
    """No owner, no upgrade, no function that could send funds anywhere but the merchant."""
    functions = {
        name: {item["name"] for item in contract["abi"] if item["type"] == "function"}
        for name, contract in build.load_deposit_artifact()["contracts"].items()
    }
    assert functions == {
        "DepositForwarder": set(),
        "DepositFactory": {"depositAddress", "sweep", "sweepingToken"},
    }


def test_check_mode_detects_a_stale_artifact(tmp_path, monkeypatch, caplog):
    stale = build.load_artifact()
    stale["bytecode"] = stale["bytecode"][:-2] + "00"
    fake = tmp_path / "TestStablecoin.json"
    fake.write_text(json.dumps(stale))
    monkeypatch.setattr(build, "ARTIFACT", fake)
    with caplog.at_level(logging.WARNING, logger=build._logger.name):
        assert build.main(["--check"]) == 1
    assert "stale" in caplog.text


def test_deployed_token_behaves_like_usdc(chain):
    abi_names = {item.get("name") for item in build.load_artifact()["abi"]}
    assert {"transfer", "transferFrom", "approve", "balanceOf", "decimals", "mint"} <= abi_names
    token = chain.tokens["USDC"]
    alice, bob = chain.accounts[3], chain.accounts[4]
    assert chain.token_decimals(token) == 6
    chain.mint(token, alice, 3_000_000)
    chain.transfer(token, alice, bob, 1_000_001)
    assert chain.balance_of(token, alice) == 1_999_999
    assert chain.balance_of(token, bob) == 1_000_001
    with pytest.raises(DevChainError, match="reverted"):
        chain.transfer(token, alice, bob, 2_000_000)
    assert chain.balance_of(token, alice) == 1_999_999
