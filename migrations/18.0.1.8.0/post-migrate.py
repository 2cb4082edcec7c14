"""18.0.1.8.0: a day's work that feels right, in Russian (issue 20). One small function per change."""

from odoo import SUPERUSER_ID, api


def stages_named_as_the_playbook(env):
    """The funnel's stages still read as Odoo names them in the installed languages («Новый», «Вона» in Russian):
    they get the playbook's names (Новая, Первый контакт, Коммерческое предложение, Встреча, Заказ и счёт,
    Завершена); a name an admin chose stays."""
    env["crm.stage"]._playbook_name_stages()


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    stages_named_as_the_playbook(env)
