from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from . import roles, working_time
from .crm_team import PLAYBOOK_SWITCHES


class ResCompany(models.Model):
    _inherit = "res.company"

    # Where the playbook applies
    playbook_all_teams = fields.Boolean(
        string="Apply the Playbook to Every Team",
        help="Every sales team of the company, existing or new, assigns by working time, enforces the contact "
        "rules and has its members follow its leads, whatever each team chose in its own Playbook tab. "
        "Off: each team follows its own switches. Default: off.",
    )
    # The pipeline kanban (X-KANBAN): models/crm_lead_pipeline.py
    playbook_pipeline_kanban = fields.Selection(
        [("temperature", "By Temperature"), ("sla", "By Response Status")],
        string="Pipeline by Temperature or Deadline",
        help="The pipeline's columns count their leads instead of summing expected revenue, the bar over each "
        "column shows the leads' temperature or response status, and hot leads and breached deadlines come first. "
        "Empty: Odoo's own pipeline. Default: off.",
    )
    # Reservations
    playbook_reservation_days = fields.Integer(
        string="Reservation Days",
        default=30,
        help="Calendar days a connection lead reserves its client for the team. Default: 30.",
    )
    playbook_paid_period_days = fields.Integer(
        string="Paid Period Days",
        default=365,
        help="Days a paid invoice reserves the client when its lines give no service period. Default: 365.",
    )
    playbook_new_sale_months = fields.Integer(
        string="New Sale After Months",
        default=6,
        help="A connection lead is a new sale only if the client never bought the product or its last paid period "
        "ended more than this many months ago. Default: 6.",
    )
    # SLA
    playbook_sla = fields.Boolean(
        string="Response Deadlines",
        default=True,
        help="Give every lead received by a team a response deadline from the matching policy. Default: on.",
    )
    # SLA sanctions
    playbook_breach_limit = fields.Integer(
        string="Breaches Before Exclusion",
        default=0,
        help="A team that misses this many response deadlines in a calendar quarter is excluded "
        "from lead distribution until the quarter ends. Default: 0 = off.",
    )
    # Notifications
    playbook_digest_hour = fields.Float(
        string="Daily Digest at",
        default=9.0,
        help="Hour of the day, in each team's time zone, when the team gets the digest of its new warm and cold "
        "leads. Default: 9:00.",
    )
    # Big batches (PP-7, PP-9, PP-10, PP-15)
    playbook_background_threshold = fields.Integer(
        string="Background Batches Above",
        default=500,
        help="Mass assignment, transfer, planning and Move Client of more leads than this run in the background; "
        "the user is told when they are done. 0 runs them at once whatever their size. Default: 500.",
    )
    # Follow-ups (EV-2, ST-2, ST-3, ST-4), in working minutes of the team
    playbook_first_contact_minutes = fields.Integer(
        string="First Contact Reminder (min)",
        default=5,
        help="Working minutes after a registered call or letter when the employee it went to is reminded of the "
        "first contact with the client. Default: 5.",
    )
    playbook_busy_callback_minutes = fields.Integer(
        string="Promised Callback (min)",
        default=10,
        help="Working minutes within which a busy manager calls back the client the operator promised a callback "
        "to; the team leader is told if it is not done. Default: 10.",
    )
    playbook_confirm_minutes = fields.Integer(
        string="Web Request Confirmation (min)",
        default=10,
        help="Working minutes within which the operator makes the confirmation call of a web request. Default: 10.",
    )
    playbook_answer_minutes = fields.Integer(
        string="Manager Call Back (min)",
        default=60,
        help="Working minutes within which the manager calls back a client whose request was given to them. "
        "Default: 60.",
    )
    playbook_approval_minutes = fields.Integer(
        string="Approval Reminder (min)",
        default=5,
        help="Working minutes after a proposal or an order is sent for approval when the approver is reminded. "
        "Default: 5.",
    )
    playbook_call_list_hour = fields.Float(
        string="Call Lists Built at",
        default=17.0,
        help="Hour of a working day, in each team's time zone, when the next working day's call lists are built. "
        "Default: 17:00.",
    )
    playbook_regular_contact_days = fields.Integer(
        string="Regular Contact Every (days)",
        default=30,
        help="Days to the next planned contact with a regular customer after a request or a deal. Default: 30.",
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
        help="Day of the week when next week's call plan of regular customers is built. Default: Friday.",
    )
    playbook_plan_hour = fields.Float(
        string="Weekly Call Plan at",
        default=15.0,
        help="Hour of that day, in each team's time zone, when next week's call plan is built. Default: 15:00.",
    )
    # Orders
    playbook_require_supplier_step = fields.Boolean(
        string="Supplier Answer before Invoicing",
        help="The client is invoiced only once the order records the supplier's availability answer and the "
        "supplier's invoice or documents. Default: off.",
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
        help="Hours from a claim within which the client is told that every aspect is being clarified; the deputy "
        "director is told once when the deadline passes. Default: 24.",
    )
    playbook_claim_notice_mode = fields.Selection(
        [("clock", "Clock Hours"), ("working", "Working Hours")],
        string="Count Claim Notice in",
        default="clock",
        help="Clock hours count nights and weekends; working hours count only the team's working calendar, holidays "
        "off. Default: clock hours.",
    )
    playbook_qc_call_days = fields.Integer(
        string="Quality Call after (days)",
        default=7,
        help="Days after an order is delivered (or invoiced, when it has nothing to deliver) when the call center "
        "makes the quality-control call. 0 turns the calls off. Default: 7.",
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
        help="Hour when the call center's report of the previous working day is emailed to management. Default: 11:00.",
    )
    playbook_head_report_hour = fields.Float(
        string="Sales Head's Report at",
        default=19.5,
        help="Hour when the sales head's report of the day is emailed to management. Default: 19:30.",
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
        help="Day of the week when the client database review runs. Default: Friday.",
    )
    playbook_review_hour = fields.Float(
        string="Weekly Review at",
        default=16.0,
        help="Hour of that day, in the company's time zone, when the client database is reviewed. Default: 16:00.",
    )
    playbook_stale_new_days = fields.Integer(
        string="Stale in New after (days)",
        default=3,
        help="The weekly review lists leads still in New after this many days. Default: 3.",
    )
    playbook_regular_report_period = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        string="Regular Customers Report",
        default="weekly",
        help="How often the regular-customers department's report is emailed (RC-7): daily, the day itself at the "
        "hour; weekly, on Monday for the week before; monthly, on the 1st for the month before. Default: "
        "weekly.",
    )
    playbook_regular_report_hour = fields.Float(
        string="Regular Customers Report at",
        default=18.0,
        help="Hour of the day, in the company's time zone, when the regular-customers department's report is "
        "emailed. Default: 18:00.",
    )
    playbook_regular_report_user_ids = fields.Many2many(
        "res.users",
        "res_company_playbook_regular_report_user_rel",
        "company_id",
        "user_id",
        string="Regular Customers Report to",
        domain="[('share', '=', False)]",
        help="Who receives the regular-customers department's report. When empty, the report recipients above.",
    )
    # Intake
    playbook_dedup = fields.Boolean(
        string="Merge Repeated Requests",
        default=True,
        help="A request for a client who already has an open lead for the same product updates that lead instead of "
        "creating a second one. Default: on.",
    )
    # Promises made in a call (ST-14), in working minutes of the team
    playbook_promise_minutes = fields.Integer(
        string="Promised Letter or Contract (min)",
        default=30,
        help="Working minutes within which the letter, or the draft contract and invoice, promised to the client in "
        "a call are sent; the team leader is told if they are not. Default: 30.",
    )
    # Intake: the default lead source of each channel (PP-6), the product specialist (ST-16)
    playbook_source_inbound_call_id = fields.Many2one(
        "utm.source",
        string="Source of Inbound Calls",
        domain="[('temperature', '!=', False)]",
        help="Lead source given to a registered inbound call that names none: it sets the temperature "
        "and so the response deadline. Without it the inbound desk asks for a source.",
    )
    playbook_source_email_id = fields.Many2one(
        "utm.source",
        string="Source of Letters",
        domain="[('temperature', '!=', False)]",
        help="Lead source given to a letter (email) that names none. Without it the inbound desk asks for a source.",
    )
    playbook_source_web_form_id = fields.Many2one(
        "utm.source",
        string="Source of Web Forms",
        domain="[('temperature', '!=', False)]",
        help="Lead source given to a web-form request that names none. When empty, it gets no source from its channel.",
    )
    playbook_source_online_chat_id = fields.Many2one(
        "utm.source",
        string="Source of Online Chats",
        domain="[('temperature', '!=', False)]",
        help="Lead source given to a request from the website's online consultant that names none. When empty, it "
        "gets no source from its channel.",
    )
    playbook_source_outbound_call_id = fields.Many2one(
        "utm.source",
        string="Source of Outbound Calls",
        domain="[('temperature', '!=', False)]",
        help="Lead source given to a lead from an outbound call that names none. When empty, it gets "
        "no source from its channel.",
    )
    playbook_source_agent_notice_id = fields.Many2one(
        "utm.source",
        string="Source of Agent Notices",
        domain="[('temperature', '!=', False)]",
        help="Lead source given to a lead from a sales agent's notice that names none. When empty, it "
        "gets no source from its channel.",
    )
    playbook_product_specialist_id = fields.Many2one(
        "res.users",
        string="Product Specialist",
        domain="[('share', '=', False)]",
        help="Consults the clients who ask about a product on the site. When empty, the team leader does.",
    )
    # Documents sent to the client (ST-17)
    playbook_internal_copy_ids = fields.Many2many(
        "res.partner",
        "res_company_playbook_internal_copy_rel",
        "company_id",
        "partner_id",
        string="Internal Copies of Invoices",
        help="Colleagues who get a copy of every quotation, invoice or contract emailed to a client from an order "
        "of a team that follows the playbook: one letter to all of them. When empty, nobody gets a copy.",
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

    @tools.ormcache("self.id")
    def _playbook_country(self):
        """(id, code) of the company's country, that is its partner's, or (False, False); kept per worker.

        Every lead written reads its phone in that country. ``res.company.country_id`` is computed through an
        address lookup at each read, and the partner's country would cost three reads per request."""
        self.ensure_one()
        country = self.sudo().partner_id.country_id  # sudo: the company's country reads its phone numbers
        return country.id, country.code

    def unlink(self):
        result = super().unlink()
        # The database empties the company of its products and sources itself (``ondelete="set null"``): the
        # per-worker copies of both (``product.product._playbook_template_company``,
        # ``utm.source._playbook_source_profile``) must not keep it.
        self.env.registry.clear_cache()
        return result

    def write(self, vals):
        result = super().write(vals)
        if {"partner_id", "country_id", "resource_calendar_id"} & set(vals):
            self.env.registry.clear_cache()  # ``_playbook_country``, ``crm.team._playbook_working_time_key``
        hours = {"playbook_operator_report_hour", "playbook_head_report_hour", "playbook_regular_report_hour"}
        if (hours | {"resource_calendar_id"}) & set(vals):
            self.env["crm.playbook.daily.report"]._playbook_schedule(self)
        if "playbook_all_teams" in vals:
            Team = self.env["crm.team"].with_context(active_test=False)
            # The teams shared by all companies follow whether any company applies the playbook to every team.
            shared = Team.search([("company_id", "=", False)])
            for switch in PLAYBOOK_SWITCHES:
                self.env.add_to_compute(Team._fields[switch], shared)
            if vals["playbook_all_teams"]:
                # Members of every team now follow it, as in a team that switched the option on itself.
                (shared | Team.search([("company_id", "in", self.ids)]))._playbook_subscribe_members()
        return result

    @api.constrains("playbook_promise_minutes")
    def _check_playbook_promise_minutes(self):
        if any(company.playbook_promise_minutes <= 0 for company in self):
            raise ValidationError(self.env._("The minutes to keep a promise made in a call must be positive."))

    def _playbook_channel_source(self, channel):
        """The default lead source of a channel (PP-6): a lead or registration of the channel without a source
        gets it, and with it a temperature and a response deadline."""
        self.ensure_one()
        field_name = "playbook_source_%s_id" % channel
        return self[field_name] if channel and field_name in self._fields else self.env["utm.source"]

    def _playbook_internal_copies(self, teams):
        """Who gets a copy of a quotation, invoice or contract emailed to a client (ST-17; 003, BP-4: one letter
        to 3 addresses): the company's fixed internal copies, when the document comes from a playbook team."""
        self.ensure_one()
        if not any(team._playbook_follows() for team in teams):
            return self.env["res.partner"]
        return self.playbook_internal_copy_ids

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

    @api.constrains("playbook_regular_report_hour")
    def _check_playbook_regular_report_hour(self):
        if any(
            company.playbook_regular_report_hour and not 0 <= company.playbook_regular_report_hour < 24
            for company in self
        ):
            raise ValidationError(self.env._("Report hours are between 0:00 and 23:59."))

    def _playbook_regular_report_recipients(self):
        """Who receives the regular-customers department's report (RC-7): its own list, else management's."""
        self.ensure_one()
        return self.playbook_regular_report_user_ids.filtered("active") or self._playbook_report_recipients()

    @api.model
    def _playbook_demo_without_enrichment(self):
        """Demo data only: lead enrichment manual, as *Settings → CRM → Lead Enrichment → Enrich leads on demand
        only* sets it (the enrichment job off, the setting manual)."""
        cron = self.env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
        if cron:
            cron.sudo().active = False  # sudo: the enrichment job is the system's
        params = self.env["ir.config_parameter"].sudo()  # sudo: the enrichment setting is the system's
        params.set_param("crm.iap.lead.enrich.setting", "manual")

    @api.model
    def _playbook_demo_russian_company(self, company_id):
        """Demo data only: the Russian demo company gets Odoo's generic chart of accounts (Community has no Russian
        one), so that its quotations can be invoiced in roubles. Called before its records exist."""
        company = self.browse(company_id)
        if company.chart_template:
            return
        country, currency = company.country_id, company.currency_id
        self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        # The generic chart is the USA's: its fiscal country and currency become the company's again.
        domain = [("company_id", "=", company.id)]
        self.env["account.tax.group"].search(domain).write({"country_id": country.id})
        self.env["account.tax"].with_context(active_test=False).search(domain).write({"country_id": country.id})
        company.write({"account_fiscal_country_id": country.id, "currency_id": currency.id})

    @api.model
    def _playbook_demo_odoo_leads_home(self, company_id):
        """Demo data only: Odoo's own demo leads that have no company belong to ``company_id`` (YourCompany), so
        that the Russian company's pipeline shows the playbook's story alone."""
        lead_ids = (
            self.env["ir.model.data"]
            .search([("model", "=", "crm.lead"), ("module", "!=", "crm_sales_playbook")])
            .mapped("res_id")
        )
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Lead.search([("id", "in", lead_ids), ("company_id", "=", False)]).write({"company_id": company_id})

    @api.model
    def _playbook_demo_speak_russian(self, company_id, user_ids):
        """Demo data only: the Russian demo company's people and clients read Russian when it is loaded (no
        language is loaded for them)."""
        if not self.env["res.lang"]._get_code("ru_RU"):
            return
        users = self.env["res.users"].browse(user_ids)
        company = self.browse(company_id)
        clients = self.env["res.partner"].search([("company_id", "=", company.id)])
        (users.partner_id | company.partner_id | clients).write({"lang": "ru_RU"})
