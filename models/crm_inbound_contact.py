from odoo import api, fields, models

from .playbook_rules import CHANNELS

REQUEST_STATUSES = ("in_work", "won")


class CrmInboundContact(models.Model):
    """The secretary's log: one row per call or letter registered at the inbound desk (ST-1, ST-11)."""

    _name = "crm.inbound.contact"
    _description = "Registered Call or Letter"
    _order = "date desc, id desc"
    _rec_name = "caller_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, readonly=True)
    kind = fields.Selection([("call", "Call"), ("letter", "Letter")], required=True, readonly=True)
    channel = fields.Selection(CHANNELS, required=True, index=True, readonly=True)
    caller_name = fields.Char(string="Caller", readonly=True)
    operator_id = fields.Many2one(
        "res.users",
        string="Registered By",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    lead_id = fields.Many2one("crm.lead", index=True, readonly=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Client", index=True, readonly=True)
    new_client = fields.Boolean(
        readonly=True, index=True, help="The caller was not in the CRM before this call or letter."
    )
    lead_created = fields.Boolean(
        string="New Lead", readonly=True, help="The call or letter opened a new lead rather than adding to an open one."
    )
    # Read from the lead when asked, not stored: a stored copy would cost Odoo's lead assignment a query
    # per batch of leads it converts (crm's query-count tests guard that).
    became_request = fields.Boolean(
        string="Became a Request",
        compute="_compute_became_request",
        search="_search_became_request",
        help="Its lead was taken into work or won: a real request, not a question or a wrong number.",
    )
    forwarded_to_id = fields.Many2one("res.users", index=True, readonly=True)
    team_id = fields.Many2one("crm.team", index=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    question = fields.Text(readonly=True)

    @api.depends("lead_id.work_status")
    def _compute_became_request(self):
        for contact in self:
            contact.became_request = contact.lead_id.work_status in REQUEST_STATUSES

    def _search_became_request(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on became a request supports = and != True/False only."))
        if (operator == "=") == value:
            return [("lead_id.work_status", "in", REQUEST_STATUSES)]
        return ["|", ("lead_id", "=", False), ("lead_id.work_status", "not in", REQUEST_STATUSES)]

    @api.model
    def _playbook_demo_desk_log(self):
        """Demo data only: the desk's log rows of the demo's inbound calls and letters, registered by the demo
        operator, so that the operator's landing page shows the calls of the story (issue 20)."""
        operator = self.env.ref("crm_sales_playbook.user_operator", raise_if_not_found=False)
        if not operator:
            return
        demo_ids = self.env["ir.model.data"].search([("module", "=", "crm_sales_playbook"), ("model", "=", "crm.lead")])
        leads = self.env["crm.lead"].search(
            [
                ("id", "in", demo_ids.mapped("res_id")),
                ("channel", "in", ("inbound_call", "email")),
                ("id", "not in", self.search([("lead_id", "!=", False)]).lead_id.ids),
            ]
        )
        self.create(
            [
                {
                    "date": lead.date_received or lead.create_date,
                    "kind": "call" if lead.channel == "inbound_call" else "letter",
                    "channel": lead.channel,
                    "caller_name": lead.contact_name or lead.partner_id.name,
                    "operator_id": operator.id,
                    "lead_id": lead.id,
                    "partner_id": lead.partner_id.id,
                    "lead_created": True,
                    "forwarded_to_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "company_id": (lead.company_id or self.env.company).id,
                    "question": lead.name,
                }
                for lead in leads
            ]
        )
