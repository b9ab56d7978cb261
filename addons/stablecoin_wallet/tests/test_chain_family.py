"""Chain families: each family's address forms, transaction ids, payment URIs, wallet link and
flags; the registry's lookups; every network type the models offer has a family."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bip_utils import Bip32Secp256k1
from eth_utils import to_checksum_address as reference_checksum
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import InvalidAddress, parse_erc20_transfer_uri
from odoo.addons.stablecoin_wallet.chain.family import (
    DEFAULT_KIND,
    EVM,
    FAMILIES,
    TRON,
    TRON_MAINNET_CHAIN_ID,
    UnknownFamily,
    family,
    family_of_address,
    kind_selection,
)
from odoo.addons.stablecoin_wallet.chain.xpub import InvalidExtendedKey, validate_xpub
from odoo.addons.stablecoin_wallet.models.stablecoin_network import StablecoinNetwork
from odoo.addons.stablecoin_wallet.models.stablecoin_wallet import StablecoinWallet

# Tether's USDT on Tron mainnet (tronscan.org) and its 0x form; an anvil test account.
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
USDT_TRON_HEX = "0xa614f803B6FD780986A42c78Ec9c7f77e6DeD13C"
MERCHANT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
TX = "0x" + "ab" * 32
NILE_CHAIN_ID = 3448148188
# The account xpub m/44'/195'/0' of anvil's public test mnemonic ("test test ... junk").
TRON_TEST_XPUB = (
    "xpub6BuRy7ZmkGfP2RWhoor1kWB1w9DvrtmJbFBvnC1bQ4SB5NbCHTyQYCJSXZtxDbFyHTmC7wkU2he3nYYdpZ3Vf6"
    "qUAkXSnL6RPif4BDtDEKr"
)

hex_addresses = st.binary(min_size=20, max_size=20).map(lambda b: reference_checksum(b.hex()))


# -- the registry ----------------------------------------------------------------------------------
def test_registry_is_keyed_by_kind():
    assert list(FAMILIES) == ["evm", "tron"]
    assert family("evm") is EVM and family("tron") is TRON
    assert all(f.kind == kind for kind, f in FAMILIES.items())
    assert DEFAULT_KIND == "evm"


@pytest.mark.parametrize("kind", ["solana", "TRON", "", None, False, ["evm"]])
def test_unknown_kind_raises_a_clear_error(kind):
    with pytest.raises(UnknownFamily, match=r"No chain family for network type .*evm, tron"):
        family(kind)
    assert issubclass(UnknownFamily, ValueError)


def test_every_selection_kind_has_a_family():
    """The network types the models offer are the registry's, each with its family."""
    selections = [
        StablecoinNetwork.kind._args__["selection"],
        StablecoinWallet.network_kind._args__["selection"],
    ]
    for selection in selections:
        assert [kind for kind, _label in selection] == list(FAMILIES)
        assert all(family(kind) for kind, _label in selection)
    assert StablecoinNetwork.kind._args__["default"] == DEFAULT_KIND
    assert kind_selection() == [("evm", "EVM"), ("tron", "Tron")]
    assert kind_selection("wallet_label") == [
        ("evm", "EVM networks (0x addresses)"),
        ("tron", "Tron (T... addresses)"),
    ]


# -- addresses ---------------------------------------------------------------------------------
@given(hex_addresses)
def test_every_family_round_trips_its_written_form(address):
    for chain in FAMILIES.values():
        written = chain.display_address(address)
        assert chain.is_native(written)
        assert family_of_address(written) is chain
        assert chain.parse_address(written) == address
        assert chain.parse_address(f"  {written}\n") == address


def test_evm_writes_the_checksummed_0x_form():
    assert EVM.display_address(MERCHANT) == MERCHANT
    assert EVM.parse_address(MERCHANT.lower()) == MERCHANT
    with pytest.raises(InvalidAddress, match="checksum"):
        EVM.parse_address(MERCHANT[:-2] + MERCHANT[-2:].swapcase())  # ...C8 -> ...c8
    with pytest.raises(InvalidAddress, match="expected 0x"):
        EVM.parse_address(USDT_TRON)
    assert EVM.display_address("") == "" and EVM.display_address(False) is False


def test_tron_writes_t_addresses_and_keeps_0x_inside():
    assert TRON.display_address(USDT_TRON_HEX) == USDT_TRON
    assert TRON.display_address(USDT_TRON_HEX.lower()) == USDT_TRON
    assert TRON.parse_address(USDT_TRON) == USDT_TRON_HEX
    # A 0x address typed where a T-address is expected is refused with the reason...
    with pytest.raises(InvalidAddress, match="hexadecimal"):
        TRON.parse_address(USDT_TRON_HEX)
    with pytest.raises(InvalidAddress, match="checksum"):
        TRON.parse_address(USDT_TRON[:-1] + "u")
    # ... unless the 0x form is accepted too (a token contract given by a data file).
    assert TRON.parse_address(USDT_TRON_HEX.lower(), hex_ok=True) == USDT_TRON_HEX
    assert TRON.parse_address(USDT_TRON, hex_ok=True) == USDT_TRON_HEX
    assert TRON.display_address("") == "" and TRON.display_address(False) is False
    with pytest.raises(InvalidAddress):
        TRON.display_address("0x1234")


def test_native_form_by_prefix():
    assert TRON.is_native(USDT_TRON) and not TRON.is_native(USDT_TRON_HEX)
    assert EVM.is_native(USDT_TRON_HEX) and not EVM.is_native(USDT_TRON)
    assert family_of_address(USDT_TRON) is TRON
    assert family_of_address(MERCHANT) is EVM
    for text in ("", "bc1qxyz", None, 42):
        assert family_of_address(text) is None


def test_address_flags_and_placeholders():
    assert (EVM.hex_addresses, TRON.hex_addresses) == (True, False)
    assert (EVM.address_placeholder, TRON.address_placeholder) == ("0x...", "T...")


# -- transactions, payment requests, wallet app link ---------------------------------------------
def test_transaction_ids():
    assert EVM.display_tx(TX) == TX and EVM.hex_tx_ids
    assert TRON.display_tx(TX) == TX[2:] and not TRON.hex_tx_ids
    assert TRON.display_tx(False) is False


def test_evm_payment_uri_is_eip681():
    uri = EVM.payment_uri(USDC_BASE, 8453, MERCHANT, 12_500_000)
    assert uri.startswith("ethereum:")
    request = parse_erc20_transfer_uri(uri)
    assert (request.token, request.chain_id, request.recipient, request.amount) == (
        USDC_BASE,
        8453,
        MERCHANT,
        12_500_000,
    )
    assert EVM.has_payment_uri and not EVM.qr_is_address


def test_tron_payment_uri_is_the_bare_t_address():
    uri = TRON.payment_uri(USDT_TRON_HEX, TRON_MAINNET_CHAIN_ID, MERCHANT, 12_500_000)
    assert uri == TRON.display_address(MERCHANT)
    assert TRON.parse_address(uri) == MERCHANT
    assert TRON.qr_is_address and not TRON.has_payment_uri


def test_trust_wallet_link_on_tron_mainnet_only():
    link = TRON.wallet_link(USDT_TRON_HEX, TRON_MAINNET_CHAIN_ID, MERCHANT, "120.5")
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://link.trustwallet.com/send"
    assert parse_qs(parts.query) == {
        "asset": [f"c195_t{USDT_TRON}"],
        "address": [TRON.display_address(MERCHANT)],
        "amount": ["120.5"],
    }
    # Trust Wallet knows no Tron testnet; EVM's link is its payment URI.
    assert TRON.wallet_link(USDT_TRON_HEX, NILE_CHAIN_ID, MERCHANT, "1") is None
    assert EVM.wallet_link(USDC_BASE, 8453, MERCHANT, "1") is None


def test_payment_page_flags():
    assert EVM.supports_browser_wallet and EVM.supports_onramp
    assert not TRON.supports_browser_wallet and not TRON.supports_onramp


# -- xpub wallets ------------------------------------------------------------------------------
def test_account_paths():
    assert (EVM.account_path, TRON.account_path) == ("m/44'/60'/0'", "m/44'/195'/0'")
    assert validate_xpub(TRON_TEST_XPUB, TRON.account_path) == TRON_TEST_XPUB
    # A key of the wrong depth is refused naming the family's account path.
    child = Bip32Secp256k1.FromExtendedKey(TRON_TEST_XPUB).ChildKey(0).PublicKey().ToExtended()
    with pytest.raises(InvalidExtendedKey, match=r"m/44'/195'/0'"):
        validate_xpub(child, TRON.account_path)
