from datetime import date, datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import MON_0930_MSK, MON_1500_MSK, SUN_1200_MSK, ReportCase

MONDAY = date(2026, 11, 23)


@tagged("post_install", "-at_install")
class TestGoals(ReportCase):
    """Each calculation of LG-7 on a fixture with known counts, for Monday 23 November (Moscow)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Goal = cls.env["crm.playbook.goal"]

    def goal(self, calculation, target=1.0, **values):
        number = self.Goal.with_context(active_test=False).search_count([]) + 1
        return self.Goal.create(
            dict(
                {
                    "code": "Ц%s" % number,
                    "name": "Goal",
                    "indicator_code": "ПЦ%s" % number,
                    "indicator_name": "Indicator",
                    "calculation": calculation,
                    "target": target,
                    "periodicity": "daily",
                    "user_id": self.user_head.id,
                },
                **values,
            )
        )

    def measure(self, calculation, **values):
        return self.goal(calculation, **values)._measure(MONDAY, MONDAY)

    def lead(self, when, **values):
        with self.pinned_time(when):
            return self.create_lead(team_id=self.team_b.id, **values)

    def test_leads_and_conversion(self):
        self.lead(MON_0930_MSK, temperature="hot")
        won = self.lead(MON_1500_MSK, temperature="hot")
        self.lead(MON_1500_MSK, temperature="warm")
        self.lead(SUN_1200_MSK, temperature="hot")
        won.action_set_won()
        self.assertEqual(self.measure("leads"), 3.0)
        self.assertEqual(self.measure("leads", filter_domain="[('temperature', '=', 'hot')]"), 2.0)
        self.assertEqual(self.measure("conversion"), 33.33)
        self.assertEqual(self.measure("conversion", filter_domain="[('temperature', '=', 'hot')]"), 50.0)

    def test_response_deadlines_met(self):
        leads = [self.lead(SUN_1200_MSK, name="SLA %s" % index) for index in range(4)]
        self.env.flush_all()
        for lead, status, deadline in (
            (leads[0], "met", MON_0930_MSK),
            (leads[1], "breached", MON_1500_MSK),
            (leads[2], "met_late", MON_1500_MSK),
            (leads[3], "met", SUN_1200_MSK),
        ):
            self.env.cr.execute(
                "UPDATE crm_lead SET sla_deadline = %s, sla_status = %s WHERE id = %s", [deadline, status, lead.id]
            )
        self.env.invalidate_all()
        self.assertEqual(self.measure("sla_compliance"), 33.33, "1 of the 3 deadlines of Monday met")

    def test_calls_and_meetings(self):
        lead = self.lead(SUN_1200_MSK, partner_id=self.partner.id)
        Call = self.env["crm.lead.call"]
        for when in (MON_0930_MSK, MON_1500_MSK, SUN_1200_MSK):
            Call.create({"lead_id": lead.id, "direction": "outbound", "result": "no_answer", "date": when})
        with self.pinned_time(MON_1500_MSK):
            self.env["calendar.event"].create(
                {
                    "name": "Demo",
                    "opportunity_id": lead.id,
                    "start": datetime(2026, 11, 25, 7, 0),
                    "stop": datetime(2026, 11, 25, 8, 0),
                }
            )
            self.env["calendar.event"].create(
                {"name": "Not a sale", "start": datetime(2026, 11, 25, 7, 0), "stop": datetime(2026, 11, 25, 8, 0)}
            )
        self.assertEqual(self.measure("calls"), 2.0)
        self.assertEqual(self.measure("meetings"), 1.0)

    def test_proposals_invoices_and_revenue(self):
        lead = self.lead(SUN_1200_MSK, partner_id=self.partner.id, user_id=self.user_salesperson_b.id)
        self.proposal(lead, self.user_salesperson_b, MON_1500_MSK)
        self.proposal(lead, self.user_salesperson_b, SUN_1200_MSK)
        monday = self.invoice(lead, MON_0930_MSK, 1200.0)
        self.invoice(lead, MON_0930_MSK, 800.0)
        sunday = self.invoice(lead, SUN_1200_MSK, 500.0)
        self.pay(monday, MON_1500_MSK)
        self.pay(sunday, MON_0930_MSK)
        self.assertEqual(self.measure("proposals"), 1.0)
        self.assertEqual(self.measure("invoices_issued"), 2.0)
        self.assertEqual(self.measure("invoices_paid"), 2.0)
        self.assertEqual(self.measure("revenue"), 1700.0)
        self.assertEqual(self.measure("revenue", team_id=self.team_a.id), 0.0, "another team sold nothing")

    def test_claims_and_complaints(self):
        Claim = self.env["crm.customer.claim"]

        def claim(when, notified, closed=None):
            record = Claim.create(
                {"partner_id": self.partner.id, "essence": "x", "date": when, "responsible_id": self.user_head.id}
            )
            record.client_notified_at = notified
            if closed:
                record.write(
                    {
                        "legal_user_id": self.user_legal.id,
                        "legal_evaluation": "ok",
                        "decision": "Rejected",
                        "decision_by": "legal",
                        "client_decision_notified_at": closed,
                    }
                )
                with self.pinned_time(closed):
                    record.action_reject()
            return record

        claim(MON_0930_MSK, MON_1500_MSK, closed=MON_1500_MSK)  # on time
        claim(datetime(2026, 11, 20, 7, 0), MON_0930_MSK, closed=MON_1500_MSK)  # told too late
        claim(SUN_1200_MSK, SUN_1200_MSK)  # still open
        self.env["crm.quality.complaint"].create({"partner_id": self.partner.id, "essence": "x", "date": MON_1500_MSK})
        self.assertEqual(self.measure("claims_opened"), 1.0)
        self.assertEqual(self.measure("claims_on_time"), 50.0)
        self.assertEqual(self.measure("complaints"), 1.0)

    def test_goal_card_shows_counts_as_whole_numbers(self):
        """Issue 20: the goal card read "1.00 of 2.00 complaints"; counts are whole numbers, a share keeps its
        decimals."""
        self.env["crm.quality.complaint"].create({"partner_id": self.partner.id, "essence": "x", "date": MON_1500_MSK})
        goal = self.goal("complaints", target=2.0)
        goal._record(MONDAY, MONDAY, final=False)
        self.assertEqual(goal.last_figures, "1 of 2 complaints")
        goal.write({"target": 87.5, "unit": "%"})
        self.assertEqual(goal._figures(66.666), "66.67 of 87.50 %")
        card = self.Goal.get_view(self.env.ref("crm_sales_playbook.crm_playbook_goal_view_kanban").id, "kanban")
        self.assertIn('name="last_figures"', card["arch"])
        self.assertNotIn('name="last_actual"', card["arch"])

    def test_history_and_one_notice_when_a_period_ends_short(self):
        with self.pinned_time(datetime(2026, 11, 16, 6, 0)):
            goal = self.goal("leads", target=2.0, periodicity="weekly")
        self.lead(datetime(2026, 11, 17, 7, 0))
        with self.pinned_time(datetime(2026, 11, 22, 9, 0)):  # Sunday: the week is not over
            self.Goal._cron_measure()
        current = goal.value_ids.filtered(lambda value: value.period_start == date(2026, 11, 16))
        self.assertEqual((current.actual, current.final, current.reached), (1.0, False, False))
        self.assertFalse(goal.activity_ids, "no notice before the period ends")
        with self.pinned_time(MON_0930_MSK):
            self.Goal._cron_measure()
            self.Goal._cron_measure()
        self.assertTrue(current.final)
        [notice] = goal.activity_ids
        self.assertEqual(notice.user_id, self.user_head)
        self.assertEqual(notice.summary, "%s below target: 1 of 2 leads" % goal.indicator_code)
        self.assertEqual(sorted(goal.value_ids.mapped("period_start")), [date(2026, 11, 16), date(2026, 11, 23)])
        self.assertEqual(goal.last_actual, 0.0)
        self.assertEqual(goal.trend, "down")

    def test_at_most_goals_and_bad_filters(self):
        goal = self.goal("complaints", target=0.0, direction="at_most")
        self.assertTrue(goal._reached(0.0))
        self.assertFalse(goal._reached(1.0))
        with self.assertRaisesRegex(ValidationError, "The filter of goal"):
            self.goal("calls", filter_domain="[('no_such_field', '=', 1)]")

    def test_only_managers_set_goals(self):
        with self.assertRaises(AccessError):
            self.Goal.with_user(self.user_salesperson).search([("id", "!=", 0)])
        self.Goal.with_user(self.user_head).create(
            {
                "code": "Ц9",
                "name": "Hot leads",
                "indicator_code": "ПЦ9",
                "indicator_name": "Hot leads a week",
                "calculation": "leads",
                "target": 10,
                "user_id": self.user_head.id,
            }
        )
