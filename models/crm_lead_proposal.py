from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.i18n import format_list

from .approval import ask_approval, check_approver, decide_approval
from .notifications import notify_and_close
from .roles import refuse_workflow_writes


class CrmLeadProposal(models.Model):
    """A commercial proposal sent from a lead, approved first when the manager asks for it (EV-6)."""

    _name = "crm.lead.proposal"
    _description = "Commercial Proposal"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True, check_company=True)
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Client")
    team_id = fields.Many2one(related="lead_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    channel = fields.Selection(related="lead_id.channel", string="Origin", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Manager", default=lambda self: self.env.user, required=True, check_company=True
    )
    body = fields.Html(string="Message", sanitize=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    requires_approval = fields.Boolean(tracking=True)
    approver_id = fields.Many2one("res.users", tracking=True, domain="[('share', '=', False)]", check_company=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "Waiting for Approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("sent", "Sent"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    date_sent = fields.Datetime(string="Sent On", readonly=True, copy=False)

    @api.model
    def default_get(self, fields_list):
        """A new proposal starts from the letter template, in the client's language (else the user's), and its
        subject names the product and the company, never the lead's internal title (EV-6)."""
        defaults = super().default_get(fields_list)
        lead = self.env["crm.lead"].browse(defaults.get("lead_id")).exists()
        if lead:
            letter = lead._playbook_proposal_letter()
            for field in ("name", "body"):
                if field in fields_list and not defaults.get(field):
                    defaults[field] = letter[field]
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_writes(self, vals, self._workflow_buttons(), create=True)
        proposals = super().create(vals_list)
        proposals._check_attachments()
        proposals.filtered("approver_id")._check_approver({})
        return proposals

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._workflow_buttons())
        if set(vals) - {"message_main_attachment_id"}:
            self._check_editable()
        if {"approver_id", "requires_approval"} & set(vals):
            self._check_approver(vals)
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._check_attachments()
        return result

    def _workflow_buttons(self):
        return {
            "state": self.env._("use Send for Approval, Approve, Reject or Send to Client"),
            "date_sent": self.env._("Send to Client sets it"),
        }

    def _check_editable(self):
        """A sent proposal is history; one waiting for approval or approved is what the approver saw."""
        if self.env.su:
            return
        if any(proposal.state == "sent" for proposal in self):
            raise UserError(self.env._("A sent proposal is history: make a new one."))
        frozen = self.filtered(lambda proposal: proposal.state in ("to_approve", "approved"))
        if frozen:
            raise UserError(
                self.env._(
                    "Proposal %(name)s is %(state)s: what the approver saw cannot change. Make a new proposal.",
                    name=frozen[0].name,
                    state=dict(self._fields["state"]._description_selection(self.env))[frozen[0].state].lower(),
                )
            )

    def _check_approver(self, vals=None):
        check_approver(
            self,
            vals,
            approver_field="approver_id",
            author_field="user_id",
            requires_field="requires_approval",
            state_field="state",
            pending="to_approve",
        )

    def _check_attachments(self):
        """A proposal attaches only files its author may read: Send copies them to the client as the system."""
        if not self.env.su:
            # ir.attachment answers "may the user read the document it belongs to?" in check(), not check_access()
            self.attachment_ids.check("read")

    def action_request_approval(self):
        self.check_access("write")
        self._check_approver()
        for proposal in self:
            if not proposal.approver_id:
                raise UserError(self.env._("Choose who approves the proposal %(name)s.", name=proposal.name))
            if proposal.state not in ("draft", "rejected"):
                raise UserError(
                    self.env._(
                        "Proposal %(name)s is already %(state)s.",
                        name=proposal.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[proposal.state].lower(),
                    )
                )
            lead = proposal.lead_id
            ask_approval(
                proposal,
                state_field="state",
                pending="to_approve",
                approver=proposal.approver_id,
                kind="approve_proposal",
                link_field="proposal_id",
                lead=lead,
                team=lead.team_id,
                company=lead.company_id or self.env.company,
                name=self.env._("Approve the proposal %(name)s", name=proposal.name),
                note=self.env._(
                    "For %(client)s, from %(manager)s.",
                    client=lead.partner_id.display_name or lead.display_name,
                    manager=proposal.user_id.name,
                ),
            )
        return True

    def _decide(self, approve, reason=None):
        return decide_approval(
            self,
            approve,
            reason=reason,
            state_field="state",
            pending="to_approve",
            approver_field="approver_id",
            author_field="user_id",
            followup_field="proposal_id",
            kind="approve_proposal",
            not_pending=lambda proposal: self.env._(
                "Proposal %(name)s is not waiting for approval.", name=proposal.name
            ),
            not_approver=lambda proposal: self.env._(
                "Only %(approver)s may approve or reject the proposal %(name)s.",
                approver=proposal.approver_id.name,
                name=proposal.name,
            ),
        )

    def action_approve(self):
        return self._decide(True)

    def action_reject(self):
        """Reject asks for the reason first (EV-6)."""
        return self.env["crm.approval.reject"]._action_for(self)

    def action_send(self):
        self.check_access("write")
        self._check_attachments()
        for proposal in self:
            lead = proposal.lead_id
            if proposal.state == "sent":
                raise UserError(self.env._("Proposal %(name)s was already sent.", name=proposal.name))
            if not proposal.attachment_ids:
                raise UserError(self.env._("Attach the proposal itself before sending %(name)s.", name=proposal.name))
            if proposal.requires_approval and proposal.state != "approved":
                raise UserError(self.env._("Proposal %(name)s must be approved before it is sent.", name=proposal.name))
            if not lead.partner_id:
                raise UserError(
                    self.env._("Lead %(lead)s has no client contact to send the proposal to.", lead=lead.display_name)
                )
            lead._playbook_check_next_step("proposal")
            # sudo: the files (checked readable above) are copied onto the lead to go with the client's email
            attachments = proposal.attachment_ids.sudo().copy({"res_model": "crm.lead", "res_id": lead.id})
            lead.message_post(
                subject=proposal.name,
                body=proposal.body or proposal.name,
                partner_ids=lead.partner_id.ids,
                attachment_ids=attachments.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            # sudo: Send is the one step that marks the proposal sent
            proposal.sudo().write({"state": "sent", "date_sent": fields.Datetime.now()})
            proposal.message_post(body=proposal._playbook_sent_summary(), subtype_xmlid="mail.mt_note")
            lead._playbook_move_to_step("proposal")
        summary = "\n".join(self.mapped(lambda proposal: proposal._playbook_sent_summary()))
        if len(self) != 1:
            return notify_and_close(summary, self.env._("Proposal sent"))
        # Sending confirms what went to whom and names the next step (issue 20).
        return self.lead_id._playbook_next_step_notification(self.env._("Proposal sent"), summary)

    def _playbook_sent_summary(self):
        """What went to whom: the client's address, the subject and the files (EV-6)."""
        self.ensure_one()
        client = self.lead_id.partner_id
        return self.env._(
            'Sent to %(recipient)s: "%(subject)s", attached: %(files)s.',
            recipient=client.email_formatted or client.display_name,
            subject=self.name,
            files=format_list(self.env, self.attachment_ids.mapped("name")),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(proposal.state == "sent" for proposal in self) and not self.env.su:
            raise UserError(self.env._("A sent proposal is history: it cannot be deleted."))
