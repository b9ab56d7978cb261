"""What sweeping deposit addresses costs in gas, on anvil (cancun), against the baseline of one
plain ERC-20 transfer measured in the same run (what moving funds out of a per-invoice xpub
address costs, before its gas top-up). Gas is deterministic: one run is the figure.

Prints BENCH lines; the fee in dollars assumes the gas prices and coin prices listed below
(typical figures, not measured here)."""

import sys
from pathlib import Path

from scoin_dev.devchain import DevChain

import odoo.addons

# The pure chain package of the wallet addon, without starting Odoo.
odoo.addons.__path__.append(str(Path(__file__).resolve().parents[2] / "addons"))
from odoo.addons.stablecoin_wallet.chain import deposit

# (network, gas price in gwei, native coin in USD): typical, for orders of magnitude only.
PRICES = [
    ("Ethereum", 5.0, 3000.0),
    ("Base", 0.01, 3000.0),
    ("Arbitrum", 0.01, 3000.0),
    ("Polygon PoS", 30.0, 0.25),
]


def gas(chain, tx_hash):
    return int(chain.wait_receipt(tx_hash)["gasUsed"], 16)


def main():
    with DevChain() as chain:
        usdc = chain.deploy_token("USD Coin (test)", "USDC")
        merchant, payer = chain.accounts[1], chain.accounts[2]
        to, data = deposit.factory_deployment()
        deploy_gas = gas(chain, chain.send(chain.accounts[0], to, data))
        factory = deposit.factory_address()
        chain.mint(usdc, payer, 10**15)
        baseline = gas(chain, chain.transfer(usdc, payer, chain.accounts[9], 1_000_000))
        results = {}
        n = 0
        for batch in (1, 10, 50):
            salts = [deposit.request_salt(f"bench:{n + i}") for i in range(batch)]
            n += batch
            for s in salts:
                chain.transfer(usdc, payer, deposit.deposit_address(merchant, s), 1_000_000)
            call = deposit.sweep_call(merchant, salts, usdc)
            results[f"first sweep, {batch} address(es)"] = (
                gas(chain, chain.send(merchant, factory, call)) / batch
            )
            for s in salts:
                chain.transfer(usdc, payer, deposit.deposit_address(merchant, s), 1_000_000)
            results[f"later sweep, {batch} address(es)"] = (
                gas(chain, chain.send(merchant, factory, call)) / batch
            )
        print(f"BENCH sweep_gas factory_deployment gas={deploy_gas}")
        print(f"BENCH sweep_gas baseline erc20_transfer gas={baseline}")
        for label, per_address in results.items():
            fees = " ".join(
                f"{net}=${per_address * gwei * 1e-9 * usd:.4f}" for net, gwei, usd in PRICES
            )
            print(
                f"BENCH sweep_gas {label}: gas/address={per_address:.0f} "
                f"ratio={per_address / baseline:.2f} {fees}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
