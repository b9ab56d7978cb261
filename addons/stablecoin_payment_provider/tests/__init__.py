from . import test_hostile_notification
from . import test_payment_provider
from . import test_ui
from . import test_wallet_checkout
from . import test_pay_now
from . import test_tron_pay_now
from . import test_settlement_hooks
from . import test_mandate_charge
