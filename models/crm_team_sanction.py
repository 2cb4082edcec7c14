"""The sanctions sales support imposes on a team (PP-15, PP-17; Kontur §9, §10).

A sanction is the record of one measure: a lead or a client moved to another team, an exclusion from lead
distribution until a date or for good, a ban on selling a product for a period, a fine. Exclusions and bans
take effect through the team (``crm.team.playbook_excluded_*``) and the lead's product-ban check
(``crm_lead_sanction.py``) while the sanction is in force; lifting, cancelling or ending it lifts them.
A team may contest a sanction; sales support decides each dispute case by case (§10.1).
"""

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from . import roles
from .locking import run_batch
from .roles import check_allowed_companies, refuse_workflow_writes

SANCTION_KINDS = [
    ("lead_moved", "Lead Moved to Another Team"),
    ("excluded_until", "Excluded from Distribution Until a Date"),
    ("excluded_forever", "Excluded from Distribution for Good"),
    ("client_moved", "Client Moved to Another Team"),
    ("product_ban", "Ban on Selling a Product"),
    ("fine", "Fine"),
]
SANCTION_STATES = [
    ("active", "Active"),
    ("contested", "Contested"),
    ("upheld", "Upheld"),
    ("lifted", "Lifted"),
    ("cancelled", "Cancelled"),
    ("ended", "Ended"),
]
IN_FORCE = ("active", "contested", "upheld")
EXCLUSIONS = ("excluded_until", "excluded_forever")
# Context key of the writes that carry a sanction onto its team: those are not new sanctions.
SYNC = "playbook_sanction_sync"


class CrmTeamSanction(models.Model):
    _name = "crm.team.sanction"
    _description = "Team Sanction"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _sql_constraints = [
        ("amount_not_negative", "CHECK (amount >= 0)", "A fine cannot be negative."),
        (
            "dates_in_order",
            "CHECK (date_to IS NULL OR date_to >= date_from)",
            "A sanction cannot end before it starts.",
        ),
    ]

    # What
    team_id = fields.Many2one(
        "crm.team", required=True, index=True, tracking=True, check_company=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    kind = fields.Selection(SANCTION_KINDS, required=True, tracking=True)
    product_id = fields.Many2one(
        "product.product",
        tracking=True,
        check_company=True,
        help="The product the team may not sell while the ban is in force.",
    )
    partner_id = fields.Many2one("res.partner", string="Client", tracking=True, check_company=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Fine Amount", tracking=True, help="The fine, in the company's currency.")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today, tracking=True)
    date_to = fields.Date(
        string="Until",
        tracking=True,
        help="The last day the exclusion or ban holds; the daily job ends the sanction after it.",
    )
    # Why
    reason = fields.Text(required=True, tracking=True)
    breach_ids = fields.Many2many("crm.sla.breach", string="Missed Deadlines", check_company=True)
    lead_ids = fields.Many2many("crm.lead", string="Leads", check_company=True)
    decided_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
        help="Who of sales support decided the sanction; empty when the playbook imposed it by its rule.",
    )
    automatic = fields.Boolean(string="Imposed by Rule", readonly=True, copy=False)
    # Status and dispute (§10)
    state = fields.Selection(SANCTION_STATES, required=True, default="active", tracking=True, copy=False, index=True)
    in_force = fields.Boolean(compute="_compute_in_force", search="_search_in_force")
    contest_reason = fields.Text(string="Why Contested", readonly=True, copy=False, tracking=True)
    contested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    contested_on = fields.Datetime(readonly=True, copy=False)
    decision_comment = fields.Text(string="Decision", readonly=True, copy=False, tracking=True)
    decision_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_on = fields.Datetime(string="Decided On", readonly=True, copy=False)
    ended_on = fields.Date(readonly=True, copy=False)

    @api.depends("team_id")
    def _compute_company_id(self):
        for sanction in self:
            sanction.company_id = sanction.team_id.company_id or sanction.company_id or self.env.company

    @api.depends("state", "date_from", "date_to")
    @api.depends_context("date")
    def _compute_in_force(self):
        today = fields.Date.context_today(self)
        for sanction in self:
            sanction.in_force = (
                sanction.state in IN_FORCE
                and sanction.date_from <= today
                and (not sanction.date_to or sanction.date_to >= today)
            )

    def _search_in_force(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on a sanction in force supports = and != True/False only."))
        today = fields.Date.context_today(self)
        domain = [
            ("state", "in", IN_FORCE),
            ("date_from", "<=", today),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", today),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("kind", "team_id", "date_from")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for sanction in self:
            sanction.display_name = f"{kinds.get(sanction.kind, '')}: {sanction.team_id.display_name or ''}"

    @api.constrains("kind", "product_id", "date_to", "amount")
    def _check_kind_details(self):
        for sanction in self:
            problem = sanction._playbook_missing_detail()
            if problem:
                raise ValidationError(
                    self.env._("Sanction %(sanction)s: %(problem)s", sanction=sanction.display_name, problem=problem)
                )

    def _playbook_missing_detail(self):
        """What this kind of sanction needs and lacks, or False."""
        self.ensure_one()
        if self.kind == "product_ban" and not (self.product_id and self.date_to):
            return self.env._("a ban on selling a product names the product and the day it ends.")
        if self.kind == "excluded_until" and not self.date_to:
            return self.env._("an exclusion until a date needs that date.")
        if self.kind == "fine" and self.amount <= 0:
            return self.env._("a fine needs its amount.")
        return False

    @api.model_create_multi
    def create(self, vals_list):
        self._check_playbook_support()
        buttons = self._playbook_workflow_buttons()
        for vals in vals_list:
            refuse_workflow_writes(self, vals, buttons, create=True)
        sanctions = super().create(vals_list)
        if "product_ban" in sanctions.mapped("kind"):
            self.env.registry.clear_cache()  # ``_playbook_banning_team_ids``
        check_allowed_companies(self.env, sanctions.company_id, ", ".join(sanctions.mapped("display_name")))
        sanctions._playbook_tell_team()
        if not self.env.context.get(SYNC):
            sanctions.filtered(lambda sanction: sanction.kind in EXCLUSIONS).team_id._playbook_sync_exclusion()
        return sanctions

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._playbook_workflow_buttons())
        exclusions = self.filtered(lambda sanction: sanction.kind in EXCLUSIONS)
        bans = {"kind", "state", "team_id"} & set(vals) and "product_ban" in self.mapped("kind") + [vals.get("kind")]
        result = super().write(vals)
        if bans:
            self.env.registry.clear_cache()  # ``_playbook_banning_team_ids``
        if not self.env.context.get(SYNC) and {"kind", "team_id", "date_to", "state"} & set(vals):
            exclusions |= self.filtered(lambda sanction: sanction.kind in EXCLUSIONS)
            exclusions.team_id._playbook_sync_exclusion()
        return result

    @api.model
    @tools.ormcache()
    def _playbook_banning_team_ids(self):
        """The teams with a product ban in force or yet to start, whatever its dates: only their leads are looked
        up for a ban. Kept per worker (a lead's create asks at every request); creating a ban or changing one's
        kind, state or team clears it in every worker."""
        self.flush_model(["kind", "state", "team_id"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT team_id FROM crm_team_sanction WHERE kind = 'product_ban' AND state IN %s",
                IN_FORCE,
            )
        )
        return tuple(sorted(row[0] for row in self.env.cr.fetchall()))

    def _playbook_workflow_buttons(self):
        decide = self.env._("use Decide on a contested sanction")
        contest = self.env._("use Contest")
        return {
            "state": self.env._("use Contest, Decide or Lift; the daily job ends expired sanctions"),
            "automatic": self.env._("the playbook sets it on the sanctions it imposes"),
            "contest_reason": contest,
            "contested_by_id": contest,
            "contested_on": contest,
            "decision_comment": decide,
            "decision_by_id": decide,
            "decision_on": decide,
            "ended_on": self.env._("Lift, a cancelling decision or the daily job sets it"),
        }

    def _check_playbook_support(self):
        """Sales support decides sanctions and disputes (9.4); CRM administrators too."""
        if not (self.env.su or self.env.user._playbook_is_support()):
            raise AccessError(self.env._("Only sales support may impose, lift or decide a sanction (Kontur 9.4)."))

    # Buttons ---------------------------------------------------------------------------------------

    def action_open_contest(self):
        return self._playbook_wizard("crm.team.sanction.contest", self.env._("Contest the Sanction"))

    def action_open_decide(self):
        self._check_playbook_support()
        return self._playbook_wizard("crm.team.sanction.decide", self.env._("Decide the Dispute"))

    def action_lift(self):
        """Sales support ends an exclusion or a ban before its day (the team goes back to distribution)."""
        self._check_playbook_support()
        self.check_access("write")
        check_allowed_companies(self.env, self.company_id, ", ".join(self.mapped("display_name")))
        not_in_force = self.filtered(lambda sanction: sanction.state not in IN_FORCE)
        if not_in_force:
            raise UserError(
                self.env._("Sanction %(sanction)s is no longer in force.", sanction=not_in_force[0].display_name)
            )
        # sudo: the state is written by this button only; the user's right was checked above
        self.sudo().write({"state": "lifted", "ended_on": fields.Date.context_today(self)})
        return True

    def _playbook_wizard(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "name": name,
            "context": {"default_sanction_id": self.id},
        }

    # Business methods ------------------------------------------------------------------------------

    def _playbook_contest(self, reason):
        """The sanctioned team (its leader or a member) contests the sanction; sales support gets an activity.

        §10.1: disputes are settled case by case, so the sanction stays in force until sales support decides.
        """
        self.ensure_one()
        self.check_access("read")
        user = self.env.user
        if not self.env.su and user not in self.team_id.user_id | self.team_id.member_ids:
            raise AccessError(
                self.env._(
                    "Only the leader or a member of team %(team)s may contest its sanction.",
                    team=self.team_id.display_name,
                )
            )
        if self.state != "active":
            raise UserError(
                self.env._(
                    "Sanction %(sanction)s cannot be contested: it is %(state)s.",
                    sanction=self.display_name,
                    state=self._playbook_state_label(),
                )
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the sanction is contested."))
        # sudo: the team may only read its sanction; contesting it is the one change it may make
        sanction = self.sudo()
        sanction.write(
            {
                "state": "contested",
                "contest_reason": reason,
                "contested_by_id": user.id,
                "contested_on": self.env.cr.now(),
            }
        )
        for support in self.env["res.users"]._playbook_users_of(roles.SUPPORT, self.company_id):
            sanction.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=self.env._("Sanction contested: decide"),
                note=reason,
                user_id=support.id,
            )
        return True

    def _playbook_decide(self, decision, comment):
        """Sales support upholds or cancels a contested sanction, with a comment (§10.1).

        Cancelling an exclusion or a ban lifts it at once.
        """
        self.ensure_one()
        self._check_playbook_support()
        self.check_access("write")
        check_allowed_companies(self.env, self.company_id, self.display_name)
        if self.state != "contested":
            raise UserError(
                self.env._("Sanction %(sanction)s is not contested: nothing to decide.", sanction=self.display_name)
            )
        if decision not in ("upheld", "cancelled"):
            raise UserError(self.env._("A dispute is decided by upholding or cancelling the sanction."))
        if not (comment or "").strip():
            raise UserError(self.env._("Write the decision's comment."))
        values = {
            "state": decision,
            "decision_comment": comment,
            "decision_by_id": self.env.uid,
            "decision_on": self.env.cr.now(),
        }
        if decision == "cancelled":
            values["ended_on"] = fields.Date.context_today(self)
        # sudo: the decision is written by this step only; sales support's right was checked above
        sanction = self.sudo()
        sanction.write(values)
        sanction.activity_feedback(["mail.mail_activity_data_todo"], feedback=comment)
        return True

    @api.model
    def _playbook_impose(self, team, kind, reason, breaches=None, leads=None, **values):
        """Record a sanction the playbook imposes by its rule (automatic exclusion, the SLA move sanction), or,
        with ``automatic=False``, one a business method imposes for the user who acts and checked."""
        values = dict(values, team_id=team.id, kind=kind, reason=reason)
        if breaches:
            values["breach_ids"] = [Command.set(breaches.ids)]
        if leads:
            values["lead_ids"] = [Command.set(leads.ids)]
        values.setdefault("company_id", (team.company_id or self.env.company).id)
        if values.pop("automatic", True):
            values.update(automatic=True, decided_by_id=False)
        # sudo: the sanction follows from a rule or a step already checked; its record is the playbook's
        return self.sudo().create(values)

    def _playbook_tell_team(self):
        """The team's leader follows its sanctions, so it learns of each one and may contest it."""
        for sanction in self.filtered("team_id.user_id"):
            # sudo: the sanctioned team's leader is told of the sanction, whoever recorded it
            sanction.sudo().message_subscribe(partner_ids=sanction.team_id.user_id.partner_id.ids)

    def _playbook_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _playbook_end(self):
        """The last day of the exclusion or ban has passed: the sanction ends and the team is free again."""
        self.write({"state": "ended", "ended_on": fields.Date.context_today(self)})

    @api.model
    def _cron_end_sanctions(self, batch_size=200):
        """Daily: end the exclusions and bans whose last day has passed (PP-17), a batch at a time."""
        today = fields.Date.context_today(self)
        ended = []
        run_batch(
            self,
            [("state", "in", IN_FORCE), ("date_to", "<", today)],
            lambda sanction: ended.append(sanction._playbook_end() or sanction),
            job="end expired sanctions",
            batch_size=batch_size,
        )
        return self.union(*ended)
