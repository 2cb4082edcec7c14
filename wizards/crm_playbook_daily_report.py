"""The management reports on screen, printed or emailed: the call center's (ST-11), the sales head's (ST-12,
ST-19) and the regular-customers department's (RC-7)."""

import base64
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models import roles, working_time
from ..models.crm_playbook_report import REPORT_KINDS
from ..models.locking import run_batch
from ..models.roles import check_allowed_companies

_logger = logging.getLogger(__name__)


class CrmPlaybookDailyReport(models.TransientModel):
    """A daily report for any date range, on screen, printed or emailed; its figures are read with the
    same domains as the lists and pivots it links to, so both always agree."""

    _name = "crm.playbook.daily.report"
    _description = "Daily Management Report"

    kind = fields.Selection(REPORT_KINDS, string="Report Kind", required=True, default="operator")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    team_ids = fields.Many2many("crm.team", string="Sales Teams", help="Leave empty for every team.")
    body_html = fields.Html(string="Report", compute="_compute_body_html", sanitize=False)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for report in self:
            if report.date_to < report.date_from:
                raise UserError(self.env._("The report ends before it starts."))

    @api.depends("kind", "date_from", "date_to", "company_id", "team_ids")
    def _compute_body_html(self):
        for report in self:
            report.body_html = report._render_body() if report.date_from and report.date_to else False

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        """The report on screen is computed here, on a record that is never saved: it only reads, so the web
        client runs it on a read replica when the server has one (X-REP)."""
        return super().onchange(values, field_names, fields_spec)

    # Read-only entry point -----------------------------------------------------------------

    @api.model
    @api.readonly
    def playbook_report_html(self, kind, date_from, date_to, company_id=False, team_ids=None):
        """The report ``kind`` over the days ``date_from`` to ``date_to``, as the screen shows it (X-REP).

        Nothing is stored: the figures are read with the same domains as the wizard's, from a record that is
        never saved, so the web client runs this on a read replica when the server has one.
        """
        self.browse().check_access("create")
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        check_allowed_companies(self.env, company, company.display_name)
        report = self.new(
            {
                "kind": kind,
                "date_from": date_from,
                "date_to": date_to,
                "company_id": company.id,
                "team_ids": [Command.set(list(team_ids or []))],
            }
        )
        report._check_dates()
        return report._render_body()

    # Periods -------------------------------------------------------------------

    def _utc_range(self):
        """The period as naive UTC datetimes [start, stop) in the company's time zone."""
        zone = self.company_id._playbook_tz()
        return working_time.day_start_utc(zone, self.date_from), working_time.day_start_utc(
            zone, self.date_to + timedelta(days=1)
        )

    @api.model
    def _previous_working_day(self, company, day):
        """The last day before ``day`` with working hours on the company calendar (holidays off)."""
        return working_time.previous_working_day(company.resource_calendar_id, company._playbook_tz(), day)

    # Domains: shared by the figures and the drill-down actions -----------------------------

    def _team_domain(self, field="team_id"):
        return [(field, "in", self.team_ids.ids)] if self.team_ids else []

    def _requests_domain(self):
        start, stop = self._utc_range()
        return [
            ("create_date", ">=", start),
            ("create_date", "<", stop),
            ("company_id", "in", (self.company_id.id, False)),
        ] + self._team_domain()

    def _contacts_domain(self):
        start, stop = self._utc_range()
        return [
            ("date", ">=", start),
            ("date", "<", stop),
            ("company_id", "=", self.company_id.id),
        ] + self._team_domain()

    def _proposals_domain(self):
        start, stop = self._utc_range()
        return [
            ("state", "=", "sent"),
            ("date_sent", ">=", start),
            ("date_sent", "<", stop),
            ("company_id", "in", (self.company_id.id, False)),
        ] + self._team_domain()

    def _issued_domain(self):
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("invoice_date", ">=", self.date_from),
            ("invoice_date", "<=", self.date_to),
            ("company_id", "=", self.company_id.id),
        ] + self._team_domain()

    def _paid_domain(self, late_entry=False):
        start, stop = self._utc_range()
        return [
            ("move_type", "=", "out_invoice"),
            ("playbook_paid_at", ">=", start),
            ("playbook_paid_at", "<", stop),
            ("playbook_paid_late_entry", "=", late_entry),
            ("company_id", "=", self.company_id.id),
        ] + self._team_domain()

    def _calls_domain(self):
        start, stop = self._utc_range()
        return [
            ("date", ">=", start),
            ("date", "<", stop),
            ("company_id", "in", (self.company_id.id, False)),
        ] + self._team_domain()

    def _client_calls_domain(self):
        """The calls made to existing clients (ST-19): outbound, to a client who bought before."""
        return self._calls_domain() + [
            ("direction", "=", "outbound"),
            ("partner_id.commercial_partner_id.playbook_is_regular", "=", True),
        ]

    def _department(self):
        """The regular-customers department: the company's regular-customers managers (RC-7)."""
        return self.env["res.users"]._playbook_users_of(roles.REGULAR_MANAGER, self.company_id)

    def _department_calls_domain(self):
        return self._calls_domain() + [("user_id", "in", self._department().ids)]

    def _regular_requests_domain(self):
        """The requests of regular customers received in the period (001, 3.1)."""
        return self._requests_domain() + [("partner_id.commercial_partner_id.playbook_is_regular", "=", True)]

    def _agent_notices_domain(self):
        """The sales agents' notices received in the period (001, 3.3)."""
        return self._requests_domain() + [("channel", "=", "agent_notice")]

    # Figures ---------------------------------------------------------------------------------

    def _channel_labels(self):
        labels = dict(self.env["crm.lead"]._fields["channel"]._description_selection(self.env))
        return [(key, labels[key]) for key in labels] + [(False, self.env._("Other"))]

    def _operator_figures(self):
        """Requests and calls by channel, new clients and their requests, forwards by manager (ST-11)."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Contact = self.env["crm.inbound.contact"]
        received = dict(Lead._read_group(self._requests_domain(), ["channel"], ["__count"]))
        contacts, new_clients = {}, {}
        for channel, new, count in Contact._read_group(self._contacts_domain(), ["channel", "new_client"], ["__count"]):
            contacts[channel] = contacts.get(channel, 0) + count
            if new:
                new_clients[channel] = new_clients.get(channel, 0) + count
        new_requests = dict(
            Contact._read_group(
                self._contacts_domain() + [("new_client", "=", True), ("became_request", "=", True)],
                ["channel"],
                ["__count"],
            )
        )
        rows = [
            {
                "channel": key,
                "label": label,
                "requests": received.get(key, 0),
                "contacts": contacts.get(key, 0),
                "new_clients": new_clients.get(key, 0),
                "new_requests": new_requests.get(key, 0),
            }
            for key, label in self._channel_labels()
        ]
        rows = [row for row in rows if any(row[name] for name in ("requests", "contacts"))]
        forwarded = Contact._read_group(
            self._contacts_domain() + [("forwarded_to_id", "!=", False)], ["forwarded_to_id"], ["__count"]
        )
        return {
            "rows": rows,
            "total": {
                name: sum(row[name] for row in rows) for name in ("requests", "contacts", "new_clients", "new_requests")
            },
            "forwarded": sorted(([user.name, count] for user, count in forwarded), key=lambda row: (-row[1], row[0])),
        }

    def _head_figures(self):
        """Proposals, invoices issued and paid by origin and by salesperson; late entries apart (ST-12)."""
        Proposal = self.env["crm.lead.proposal"]
        Move = self.env["account.move"]
        by_origin, by_person = {}, {}

        def add(table, key, label, column, count, amount=0.0):
            row = table.setdefault(
                key,
                {
                    "label": label,
                    "client_calls": 0,
                    "proposals": 0,
                    "issued": 0,
                    "issued_amount": 0.0,
                    "paid": 0,
                    "paid_amount": 0.0,
                },
            )
            row[column] += count
            if amount:
                row[column + "_amount"] += amount

        labels = dict(self._channel_labels())
        nobody = self.env._("No Salesperson")
        for channel, user, count in Proposal._read_group(self._proposals_domain(), ["channel", "user_id"], ["__count"]):
            add(by_origin, channel, labels.get(channel), "proposals", count)
            add(by_person, user.id, user.name or nobody, "proposals", count)
        for lead, user, count in self.env["crm.lead.call"]._read_group(
            self._client_calls_domain(), ["lead_id", "user_id"], ["__count"]
        ):
            add(by_origin, lead.channel, labels.get(lead.channel), "client_calls", count)
            add(by_person, user.id, user.name or nobody, "client_calls", count)
        for column, domain in (("issued", self._issued_domain()), ("paid", self._paid_domain())):
            for channel, user, count, amount in Move._read_group(
                domain, ["playbook_channel", "invoice_user_id"], ["__count", "amount_total_signed:sum"]
            ):
                add(by_origin, channel, labels.get(channel), column, count, amount)
                add(by_person, user.id, user.name or nobody, column, count, amount)
        late = Move.search(self._paid_domain(late_entry=True), order="playbook_paid_at, id")
        order = [key for key, _label in self._channel_labels()]
        columns = ("client_calls", "proposals", "issued", "issued_amount", "paid", "paid_amount")
        origin_rows = [by_origin[key] for key in order if key in by_origin]
        return {
            "by_origin": origin_rows,
            "by_person": sorted(by_person.values(), key=lambda row: row["label"]),
            "total": {name: sum(row[name] for row in origin_rows) for name in columns},
            "late": [
                {
                    "name": move.name,
                    "client": move.partner_id.name,
                    "amount": move.amount_total_signed,
                    "salesperson": move.invoice_user_id.name or "",
                    "origin": labels.get(move.playbook_channel),
                    "recorded": move.playbook_paid_at,
                }
                for move in late
            ],
            "late_amount": sum(late.mapped("amount_total_signed")),
            "currency": self.company_id.currency_id,
        }

    def _regular_figures(self):
        """The regular-customers department's calls, its clients' requests and VIP requests, and the sales
        agents' notices, by manager (RC-7)."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        rows = {}
        nobody = self.env._("No Manager")

        def add(user, column, count):
            row = rows.setdefault(
                user.id,
                {"label": user.name or nobody, "calls": 0, "reached": 0, "requests": 0, "vip": 0, "notices": 0},
            )
            row[column] += count

        for user, reached, count in self.env["crm.lead.call"]._read_group(
            self._department_calls_domain(), ["user_id", "is_contact"], ["__count"]
        ):
            add(user, "calls", count)
            if reached:
                add(user, "reached", count)
        for user, vip, count in Lead._read_group(
            self._regular_requests_domain(), ["user_id", "playbook_vip"], ["__count"]
        ):
            add(user, "requests", count)
            if vip:
                add(user, "vip", count)
        for user, count in Lead._read_group(self._agent_notices_domain(), ["user_id"], ["__count"]):
            add(user, "notices", count)
        ordered = sorted(rows.values(), key=lambda row: (row["label"] == nobody, row["label"]))
        columns = ("calls", "reached", "requests", "vip", "notices")
        return {"rows": ordered, "total": {name: sum(row[name] for row in ordered) for name in columns}}

    def _figures(self):
        self.ensure_one()
        if self.kind == "regular":
            return self._regular_figures()
        return self._operator_figures() if self.kind == "operator" else self._head_figures()

    def _title(self):
        self.ensure_one()
        label = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        if self.date_from == self.date_to:
            return "%s: %s" % (label, fields.Date.to_string(self.date_from))
        return "%s: %s - %s" % (label, fields.Date.to_string(self.date_from), fields.Date.to_string(self.date_to))

    def _render_body(self):
        self.ensure_one()
        date_format = self.env["res.lang"]._get_data(code=self.env.lang or "en_US").date_format
        return self.env["ir.qweb"]._render(
            "crm_sales_playbook.playbook_daily_report_body",
            {
                "report": self,
                "figures": self._figures(),
                "title": self._title(),
                # in the team's time zone and the reader's date format, without seconds
                "format_datetime": lambda value: fields.Datetime.context_timestamp(
                    self.with_context(tz=self.company_id._playbook_tz().zone), value
                ).strftime(f"{date_format} %H:%M"),
            },
        )

    # Drill-down ----------------------------------------------------------------------------------

    def _open(self, model, name, domain, views="pivot,list,graph", context=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": domain,
            "view_mode": views,
            "views": [(False, view) for view in views.split(",")],
            "context": dict(context or {}, active_test=False),
        }

    def action_view_requests(self):
        return self._open(
            "crm.lead",
            self.env._("Requests Received"),
            self._requests_domain(),
            context={"pivot_row_groupby": ["channel"]},
        )

    def action_view_contacts(self):
        return self._open(
            "crm.inbound.contact",
            self.env._("Registered Calls and Letters"),
            self._contacts_domain(),
            context={"pivot_row_groupby": ["channel"]},
        )

    def action_view_proposals(self):
        return self._open(
            "crm.lead.proposal",
            self.env._("Proposals Sent"),
            self._proposals_domain(),
            views="list,form",
            context={"group_by": ["channel"]},
        )

    def action_view_issued(self):
        return self._open(
            "account.move",
            self.env._("Invoices Issued"),
            self._issued_domain(),
            views="list,form",
            context={"group_by": ["playbook_channel"]},
        )

    def action_view_paid(self):
        # Both the day's payments and the morning's late entries, told apart by the grouping.
        domain = [term for term in self._paid_domain() if term[0] != "playbook_paid_late_entry"]
        return self._open(
            "account.move",
            self.env._("Invoices Paid"),
            domain,
            views="list,form",
            context={"group_by": ["playbook_paid_late_entry", "playbook_channel"]},
        )

    def action_view_client_calls(self):
        return self._open(
            "crm.lead.call",
            self.env._("Calls to Existing Clients"),
            self._client_calls_domain(),
            views="list,form",
            context={"group_by": ["user_id"]},
        )

    def action_view_department_calls(self):
        return self._open(
            "crm.lead.call",
            self.env._("Calls of the Regular-Customers Department"),
            self._department_calls_domain(),
            views="list,form",
            context={"group_by": ["user_id"]},
        )

    def action_view_regular_requests(self):
        return self._open(
            "crm.lead",
            self.env._("Requests of Regular Customers"),
            self._regular_requests_domain(),
            context={"pivot_row_groupby": ["user_id"], "pivot_column_groupby": ["playbook_vip"]},
        )

    def action_view_agent_notices(self):
        return self._open(
            "crm.lead",
            self.env._("Sales Agent Notices"),
            self._agent_notices_domain(),
            context={"pivot_row_groupby": ["user_id"]},
        )

    def action_print(self):
        return self.env.ref("crm_sales_playbook.action_report_playbook_daily").report_action(self)

    # Sending -------------------------------------------------------------------------------------

    def _send(self, recipients):
        """Email the report to ``recipients``: the HTML in the body, the PDF attached when it renders."""
        self.ensure_one()
        body = self._render_body()
        attachments = []
        try:
            pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf(
                "crm_sales_playbook.action_report_playbook_daily", self.ids
            )
            attachments.append(
                (
                    0,
                    0,
                    {
                        "name": "%s.pdf" % self._title().replace(":", ""),
                        "datas": base64.b64encode(pdf),
                        "mimetype": "application/pdf",
                    },
                )
            )
        except Exception:  # pylint: disable=broad-except
            # No wkhtmltopdf on the server: the report still goes out in the body of the email.
            _logger.warning("The %s could not be printed to PDF; sent without attachment", self.kind, exc_info=True)
        return self.env["mail.mail"].create(
            {
                "subject": self._title(),
                "body_html": Markup(body) if not isinstance(body, Markup) else body,
                "email_from": (self.company_id.email_formatted or self.env.user.email_formatted),
                "recipient_ids": [(6, 0, recipients.partner_id.ids)],
                "attachment_ids": attachments,
                "auto_delete": False,
            }
        )

    @api.model
    def _cron_send(self):
        """At the configured hours of each company's day, email each report once (ST-11, ST-12)."""
        sent = []
        companies = self.env["res.company"]
        for kind in ("operator", "head", "regular"):
            run_batch(
                companies,
                [("id", "!=", 0)],
                lambda company, kind=kind: sent.append(self._send_if_due(company, kind)),
                job=f"daily {kind} report",
                lock=False,
                notify=False,
            )
        self._playbook_schedule()
        return self.env["crm.playbook.report.log"].union(*[log for log in sent if log])

    @api.model
    def _playbook_schedule(self, companies=None):
        """Wake the sending cron at the next configured minute of each company's day (ST-11, ST-12, RC-7).

        The cron's own interval only catches a wake-up that was missed (a server down at 11:00): the reports
        leave at their minute of the company's time zone, whenever the addon was installed. Returns the
        moments (naive UTC) newly asked for.
        """
        cron = self.env.ref("crm_sales_playbook.crm_playbook_daily_report_cron_send", raise_if_not_found=False)
        if not cron:
            return []
        now = fields.Datetime.now()
        moments = set()
        for company in companies or self.env["res.company"].search([("id", "!=", 0)]):
            tz = company._playbook_tz()
            today = working_time.local_day(now, tz)
            hours = (
                company.playbook_operator_report_hour,
                company.playbook_head_report_hour,
                company.playbook_regular_report_hour,
            )
            for hour in hours:
                minutes = round((hour or 0.0) * 60)
                days = (working_time.at_hour_utc(tz, today + timedelta(days=n), minutes / 60) for n in (0, 1, 2))
                moments.add(next(at for at in days if at > now))
        # sudo: the cron's wake-ups are technical records; whoever changes a report hour reschedules them
        Trigger = self.env["ir.cron.trigger"].sudo()
        asked = set(Trigger.search([("cron_id", "=", cron.id), ("call_at", "in", list(moments))]).mapped("call_at"))
        new = sorted(moments - asked)
        for moment in new:
            cron.sudo()._trigger(at=moment)  # sudo: as above, a wake-up of the system's cron
        return new

    @api.model
    def _send_if_due(self, company, kind):
        """Email ``company``'s report ``kind`` when its hour came and no worker sent it today; the log line."""
        Log = self.env["crm.playbook.report.log"]
        now, tz = fields.Datetime.now(), company._playbook_tz()
        at = {
            "operator": company.playbook_operator_report_hour,
            "head": company.playbook_head_report_hour,
            "regular": company.playbook_regular_report_hour,
        }[kind]
        recipients = (
            company._playbook_regular_report_recipients()
            if kind == "regular"
            else company._playbook_report_recipients()
        )
        today = working_time.local_day(now, tz)
        period = self._report_period(company, kind, today)
        if working_time.local_hour(now, tz) < (at or 0.0) or not recipients or not period:
            return Log
        log = Log._claim(company, kind, today)
        if not log:
            return Log
        report = self.with_company(company).create(
            {"kind": kind, "date_from": period[0], "date_to": period[1], "company_id": company.id}
        )
        mail = report.with_context(lang=recipients[0].lang or self.env.lang)._send(recipients)
        log.write({"mail_id": mail.id, "recipient_ids": [(6, 0, recipients.ids)]})
        return log

    @api.model
    def _report_period(self, company, kind, today):
        """The days the report ``kind`` sent on ``today`` covers, or None when it is not sent that day.

        The call center's report covers the previous working day, the sales head's the day itself; the
        regular-customers report (RC-7) the day itself when daily, on Monday the week before when weekly, on
        the 1st the month before when monthly.
        """
        if kind == "operator":
            day = self._previous_working_day(company, today)
            return day, day
        if kind == "head" or company.playbook_regular_report_period == "daily":
            return today, today
        if company.playbook_regular_report_period == "monthly":
            if today.day != 1:
                return None
            return today - relativedelta(months=1), today - timedelta(days=1)
        if today.weekday():
            return None
        return today - timedelta(days=7), today - timedelta(days=1)
