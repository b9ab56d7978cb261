from . import stablecoin_webhook_event_type
from . import stablecoin_webhook_endpoint
from . import stablecoin_webhook_delivery
from . import stablecoin_webhook_attempt
from . import account_move
