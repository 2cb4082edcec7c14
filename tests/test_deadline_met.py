from datetime import date, datetime, timedelta

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import FRI_1700_MSK, MON_1200_MSK, SUN_1200_MSK, ReportCase

MONDAY = date(2026, 11, 23)
MON_1000_MSK = datetime(2026, 11, 23, 7, 0)
MON_1400_MSK = datetime(2026, 11, 23, 11, 0)
MON_0930_MSK = datetime(2026, 11, 23, 6, 30)


@tagged("post_install", "-at_install")
class TestDeadlineMet(ReportCase):
    """One definition of a met response deadline (PP-12, X-REP): the client reached by the deadline."""

    def hot(self, when=SUN_1200_MSK, **values):
        with self.pinned_time(when):
            return self.create_lead(temperature="hot", team_id=self.team_b.id, stage_id=self.stage_new.id, **values)

    def block(self, lead, when):
        """Another team reserves the lead's client and product: the lead is blocked (PP-4)."""
        with self.pinned_time(when):
            self.env["crm.client.reservation"].create(
                {
                    "partner_id": lead.partner_id.id,
                    "product_id": lead.product_id.id,
                    "team_id": self.team_a.id,
                    "date_end": when.date() + timedelta(days=30),
                    "origin": "manual",
                }
            )

    def test_blocked_lead_nobody_touched_is_not_met(self):
        """7.2. Регламентные сроки определяют время нахождения ПП в статусе «новая» с момента поступления ее в СЦ
        и до момента перехода в статус «в работе»"""
        lead = self.hot(partner_id=self.partner.id, product_id=self.product.id)
        self.assertEqual(lead.sla_deadline, MON_1200_MSK, "Sunday's hot lead is due Monday 12:00 in Moscow")
        self.block(lead, MON_1000_MSK)
        self.assertEqual(lead.work_status, "blocked")
        self.assertEqual(lead.sla_stopped_at, MON_1000_MSK, "blocking stops the clock")
        self.assertEqual(lead.sla_status, "no_contact", "blocked before any contact: not met, its own status")
        self.assertFalse(lead.sla_breached)
        self.assertNotIn(lead, self.Lead.search([("sla_breached", "=", True), ("id", "=", lead.id)]))

    def test_lost_lead_is_met_only_when_reached_in_time(self):
        """7.2. Регламентные сроки определяют время нахождения ПП в статусе «новая» с момента поступления ее в СЦ
        и до момента перехода в статус «в работе»"""
        lost_untouched, lost_late, lost_after_contact = self.hot(), self.hot(), self.hot()
        with self.pinned_time(MON_1000_MSK):
            lost_untouched.action_set_lost()
            lost_after_contact.stage_id = self.stage_contact
        with self.pinned_time(MON_1400_MSK):
            lost_late.action_set_lost()
            lost_after_contact.action_set_lost()
        self.assertEqual(
            (lost_untouched.sla_status, lost_late.sla_status, lost_after_contact.sla_status),
            ("no_contact", "breached", "met"),
            "lost before the deadline without contact: closed without contact; after it: breached; "
            "reached at 10:00 and lost later: met",
        )

    def test_lead_moved_to_a_new_team_is_met_by_that_team_only(self):
        """7.2. Регламентные сроки определяют время нахождения ПП в статусе «новая» с момента поступления ее в СЦ
        и до момента перехода в статус «в работе»"""
        lead = self.hot()
        with self.pinned_time(MON_1000_MSK):
            lead.stage_id = self.stage_contact
        self.assertEqual(lead.sla_status, "met")
        with self.pinned_time(MON_1400_MSK):
            lead.write({"team_id": self.team_a.id, "stage_id": self.stage_new.id})
        self.assertEqual(lead.sla_status, "running", "the new team starts its own clock")
        with self.pinned_time(MON_1400_MSK + timedelta(minutes=5)):
            lead.action_set_lost()
        self.assertEqual(lead.sla_status, "no_contact", "the earlier team's contact is not this team's")

    def test_analysis_goal_and_report_agree_on_the_same_leads(self):
        """7.2. Регламентные сроки определяют время нахождения ПП в статусе «новая» с момента поступления ее в СЦ
        и до момента перехода в статус «в работе»"""
        met, late, lost = self.hot(), self.hot(), self.hot()
        blocked = self.hot(partner_id=self.partner.id, product_id=self.product.id)
        leads = met | late | lost | blocked
        with self.pinned_time(MON_0930_MSK):
            lost.action_set_lost()
        self.block(blocked, MON_0930_MSK)
        with self.pinned_time(MON_1000_MSK):
            met.stage_id = self.stage_contact
        with self.pinned_time(MON_1400_MSK):
            late.stage_id = self.stage_contact
        self.assertEqual(
            leads.mapped("sla_status"), ["met", "met_late", "no_contact", "no_contact"], "one status per lead"
        )
        self.env.flush_all()
        [[analysis]] = self.env["crm.playbook.lead.analysis"]._read_group(
            [("lead_id", "in", leads.ids)], [], ["sla_rate:avg"]
        )
        goal = self.env["crm.playbook.goal"].create(
            {
                "code": "Ц1",
                "name": "Leads taken into work in time",
                "indicator_code": "ПЦ1",
                "indicator_name": "Response deadlines met",
                "calculation": "sla_compliance",
                "target": 90,
                "periodicity": "daily",
                "team_id": self.team_b.id,
                "user_id": self.user_head.id,
            }
        )
        self.assertEqual((analysis, goal._measure(MONDAY, MONDAY)), (25.0, 25.0), "1 of the 4 deadlines met")
        statuses = dict(
            self.Lead.with_context(active_test=False)._read_group(
                [("id", "in", leads.ids)], ["sla_status"], ["__count"]
            )
        )
        self.assertEqual(statuses, {"met": 1, "met_late": 1, "no_contact": 2}, "the SLA report's columns")

    def test_postponed_lead_is_met(self):
        """3.4.4. дата/время отложенности – это дата/время, на которую отложена процедура обработки ПП (с клиентом
        уже вышли на связь, но беседу/встречу отложили на определенную дату/время);"""
        lead = self.hot(FRI_1700_MSK)
        with self.pinned_time(datetime(2026, 11, 20, 14, 30)):
            lead.postponed_until = datetime(2026, 11, 25, 10, 0)
        self.assertEqual((lead.work_status, lead.sla_status), ("new", "met"), "postponing records the contact")

    def test_response_deadlines_report_shows_share_met_by_team_and_salesperson(self):
        """7.2. Регламентные сроки определяют время нахождения ПП в статусе «новая» с момента поступления ее в СЦ
        и до момента перехода в статус «в работе»"""

        def hot(team, user):
            with self.pinned_time(SUN_1200_MSK):
                return self.create_lead(temperature="hot", team_id=team.id, user_id=user.id)

        b_met, b_late = hot(self.team_b, self.user_salesperson_b), hot(self.team_b, self.user_salesperson_b)
        b_lost = hot(self.team_b, self.user_head)
        a_met, a_late = hot(self.team_a, self.user_salesperson), hot(self.team_a, self.user_regular)
        leads = b_met | b_late | b_lost | a_met | a_late
        with self.pinned_time(MON_0930_MSK):
            (b_met | a_met).write({"stage_id": self.stage_contact.id})
            b_lost.action_set_lost()
        with self.pinned_time(MON_1400_MSK):
            (b_late | a_late).write({"stage_id": self.stage_contact.id})
        self.assertEqual(leads.mapped("sla_status"), ["met", "met_late", "no_contact", "met", "met_late"])

        action = self.env["ir.actions.actions"]._for_xml_id("crm_sales_playbook.crm_lead_action_sla_report")
        context = safe_eval(action["context"])
        self.assertEqual(
            (context.get("search_default_saleschannel"), context.get("search_default_salesperson")),
            (1, 1),
            "the report opens grouped by team, then by salesperson",
        )
        self.assertEqual(context["pivot_measures"], ["sla_met_rate", "__count"], "the share met, then the count")
        Lead = self.Lead.with_context(**context)
        domain = safe_eval(action["domain"]) + [("id", "in", leads.ids)]
        self.env.flush_all()
        by_team = {team: round(rate, 2) for team, rate in Lead._read_group(domain, ["team_id"], ["sla_met_rate:avg"])}
        self.assertEqual(by_team, {self.team_b: 33.33, self.team_a: 50.0}, "team B met 1 of 3, team A 1 of 2")
        by_user = dict(Lead._read_group(domain, ["user_id"], ["sla_met_rate:avg"]))
        self.assertEqual(
            by_user,
            {self.user_salesperson_b: 50.0, self.user_head: 0.0, self.user_salesperson: 100.0, self.user_regular: 0.0},
        )
        pivot = self.Lead.get_views([(self.env.ref("crm_sales_playbook.crm_lead_view_pivot_sla").id, "pivot")])
        arch = pivot["views"]["pivot"]["arch"]
        self.assertIn('name="sla_met_rate" type="measure"', arch, "the pivot shows the share met")
        self.assertIn('name="user_id" type="row"', arch)
