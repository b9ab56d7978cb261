from . import test_sanctions_list
from . import test_compliance
from . import test_tron_compliance
from . import test_chain_sanctions
from . import test_kyc_migration
