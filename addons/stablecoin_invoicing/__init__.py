from . import controllers
from . import wizard
from . import models
