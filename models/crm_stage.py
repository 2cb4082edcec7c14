from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    is_new_stage = fields.Boolean(
        string="Counts as New",
        help="Leads in this stage have not been contacted yet: their work status is New. "
        "Leaving such a stage for a stage without this flag takes the lead into work.",
    )
