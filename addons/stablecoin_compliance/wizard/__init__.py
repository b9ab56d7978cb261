from . import stablecoin_sanctions_import
from . import stablecoin_compliance_decision
from . import stablecoin_kyc_verification
