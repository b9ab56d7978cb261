from . import account_move
from . import stablecoin_transfer
