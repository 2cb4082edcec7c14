import base64
from contextlib import ExitStack, contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, freeze_time, new_test_user

PLAYBOOK = "crm_sales_playbook.group_crm_sales_playbook_"
REAL_PHONE = "+7 912 604-18-37"

# Moments of the response-deadline tests, naive UTC. Moscow is UTC+3, Yekaterinburg UTC+5;
# Russia keeps no daylight saving time.
FRI_1700_MSK = datetime(2026, 11, 20, 14, 0)
SAT_1000_MSK = datetime(2026, 11, 21, 7, 0)
MON_1100_MSK = datetime(2026, 11, 23, 8, 0)
MON_1200_MSK = datetime(2026, 11, 23, 9, 0)
# The reports' moments: Friday 20 to Monday 23 November 2026 in Moscow.
FRI_1000_MSK = datetime(2026, 11, 20, 7, 0)
THU_1700_MSK = datetime(2026, 11, 19, 14, 0)
SAT_0100_MSK = datetime(2026, 11, 20, 22, 0)  # still Friday in UTC, Saturday in Moscow
SUN_1200_MSK = datetime(2026, 11, 22, 9, 0)
MON_0930_MSK = datetime(2026, 11, 23, 6, 30)
MON_1500_MSK = datetime(2026, 11, 23, 12, 0)
# What an order of a team with the contact rules has before it is confirmed: the shipment date (EV-10), the
# requisites asked for and received, the documents sent and their receipt confirmed by a call (ST-6), the payment
# method and the delivery (ST-15). Tests of other rules start from it.
ORDER_READY = {
    "commitment_date": datetime(2026, 11, 27, 9, 0),
    "playbook_requisites_requested_on": datetime(2026, 11, 20, 7, 0),
    "playbook_requisites_received_on": datetime(2026, 11, 20, 8, 0),
    "playbook_docs_sent_on": datetime(2026, 11, 20, 9, 0),
    "playbook_receipt_confirmed_on": datetime(2026, 11, 20, 10, 0),
    "playbook_payment_method": "transfer",
    "playbook_delivery_scope": "full",
}


class PlaybookCase(TransactionCase):
    """Fixtures of the playbook tests: two companies, two teams, one user per role.

    Nothing here depends on demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.ru")
        cls.company_2 = cls.env["res.company"].create({"name": "Playbook Second Company"})
        cls.Lead = cls.env["crm.lead"]
        cls.stage_new = cls.env.ref("crm.stage_lead1")
        cls.stage_contact = cls.env.ref("crm.stage_lead2")
        cls.stage_proposal = cls.env.ref("crm.stage_lead3")
        cls.stage_won = cls.env.ref("crm.stage_lead4")

        def user(login, role, **kw):
            groups = PLAYBOOK + role if role else "sales_team.group_sale_salesman"
            return new_test_user(cls.env, login=login, groups=groups, name=login.replace("_", " ").title(), **kw)

        cls.user_operator = user("pb_operator", "operator")
        cls.user_salesperson = user("pb_salesperson", "salesperson")
        cls.user_salesperson_b = user("pb_salesperson_b", "salesperson")
        cls.user_regular = user("pb_regular", "regular_manager")
        cls.user_head = user("pb_head", "head")
        cls.user_legal = user("pb_legal", "legal")
        cls.user_support = user("pb_support", "support")
        cls.user_admin = new_test_user(
            cls.env, login="pb_crm_admin", name="Pb Crm Admin", groups="sales_team.group_sale_manager"
        )

        Team = cls.env["crm.team"].with_context(tracking_disable=True)
        cls.team_a = Team.create(
            {
                "name": "Team Yekaterinburg",
                "tz": "Asia/Yekaterinburg",
                "user_id": cls.user_head.id,
                "member_ids": [(6, 0, (cls.user_salesperson | cls.user_regular | cls.user_operator).ids)],
            }
        )
        cls.team_b = Team.create(
            {
                "name": "Team Moscow",
                "tz": "Europe/Moscow",
                "member_ids": [(6, 0, cls.user_salesperson_b.ids)],
            }
        )
        cls.team_company_2 = Team.create({"name": "Team Second Company", "company_id": cls.company_2.id})

        cls.product = cls.env["product.product"].create(
            {
                "name": "Online Reporting",
                "type": "service",
                "list_price": 1000.0,
                "invoice_policy": "order",
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "UralStroy LLC", "is_company": True})

        cls.source = {
            xmlid: cls.env.ref("crm_sales_playbook.utm_source_" + xmlid)
            for xmlid in (
                "registration",
                "connection_request",
                "demo_order",
                "consultation_request",
                "presentation_request",
                "callback_request",
                "test_drive_order",
                "calling_base_upload",
                "renewal_base_upload",
                "marketing_event_contacts",
                "created_by_sales_support",
                "upsell_base_upload",
            )
        }

    def create_lead(self, **values):
        vals = {"name": "Playbook lead", "type": "opportunity", "team_id": self.team_a.id}
        vals.update(values)
        return self.Lead.create(vals)

    @contextmanager
    def recorded_queries(self):
        """The SQL statements the block runs, as text, flushed pending writes included."""
        queries = []
        original = sql_db.Cursor.execute

        def record(cr, query, params=None, log_exceptions=True):
            queries.append(str(query))
            return original(cr, query, params, log_exceptions)

        with patch.object(sql_db.Cursor, "execute", autospec=True, side_effect=record):
            yield queries
            self.env.flush_all()

    @contextmanager
    def pinned_time(self, when):
        """Pin Python's clock and the database's NOW() used by Odoo for CRM dates.

        Pending computations are flushed before leaving, so that they happen at the pinned time.
        """
        with freeze_time(when), patch.object(self.env.cr, "now", lambda: when):
            yield
            self.env.flush_all()

    def deal_new_requests(self):
        """Run the hot-lead job, as the cron runner does at once when a request woke it (``_trigger``)."""
        return self.env["crm.lead"].sudo()._cron_playbook_deal_requests()  # sudo: as the cron runner runs it

    def flush_tracking(self):
        """Run the tracking that Odoo does at commit (it skips records created in the same transaction)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def tracked_values(self, lead, field_name):
        """(old, new) pairs of the tracking messages of one field, oldest first."""
        self.flush_tracking()
        values = (
            self.env["mail.tracking.value"]
            .sudo()  # sudo: tracking values are readable by the system only
            .search(
                [
                    ("mail_message_id.model", "=", "crm.lead"),
                    ("mail_message_id.res_id", "=", lead.id),
                    ("field_id.name", "=", field_name),
                ],
                order="id",
            )
        )
        return [(v.old_value_char, v.new_value_char) for v in values]


class GuardCase(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_a.playbook_guards = True
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})

    def lead(self, **values):
        values.setdefault("phone", REAL_PHONE)
        values.setdefault("user_id", self.user_salesperson.id)
        # Every lead has a type (3.1, 4.1; PP-5): a service lead needs no product and no paid period.
        values.setdefault("deal_type", "service")
        lead = self.create_lead(stage_id=self.stage_new.id, **values)
        self.env.flush_all()  # the lead was saved by an earlier request
        return lead

    def log_call(self, lead, result="reached", **values):
        return self.env["crm.lead.call"].create(dict({"lead_id": lead.id, "result": result}, **values))


class DealCase(GuardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_meeting = cls.env.ref("crm_sales_playbook.crm_stage_meeting")
        cls.stage_order = cls.env.ref("crm_sales_playbook.crm_stage_order")
        cls.client = cls.env["res.partner"].create(
            {"name": "Uralmash JSC", "is_company": True, "email": "office@uralmash.ru", "phone": REAL_PHONE}
        )
        cls.person = cls.env["res.partner"].create({"name": "Pavel Sidorov", "email": "pavel@sidorov.ru"})

    def contacted_lead(self, stage=None, **values):
        lead = self.lead(partner_id=self.client.id, **values)
        self.log_call(lead)
        lead.stage_id = stage or self.stage_contact
        return lead

    def attachment(self, name="proposal.pdf"):
        """A file the salesperson uploaded: Odoo lets only its uploader read a file not yet attached."""
        return (
            self.env["ir.attachment"]
            .with_user(self.user_salesperson)
            .create({"name": name, "datas": base64.b64encode(b"%PDF-1.4 offer")})
            .with_env(self.env)
        )


class ReportCase(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "resource_calendar_id": cls.env.ref("crm_sales_playbook.resource_calendar_sales").id,
                "playbook_report_recipient_ids": [(6, 0, cls.user_head.ids)],
                "playbook_operator_report_hour": 11.0,
                "playbook_head_report_hour": 19.5,
                # The regular-customers report goes on the 1st only: the daily reports' tests see theirs alone.
                "playbook_regular_report_period": "monthly",
            }
        )
        cls.Report = cls.env["crm.playbook.daily.report"]

    def report(self, kind, day_from, day_to=None, **values):
        return self.Report.create(dict(kind=kind, date_from=day_from, date_to=day_to or day_from, **values))

    def read_group(self, action, groupby):
        return dict(
            self.env[action["res_model"]]
            .with_context(active_test=False)
            ._read_group(action["domain"], [groupby], ["__count"])
        )

    def proposal(self, lead, user, when):
        attachment = self.env["ir.attachment"].create({"name": "offer.pdf", "raw": b"%PDF-1.4"})
        proposal = self.env["crm.lead.proposal"].create(
            {"name": "Offer", "lead_id": lead.id, "user_id": user.id, "attachment_ids": [(6, 0, attachment.ids)]}
        )
        with self.pinned_time(when):
            proposal.action_send()
        return proposal

    def invoice(self, lead, when, amount=1000.0):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "team_id": self.team_b.id,
                "opportunity_id": lead.id if lead else False,
                "user_id": (lead.user_id if lead else self.user_regular).id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [(5, 0, 0)],
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = when.date()
        with self.pinned_time(when):
            invoice.action_post()
        return invoice

    def pay(self, invoice, when):
        with self.pinned_time(when):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": when.date()})._create_payments()


class RaceCase(TransactionCase):
    """Races between real database connections: two workers, or a cron and a user, on committed data.

    A plain TransactionCase: the playbook fixtures would hold row locks (users, digests) that the committing
    connections must take. What ``committed`` creates is removed afterwards, in a connection of its own.
    """

    CONTEXT = {"tracking_disable": True, "mail_notrack": True}

    @staticmethod
    def build_race_team(env, **team_values):
        """A salesperson, a team assigning by working time with them as member, and a warm lead waiting for a
        salesperson: what the races of assignment are about. Returns them by name, as ``committed`` wants."""
        user = new_test_user(env, login="pb_race_seller", groups=PLAYBOOK + "salesperson")
        team = env["crm.team"].create(
            {
                "name": "Race team",
                "tz": "Europe/Moscow",
                "playbook_assignment": True,
                "crm_team_member_ids": [(0, 0, {"user_id": user.id})],
                **team_values,
            }
        )
        lead = env["crm.lead"].create(
            {"name": "Race lead", "type": "opportunity", "team_id": team.id, "temperature": "warm", "user_id": False}
        )
        return {"partner": user.partner_id, "user": user, "team": team, "lead": lead}

    @contextmanager
    def committed(self, build, cleanup=None):
        """Create records with ``build(env)`` and commit them; yield {name: id} of the records it returns.

        Afterwards ``cleanup(env, records)`` removes them, by default each record in the reverse order.
        """
        dbname = self.env.cr.dbname
        with sql_db.db_connect(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, self.CONTEXT)
            records = build(env)
            env.flush_all()
            refs = {name: (record._name, record.id) for name, record in records.items()}
            cr.commit()  # pylint: disable=invalid-commit
        try:
            yield {name: record_id for name, (_model, record_id) in refs.items()}
        finally:
            with sql_db.db_connect(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, self.CONTEXT)
                records = {
                    name: env[model].with_context(active_test=False).browse(record_id).exists()
                    for name, (model, record_id) in refs.items()
                }
                if cleanup:
                    cleanup(env, records)
                else:
                    for record in reversed(list(records.values())):
                        record.unlink()
                env.flush_all()
                cr.commit()  # pylint: disable=invalid-commit

    @contextmanager
    def workers(self, count=2, lock_timeout="5s"):
        """``count`` environments on connections of their own, rolled back at the end. A statement that waits
        longer than ``lock_timeout`` for a lock fails: nobody waits for another worker's batch."""
        with ExitStack() as stack:
            envs = []
            for _index in range(count):
                cr = stack.enter_context(sql_db.db_connect(self.env.cr.dbname).cursor())
                cr.execute("SET lock_timeout = %s", [lock_timeout])
                cr.commit()  # pylint: disable=invalid-commit  # a setting of the session: a rollback keeps it
                envs.append(api.Environment(cr, SUPERUSER_ID, self.CONTEXT))
            yield envs
