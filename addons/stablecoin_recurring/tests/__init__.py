from . import test_recurring
