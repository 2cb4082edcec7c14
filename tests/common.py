from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo.tests import TransactionCase, freeze_time, new_test_user

PLAYBOOK = "crm_sales_playbook.group_crm_sales_playbook_"

# Moments of the response-deadline tests, naive UTC. Moscow is UTC+3, Yekaterinburg UTC+5;
# Russia keeps no daylight saving time.
FRI_1700_MSK = datetime(2026, 11, 20, 14, 0)
SAT_1000_MSK = datetime(2026, 11, 21, 7, 0)
MON_1100_MSK = datetime(2026, 11, 23, 8, 0)
MON_1200_MSK = datetime(2026, 11, 23, 9, 0)


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
        cls.team_a = Team.create({
            "name": "Team Yekaterinburg",
            "tz": "Asia/Yekaterinburg",
            "user_id": cls.user_head.id,
            "member_ids": [(6, 0, (cls.user_salesperson | cls.user_regular | cls.user_operator).ids)],
        })
        cls.team_b = Team.create({
            "name": "Team Moscow",
            "tz": "Europe/Moscow",
            "member_ids": [(6, 0, cls.user_salesperson_b.ids)],
        })
        cls.team_company_2 = Team.create({"name": "Team Second Company", "company_id": cls.company_2.id})

        cls.product = cls.env["product.product"].create({
            "name": "Online Reporting",
            "type": "service",
            "list_price": 1000.0,
            "invoice_policy": "order",
        })
        cls.partner = cls.env["res.partner"].create({"name": "UralStroy LLC", "is_company": True})

        cls.source = {
            xmlid: cls.env.ref("crm_sales_playbook.utm_source_" + xmlid)
            for xmlid in (
                "registration", "connection_request", "demo_order", "consultation_request",
                "presentation_request", "callback_request", "test_drive_order", "calling_base_upload",
                "renewal_base_upload", "marketing_event_contacts", "created_by_sales_support",
                "upsell_base_upload",
            )
        }

    def create_lead(self, **values):
        vals = {"name": "Playbook lead", "type": "opportunity", "team_id": self.team_a.id}
        vals.update(values)
        return self.Lead.create(vals)

    @contextmanager
    def pinned_time(self, when):
        """Pin Python's clock and the database's NOW() used by Odoo for CRM dates.

        Pending computations are flushed before leaving, so that they happen at the pinned time.
        """
        with freeze_time(when), patch.object(self.env.cr, "now", lambda: when):
            yield
            self.env.flush_all()

    def flush_tracking(self):
        """Run the tracking that Odoo does at commit (it skips records created in the same transaction)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def tracked_values(self, lead, field_name):
        """(old, new) pairs of the tracking messages of one field, oldest first."""
        self.flush_tracking()
        values = self.env["mail.tracking.value"].sudo().search([
            ("mail_message_id.model", "=", "crm.lead"),
            ("mail_message_id.res_id", "=", lead.id),
            ("field_id.name", "=", field_name),
        ], order="id")
        return [(v.old_value_char, v.new_value_char) for v in values]
