from . import test_devchain
from . import test_stablecoin_network
