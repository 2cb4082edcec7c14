"""The weekly review of the client database (RC-5): what each manager has on the list, and what is wrong."""

import json
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from . import working_time
from .lead_intake import same_request_leads
from .locking import run_batch
from .playbook_rules import DEAL_TYPE_RULES
from .roles import check_allowed_companies

LIST_KINDS = [
    ("week_lead", "New Lead of the Week"),
    ("week_client", "New Client of the Week"),
    ("next_call", "Call Next Week"),
    ("planned_request", "Request Planned Next Week"),
    ("debtor", "Debtor"),
    ("open_claim", "Open Claim"),
    ("open_complaint", "Open Complaint"),
    ("open_question", "Open Question"),
]
INCONSISTENCY_KINDS = [
    ("no_contact", "Client without Phone and Email"),
    ("no_salesperson", "Client without Salesperson"),
    ("stale_new", "Lead Stale in New"),
    ("duplicate", "Probable Duplicate Lead"),
    ("no_product", "Lead without Product"),
]
INCONSISTENCIES = {key for key, _label in INCONSISTENCY_KINDS}
PRODUCT_TYPES = [key for key, rule in DEAL_TYPE_RULES.items() if rule["needs_product"]]


class CrmDbReview(models.Model):
    """One weekly review of a company's client database, with its lines per manager."""

    _name = "crm.db.review"
    _description = "Weekly Database Review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(required=True, readonly=True)
    date = fields.Datetime(string="Run On", required=True, readonly=True, default=fields.Datetime.now)
    week_start = fields.Date(
        string="Week of",
        required=True,
        readonly=True,
        help="Monday of the week reviewed; the lists of next week start seven days later.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    previous_id = fields.Many2one("crm.db.review", string="Previous Review", readonly=True)
    line_ids = fields.One2many("crm.db.review.line", "review_id", string="Items", readonly=True)
    item_count = fields.Integer(string="Open Items", compute="_compute_counts", store=True)
    problem_count = fields.Integer(string="Inconsistencies", compute="_compute_counts", store=True)
    fixed_count = fields.Integer(string="Fixed since Last Review", compute="_compute_counts", store=True)

    @api.depends("line_ids.state", "line_ids.is_inconsistency")
    def _compute_counts(self):
        groups = self.env["crm.db.review.line"]._read_group(
            [("review_id", "in", self.ids)], ["review_id", "state", "is_inconsistency"], ["__count"]
        )
        counts = defaultdict(lambda: [0, 0, 0])
        for review, state, problem, count in groups:
            if state == "fixed":
                counts[review.id][2] += count
            else:
                counts[review.id][0] += count
                if problem:
                    counts[review.id][1] += count
        for review in self:
            review.item_count, review.problem_count, review.fixed_count = counts[review.id]

    # Running --------------------------------------------------------------------------------

    @api.model
    def _run(self, company, notify=True):
        """Review ``company``'s database now: lists, inconsistencies, what was fixed; tell the people.

        Sales heads and CRM administrators run it for a company they work in; the weekly cron for every company.
        """
        if not (self.env.su or self.env.user._playbook_is_head()):
            raise AccessError(self.env._("Only sales heads and CRM administrators run the database review."))
        check_allowed_companies(self.env, company, company.display_name)
        # The review's items are then read per manager through the record rules.
        # sudo: the review reads the company's whole database, whoever starts it
        Review = self.sudo()
        zone = company._playbook_tz()
        today = working_time.local_day(fields.Datetime.now(), zone)
        week_start = today - timedelta(days=today.weekday())
        previous = Review.search([("company_id", "=", company.id)], order="date desc, id desc", limit=1)
        review = Review.create(
            {
                "name": self.env._("Database review, week of %(week)s", week=fields.Date.to_string(week_start)),
                "week_start": week_start,
                "company_id": company.id,
                "previous_id": previous.id,
            }
        )
        # The items are written set-based (RC-5): a review holds tens of thousands, and a line has nothing to
        # compute, track or translate; the counts of the review are recomputed once afterwards.
        collector = _Collector(Review.env, company, zone, today, week_start, review)
        collector.collect()
        if previous:
            collector.insert_fixed(previous)
        for name in ("item_count", "problem_count", "fixed_count"):
            Review.env.add_to_compute(Review._fields[name], review)
        review.invalidate_recordset(["line_ids", "item_count", "problem_count", "fixed_count"])
        if notify:
            review._notify()
        return review

    def _manager_counts(self):
        """{manager: {kind: count}} of the open lines, read in one query."""
        self.ensure_one()
        counts = defaultdict(dict)
        for manager, kind, count in self.env["crm.db.review.line"]._read_group(
            [("review_id", "=", self.id), ("state", "=", "open")], ["manager_id", "kind"], ["__count"]
        ):
            counts[manager][kind] = count
        return counts

    def _kind_labels(self):
        return dict(self.env["crm.db.review.line"]._fields["kind"]._description_selection(self.env))

    def _notify(self):
        """A to-do for each manager with items, one summary email for the deputy director."""
        self.ensure_one()
        labels = self._kind_labels()
        counts = self._manager_counts()
        today = fields.Date.context_today(self)
        for manager, kinds in counts.items():
            if not manager or not manager.active:
                continue
            note = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s: %s</li>") % (labels[kind], count) for kind, count in sorted(kinds.items())
            )
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                date_deadline=today,
                summary=self.env._("Weekly review: %(count)s items", count=sum(kinds.values())),
                note=note,
            )
        directors = self.company_id._playbook_deputy_directors()
        if directors:
            self.env["mail.mail"].create(
                {
                    "subject": self.name,
                    "body_html": self._summary_html(counts, labels),
                    "email_from": self.company_id.email_formatted or self.env.user.email_formatted,
                    "recipient_ids": [(6, 0, directors.partner_id.ids)],
                    "model": self._name,
                    "res_id": self.id,
                }
            )

    def _summary_html(self, counts, labels):
        kinds = [
            key
            for key, _label in LIST_KINDS + INCONSISTENCY_KINDS
            if any(key in per_kind for per_kind in counts.values())
        ]
        head = Markup("").join(Markup("<th>%s</th>") % labels[kind] for kind in kinds)
        rows = Markup("").join(
            Markup("<tr><td>%s</td>%s</tr>")
            % (
                manager.name if manager else self.env._("Nobody"),
                Markup("").join(Markup("<td>%s</td>") % per_kind.get(kind, 0) for kind in kinds),
            )
            for manager, per_kind in sorted(counts.items(), key=lambda item: item[0].name or "")
        )
        link = Markup('<a href="/odoo/crm.db.review/%s">%s</a>') % (self.id, escape(self.name))
        return Markup(
            "<p>%s</p><table border='1' cellpadding='4' style='border-collapse: collapse;'>"
            "<tr><th>%s</th>%s</tr>%s</table><p>%s</p>"
        ) % (
            link,
            self.env._("Manager"),
            head,
            rows,
            self.env._(
                "Inconsistencies: %(open)s open, %(fixed)s fixed since the last review.",
                open=self.problem_count,
                fixed=self.fixed_count,
            ),
        )

    @api.model
    def _cron_review(self):
        """On the configured day and hour of each company's week, review its database once (RC-5)."""
        reviews = []
        run_batch(
            self.env["res.company"],
            [("id", "!=", 0)],
            lambda company: reviews.append(self._review_if_due(company)),
            job="weekly database review",
            lock=False,
        )
        return self.browse([review.id for review in reviews if review])

    @api.model
    def _review_if_due(self, company):
        """The review of ``company`` when its day and hour came and no worker ran it yet, else None."""
        now, tz = fields.Datetime.now(), company._playbook_tz()
        day = working_time.local_day(now, tz)
        if day.weekday() != int(company.playbook_review_weekday or 4) or working_time.local_hour(now, tz) < (
            company.playbook_review_hour or 0.0
        ):
            return None
        log = self.env["crm.playbook.report.log"]._claim(company, "review", day)
        if not log:
            return None
        review = self.with_company(company)._run(company)
        log.recipient_ids = company._playbook_deputy_directors()
        return review

    @api.readonly
    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_db_review_line_action")
        action["domain"] = [("review_id", "=", self.id)]
        action["context"] = {"search_default_open": 1, "search_default_group_manager": 1}
        return action


class CrmDbReviewLine(models.Model):
    """One item of a weekly review: a record on a manager's list, or an inconsistency to fix."""

    _name = "crm.db.review.line"
    _description = "Weekly Review Item"
    _order = "review_id desc, kind, manager_id, id"

    review_id = fields.Many2one("crm.db.review", required=True, ondelete="cascade", index=True)
    # Written with the line (a review holds tens of thousands): no recomputation after the insert.
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(LIST_KINDS + INCONSISTENCY_KINDS, required=True, index=True)
    is_inconsistency = fields.Boolean(readonly=True)
    manager_id = fields.Many2one("res.users", index=True)
    partner_id = fields.Many2one("res.partner", string="Client", index=True)
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", required=True)
    name = fields.Char(string="Item", required=True)
    detail = fields.Char()
    state = fields.Selection(
        [("open", "To Do"), ("fixed", "Fixed since Last Review")], default="open", required=True, index=True
    )

    @api.readonly
    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class _Collector:
    """Writes every list of the review with set-based queries: no query, and no ORM record, per item.

    Lists of leads go from one ``INSERT ... SELECT`` each. Lists of clients read their rows in one query and
    take the clients' names from the ORM in batch (a partner's name depends on its company and the language),
    then go with the other rows in one insert.
    """

    def __init__(self, env, company, zone, today, week_start, review):
        self.env = env
        self.company = company
        self.review = review
        self.today = today
        self.week_start = week_start
        self.next_start = week_start + timedelta(days=7)
        self.next_end = week_start + timedelta(days=13)

        self.utc = lambda day: working_time.day_start_utc(zone, day)
        # (kind, model, id, name or None for a client's name, manager id, partner id, detail)
        self.rows = []
        self.seen = set()

    # Writing ---------------------------------------------------------------------------------

    def _columns(self):
        """The columns every line gets, and their values, after (kind, is_inconsistency)."""
        now = self.env.cr.now()
        return SQL(
            "%s::int, %s::int, 'open', %s::int, %s::timestamp, %s::int, %s::timestamp",
            self.review.id,
            self.company.id,
            self.env.uid,
            now,
            self.env.uid,
            now,
        )

    def insert_leads(self, kind, domain):
        """Write one item per lead of ``domain`` in one query: its salesperson, else its team's leader."""
        Lead = self.env["crm.lead"]
        query = Lead._search(domain)
        self.insert_lead_query(kind, query, SQL("''"))

    def insert_lead_query(self, kind, query, detail):
        """Write one item per lead selected by ``query`` (a ``Query`` on crm_lead), with ``detail`` (SQL)."""
        alias = query.table
        query.add_join(
            "LEFT JOIN", "review_team", "crm_team", SQL('"review_team".id = %s', SQL.identifier(alias, "team_id"))
        )
        self.env["crm.lead"].flush_model(["name", "user_id", "team_id", "partner_id"])
        self.env["crm.team"].flush_model(["user_id"])
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_db_review_line (kind, is_inconsistency, review_id, company_id, state, create_uid,
                                            create_date, write_uid, write_date, res_model, res_id, name,
                                            manager_id, partner_id, detail)
            %s
            """,
                query.select(
                    SQL("%s, %s", kind, kind in INCONSISTENCIES),
                    self._columns(),
                    SQL("'crm.lead'"),
                    SQL.identifier(alias, "id"),
                    SQL.identifier(alias, "name"),
                    SQL('COALESCE(%s, "review_team".user_id)', SQL.identifier(alias, "user_id")),
                    SQL.identifier(alias, "partner_id"),
                    detail,
                ),
            )
        )

    def add(self, kind, record, manager, partner, name, detail=""):
        key = (kind, record._name, record.id)
        if key in self.seen:
            return
        self.seen.add(key)
        self.rows.append((kind, record._name, record.id, name, manager.id or None, partner.id or None, detail))

    def add_clients(self, kind, domain, manager=None, detail=None):
        """One item per client of ``domain``, for its manager (``manager``: SQL on the client ``partner``)."""
        query = self.env["res.partner"]._search(domain)
        alias = query.table
        if manager is None:
            query.add_join(
                "LEFT JOIN",
                "review_client",
                "res_partner",
                SQL('"review_client".id = %s', SQL.identifier(alias, "commercial_partner_id")),
            )
            manager = SQL('COALESCE("review_client".playbook_regular_manager_id, "review_client".user_id)')
        self.env["res.partner"].flush_model(["commercial_partner_id", "playbook_regular_manager_id", "user_id"])
        for partner_id, manager_id, value in self.env.execute_query(
            query.select(SQL.identifier(alias, "id"), manager, detail or SQL("NULL"))
        ):
            self.rows.append((kind, "res.partner", partner_id, None, manager_id, partner_id, value or ""))

    def insert_rows(self):
        """Write the rows gathered in Python in one query, the clients' names read in batch."""
        if not self.rows:
            return
        client_ids = list({row[2] for row in self.rows if row[3] is None})
        clients = self.env["res.partner"].with_context(active_test=False).browse(client_ids)
        # What a client's name is made of, read in one query (the other fields of the clients are not needed).
        clients.fetch(["name", "type", "is_company", "company_name", "commercial_company_name", "parent_id"])
        clients.parent_id.fetch(["name"])
        names = dict(zip(client_ids, clients.mapped("display_name"), strict=True))
        items = [
            (kind, model, res_id, names[res_id] if name is None else name, manager, partner, detail)
            for kind, model, res_id, name, manager, partner, detail in self.rows
        ]
        # One JSON parameter: the database reads it much faster than arrays of tens of thousands of values.
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_db_review_line (kind, is_inconsistency, review_id, company_id, state, create_uid,
                                            create_date, write_uid, write_date, res_model, res_id, name,
                                            manager_id, partner_id, detail)
            SELECT item->>0, (item->>0) = ANY(%s), %s, item->>1, (item->>2)::int, item->>3, (item->>4)::int,
                   (item->>5)::int, item->>6
              FROM json_array_elements(%s::json) WITH ORDINALITY AS list(item, seq)
             ORDER BY list.seq
            """,
                sorted(INCONSISTENCIES),
                self._columns(),
                json.dumps(items),
            )
        )
        self.rows = []

    def insert_fixed(self, previous):
        """The open inconsistencies of ``previous`` that this review no longer finds, shown fixed."""
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_db_review_line (kind, is_inconsistency, review_id, company_id, state, create_uid,
                                            create_date, write_uid, write_date, res_model, res_id, name,
                                            manager_id, partner_id)
            SELECT old.kind, TRUE, %(review)s, %(company)s, 'fixed', %(uid)s, %(now)s, %(uid)s, %(now)s,
                   old.res_model, old.res_id, old.name, old.manager_id, old.partner_id
              FROM crm_db_review_line old
             WHERE old.review_id = %(previous)s AND old.is_inconsistency AND old.state = 'open'
               AND NOT EXISTS (SELECT 1 FROM crm_db_review_line now
                                WHERE now.review_id = %(review)s AND now.kind = old.kind
                                  AND now.res_model = old.res_model AND now.res_id = old.res_id)
             ORDER BY old.kind, old.manager_id, old.id
            """,
                review=self.review.id,
                company=self.company.id,
                uid=self.env.uid,
                now=self.env.cr.now(),
                previous=previous.id,
            )
        )

    # Reading ---------------------------------------------------------------------------------

    def collect(self):
        company = self.company
        lead_company = [("company_id", "in", (company.id, False))]
        week_from, week_to = self.utc(self.week_start), self.utc(self.next_start)
        # Records of the week
        self.insert_leads("week_lead", lead_company + [("create_date", ">=", week_from), ("create_date", "<", week_to)])
        self.add_clients(
            "week_client",
            [
                ("create_date", ">=", week_from),
                ("create_date", "<", week_to),
                ("company_id", "in", (company.id, False)),
                ("parent_id", "=", False),
            ],
        )
        # Next week's calls and requests
        self.add_clients(
            "next_call",
            [
                ("playbook_next_contact", ">=", self.next_start),
                ("playbook_next_contact", "<=", self.next_end),
                ("company_id", "in", (company.id, False)),
            ],
            detail=SQL("to_char(res_partner.playbook_next_contact, 'YYYY-MM-DD')"),
        )
        self.insert_leads(
            "planned_request",
            lead_company
            + [
                ("work_status", "in", ("new", "in_work")),
                "|",
                "&",
                ("date_planned_contact", ">=", self.utc(self.next_start)),
                ("date_planned_contact", "<", self.utc(self.next_end + timedelta(1))),
                "&",
                ("date_deadline", ">=", self.next_start),
                ("date_deadline", "<=", self.next_end),
            ],
        )
        self._debtors()
        self._claims_and_complaints()
        self._open_questions()
        self._inconsistencies()
        self.insert_rows()

    def _debtors(self):
        """One item per client with overdue invoices, grouped in one query."""
        Move = self.env["account.move"]
        query = Move._search(
            [
                ("company_id", "=", self.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", self.today),
            ]
        )
        Move.flush_model(["commercial_partner_id", "amount_residual_signed", "invoice_user_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id", "playbook_regular_manager_id", "user_id"])
        groups = self.env.execute_query(
            SQL(
                """
            SELECT move.commercial_partner_id, COUNT(*), SUM(move.amount_residual_signed),
                   COALESCE(client.playbook_regular_manager_id, client.user_id,
                            (ARRAY_AGG(move.invoice_user_id ORDER BY move.id)
                                FILTER (WHERE move.invoice_user_id IS NOT NULL))[1])
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
              LEFT JOIN res_partner client ON client.id = partner.commercial_partner_id
             WHERE move.id IN %s
             GROUP BY move.commercial_partner_id, partner.complete_name, client.id
             ORDER BY partner.complete_name, move.commercial_partner_id DESC
            """,
                query.subselect(),
            )
        )
        currency = self.company.currency_id
        # One formatting per amount: clients often owe the same sums (a product's price).
        amounts = {}
        for partner_id, count, residual, manager_id in groups:
            rounded = currency.round(residual)
            if rounded not in amounts:
                amounts[rounded] = currency.format(rounded)
            detail = self.env._("%(count)s overdue invoices, %(amount)s due", count=count, amount=amounts[rounded])
            self.rows.append(("debtor", "res.partner", partner_id, None, manager_id, partner_id, detail))

    def _claims_and_complaints(self):
        for claim in self.env["crm.customer.claim"].search(
            [("company_id", "=", self.company.id), ("is_closed", "=", False)]
        ):
            self.add(
                "open_claim",
                claim,
                claim.responsible_id or claim.user_id,
                claim.partner_id,
                "%s: %s" % (claim.name, claim.partner_id.display_name),
                claim.stage_id.name,
            )
        for complaint in self.env["crm.quality.complaint"].search(
            [("company_id", "=", self.company.id), ("state", "=", "open")]
        ):
            self.add(
                "open_complaint",
                complaint,
                complaint.user_id,
                complaint.partner_id,
                "%s: %s" % (complaint.name, complaint.partner_id.display_name),
            )

    def _open_questions(self):
        """Clients and leads with overdue activities: one item per record and responsible."""
        groups = self.env["mail.activity"]._read_group(
            [("res_model", "in", ("res.partner", "crm.lead")), ("date_deadline", "<", self.today)],
            ["res_model", "res_id", "user_id"],
            ["__count"],
        )
        by_model = defaultdict(set)
        for model, res_id, _user, _count in groups:
            by_model[model].add(res_id)
        records = {
            model: {
                record.id: record
                for record in self.env[model].with_context(active_test=False).browse(list(ids)).exists()
            }
            for model, ids in by_model.items()
        }
        for model, res_id, user, count in groups:
            record = records[model].get(res_id)
            if not record or record.company_id not in (self.company, self.company.browse()):
                continue
            partner = record if model == "res.partner" else record.partner_id
            self.add(
                "open_question",
                record,
                user,
                partner,
                record.display_name,
                self.env._("%(count)s overdue activities", count=count),
            )

    def _inconsistencies(self):
        company = self.company
        Partner = self.env["res.partner"]
        customers = [
            ("company_id", "in", (company.id, False)),
            ("parent_id", "=", False),
            "|",
            ("customer_rank", ">", 0),
            ("playbook_is_regular", "=", True),
        ]
        self.add_clients(
            "no_contact",
            customers
            + [("phone", "=", False), ("email", "=", False)]
            + ([("mobile", "=", False)] if "mobile" in Partner._fields else []),
        )
        self.add_clients(
            "no_salesperson",
            customers + [("user_id", "=", False)],
            manager=SQL("res_partner.playbook_regular_manager_id"),
        )
        open_leads = [("company_id", "in", (company.id, False)), ("work_status", "in", ("new", "in_work"))]
        stale_before = self.utc(self.today - timedelta(days=company.playbook_stale_new_days or 3))
        self.insert_leads(
            "stale_new", open_leads[:1] + [("work_status", "=", "new"), ("create_date", "<", stale_before)]
        )
        self.insert_leads("no_product", open_leads + [("deal_type", "in", PRODUCT_TYPES), ("product_id", "=", False)])
        self._duplicates()

    def _duplicates(self):
        """Open leads that intake would have merged into an older one: the same request (lead_intake.py)."""
        rows = SQL(
            """
            SELECT lead.id AS idx, lead.company_id AS company, lead.product_id AS product, lead.team_id AS team,
                   lead.commercial_partner_id AS partner, lead.email_normalized AS email,
                   lead.phone_sanitized AS phone, client.vat AS vat
              FROM crm_lead lead
              LEFT JOIN res_partner client ON client.id = lead.commercial_partner_id
             WHERE lead.active AND lead.work_status IN ('new', 'in_work')
               AND (lead.company_id = %(company)s OR lead.company_id IS NULL)
        """,
            company=self.company.id,
        )
        pairs = sorted(
            (lead_id, found[0]) for lead_id, found in same_request_leads(self.env, rows, older_only=True).items()
        )
        if not pairs:
            return
        # "Same as <the original>": the sentence translated once, each original's name put in by the database.
        same_as = self.env._("Same as %(lead)s", lead="\x00")
        before, _sep, after = same_as.partition("\x00")
        query = (
            self.env["crm.lead"].with_context(active_test=False)._search([("id", "in", [pair[0] for pair in pairs])])
        )
        query.add_join(
            "JOIN",
            "review_pair",
            SQL(
                "(SELECT * FROM unnest(%s::int[], %s::int[]) AS pair(lead_id, first_id))",
                [pair[0] for pair in pairs],
                [pair[1] for pair in pairs],
            ),
            SQL('"review_pair".lead_id = %s', SQL.identifier(query.table, "id")),
        )
        query.add_join("JOIN", "review_first", "crm_lead", SQL('"review_first".id = "review_pair".first_id'))
        query.order = SQL.identifier(query.table, "id")
        self.insert_lead_query("duplicate", query, SQL('%s || "review_first".name || %s', before, after))
