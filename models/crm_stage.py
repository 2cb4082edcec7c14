from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    is_new_stage = fields.Boolean(
        string="Counts as New",
        help="Leads in this stage have not been contacted yet: their work status is New. "
        "Leaving such a stage for a stage without this flag takes the lead into work.",
    )
    playbook_step = fields.Selection(
        [("contact", "First Contact"), ("proposal", "Proposal"), ("meeting", "Meeting"), ("order", "Order")],
        help="The step of the sale this stage stands for: it decides the next steps the lead form offers "
        "(after first contact a proposal, meeting, order or refusal; after a proposal a meeting, order or "
        "refusal; after a meeting an order or refusal).",
    )
