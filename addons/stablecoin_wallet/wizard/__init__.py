from . import stablecoin_sweep_wizard
