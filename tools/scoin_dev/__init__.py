"""Development tooling for the stablecoin addons: the local chain and the test token.

Not part of any addon: the demo and the tests use it.
"""
