from . import stablecoin_network
