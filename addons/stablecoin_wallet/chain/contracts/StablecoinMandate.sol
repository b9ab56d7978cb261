// SPDX-License-Identifier: LGPL-3.0-only
pragma solidity 0.8.37;

/// @title Payment mandates: a payer signs limits once, invoices are then charged within them
/// @notice A payer signs EIP-712 terms off-chain (who pays, who is paid, which token, at most
///         how much per charge and per period, from when until when) and approves this contract
///         on the token. Anyone may then submit a charge (the merchant's gas payer, usually);
///         the signed terms alone decide where the money goes and how much may move:
///         * only from the payer to the payee written in the terms;
///         * never more than `maxPerCharge` at once nor `maxPerPeriod` in one period (periods of
///           `period` seconds counted from `start`);
///         * only between `start` and `end` (both included), and never after the payer revoked;
///         * each charge id (derived from the invoice) once per payer and payee, whichever of
///           the payer's mandates for that payee is used: an invoice is never charged twice.
///         No owner, no admin, no upgrade; deployed through the common CREATE2 deployer, so it
///         is at the same address on every network and the chain id in the signed domain
///         tells networks apart.
contract StablecoinMandate {
    struct Terms {
        address payer;
        address payee;
        address token;
        uint256 maxPerCharge;
        uint256 maxPerPeriod;
        uint256 period;
        uint256 start;
        uint256 end;
        bytes32 salt;
    }

    /// @dev One slot per mandate: revoked, the period last charged in, spent in that period.
    struct State {
        bool revoked;
        uint64 periodIndex;
        uint184 spent;
    }

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 public constant TERMS_TYPEHASH = keccak256(
        "Mandate(address payer,address payee,address token,uint256 maxPerCharge,uint256 maxPerPeriod,"
        "uint256 period,uint256 start,uint256 end,bytes32 salt)"
    );
    string private constant NAME = "StablecoinMandate";
    string private constant VERSION = "1";
    /// @dev secp256k1's order / 2: a higher s is the other signature of the same message.
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice The state of each mandate, by mandate id (the EIP-712 digest of its terms).
    mapping(bytes32 => State) public states;
    mapping(bytes32 => bool) private _charged;

    event Charged(
        bytes32 indexed mandateId,
        address indexed payer,
        address indexed payee,
        address token,
        uint256 amount,
        bytes32 chargeId
    );
    event Revoked(bytes32 indexed mandateId, address indexed payer);

    error BadTerms();
    error NotStarted();
    error Ended();
    error MandateRevoked();
    error ZeroAmount();
    error AboveChargeLimit();
    error AbovePeriodLimit();
    error AlreadyCharged();
    error BadSignature();
    error NotPayer();
    error TransferFailed();

    /// @notice Moves `amount` of the terms' token from the payer to the payee, if the payer
    ///         signed the terms and the charge is within them. Anyone may call it.
    function charge(Terms calldata terms, bytes calldata signature, uint256 amount, bytes32 chargeId)
        external
    {
        if (terms.period == 0) revert BadTerms();
        if (block.timestamp < terms.start) revert NotStarted();
        if (block.timestamp > terms.end) revert Ended();
        if (amount == 0) revert ZeroAmount();
        if (amount > terms.maxPerCharge) revert AboveChargeLimit();
        bytes32 id = mandateId(terms);
        address signer = _recover(id, signature);
        if (signer == address(0) || signer != terms.payer) revert BadSignature();
        State memory state = states[id];
        if (state.revoked) revert MandateRevoked();
        // index <= block.timestamp: fits 64 bits.
        uint256 index = (block.timestamp - terms.start) / terms.period;
        uint256 total = (state.periodIndex == index ? state.spent : 0) + amount;
        if (total > terms.maxPerPeriod || total > type(uint184).max) revert AbovePeriodLimit();
        bytes32 key = keccak256(abi.encode(terms.payer, terms.payee, chargeId));
        if (_charged[key]) revert AlreadyCharged();
        _charged[key] = true;
        states[id] = State(false, uint64(index), uint184(total));
        emit Charged(id, terms.payer, terms.payee, terms.token, amount, chargeId);
        _transferFrom(terms.token, terms.payer, terms.payee, amount);
    }

    /// @notice Ends a mandate for good. Only its payer may; the allowance stays as the payer
    ///         set it (lower it on the token to be sure of nothing else).
    function revoke(Terms calldata terms) external {
        if (msg.sender != terms.payer) revert NotPayer();
        bytes32 id = mandateId(terms);
        states[id].revoked = true;
        emit Revoked(id, terms.payer);
    }

    /// @notice Whether `chargeId` was charged from `payer` to `payee` (by any mandate).
    function charged(address payer, address payee, bytes32 chargeId) external view returns (bool) {
        return _charged[keccak256(abi.encode(payer, payee, chargeId))];
    }

    /// @notice The most a charge could take now under these terms' limits, window and
    ///         revocation (the signature, balance and allowance are not checked).
    function chargeable(Terms calldata terms) external view returns (uint256) {
        if (terms.period == 0 || block.timestamp < terms.start || block.timestamp > terms.end) return 0;
        State memory state = states[mandateId(terms)];
        if (state.revoked) return 0;
        uint256 index = (block.timestamp - terms.start) / terms.period;
        uint256 spent = state.periodIndex == index ? state.spent : 0;
        if (spent >= terms.maxPerPeriod) return 0;
        uint256 left = terms.maxPerPeriod - spent;
        return left < terms.maxPerCharge ? left : terms.maxPerCharge;
    }

    /// @notice The mandate's id: the EIP-712 digest the payer signs.
    function mandateId(Terms calldata terms) public view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(TERMS_TYPEHASH, terms));
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(NAME)), keccak256(bytes(VERSION)), block.chainid, address(this))
        );
    }

    /// @notice EIP-5267: the signing domain, for wallets and tools.
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        return (hex"0f", NAME, VERSION, block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    /// @dev The signer of `digest` (zero when the signature is malformed). 65 bytes r, s, v;
    ///      v 27/28 or 0/1; s in the lower half only, so a signature has one form.
    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if (uint256(s) > HALF_ORDER || (v != 27 && v != 28)) return address(0);
        return ecrecover(digest, v, r, s);
    }

    /// @dev transferFrom for tokens that return a bool and for those that return nothing
    ///      (USDT on Ethereum); the token's own revert reason is passed on.
    function _transferFrom(address token, address from, address to, uint256 amount) private {
        if (token.code.length == 0) revert TransferFailed();
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSelector(0x23b872dd, from, to, amount));
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        if (ret.length != 0 && (ret.length != 32 || !abi.decode(ret, (bool)))) revert TransferFailed();
    }
}
