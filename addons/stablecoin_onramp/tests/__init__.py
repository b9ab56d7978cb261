from . import test_onramp_bridge
from . import test_onramp_wire
from . import test_onramp_card
