from . import test_matching
from . import test_portal_payment
