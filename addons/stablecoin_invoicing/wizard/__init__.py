from . import stablecoin_match_wizard
