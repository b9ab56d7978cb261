"""EIP-681 payment request URIs for ERC-20 transfers.

``ethereum:<token>@<chain_id>/transfer?address=<recipient>&uint256=<amount in smallest units>``
is what wallets (MetaMask, Rainbow, Coinbase Wallet...) understand for a token payment.
"""

import re
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation, localcontext
from urllib.parse import parse_qsl

from .address import InvalidAddress, to_checksum_address
from .units import MAX_UINT256

_URI = re.compile(
    r"^ethereum:(?:pay-)?(?P<target>[^@/?]+)(?:@(?P<chain>[^/?]+))?"
    r"(?:/(?P<function>[^?]+))?(?:\?(?P<query>.*))?$"
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?(?:[eE]\d+)?$")


class InvalidPaymentURI(ValueError):
    """The text is not an EIP-681 ERC-20 transfer request we can honour."""


@dataclass(frozen=True)
class PaymentURI:
    token: str  # EIP-55 contract address of the token
    chain_id: int
    recipient: str  # EIP-55 address that receives the tokens
    amount: int  # smallest token units


def build_erc20_transfer_uri(token, chain_id, recipient, amount):
    """Return the EIP-681 URI asking to transfer ``amount`` units of ``token`` to ``recipient``."""
    request = PaymentURI(
        token=to_checksum_address(token),
        chain_id=_chain_id(chain_id),
        recipient=to_checksum_address(recipient),
        amount=_amount(amount),
    )
    return (
        f"ethereum:{request.token}@{request.chain_id}/transfer"
        f"?address={request.recipient}&uint256={request.amount}"
    )


def parse_erc20_transfer_uri(uri):
    """Parse an EIP-681 ERC-20 transfer URI into a :class:`PaymentURI`.

    Accepts the number forms EIP-681 allows (``2.5e6``) when they denote an integer; refuses
    anything that is not a ``transfer`` with a chain id, a recipient and an amount.
    """
    if not isinstance(uri, str):
        raise InvalidPaymentURI("A payment URI must be text.")
    match = _URI.match(uri.strip())
    if not match:
        raise InvalidPaymentURI(f"{uri!r} is not an ethereum: payment URI.")
    if match["function"] != "transfer":
        raise InvalidPaymentURI("Only ERC-20 'transfer' payment URIs are supported.")
    if match["chain"] is None:
        raise InvalidPaymentURI("The payment URI does not name its chain (@chain_id).")
    try:
        params = dict(parse_qsl(match["query"] or "", keep_blank_values=True, strict_parsing=True))
    except ValueError as exc:
        raise InvalidPaymentURI(f"Malformed query in {uri!r}.") from exc
    if "address" not in params or "uint256" not in params:
        raise InvalidPaymentURI("The payment URI needs both 'address' and 'uint256' parameters.")
    try:
        return PaymentURI(
            token=to_checksum_address(match["target"]),
            chain_id=_chain_id(match["chain"]),
            recipient=to_checksum_address(params["address"]),
            amount=_amount(_number(params["uint256"])),
        )
    except InvalidAddress as exc:
        raise InvalidPaymentURI(str(exc)) from exc


def _chain_id(value):
    if isinstance(value, str):
        if not value.isdigit():
            raise InvalidPaymentURI(f"Chain id {value!r} is not a positive integer.")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidPaymentURI(f"Chain id {value!r} is not a positive integer.")
    return value


def _amount(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_UINT256:
        raise InvalidPaymentURI(f"Amount {value!r} must be a positive integer of smallest units.")
    return value


def _number(text):
    if not _NUMBER.match(text):
        raise InvalidPaymentURI(f"Amount {text!r} is not a number.")
    try:
        with localcontext(Context(prec=200)):
            value = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidPaymentURI(f"Amount {text!r} is not a number.") from exc
    if value != value.to_integral_value():
        raise InvalidPaymentURI(f"Amount {text!r} is not a whole number of smallest units.")
    return int(value)
