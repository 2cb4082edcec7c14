from odoo import api, fields, models

from .playbook_rules import TEMPERATURES

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
# Who makes the call: the call center (operator, secretary) or sales (salesperson, manager).
CALLER_ROLES = [("operator", "Operator / Secretary"), ("sales", "Salesperson / Manager")]
# What a script may be limited to. A script that names a different caller or direction never fits; one that
# names a different client type, channel or temperature fits only when no script of the call's purposes does.
HARD_FILTERS = ("direction", "role")
SOFT_FILTERS = ("customer_type", "channel", "temperature")


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
    role = fields.Selection(CALLER_ROLES, string="Who Calls", help="Leave empty for every caller.")
    temperature = fields.Selection(TEMPERATURES, help="Leave empty for leads of every temperature.")
    company_id = fields.Many2one("res.company", help="Leave empty for every company.")
    body = fields.Html(
        string="Script",
        translate=True,
        sanitize=True,
        help="What to say, with its branches: is it convenient to talk? yes → ..., no → ask when to call back.",
    )
    objection_ids = fields.Many2many("crm.call.objection", string="Expected Objections")
    # Additional product (ST-18)
    cross_sell_hint = fields.Text(
        string="Additional Product to Offer",
        translate=True,
        help="What to offer with the product the client asks for; the logged call records whether it was offered "
        "and taken.",
    )
    cross_sell_product_ids = fields.Many2many(
        "product.product",
        "crm_call_script_cross_sell_product_rel",
        string="Products to Offer",
        help="Products the script suggests as the additional product.",
    )

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

    @api.model
    def _pick_for_call(self, lead, direction, user=None):
        """The script for a call about ``lead`` in ``direction`` made by ``user`` (default: the current user).

        The call's purposes follow from its direction, who calls and the lead (``_purposes_for``). Among the
        active scripts of those purposes that fit the caller and direction, the pick is the one that fits the
        client type, the lead's channel and temperature best: a script fitting all of them first, then the
        earlier purpose, the more specific script, the company's own, the lower sequence (ST-10).
        """
        user = user or self.env.user
        role = "operator" if user._playbook_is_operator() else "sales"
        client = lead.partner_id.commercial_partner_id
        values = {
            "direction": direction,
            "role": role,
            "customer_type": "company" if client.is_company or lead.partner_name else "person",
            "channel": lead.channel,
            "temperature": lead.temperature,
        }
        purposes = self._purposes_for(lead, direction, role)
        company = lead.company_id or self.env.company
        scripts = self.search([("purpose", "in", purposes), ("company_id", "in", [False, company.id])]).filtered(
            lambda script: all(not script[name] or script[name] == values[name] for name in HARD_FILTERS)
        )

        def rank(script):
            misses = sum(bool(script[name]) and script[name] != values[name] for name in SOFT_FILTERS)
            matches = sum(script[name] == values[name] for name in HARD_FILTERS + SOFT_FILTERS)
            return (
                -misses,
                -purposes.index(script.purpose),
                matches,
                bool(script.company_id),
                -script.sequence,
                -script.id,
            )

        return max(scripts, key=rank, default=self.browse())

    @api.model
    def _purposes_for(self, lead, direction, role):
        """The script purposes that fit a call, best first (ST-10): the secretary takes inbound calls and
        confirms requests; sales answer inbound calls and call back, with the cold-call, regular-customer and
        after-letter scripts where the lead calls for them."""
        if direction == "inbound":
            if role == "operator":
                return ["operator_inbound"]
            regular = lead.partner_id.commercial_partner_id.playbook_is_regular
            return ["regular_customer"] * regular + ["manager_inbound"]
        if role == "operator":
            return ["cold_call"] * (lead.temperature == "cold") + ["operator_web_request"]
        purposes = []
        if lead.partner_id.commercial_partner_id.playbook_is_regular:
            purposes.append("regular_customer")
        if lead.temperature == "cold":
            purposes.append("cold_call")
        if self._letter_sent(lead):
            purposes.append("after_letter")
        return purposes + ["callback_individual"]

    @api.model
    def _letter_sent(self, lead):
        """Whether the last step with the client was a letter: materials sent in the last logged call, or a
        proposal sent after it. The next call is then the call after the letter (003, script 5)."""
        # sudo: only whether a letter went out is read, to pick the script; nothing is shown
        Call, Proposal = self.env["crm.lead.call"].sudo(), self.env["crm.lead.proposal"].sudo()
        last_call = Call.search([("lead_id", "=", lead.id)], limit=1)
        if last_call.result == "materials_sent":
            return True
        sent = Proposal.search([("lead_id", "=", lead.id), ("state", "=", "sent")], order="date_sent desc", limit=1)
        return bool(sent) and (not last_call or sent.date_sent >= last_call.date)
