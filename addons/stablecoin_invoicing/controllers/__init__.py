from . import portal
from . import recurring
