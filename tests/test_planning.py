from collections import Counter
from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MON_1100_MSK, PlaybookCase


@tagged("post_install", "-at_install")
class TestDistributionOverPeriod(PlaybookCase):
    """Spreading warm and cold leads over the working days of a period (PP-10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesperson_c = cls.user_regular

    def leads(self, count, temperature, **values):
        created = self.Lead.browse()
        for index in range(count):
            with self.pinned_time(datetime(2026, 11, 20, 6, 0, index)):
                created |= self.create_lead(
                    name=f"{temperature} {index}", temperature=temperature, team_id=self.team_b.id, **values
                )
        return created

    def distribute(self, leads, date_from, date_to, users, **context):
        with self.pinned_time(MON_1100_MSK):
            wizard = Form(
                self.env["crm.lead.distribute"]
                .with_user(self.user_support)
                .with_context(active_model="crm.lead", active_ids=leads.ids, **context)
            )
            wizard.date_from = date_from
            wizard.date_to = date_to
            for user in users:
                wizard.user_ids.add(user)
            wizard = wizard.save()
            wizard.action_distribute()
        return wizard

    def test_ten_working_days_thirty_warm_thirty_cold(self):
        warm, cold = self.leads(30, "warm"), self.leads(30, "cold")
        users = self.user_salesperson_b | self.user_salesperson_c
        # Monday 23 November to Friday 4 December: ten working days, one weekend between.
        wizard = self.distribute(warm | cold, date(2026, 11, 23), date(2026, 12, 4), users)
        days = sorted(set((warm | cold).mapped("date_planned_contact")))
        self.assertEqual(len(days), 10)
        self.assertFalse([day for day in days if day.weekday() >= 5], "nothing on the weekend")
        self.assertLess(
            max(warm.mapped("date_planned_contact")),
            min(cold.mapped("date_planned_contact")),
            "every warm lead comes before every cold lead",
        )
        self.assertEqual(max(warm.mapped("date_planned_contact")), date(2026, 11, 27))
        self.assertEqual(min(cold.mapped("date_planned_contact")), date(2026, 11, 30))
        loads = Counter((lead.date_planned_contact, lead.user_id) for lead in warm | cold)
        self.assertEqual(set(loads.values()), {3}, "3 leads a day for each of the two salespeople")
        self.assertEqual(set((warm | cold).user_id), set(users))
        self.assertEqual(set(warm.mapped("temperature")), {"warm"}, "temperature does not change")
        self.assertEqual(set(cold.mapped("temperature")), {"cold"})
        self.assertEqual(warm[0].date_planned_contact, date(2026, 11, 23), "the oldest warm lead goes first")
        # One call activity a lead, on its day, for its salesperson.
        activities = (warm | cold).activity_ids
        self.assertEqual(len(activities), 60)
        self.assertEqual(set(activities.activity_type_id), {self.env.ref("mail.mail_activity_data_call")})
        self.assertFalse(
            activities.filtered(
                lambda act: (
                    (act.date_deadline, act.user_id)
                    != (self.Lead.browse(act.res_id).date_planned_contact, self.Lead.browse(act.res_id).user_id)
                )
            )
        )
        # The summary: a line per day and person.
        self.assertEqual(len(wizard.line_ids), 20)
        self.assertEqual(set(wizard.line_ids.mapped("lead_count")), {3})
        first = wizard.line_ids.filtered(lambda line: line.date == date(2026, 11, 23))
        self.assertEqual((sum(first.mapped("warm_count")), sum(first.mapped("cold_count"))), (6, 0))
        last = wizard.line_ids.filtered(lambda line: line.date == date(2026, 12, 4))
        self.assertEqual((sum(last.mapped("warm_count")), sum(last.mapped("cold_count"))), (0, 6))

    def test_uneven_counts_and_holidays(self):
        # A public holiday on Wednesday 25 November leaves 9 working days to 4 December.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.team_b.resource_calendar_id.id,
                "date_from": datetime(2026, 11, 24, 21, 0),
                "date_to": datetime(2026, 11, 25, 21, 0),
            }
        )
        warm, cold = self.leads(7, "warm"), self.leads(4, "cold")
        self.distribute(warm | cold, date(2026, 11, 23), date(2026, 12, 4), self.user_salesperson_b)
        self.assertEqual(
            [str(day) for day in warm.mapped("date_planned_contact")],
            ["2026-11-23", "2026-11-23", "2026-11-24", "2026-11-24", "2026-11-26", "2026-11-27", "2026-11-30"],
            "11 leads on 9 days: the two extra leads go to the nearest days",
        )
        self.assertEqual(
            [str(day) for day in cold.mapped("date_planned_contact")],
            ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"],
        )
        loads = Counter((warm | cold).mapped("date_planned_contact"))
        self.assertLessEqual(max(loads.values()) - min(loads.values()), 1)

    def test_few_leads_leave_the_middle_free(self):
        warm, cold = self.leads(2, "warm"), self.leads(2, "cold")
        self.distribute(warm | cold, date(2026, 11, 23), date(2026, 12, 4), self.user_salesperson_b)
        self.assertEqual(
            [str(day) for day in (warm | cold).mapped("date_planned_contact")],
            ["2026-11-23", "2026-11-24", "2026-12-03", "2026-12-04"],
        )

    def test_a_hot_lead_refuses_the_whole_action(self):
        warm, hot = self.leads(3, "warm"), self.leads(2, "hot")
        with self.assertRaises(UserError) as refusal:
            self.distribute(warm | hot, date(2026, 11, 23), date(2026, 11, 27), self.user_salesperson_b)
        self.assertEqual(
            refusal.exception.args[0],
            "Hot leads cannot be planned over a period, they must be handled within hours. "
            "Remove them from the selection:\n- hot 0: it is hot\n- hot 1: it is hot",
            "the refusal names each hot lead",
        )
        self.env.cr.clear()
        self.assertFalse((warm | hot).filtered("date_planned_contact"))
        self.assertFalse((warm | hot).activity_ids)

    def test_only_new_warm_and_cold_leads_are_planned(self):
        new, in_work = self.leads(2, "warm")
        in_work.stage_id = self.stage_contact
        wizard = self.distribute(new | in_work, date(2026, 11, 23), date(2026, 11, 27), self.user_salesperson_b)
        self.assertEqual(new.date_planned_contact, date(2026, 11, 23))
        self.assertFalse(in_work.date_planned_contact)
        self.assertIn("warm 1: it is in work", wizard.skipped_text)
        self.assertEqual(
            wizard.result, "1 leads planned.\nNot planned:\n- warm 1: it is in work", "the result names who was left"
        )

    def test_nothing_to_plan_names_each_lead_and_why(self):
        in_work, won = self.leads(2, "warm")
        in_work.stage_id = self.stage_contact
        won.action_set_won()
        with self.assertRaises(UserError) as refusal:
            self.distribute(in_work | won, date(2026, 11, 23), date(2026, 11, 27), self.user_salesperson_b)
        self.assertEqual(
            refusal.exception.args[0],
            "None of the selected leads can be planned over a period:\n- warm 0: it is in work\n- warm 1: it is won",
        )

    def test_bad_periods_are_refused(self):
        leads = self.leads(2, "cold")
        with self.assertRaisesRegex(UserError, "cannot start in the past"):
            self.distribute(leads, date(2026, 11, 20), date(2026, 11, 27), self.user_salesperson_b)
        with self.assertRaisesRegex(UserError, "must end on or after its first day"):
            self.distribute(leads, date(2026, 11, 27), date(2026, 11, 23), self.user_salesperson_b)
        with self.assertRaisesRegex(UserError, "no working day from 2026-11-28 to 2026-11-29"):
            self.distribute(leads, date(2026, 11, 28), date(2026, 11, 29), self.user_salesperson_b)
        self.env.cr.clear()
        self.assertFalse(leads.filtered("date_planned_contact"))

    def test_team_of_the_selection_gives_the_calendar(self):
        leads = self.leads(2, "cold")
        wizard = Form(
            self.env["crm.lead.distribute"]
            .with_user(self.user_support)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
        )
        self.assertEqual(wizard.team_id, self.team_b)
        self.assertEqual(wizard.eligible_count, 2)
