from odoo import api, fields, models

SCRIPT_PURPOSES = [
    ("operator_inbound", "Operator: Inbound Call"),
    ("operator_web_request", "Operator: Call about a Web Request"),
    ("manager_inbound", "Manager: Inbound Call"),
    ("callback_individual", "Callback to an Individual"),
    ("after_letter", "Call after a Letter"),
    ("cold_call", "Cold Call"),
    ("regular_customer", "Regular-Customer Call"),
    ("quality_control", "Quality-Control Call"),
]
# After this many refusals in one call the script says to stop (ST-10).
REFUSAL_LIMIT = 3


class CrmCallObjection(models.Model):
    """A client's objection and how to answer it: agreement, counter-argument, question (ST-10)."""

    _name = "crm.call.objection"
    _description = "Client Objection"
    _order = "sequence, id"

    name = fields.Char(
        string="Objection", required=True, translate=True, help='What the client says, e.g. "I\'ll think about it".'
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    agreement = fields.Text(translate=True, help="First agree with the client.")
    counter_argument = fields.Text(
        string="Counter-Argument", translate=True, help="Then give the argument that answers the objection."
    )
    question = fields.Text(translate=True, help="End with a question that moves the talk on.")
    examples = fields.Html(string="Example Answers", translate=True)


class CrmCallScript(models.Model):
    """What to say in a call of a given purpose, with its branches and the objections it expects (ST-10, LG-5)."""

    _name = "crm.call.script"
    _description = "Call Script"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    purpose = fields.Selection(SCRIPT_PURPOSES, required=True, index=True)
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], help="Leave empty for calls in both directions."
    )
    customer_type = fields.Selection(
        [("person", "Individual"), ("company", "Legal Entity")],
        string="Client Type",
        help="Leave empty for every client.",
    )
    channel = fields.Selection(
        selection=lambda self: self.env["crm.lead"]._fields["channel"].selection, help="Leave empty for every channel."
    )
    company_id = fields.Many2one("res.company", help="Leave empty for every company.")
    body = fields.Html(
        string="Script",
        translate=True,
        sanitize=True,
        help="What to say, with its branches: is it convenient to talk? yes → ..., no → ask when to call back.",
    )
    objection_ids = fields.Many2many("crm.call.objection", string="Expected Objections")

    @api.model
    def _find_for(self, purpose, direction=False, customer_type=False, channel=False, company=None):
        """The most specific active script for a call's context, or an empty recordset."""
        company = company or self.env.company
        candidates = self.search([("purpose", "=", purpose), ("company_id", "in", [False, company.id])])
        context = {"direction": direction, "customer_type": customer_type, "channel": channel}
        fitting = candidates.filtered(
            lambda script: all(not script[field] or script[field] == value for field, value in context.items())
        )
        return max(
            fitting,
            key=lambda script: (
                sum(bool(script[field]) for field in context),
                bool(script.company_id),
                -script.sequence,
                -script.id,
            ),
            default=self.browse(),
        )
