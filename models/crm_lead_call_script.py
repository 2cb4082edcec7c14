from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLeadCall(models.Model):
    """The script of a logged call follows the call (ST-10), and the call records the additional product the
    script has the caller offer (ST-18)."""

    _inherit = "crm.lead.call"

    # Additional product (ST-18)
    cross_sell_hint = fields.Text(related="script_id.cross_sell_hint", string="Offer Also")
    cross_sell_offered = fields.Boolean(
        string="Additional Product Offered", help="The caller offered an additional product, as the script says."
    )
    cross_sell_product_id = fields.Many2one(
        "product.product", string="Additional Product", help="The additional product offered to the client."
    )
    cross_sell_accepted = fields.Boolean(
        string="Additional Product Accepted", help="The client takes the additional product offered."
    )

    @api.constrains("cross_sell_offered", "cross_sell_product_id", "cross_sell_accepted")
    def _check_cross_sell(self):
        for call in self:
            if call.cross_sell_accepted and not (call.cross_sell_offered and call.cross_sell_product_id):
                raise ValidationError(
                    self.env._(
                        "The call about %(lead)s: an additional product the client accepts was offered first: tick "
                        "Additional Product Offered and name the product.",
                        lead=call.lead_id.display_name,
                    )
                )

    @api.onchange("lead_id", "direction", "user_id")
    def _onchange_playbook_script(self):
        """The script fits the call: its direction, the lead's channel and temperature, who calls (ST-10)."""
        if self.lead_id:
            self.script_id = self.env["crm.call.script"]._pick_for_call(self.lead_id, self.direction, self.user_id)
