from odoo.addons.payment import reset_payment_provider, setup_provider

from . import const
from . import controllers
from . import models
from .upgrade import take_over_from_the_provider


def pre_init_hook(env):
    take_over_from_the_provider(env.cr)


def post_init_hook(env):
    for code in const.PROVIDER_CODES:
        setup_provider(env, code)


def uninstall_hook(env):
    for code in const.PROVIDER_CODES:
        reset_payment_provider(env, code)
