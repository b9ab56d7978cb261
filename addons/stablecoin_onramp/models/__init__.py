from . import stablecoin_bank_instructions
from . import account_move
from . import payment_provider
from . import payment_transaction
from . import stablecoin_onramp_account
from . import stablecoin_onramp_event
from . import stablecoin_onramp_transfer
from . import stablecoin_transfer
