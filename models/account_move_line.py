from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    service_period_start = fields.Date(
        string="Service From",
        copy=False,
        help="First day of the service period this line sells; with its end it sets how long "
        "the paid client stays reserved for the team.",
    )
    service_period_end = fields.Date(string="Service To", copy=False, index="btree_not_null")

    @api.constrains("service_period_start", "service_period_end")
    def _check_service_period(self):
        for line in self:
            start, end = line.service_period_start, line.service_period_end
            if start and end and end < start:
                raise ValidationError(
                    self.env._(
                        "Invoice line %(line)s: the service period ends before it starts.", line=line.display_name
                    )
                )
