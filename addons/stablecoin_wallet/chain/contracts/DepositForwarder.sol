// SPDX-License-Identifier: LGPL-3.0-only
pragma solidity 0.8.37;

/// @title Deposit addresses that can only pay their merchant
/// @notice A payment request gets its own deposit address: the CREATE2 address at which the
///         DepositFactory creates a DepositForwarder for (merchant, salt). It is known before
///         anything is deployed, so customers pay it like any address, from any wallet or
///         exchange, in any number of parts. The merchant's address is in the forwarder's
///         creation code, so it is part of the deposit address itself: the same salt with
///         another merchant is another address, and nothing at this one can ever go elsewhere.
///         No owner, no admin, no upgrade, nothing stored: anyone may sweep (the merchant's own
///         wallet, usually), and a sweep only ever sends the funds to the merchant.

interface IERC20Balance {
    function balanceOf(address owner) external view returns (uint256);
}

/// @notice Lives for one sweep: created at the deposit address, it sends that address's whole
///         balance of the token being swept, and any native coin, to its merchant, then
///         self-destructs in the same transaction (EIP-6780 still removes an account created
///         in the same transaction), so the address can be created and swept again later.
contract DepositForwarder {
    constructor(address merchant) {
        address token = DepositFactory(msg.sender).sweepingToken();
        if (token != address(0)) {
            uint256 amount = IERC20Balance(token).balanceOf(address(this));
            if (amount > 0) {
                // Tokens that return nothing (USDT on Ethereum) and those that return a bool.
                (bool ok, bytes memory ret) =
                    token.call(abi.encodeWithSelector(0xa9059cbb, merchant, amount));
                require(ok && (ret.length == 0 || abi.decode(ret, (bool))), "token transfer failed");
            }
        }
        selfdestruct(payable(merchant));
    }
}

/// @notice Computes deposit addresses and sweeps them, several in one transaction.
contract DepositFactory {
    event Swept(address indexed merchant, address indexed token, address indexed deposit, uint256 amount);

    address private transient _sweeping;

    /// @notice The token of the sweep under way (read by the forwarders it creates).
    function sweepingToken() external view returns (address) {
        return _sweeping;
    }

    /// @notice The deposit address of (`merchant`, `salt`).
    function depositAddress(address merchant, bytes32 salt) public view returns (address) {
        bytes32 codeHash =
            keccak256(abi.encodePacked(type(DepositForwarder).creationCode, abi.encode(merchant)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, codeHash)))));
    }

    /// @notice Sends all of `token` (none: the native coin only) at the deposit addresses of
    ///         `merchant` with these `salts` to the merchant. Anyone may call it.
    function sweep(address merchant, bytes32[] calldata salts, address token) external returns (uint256 total) {
        _sweeping = token;
        for (uint256 i = 0; i < salts.length; i++) {
            address deposit = depositAddress(merchant, salts[i]);
            // The same salt twice in one transaction: swept once (a forwarder destroyed in
            // this transaction still holds its address until the transaction ends).
            bool seen;
            assembly {
                seen := tload(deposit)
                tstore(deposit, 1)
            }
            if (seen) continue;
            uint256 amount = token == address(0) ? 0 : IERC20Balance(token).balanceOf(deposit);
            address made = address(new DepositForwarder{salt: salts[i]}(merchant));
            require(made == deposit, "unexpected deposit address");
            if (amount > 0) {
                emit Swept(merchant, token, deposit, amount);
                total += amount;
            }
        }
        _sweeping = address(0);
    }
}
