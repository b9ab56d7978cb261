from . import main
from . import portal
from . import mandate
