from . import stablecoin_recurring_invoice
from . import account_move
