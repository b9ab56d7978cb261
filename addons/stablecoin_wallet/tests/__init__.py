from . import test_stablecoin_network
from . import test_chain_watcher
from . import test_stablecoin_wallet
from . import test_rpc_faults
from . import test_tron
