from . import res_company
from . import res_config_settings
from . import stablecoin_quote
from . import account_move
from . import stablecoin_transfer
from . import stablecoin_attestation
