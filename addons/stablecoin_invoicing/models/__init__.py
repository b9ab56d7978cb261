from . import res_company
from . import res_config_settings
from . import stablecoin_payment_request
from . import stablecoin_payment_claim
from . import account_move
from . import stablecoin_transfer
from . import stablecoin_wallet
from . import stablecoin_attestation
