from . import test_matching
from . import test_portal_payment
from . import test_fiat_pricing
from . import test_workspace
from . import test_hostile_input
from . import test_notifications
from . import test_compliance
