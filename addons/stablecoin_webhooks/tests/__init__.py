from . import test_webhooks
from . import test_invoice_events
from . import test_webhooks_pure
