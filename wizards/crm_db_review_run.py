from odoo import fields, models


class CrmDbReviewRun(models.TransientModel):
    """Run the weekly review now, for one company."""

    _name = "crm.db.review.run"
    _description = "Run the Database Review"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    notify = fields.Boolean(
        string="Notify Managers and Deputy Director",
        default=True,
        help="Give each manager a to-do for their items and email the summary.",
    )

    def action_run(self):
        self.ensure_one()
        review = self.env["crm.db.review"].with_company(self.company_id)._run(self.company_id, notify=self.notify)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.db.review",
            "res_id": review.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
