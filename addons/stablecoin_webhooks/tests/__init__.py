from . import test_webhooks
from . import test_invoice_events
