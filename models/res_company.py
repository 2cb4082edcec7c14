from odoo import api, fields, models
from odoo.exceptions import ValidationError

from . import roles, working_time


class ResCompany(models.Model):
    _inherit = "res.company"

    # Reservations
    playbook_reservation_days = fields.Integer(
        string="Reservation Days",
        default=30,
        help="Calendar days a connection lead reserves its client for the team.",
    )
    playbook_paid_period_days = fields.Integer(
        string="Paid Period Days",
        default=365,
        help="Days a paid invoice reserves the client when its lines give no service period.",
    )
    playbook_new_sale_months = fields.Integer(
        string="New Sale After Months",
        default=6,
        help="A connection lead is a new sale only if the client never bought the product "
        "or its last paid period ended more than this many months ago.",
    )
    # SLA
    playbook_sla = fields.Boolean(
        string="Response Deadlines",
        default=True,
        help="Give every lead received by a team a response deadline from the matching policy.",
    )
    # SLA sanctions
    playbook_breach_limit = fields.Integer(
        string="Breaches Before Exclusion",
        default=0,
        help="A team that misses this many response deadlines in a calendar quarter is excluded "
        "from lead distribution until the quarter ends. 0 switches the rule off.",
    )
    # Notifications
    playbook_digest_hour = fields.Float(
        string="Daily Digest at",
        default=9.0,
        help="Hour of the day, in each team's time zone, when the team gets the digest of its new warm and cold leads.",
    )
    # Follow-ups (EV-2, ST-2, ST-3, ST-4), in working minutes of the team
    playbook_first_contact_minutes = fields.Integer(
        string="First Contact Reminder (min)",
        default=5,
        help="Working minutes after a registered call or letter when the employee it went to is reminded "
        "of the first contact with the client.",
    )
    playbook_busy_callback_minutes = fields.Integer(
        string="Promised Callback (min)",
        default=10,
        help="Working minutes within which a busy manager calls back the client the operator promised a "
        "callback to; the team leader is told if it is not done.",
    )
    playbook_confirm_minutes = fields.Integer(
        string="Web Request Confirmation (min)",
        default=10,
        help="Working minutes within which the operator makes the confirmation call of a web request.",
    )
    playbook_answer_minutes = fields.Integer(
        string="Manager Call Back (min)",
        default=60,
        help="Working minutes within which the manager calls back a client whose request was given to them.",
    )
    playbook_approval_minutes = fields.Integer(
        string="Approval Reminder (min)",
        default=5,
        help="Working minutes after a proposal or an order is sent for approval when the approver is reminded.",
    )
    playbook_call_list_hour = fields.Float(
        string="Call Lists Built at",
        default=17.0,
        help="Hour of a working day, in each team's time zone, when the next working day's call lists are built.",
    )
    playbook_regular_contact_days = fields.Integer(
        string="Regular Contact Every (days)",
        default=30,
        help="Days to the next planned contact with a regular customer after a request or a deal.",
    )
    playbook_plan_weekday = fields.Selection(
        [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
            ("5", "Saturday"),
            ("6", "Sunday"),
        ],
        string="Weekly Call Plan on",
        default="4",
        help="Day of the week when next week's call plan of regular customers is built.",
    )
    playbook_plan_hour = fields.Float(
        string="Weekly Call Plan at",
        default=15.0,
        help="Hour of that day, in each team's time zone, when next week's call plan is built.",
    )
    # Orders
    playbook_require_supplier_step = fields.Boolean(
        string="Supplier Answer before Invoicing",
        help="The client is invoiced only once the order records the supplier's availability answer and "
        "the supplier's invoice or documents.",
    )
    playbook_purchasing_user_id = fields.Many2one(
        "res.users",
        string="Purchasing",
        domain="[('share', '=', False)]",
        help="Gets the task to pay the supplier when a client invoice is paid, with the supplier's bill. When "
        "empty, the deputy director does.",
    )
    # Claims (RC-4) and quality control (ST-9)
    playbook_deputy_director_id = fields.Many2one(
        "res.users",
        string="Deputy Director",
        domain="[('share', '=', False)]",
        help="Receives new claims, late claim notices and complaints. When empty, the sales heads of the company do.",
    )
    playbook_claim_notice_hours = fields.Integer(
        string="Claim Notice within (h)",
        default=24,
        help="Hours from a claim within which the client is told that every aspect is being clarified; the "
        "deputy director is told once when the deadline passes.",
    )
    playbook_claim_notice_mode = fields.Selection(
        [("clock", "Clock Hours"), ("working", "Working Hours")],
        string="Count Claim Notice in",
        default="clock",
        help="Clock hours count nights and weekends; working hours count only the team's working calendar, "
        "holidays off.",
    )
    playbook_qc_call_days = fields.Integer(
        string="Quality Call after (days)",
        default=7,
        help="Days after an order is delivered (or invoiced, when it has nothing to deliver) when the "
        "call center makes the quality-control call. 0 turns the calls off.",
    )
    playbook_qc_operator_id = fields.Many2one(
        "res.users",
        string="Quality Calls by",
        domain="[('share', '=', False)]",
        help="Who makes the quality-control calls. When empty, the call-center operators of the order's "
        "team (or of the company) share them, the least loaded first.",
    )
    # Management reports (ST-11, ST-12, RC-5), in the company's time zone
    playbook_operator_report_hour = fields.Float(
        string="Operator's Report at",
        default=11.0,
        help="Hour when the call center's report of the previous working day is emailed to management.",
    )
    playbook_head_report_hour = fields.Float(
        string="Sales Head's Report at",
        default=19.5,
        help="Hour when the sales head's report of the day is emailed to management.",
    )
    playbook_report_recipient_ids = fields.Many2many(
        "res.users",
        "res_company_playbook_report_recipient_rel",
        "company_id",
        "user_id",
        string="Report Recipients",
        domain="[('share', '=', False)]",
        help="Management who receive the daily reports and the weekly review. When empty, the deputy director.",
    )
    playbook_review_weekday = fields.Selection(
        [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
            ("5", "Saturday"),
            ("6", "Sunday"),
        ],
        string="Weekly Review on",
        default="4",
        help="Day of the week when the client database review runs.",
    )
    playbook_review_hour = fields.Float(
        string="Weekly Review at",
        default=16.0,
        help="Hour of that day, in the company's time zone, when the client database is reviewed.",
    )
    playbook_stale_new_days = fields.Integer(
        string="Stale in New after (days)",
        default=3,
        help="The weekly review lists leads still in New after this many days.",
    )
    # Intake
    playbook_dedup = fields.Boolean(
        string="Merge Repeated Requests",
        default=True,
        help="A request for a client who already has an open lead for the same product "
        "updates that lead instead of creating a second one.",
    )

    _sql_constraints = [
        (
            "playbook_periods_positive",
            "CHECK (playbook_reservation_days > 0 AND playbook_paid_period_days > 0 "
            "AND playbook_new_sale_months >= 0 AND playbook_digest_hour >= 0 AND playbook_digest_hour < 24 "
            "AND playbook_first_contact_minutes > 0 AND playbook_busy_callback_minutes > 0 "
            "AND playbook_confirm_minutes > 0 AND playbook_answer_minutes > 0 AND playbook_approval_minutes > 0)",
            "Reservation and paid periods must be positive, the new-sale months not negative, "
            "the digest hour between 0:00 and 23:59, the follow-up minutes positive.",
        ),
    ]

    @api.constrains("playbook_claim_notice_hours", "playbook_qc_call_days", "playbook_stale_new_days")
    def _check_playbook_claim_figures(self):
        for company in self:
            if (
                min(
                    company.playbook_claim_notice_hours or 0,
                    company.playbook_qc_call_days or 0,
                    company.playbook_stale_new_days or 0,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("The claim notice hours, the quality-call days and the stale days cannot be negative.")
                )

    @api.constrains("playbook_operator_report_hour", "playbook_head_report_hour", "playbook_review_hour")
    def _check_playbook_report_hours(self):
        for company in self:
            hours = (
                company.playbook_operator_report_hour,
                company.playbook_head_report_hour,
                company.playbook_review_hour,
            )
            if any(hour and not 0 <= hour < 24 for hour in hours):
                raise ValidationError(self.env._("Report hours are between 0:00 and 23:59."))

    def _playbook_deputy_directors(self):
        """Who stands for the deputy director of the company: the one set, else its sales heads."""
        self.ensure_one()
        if self.playbook_deputy_director_id:
            return self.playbook_deputy_director_id
        Users = self.env["res.users"]
        return Users._playbook_users_of(roles.HEAD, self) - Users._playbook_users_of(roles.SUPPORT, self)

    def _playbook_purchasing_user(self):
        """Who pays the supplier once the client paid (ST-7): the purchasing user set, else the deputy director."""
        self.ensure_one()
        return self.playbook_purchasing_user_id or self._playbook_deputy_directors()[:1]

    def _playbook_tz(self):
        """The company's time zone: of its working calendar, else its partner's, else UTC."""
        self.ensure_one()
        return working_time.zone(self.resource_calendar_id.tz, self.partner_id.tz)

    def _playbook_report_recipients(self):
        self.ensure_one()
        return self.playbook_report_recipient_ids.filtered("active") or self._playbook_deputy_directors()
