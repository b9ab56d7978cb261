from . import stablecoin_sanctions_import
