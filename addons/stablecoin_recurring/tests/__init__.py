from . import test_recurring
from . import test_recurrence_pure
