from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from . import roles, working_time
from .locking import run_batch
from .roles import refuse_workflow_writes

CLAIM_STEPS = [
    ("new", "New"),
    ("notified", "Client Notified"),
    ("legal", "Legal Review"),
    ("decision", "Decision"),
    ("execution", "Execution"),
    ("resolved", "Resolved"),
    ("rejected", "Claim Rejected"),
]
CLOSED_STEPS = ("resolved", "rejected")

# What a claim must hold before it enters a step (RC-4): each step needs what the steps before it needed.
_NOTIFIED = ("client_notified_at",)
_LEGAL = _NOTIFIED + ("responsible_id",)
# 3.4.8: once the claim is with the legal department, the manager names the employee responsible there.
_DECISION = _LEGAL + ("legal_user_id", "legal_evaluation")
_DECIDED = _DECISION + ("decision", "decision_by")
STEP_REQUIREMENTS = {
    "new": (),
    "notified": _NOTIFIED,
    "legal": _LEGAL,
    "decision": _DECISION,
    "execution": _DECIDED + ("measures",),
    "resolved": _DECIDED + ("measures", "client_decision_notified_at"),
    "rejected": _DECIDED + ("client_decision_notified_at",),
}


class CrmCustomerClaimStage(models.Model):
    """A stage of the claims kanban; its step tells which rule of the claim procedure applies (RC-4)."""

    _name = "crm.customer.claim.stage"
    _description = "Claim Stage"
    _order = "sequence, id"

    name = fields.Char(string="Stage Name", required=True, translate=True)
    sequence = fields.Integer(default=10)
    step = fields.Selection(
        CLAIM_STEPS,
        required=True,
        default="new",
        help="The step of the claim procedure this stage stands for: it decides what a "
        "claim must hold to enter the stage.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(compute="_compute_is_closed", store=True)
    description = fields.Text(translate=True, help="What happens to a claim in this stage.")

    @api.depends("step")
    def _compute_is_closed(self):
        for stage in self:
            stage.is_closed = stage.step in CLOSED_STEPS


class CrmCustomerClaim(models.Model):
    """A client's claim (рекламация) handled by the procedure RC-4, with the form of RC-6."""

    _name = "crm.customer.claim"
    _description = "Customer Claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0", tracking=True)
    # The claim form (RC-6)
    date = fields.Datetime(
        string="Claim Date",
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        help="When the client made the claim: the notice deadline counts from here.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Manager",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        check_company=True,
        help="The manager who took the claim from the client.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client Company", required=True, tracking=True, index=True, check_company=True
    )
    contact_id = fields.Many2one(
        "res.partner", string="Contact Person", domain="[('id', 'child_of', partner_id)]", check_company=True
    )
    essence = fields.Text(string="Essence of the Claim", required=True, tracking=True)
    client_demand = fields.Text(string="What the Client Demands")
    manager_proposal = fields.Text(string="What the Manager Proposed")
    talk_result = fields.Selection(
        [("resolved", "Resolved at Once"), ("more_time", "More Time Needed")],
        string="Result of the Talk",
        required=True,
        default="more_time",
        tracking=True,
    )
    filled_at = fields.Datetime(
        string="Form Filled At", required=True, readonly=True, default=fields.Datetime.now, copy=False
    )
    # What it is about
    lead_id = fields.Many2one("crm.lead", index=True, check_company=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", index=True, check_company=True)
    invoice_id = fields.Many2one(
        "account.move", check_company=True, domain="[('move_type', 'in', ('out_invoice', 'out_refund'))]"
    )
    complaint_id = fields.Many2one("crm.quality.complaint", string="From Complaint", readonly=True, copy=False)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self.env.user.sale_team_id,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    # Procedure (RC-4)
    stage_id = fields.Many2one(
        "crm.customer.claim.stage",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
        ondelete="restrict",
    )
    step = fields.Selection(related="stage_id.step", store=True, index=True)
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    director_notified_at = fields.Datetime(string="Deputy Director Notified", readonly=True, copy=False)
    director_second_notified_at = fields.Datetime(
        string="Deputy Director Notified Again",
        readonly=True,
        copy=False,
        help="When the deputy director was told that the client heard the claim is being clarified and that the "
        "claim goes to the legal department (001, 3.4.6).",
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Responsible Employee",
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        check_company=True,
        help="Named by the deputy director: sees the claim through.",
    )
    client_notified_at = fields.Datetime(
        string="Client Told: Being Clarified",
        tracking=True,
        copy=False,
        help="When the client was told that every aspect of the claim is being clarified.",
    )
    legal_user_id = fields.Many2one(
        "res.users", string="Legal Reviewer", tracking=True, domain="[('share', '=', False)]", check_company=True
    )
    legal_evaluation = fields.Text(tracking=True, help="The legal department's evaluation of the claim.")
    decision = fields.Text(tracking=True)
    decision_by = fields.Selection(
        [("deputy_director", "Deputy Director"), ("legal", "Legal Department"), ("director", "Director")],
        string="Decided By",
        tracking=True,
    )
    decision_date = fields.Datetime(string="Decided On", readonly=True, copy=False)
    decision_user_id = fields.Many2one(
        "res.users",
        string="Decision Entered By",
        readonly=True,
        copy=False,
        check_company=True,
        help="Who wrote the decision down.",
    )
    measures = fields.Text(tracking=True, help="What is done to remove the cause of the claim.")
    client_decision_notified_at = fields.Datetime(
        string="Client Told: Decision",
        tracking=True,
        copy=False,
        help="When the client was told the decision and the measures.",
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    # The notice deadline: the client is told within N hours (RC-4)
    notice_deadline = fields.Datetime(
        compute="_compute_notice_deadline",
        store=True,
        readonly=True,
        copy=False,
        help="The client must be told by then that the claim is being clarified.",
    )
    notice_escalated_at = fields.Datetime(string="Notice Escalated On", readonly=True, copy=False)
    notice_on_time = fields.Boolean(compute="_compute_notice_on_time", store=True, string="Notice on Time")
    notice_breached = fields.Boolean(
        compute="_compute_notice_state", search="_search_notice_breached", string="Notice Late"
    )
    notice_remaining = fields.Char(compute="_compute_notice_state", string="Notice Time Left")
    notice_urgency = fields.Selection(
        [("ok", "On Time"), ("soon", "Due Soon"), ("late", "Late")], compute="_compute_notice_state"
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A claim reference is unique in its company."),
    ]

    def init(self):
        # The escalation cron looks only at claims whose client was not told yet and not escalated.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS crm_customer_claim_notice_due_idx ON %s (notice_deadline) "
                "WHERE client_notified_at IS NULL AND notice_escalated_at IS NULL",
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _default_stage(self):
        return self.env["crm.customer.claim.stage"].search([("step", "=", "new")], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # Every stage is a column, empty or not: the procedure reads left to right.
        return stages.search([("step", "!=", False)], order=stages._order)

    # Computes ---------------------------------------------------------------

    @api.depends("date", "team_id", "company_id")
    def _compute_notice_deadline(self):
        for claim in self:
            claim.notice_deadline = claim.date and claim._plan_notice_deadline()

    def _plan_notice_deadline(self):
        """The claim date plus the company's notice hours, in clock hours or on the working calendar."""
        self.ensure_one()
        company = self.company_id or self.env.company
        hours = company.playbook_claim_notice_hours or 24
        if company.playbook_claim_notice_mode != "working":
            return self.date + timedelta(hours=hours)
        return self.team_id._playbook_add_working_time(self.date, hours * 60, company)

    @api.depends("client_notified_at", "notice_deadline")
    def _compute_notice_on_time(self):
        for claim in self:
            claim.notice_on_time = bool(
                claim.client_notified_at and claim.notice_deadline and claim.client_notified_at <= claim.notice_deadline
            )

    @api.depends("client_notified_at", "notice_deadline", "is_closed")
    @api.depends_context("uid")
    def _compute_notice_state(self):
        now = fields.Datetime.now()
        texts = working_time.time_left_texts(self.env)
        for claim in self:
            waiting = claim.notice_deadline and not claim.client_notified_at and not claim.is_closed
            left = (claim.notice_deadline - now) if waiting else None
            claim.notice_breached = bool(
                (left is not None and left.total_seconds() < 0)
                or (
                    claim.client_notified_at
                    and claim.notice_deadline
                    and claim.client_notified_at > claim.notice_deadline
                )
            )
            claim.notice_urgency = (
                False
                if left is None
                else ("late" if left.total_seconds() < 0 else "soon" if left.total_seconds() <= 3 * 3600 else "ok")
            )
            claim.notice_remaining = left is not None and working_time.format_time_left(self.env, left, texts)

    def _search_notice_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on a late notice supports = and != True/False only."))
        now = fields.Datetime.now()
        self.flush_model(["client_notified_at", "notice_deadline", "is_closed"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE (client_notified_at IS NULL AND NOT COALESCE(is_closed, FALSE) "
                "AND notice_deadline < %s) OR client_notified_at > notice_deadline",
                SQL.identifier(self._table),
                now,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        lead = self.lead_id
        if lead:
            if lead.partner_id:
                self.partner_id = lead.partner_id.commercial_partner_id
                if lead.partner_id != self.partner_id:
                    self.contact_id = lead.partner_id
            self.team_id = lead.team_id or self.team_id
            self.company_id = lead.company_id or self.company_id

    @api.onchange("order_id")
    def _onchange_order_id(self):
        order = self.order_id
        if order:
            self.partner_id = order.partner_id.commercial_partner_id
            if order.partner_id != self.partner_id:
                self.contact_id = order.partner_id
            self.team_id = order.team_id or self.team_id
            self.lead_id = self.lead_id or order.opportunity_id
            self.invoice_id = (
                self.invoice_id
                or order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")[
                    :1
                ]
            )

    # CRUD -------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        buttons = self._workflow_buttons()
        for vals in vals_list:
            refuse_workflow_writes(self, vals, buttons, create=True)
            self._check_decision_rights(
                {key: value for key, value in vals.items() if value},
                self.env["res.company"].browse(vals.get("company_id")),
            )
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = Sequence.with_company(company).next_by_code("crm.customer.claim") or "/"
            if vals.get("talk_result") == "resolved" and not vals.get("client_notified_at"):
                # Settled in the talk: the client heard the answer right then.
                vals["client_notified_at"] = vals.get("filled_at") or fields.Datetime.now()
        claims = super().create(vals_list)
        for claim in claims:
            claim._check_step(claim.step)
        claims._subscribe_people()
        claims._notify_deputy_director()
        claims._wake_notice_cron()
        return claims

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._workflow_buttons())
        for company in self.company_id:
            self._check_decision_rights(vals, company)
        if vals.get("decision"):
            vals = dict(vals, decision_date=fields.Datetime.now(), decision_user_id=self.env.uid)
        stage = self.env["crm.customer.claim.stage"].browse(vals["stage_id"]) if vals.get("stage_id") else None
        if stage:
            moving = self.filtered(lambda claim: claim.stage_id != stage)
            if stage.step == "notified":
                moving.filtered(lambda claim: not claim.client_notified_at).write(
                    {"client_notified_at": fields.Datetime.now()}
                )
        result = super().write(vals)
        if stage:
            for claim in moving:
                claim._check_step(stage.step)
            moving._on_step(stage.step)
        elif set(vals) & {name for names in STEP_REQUIREMENTS.values() for name in names}:
            for claim in self:
                claim._check_step(claim.step)
        if {"responsible_id", "user_id", "legal_user_id"} & set(vals):
            self._subscribe_people()
        if {"date", "team_id", "company_id"} & set(vals):
            self._wake_notice_cron()
        return result

    # Procedure ----------------------------------------------------------------

    def _workflow_buttons(self):
        return {
            "director_notified_at": self.env._("registering the claim sets it"),
            "director_second_notified_at": self.env._("Send to Legal sets it"),
            "notice_escalated_at": self.env._("the escalation of late notices sets it"),
            "decision_date": self.env._("writing the decision sets it"),
            "decision_user_id": self.env._("writing the decision sets it"),
            "date_closed": self.env._("use Resolve or Reject"),
            "complaint_id": self.env._("Turn into Claim on the complaint sets it"),
            "filled_at": self.env._("registering the claim sets it"),
        }

    @api.model
    def _check_decision_rights(self, vals, company):
        """The legal department evaluates a claim; the deputy director, the legal department or the director
        (a CRM administrator) decides it (RC-4). The manager and the responsible employee do neither."""
        if self.env.su:
            return
        user = self.env.user
        if "legal_evaluation" in vals and not user._playbook_is_legal():
            raise AccessError(self.env._("Only the legal department writes the legal evaluation of a claim."))
        deciders = (company or self.env.company)._playbook_deputy_directors()
        if {"decision", "decision_by"} & set(vals) and not (user._playbook_is_legal() or user in deciders):
            raise AccessError(
                self.env._(
                    "The deputy director, the legal department or the director decides a "
                    "claim: %(user)s may not write its decision.",
                    user=user.name,
                )
            )

    def _check_step(self, step):
        """Refuse a claim that lacks what its step needs, naming what is missing."""
        self.ensure_one()
        missing = [
            self._fields[name].get_description(self.env)["string"]
            for name in STEP_REQUIREMENTS.get(step, ())
            if not self[name]
        ]
        if missing:
            step_label = dict(self._fields["step"]._description_selection(self.env))[step]
            raise ValidationError(
                self.env._(
                    'Claim %(claim)s cannot be in the step "%(step)s" without: %(missing)s.',
                    claim=self.name,
                    step=step_label,
                    missing=", ".join(missing),
                )
            )

    def _on_step(self, step):
        now = fields.Datetime.now()
        # sudo: the closing date is the step's own record
        closing = self.sudo()
        if step in CLOSED_STEPS:
            closing.filtered(lambda claim: not claim.date_closed).write({"date_closed": now})
        else:
            closing.filtered("date_closed").write({"date_closed": False})
        if step == "legal":
            self._notify_deputy_director_again()
            self._send_to_legal()
        elif step == "execution":
            for claim in self:
                claim.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=claim.responsible_id.id,
                    date_deadline=fields.Date.context_today(self),
                    summary=self.env._("Control the execution of claim %(claim)s", claim=claim.name),
                    note=claim.measures,
                )

    def _subscribe_people(self):
        for claim in self:
            users = (claim.user_id | claim.responsible_id | claim.legal_user_id).filtered("active")
            claim.message_subscribe(partner_ids=users.partner_id.ids)

    def _deputy_directors(self):
        self.ensure_one()
        return (self.company_id or self.env.company)._playbook_deputy_directors()

    def _notify_deputy_director(self):
        """Tell the deputy director of a new claim and ask for a responsible employee (RC-4)."""
        for claim in self:
            directors = claim._deputy_directors()
            link = Markup('<a href="/odoo/crm.customer.claim/%s">%s</a>') % (claim.id, claim.name)
            claim.message_post(
                body=Markup("%s %s") % (self.env._("New claim from %(client)s:", client=claim.partner_id.name), link)
                + Markup("<br/>")
                + claim.essence,
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
                partner_ids=directors.partner_id.ids,
            )
            if not claim.responsible_id:
                for director in directors:
                    claim.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=director.id,
                        date_deadline=fields.Date.context_today(self),
                        summary=self.env._("Name the responsible employee of claim %(claim)s", claim=claim.name),
                    )
            claim.sudo().director_notified_at = fields.Datetime.now()  # sudo: the notice's own record

    def _notify_deputy_director_again(self):
        """The second notice of the claim procedure (RC-8; 001, 3.4.6): before the claim goes to the legal
        department, the deputy director hears that the client was told and who is responsible. Once per claim."""
        for claim in self.filtered(lambda claim: not claim.director_second_notified_at):
            directors = claim._deputy_directors()
            link = Markup('<a href="/odoo/crm.customer.claim/%s">%s</a>') % (claim.id, claim.name)
            note = self.env._(
                "The client %(client)s was told on %(told)s that the claim is being clarified; the claim goes to the "
                "legal department for evaluation. Responsible employee: %(responsible)s.",
                client=claim.partner_id.name,
                told=working_time.format_local(
                    claim.client_notified_at, claim.team_id._playbook_working_time(claim.company_id)[1], self.env
                ),
                responsible=claim.responsible_id.name,
            )
            claim.message_post(
                body=Markup("%s %s<br/>%s") % (self.env._("Claim to legal evaluation:"), link, note),
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
                partner_ids=directors.partner_id.ids,
            )
            claim.sudo().director_second_notified_at = fields.Datetime.now()  # sudo: the notice's own record

    def _send_to_legal(self):
        for claim in self:
            company = claim.company_id
            legal = claim.legal_user_id or self.env["res.users"]._playbook_users_of(roles.LEGAL, company)
            for user in legal:
                claim.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    date_deadline=fields.Date.context_today(self),
                    summary=self.env._("Evaluate claim %(claim)s", claim=claim.name),
                    note=claim.essence,
                )
            claim.message_post(
                body=self.env._("Sent to the legal department for evaluation."),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
                partner_ids=legal.partner_id.ids,
            )

    def _move_to_step(self, step):
        stage = self.env["crm.customer.claim.stage"].search([("step", "=", step)], limit=1)
        if not stage:
            raise UserError(self.env._("No claim stage stands for this step: add one in the configuration."))
        self.write({"stage_id": stage.id})
        return True

    def action_client_notified(self):
        """The client was told that every aspect of the claim is being clarified."""
        for claim in self.filtered(lambda claim: not claim.client_notified_at):
            claim.client_notified_at = fields.Datetime.now()
        return self.filtered(lambda claim: claim.step == "new")._move_to_step("notified")

    def action_send_to_legal(self):
        return self._move_to_step("legal")

    def action_to_decision(self):
        return self._move_to_step("decision")

    def action_start_execution(self):
        return self._move_to_step("execution")

    def action_client_told_decision(self):
        self.filtered(lambda claim: not claim.client_decision_notified_at).write(
            {"client_decision_notified_at": fields.Datetime.now()}
        )
        return True

    def action_resolve(self):
        return self._move_to_step("resolved")

    def action_reject(self):
        return self._move_to_step("rejected")

    # Notice escalation --------------------------------------------------------

    def _wake_notice_cron(self):
        cron = self.env.ref("crm_sales_playbook.crm_customer_claim_cron_notice", raise_if_not_found=False)
        due = sorted(
            {claim.notice_deadline for claim in self if claim.notice_deadline and not claim.client_notified_at}
        )
        if cron and due:
            cron._trigger(at=due)

    @api.model
    def _cron_escalate_notice(self, batch_size=200):
        """Tell the deputy director once of each claim whose client was not told in time (RC-4)."""
        domain = [
            ("client_notified_at", "=", False),
            ("notice_escalated_at", "=", False),
            ("notice_deadline", "<=", fields.Datetime.now()),
            ("is_closed", "=", False),
        ]
        escalated = []
        run_batch(
            self,
            domain,
            lambda claim: escalated.append(claim._escalate_notice() or claim),
            job="escalate late claim notices",
            order="notice_deadline, id",
            batch_size=batch_size,
            condition=SQL("client_notified_at IS NULL AND notice_escalated_at IS NULL"),
        )
        return self.union(*escalated)

    def _escalate_notice(self):
        self.ensure_one()
        self.notice_escalated_at = fields.Datetime.now()
        directors = self._deputy_directors()
        hours = (self.company_id or self.env.company).playbook_claim_notice_hours or 24
        summary = self.env._("Client not told of claim %(claim)s in time", claim=self.name)
        note = self.env._(
            "%(client)s was to be told within %(hours)s hours that the claim is being clarified; "
            "the deadline passed. Manager: %(manager)s.",
            client=self.partner_id.name,
            hours=hours,
            manager=self.user_id.name,
        )
        for director in directors:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=director.id,
                date_deadline=fields.Date.context_today(self),
                summary=summary,
                note=note,
            )
        self.message_post(
            body=Markup("%s. %s") % (summary, note),
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
            partner_ids=directors.partner_id.ids,
        )

    # Printing -------------------------------------------------------------------

    def action_print_form(self):
        return self.env.ref("crm_sales_playbook.action_report_customer_claim").report_action(self)
