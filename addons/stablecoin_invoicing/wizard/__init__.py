from . import stablecoin_match_wizard
from . import stablecoin_compliance_decision
