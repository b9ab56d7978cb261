"""Private keys and recovery phrases pasted as an address: recognised by their shape, refused
by every family's address parsing without being repeated."""

import pytest

from odoo.addons.stablecoin_wallet.chain import InvalidAddress
from odoo.addons.stablecoin_wallet.chain.family import FAMILIES
from odoo.addons.stablecoin_wallet.chain.secret import looks_like_secret

# Anvil's public test key and mnemonic; the WIF examples of the Bitcoin wiki.
HEX_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
SECRETS = [
    HEX_KEY,
    "0x" + HEX_KEY,
    f"  {HEX_KEY.upper()}\n",
    "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dp94sG1xrSkn9ikfU",
    "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617",
    "test test test test test test test test test test test junk",
    " ".join(["abandon"] * 23 + ["art"]),
    (
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRN"
        "NU3TGtRBeJgk33yuGBxrMPHi"
    ),
]
ADDRESSES = [
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    "TNMcQVGPzqH9ZfMCSY4PNrukevtDgp24dK",
    "a few words typed by mistake",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_secrets_are_recognised_and_refused_unrepeated(secret):
    assert looks_like_secret(secret)
    for chain in FAMILIES.values():
        for hex_ok in (False, True):
            with pytest.raises(InvalidAddress, match="private key or a recovery phrase") as err:
                chain.parse_address(secret, hex_ok=hex_ok)
            assert secret.strip() not in str(err.value)
            assert secret.strip()[:16] not in str(err.value)


@pytest.mark.parametrize("address", ADDRESSES)
def test_addresses_are_no_secrets(address):
    assert not looks_like_secret(address)
