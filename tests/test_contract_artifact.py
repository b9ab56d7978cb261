"""The committed artifacts (the test token; the deposit-address factory and forwarder the wallet
addon computes addresses from) are exactly what solc-js makes of the committed sources."""

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
