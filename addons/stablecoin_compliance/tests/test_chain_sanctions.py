"""OFAC's SDN list in its two official shapes: the digital currency addresses we screen."""

from pathlib import Path

import pytest

from odoo.addons.stablecoin_compliance.models.stablecoin_sanctions_address import (
    StablecoinSanctionsAddress,
)
from odoo.addons.stablecoin_compliance.sanctions import (
    SanctionsFormatError,
    classify,
    normalize_address,
    parse,
)
from odoo.addons.stablecoin_wallet.chain.family import FAMILIES

DATA = Path(__file__).parent / "data"
LISTED_ETH = "0x90f79bf6eb2c4f870365e785982e1f101e93b906"  # listed upper case, under ETH
LISTED_USDT = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65"  # listed under USDT
DELISTED = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc"  # in the old list only
NEWLY_LISTED = "0x976ea74026e726554db657fa54763abd0c3a0aa9"  # in the new list only
TRON = "TNMcQVGPzqH9ZfMCSY4PNrukevtDgp24dK"


def read(name):
    return (DATA / name).read_bytes()


def test_advanced_xml_keeps_evm_and_tron_addresses():
    parsed = parse(read("sdn_advanced_old.xml"))
    assert parsed.fmt == "xml"
    assert str(parsed.published) == "2025-03-04"
    listed = parsed.by_address()
    assert set(listed) == {LISTED_ETH, LISTED_USDT, DELISTED, TRON}
    assert [(e.ticker, e.uid, e.name) for e in listed[LISTED_ETH]] == [
        ("ETH", "90001", "EXAMPLE MIXER OPERATOR")
    ]
    assert listed[LISTED_USDT][0].ticker == "USDT"
    assert listed[TRON][0].chain == "tron"
    assert parsed.skipped == 1  # the XBT address: not screened here
    assert len(parsed.sha256) == 64


def test_newer_list_drops_and_adds():
    old, new = parse(read("sdn_advanced_old.xml")), parse(read("sdn_advanced_new.xml"))
    assert str(new.published) == "2025-06-17"
    assert set(old.by_address()) - set(new.by_address()) == {DELISTED}
    assert set(new.by_address()) - set(old.by_address()) == {NEWLY_LISTED}
    assert old.sha256 != new.sha256


def test_older_un_namespace_is_read_too():
    content = read("sdn_advanced_old.xml").replace(
        b"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
        b"http://www.un.org/sanctions/1.0",
    )
    assert set(parse(content).by_address()) == {LISTED_ETH, LISTED_USDT, DELISTED, TRON}


def test_csv_remarks_continued_in_comments():
    parsed = parse(read("sdn.csv"), read("sdn_comments.csv"))
    assert parsed.fmt == "csv"
    listed = parsed.by_address()
    # The TRX address starts in sdn.csv's remarks and ends in sdn_comments.csv.
    assert set(listed) == {
        LISTED_ETH,
        NEWLY_LISTED,
        LISTED_USDT,
        TRON,
        "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf",
    }
    assert listed[LISTED_USDT][0].name == "EXAMPLE EXCHANGE LLC"
    assert parsed.skipped == 1
    without = parse(read("sdn.csv"))
    assert "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf" not in without.by_address()
    assert without.sha256 != parsed.sha256


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("0x" + "ab" * 20)
    content = (
        read("sdn_advanced_old.xml")
        .replace(
            b'<?xml version="1.0" encoding="utf-8"?>',
            b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Sanctions [<!ENTITY leak SYSTEM "'
            + secret.as_uri().encode()
            + b'">]>',
        )
        .replace(b"0x90F79BF6EB2C4F870365E785982E1F101E93B906", b"&leak;")
    )
    parsed = parse(content)
    assert "0x" + "ab" * 20 not in parsed.by_address()
    assert LISTED_ETH not in parsed.by_address()


@pytest.mark.parametrize("content", [b"", b"<html><body>Not found</body></html>", b"a,b\n1,2\n"])
def test_other_files_are_refused(content):
    with pytest.raises(SanctionsFormatError):
        parse(content)


def test_classify_and_normalize():
    assert classify("ETH", "0xABCDEF0123456789abcdef0123456789ABCDEF01") == (
        "evm",
        "0xabcdef0123456789abcdef0123456789abcdef01",
    )
    assert classify("ARB", "0xabcdef0123456789abcdef0123456789abcdef01")[0] == "evm"
    assert classify("USDT", TRON) == ("tron", TRON)
    assert classify("XBT", TRON) is None
    assert classify("XBT", "1BQAPyku1ZibWGAgd8QePpW1vAKHowqLez") is None
    assert normalize_address("0x90F79bf6EB2c4f870365E785982E1f101E93b906") == LISTED_ETH
    assert normalize_address(TRON) == TRON


# The chains of listed addresses are the wallet's chain families.
MERCHANT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_sanctions_chain_of_a_listed_address_comes_from_the_families():
    assert classify("ETH", MERCHANT) == ("evm", MERCHANT.lower())
    assert classify("USDT", USDT_TRON) == ("tron", USDT_TRON)
    assert classify("TRX", USDT_TRON) == ("tron", USDT_TRON)
    assert classify("XBT", USDT_TRON) is None  # Tron addresses are listed under USDT or TRX
    assert normalize_address(MERCHANT) == MERCHANT.lower()
    assert normalize_address(USDT_TRON) == USDT_TRON
    assert {classify(t, a)[0] for t, a in [("ETH", MERCHANT), ("USDT", USDT_TRON)]} == set(FAMILIES)


def test_the_listed_address_chain_selection_is_the_families():
    selection = StablecoinSanctionsAddress.chain._args__["selection"]
    assert [kind for kind, _label in selection] == list(FAMILIES)
