from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestMassAssignment(PlaybookCase):
    def leads(self, count, temperature, start):
        leads = self.Lead.browse()
        for index in range(count):
            with self.pinned_time(datetime(2026, 11, start, 9, index)):
                leads |= self.create_lead(
                    name=f"{temperature} {index}",
                    temperature=temperature,
                    user_id=self.user_salesperson_b.id,
                    team_id=self.team_b.id,
                )
        return leads

    def test_counts_are_honoured_hottest_and_oldest_first(self):
        cold, warm, hot = self.leads(3, "cold", 10), self.leads(3, "warm", 11), self.leads(2, "hot", 12)
        assigned, skipped = (cold | warm | hot)._playbook_assign_to(
            [(self.user_salesperson, 4), (self.user_regular, 2)]
        )
        self.assertFalse(skipped)
        self.assertEqual(len(assigned), 6)
        self.assertEqual(len(assigned.filtered(lambda line: line.user_id == self.user_salesperson)), 4)
        self.assertEqual(len(assigned.filtered(lambda line: line.user_id == self.user_regular)), 2)
        self.assertEqual(assigned, hot | warm | cold[:1], "hot, then warm, then the oldest cold")
        self.assertEqual((cold[1:]).user_id, self.user_salesperson_b, "the rest keep their salesperson")
        self.assertEqual(hot[0].user_id, self.user_salesperson, "the hottest goes to the biggest share first")
        self.assertEqual(hot[1].user_id, self.user_regular, "then round-robin in proportion")
        self.assertEqual(assigned.team_id, self.team_a, "the team follows the salesperson")
        self.assertIn("assigned the lead to Pb Salesperson (before: Pb Salesperson B)", hot[0].message_ids[0].body)

    def test_over_count_is_refused(self):
        leads = self.leads(3, "warm", 10)
        with self.assertRaisesRegex(UserError, "4 leads are asked for but only 3"):
            leads._playbook_assign_to([(self.user_salesperson, 2), (self.user_regular, 2)])
        self.assertEqual(leads.user_id, self.user_salesperson_b, "nothing was assigned")

    def test_only_new_and_in_work_leads_are_taken(self):
        new, in_work, won, lost = self.leads(4, "warm", 10)
        in_work.stage_id = self.stage_contact
        won.action_set_won()
        lost.action_set_lost()
        wizard_form = Form(
            self.env["crm.lead.mass.assign"]
            .with_user(self.user_support)
            .with_context(active_model="crm.lead", active_ids=(new | in_work | won | lost).ids)
        )
        self.assertEqual(wizard_form.eligible_count, 2)
        with wizard_form.line_ids.new() as line:
            line.user_id = self.user_salesperson
            line.count = 2
        wizard = wizard_form.save()
        wizard.action_assign()
        self.assertEqual((new | in_work).user_id, self.user_salesperson)
        self.assertEqual((won | lost).user_id, self.user_salesperson_b)
        self.assertIn("warm 2: it is won", wizard.result)
        self.assertIn("warm 3: it is lost", wizard.result)

    def test_the_result_lists_which_lead_went_to_whom(self):
        leads = self.leads(4, "warm", 10)
        leads[3].action_set_lost()
        wizard_form = Form(
            self.env["crm.lead.mass.assign"]
            .with_user(self.user_support)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
        )
        for user, count in ((self.user_salesperson, 2), (self.user_regular, 1)):
            with wizard_form.line_ids.new() as line:
                line.user_id = user
                line.count = count
        wizard = wizard_form.save()
        wizard.action_assign()
        self.assertEqual(
            wizard.result,
            "3 leads assigned: Pb Salesperson 2, Pb Regular 1.\n"
            "- warm 0 → Pb Salesperson\n"
            "- warm 2 → Pb Salesperson\n"
            "- warm 1 → Pb Regular\n"
            "Not taken:\n"
            "- warm 3: it is lost",
        )

    def test_the_list_of_who_got_what_reads_in_a_fixed_number_of_queries(self):
        few, many = self.leads(2, "warm", 10), self.leads(8, "cold", 11)
        (few | many)._playbook_assign_to([(self.user_salesperson, 5), (self.user_regular, 5)])
        queries = []
        for leads in (few, many):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            leads._playbook_assignment_text()
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "no query per lead")


@tagged("post_install", "-at_install")
class TestPostpone(PlaybookCase):
    def test_postpone_takes_a_new_lead_into_work_and_stops_the_clock(self):
        with self.pinned_time(datetime(2026, 11, 23, 7, 0)):
            lead = self.create_lead(team_id=self.team_b.id, temperature="hot", stage_id=self.stage_new.id)
        self.assertEqual(lead.sla_status, "running")
        with self.pinned_time(datetime(2026, 11, 23, 7, 30)):
            wizard = Form(self.env["crm.lead.postpone"].with_context(default_lead_id=lead.id))
            wizard.postponed_until = datetime(2026, 11, 25, 12, 0)
            wizard.comment = "Asked to call after the board meeting"
            wizard.save().action_postpone()
        self.assertEqual(
            (lead.work_status, lead.postponed_until, lead.sla_status), ("in_work", datetime(2026, 11, 25, 12, 0), "met")
        )
        self.assertEqual(lead.stage_id, self.stage_contact)
        [activity] = lead.activity_ids
        self.assertEqual(
            (str(activity.date_deadline), activity.summary),
            ("2026-11-25", "Call back at 2026-11-25 15:00, Moscow time (UTC+3)"),
        )
        self.assertIn("board meeting", activity.note)

    def test_postpone_rules(self):
        lead = self.create_lead()
        with self.pinned_time(datetime(2026, 11, 23, 7, 0)):
            with self.assertRaisesRegex(UserError, "say what was agreed"):
                lead._playbook_postpone(datetime(2026, 11, 24, 7, 0), "  ")
            with self.assertRaisesRegex(UserError, "postpone to a future date"):
                lead._playbook_postpone(datetime(2026, 11, 23, 6, 0), "later")
            lead.action_set_lost()
            with self.assertRaisesRegex(UserError, "cannot be postponed"):
                lead._playbook_postpone(datetime(2026, 11, 24, 7, 0), "later")
