from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get


class CrmTeam(models.Model):
    _inherit = "crm.team"

    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        compute="_compute_tz",
        store=True,
        readonly=False,
        help="Time zone in which the team works: lead dates and deadlines are shown in it. "
        "Defaults to the time zone of the company's working calendar.",
    )

    @api.depends("company_id")
    def _compute_tz(self):
        for team in self:
            if team.tz and team._origin.company_id == team.company_id:
                continue
            company = team.company_id or self.env.company
            team.tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"
