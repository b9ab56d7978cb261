"""Chain families: everything that differs between EVM networks and Tron, in one place.

A network's *kind* (``stablecoin.network.kind``, ``stablecoin.wallet.network_kind``) names its
family. Inside, every family keeps addresses in the 0x form (EIP-55) its logs carry; a family
says how people write them, how a payment is asked for (a URI, or the bare address), which
BIP-44 account an xpub is exported at and what the payment page may offer. Models and
templates read the family (``network._family()``, ``token._family()``) instead of testing the
kind; the formats themselves stay in their modules (:mod:`.address`, :mod:`.tron`,
:mod:`.eip681`), called from here.

Adding a family: a subclass overriding what differs, an entry in :data:`FAMILIES` (see the
addon's readme, "Adding a chain family").
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from .address import InvalidAddress, to_checksum_address
from .eip681 import build_erc20_transfer_uri
from .secret import looks_like_secret
from .tron import from_tron_address, to_tron_address, tron_tx_id

# Tron mainnet, the only Tron network Trust Wallet knows (SLIP-44 coin type 195).
TRON_MAINNET_CHAIN_ID = 728126428
# Trust Wallet's documented send link (developer.trustwallet.com, "Deep Linking").
TRUST_WALLET_SEND = "https://link.trustwallet.com/send"


class UnknownFamily(ValueError):
    """No chain family for this network type."""


@dataclass(frozen=True)
class ChainFamily:
    """One chain family; this base is EVM's behaviour, subclasses override what differs."""

    kind: str  # the network type's selection value
    label: str  # "EVM": the network type as people read it
    wallet_label: str  # the wallet's network type: "EVM networks (0x addresses)"
    account_path: str  # BIP-44 account whose xpub a wallet exports (children 0/i)
    address_prefix: str  # how an address written in this family's form starts
    address_pattern: re.Pattern  # its shape (no checksum check): OFAC's listed addresses
    address_placeholder: str  # for an address field
    # People write addresses in the 0x form kept inside (EVM); else converted at the edges.
    hex_addresses: bool = True
    hex_tx_ids: bool = True  # transaction ids written with 0x
    has_payment_uri: bool = True  # a payment URI standard (EIP-681) for QR codes and links
    supports_browser_wallet: bool = True  # EIP-1193 "Pay with browser wallet"
    supports_onramp: bool = True  # the on-ramps (bank wire, card) deliver to this family
    # Deposit addresses (chain/deposit.py: CREATE2 forwarders that can only pay the merchant).
    supports_deposit_addresses: bool = True
    # The tickers OFAC lists this family's addresses under; None: any ticker.
    listed_tickers: frozenset | None = None

    @property
    def qr_is_address(self):
        """The QR code holds the bare address (no payment URI standard)."""
        return not self.has_payment_uri

    # -- addresses -------------------------------------------------------------------------------
    def display_address(self, address):
        """``address`` (0x, as kept) as this family writes it; empty stays empty. Raises
        :class:`~.address.InvalidAddress` for what is not a 0x address."""
        return address  # EVM: the kept form, EIP-55 checksummed, is the written one

    def parse_address(self, text, hex_ok=False):
        """An address typed in this family's form, in the 0x form kept (EIP-55); raises
        :class:`~.address.InvalidAddress` with the reason. ``hex_ok``: a 0x text is accepted
        too (data files give contracts in the 0x form)."""
        if looks_like_secret(text):
            # Never repeated (the error reaches the server's log): the key is compromised.
            raise InvalidAddress(
                "this looks like a private key or a recovery phrase, not an address; it was "
                "not kept. Enter the wallet's public address, and consider the key exposed: "
                "move its funds to a new wallet."
            )
        if hex_ok and isinstance(text, str) and text.strip().startswith("0x"):
            return to_checksum_address(text)
        return self._parse_native(text)

    def _parse_native(self, text):
        return to_checksum_address(text)

    def is_native(self, text):
        """``text`` is written in this family's form (by its prefix: "0x", "T"...)."""
        return isinstance(text, str) and text.strip().startswith(self.address_prefix)

    def screening_key(self, address):
        """The key a listed ``address`` is screened by: EVM compares case-insensitively."""
        return address.lower()

    def listed_key(self, ticker, address):
        """The screening key of an ``address`` OFAC lists under ``ticker`` when it is one of
        this family's, else None."""
        if not self.address_pattern.match(address):
            return None
        if self.listed_tickers is not None and ticker.upper() not in self.listed_tickers:
            return None
        return self.screening_key(address)

    # -- transactions and payment requests ------------------------------------------------------
    def display_tx(self, tx_hash):
        """A transaction hash (0x, as the logs carry it) as this family's explorers write it."""
        return tx_hash

    def payment_uri(self, contract, chain_id, recipient, units):
        """What a QR code and a link ask the payer: ``units`` (smallest units) of the token at
        ``contract`` on chain ``chain_id`` to ``recipient`` (0x forms). EVM: EIP-681."""
        return build_erc20_transfer_uri(contract, chain_id, recipient, units)

    def wallet_link(self, contract, chain_id, recipient, amount_text):
        """A wallet app's link filled with the payment (0x forms; the amount in tokens, as
        text), or None where there is none (EVM: the payment URI is the link)."""


class TronFamily(ChainFamily):
    """Tron: ``T...`` addresses (base58check, :mod:`.tron`), transaction ids without 0x, no
    payment URI standard (the QR code is the bare address), no browser wallet, no on-ramp."""

    def display_address(self, address):
        return to_tron_address(address) if address else address

    def _parse_native(self, text):
        return from_tron_address(text)

    def screening_key(self, address):
        return address  # base58 is case-sensitive: as listed

    def display_tx(self, tx_hash):
        return tron_tx_id(tx_hash)

    def payment_uri(self, contract, chain_id, recipient, units):
        return to_tron_address(recipient)

    def wallet_link(self, contract, chain_id, recipient, amount_text):
        """Trust Wallet's send link (asset in Universal Asset Id form ``c195_t<contract>``,
        address, amount in tokens), on Tron mainnet only."""
        if chain_id != TRON_MAINNET_CHAIN_ID:
            return None
        query = {
            "asset": f"c195_t{to_tron_address(contract)}",
            "address": to_tron_address(recipient),
            "amount": amount_text,
        }
        return f"{TRUST_WALLET_SEND}?{urlencode(query)}"


EVM = ChainFamily(
    kind="evm",
    label="EVM",
    wallet_label="EVM networks (0x addresses)",
    account_path="m/44'/60'/0'",
    address_prefix="0x",
    address_pattern=re.compile(r"^0x[0-9a-fA-F]{40}$"),
    address_placeholder="0x...",
)
TRON = TronFamily(
    kind="tron",
    label="Tron",
    wallet_label="Tron (T... addresses)",
    account_path="m/44'/195'/0'",
    address_prefix="T",
    address_pattern=re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$"),
    address_placeholder="T...",
    hex_addresses=False,
    hex_tx_ids=False,
    has_payment_uri=False,
    supports_browser_wallet=False,
    supports_onramp=False,
    # TVM has CREATE2 too (with 0x41 for 0xff); not built yet: Tron keeps fixed and xpub.
    supports_deposit_addresses=False,
    listed_tickers=frozenset({"USDT", "TRX"}),
)

# Keyed by network type, in the order the selections list them.
FAMILIES = {f.kind: f for f in (EVM, TRON)}
DEFAULT_KIND = EVM.kind


def family(kind):
    """The chain family of network type ``kind``; :class:`UnknownFamily` if there is none."""
    try:
        return FAMILIES[kind]
    except (KeyError, TypeError):
        raise UnknownFamily(
            f"No chain family for network type {kind!r}: known types are "
            f"{', '.join(FAMILIES)} (chain/family.py, FAMILIES)."
        ) from None


def family_of_address(text):
    """The family whose written form ``text`` is in (a ``T...`` text: Tron), or None."""
    return next((f for f in FAMILIES.values() if f.is_native(text)), None)


def kind_selection(label="label"):
    """A selection of the network types, labelled by the families' ``label`` attribute."""
    return [(kind, getattr(f, label)) for kind, f in FAMILIES.items()]
