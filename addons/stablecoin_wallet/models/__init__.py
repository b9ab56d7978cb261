from . import res_currency
from . import stablecoin_network_cursor
from . import stablecoin_network
from . import stablecoin_token
from . import stablecoin_wallet
from . import stablecoin_address
from . import account_journal
from . import stablecoin_transfer
