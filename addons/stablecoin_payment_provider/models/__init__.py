from . import account_move
from . import account_move_autopay
from . import payment_provider
from . import payment_token
from . import payment_transaction
from . import stablecoin_recurring_invoice
from . import stablecoin_reminder_step
from . import stablecoin_transfer
