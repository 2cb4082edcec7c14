from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from .common import FRI_1700_MSK, MON_1100_MSK, MON_1200_MSK, SAT_1000_MSK, PlaybookCase


@tagged("post_install", "-at_install")
class TestSlaDeadlines(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.ref("crm_sales_playbook.resource_calendar_sales")
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "National Unity Day",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 11, 3, 21, 0),
                "date_to": datetime(2026, 11, 4, 20, 59, 59),
            }
        )

    def received(self, when, team=None, **values):
        with self.pinned_time(when):
            return self.create_lead(team_id=(self.team_b if team is None else team).id, **values)

    def test_teams_count_on_the_playbook_calendar(self):
        self.assertEqual(self.team_b.resource_calendar_id, self.calendar)
        self.assertEqual(self.calendar.attendance_ids.mapped(lambda a: (a.hour_from, a.hour_to)), [(9, 18)] * 5)

    def test_hot_lead_friday_evening_is_due_monday(self):
        lead = self.received(FRI_1700_MSK, temperature="hot")
        self.assertEqual(lead.sla_policy_id, self.env.ref("crm_sales_playbook.crm_sla_policy_hot"))
        self.assertEqual(lead.sla_deadline, MON_1100_MSK, "Friday 17:00 + 3 working hours = Monday 11:00 Moscow")
        self.assertEqual(lead.sla_status, "running")

    def test_hot_lead_on_saturday_starts_at_the_next_working_minute(self):
        lead = self.received(SAT_1000_MSK, temperature="hot")
        self.assertEqual(lead.sla_deadline, MON_1200_MSK)

    def test_public_holiday_is_skipped(self):
        lead = self.received(datetime(2026, 11, 3, 14, 0), temperature="hot")  # Tuesday 17:00 Moscow
        self.assertEqual(lead.sla_deadline, datetime(2026, 11, 5, 8, 0), "Wednesday is a holiday: Thursday 11:00")

    def test_team_in_another_time_zone_counts_its_own_hours(self):
        lead = self.received(datetime(2026, 11, 20, 12, 0), team=self.team_a, temperature="hot")  # 17:00 there
        self.assertEqual(lead.sla_deadline, datetime(2026, 11, 23, 6, 0), "Monday 11:00 in Yekaterinburg")

    def test_warm_and_cold_count_calendar_days_to_the_minute(self):
        start = datetime(2026, 11, 21, 9, 17)
        warm = self.received(start, temperature="warm")
        cold = self.received(start, temperature="cold")
        self.assertEqual(warm.sla_deadline, datetime(2026, 11, 28, 9, 17))
        self.assertEqual(cold.sla_deadline, datetime(2026, 12, 21, 9, 17))

    def test_web_request_deadline_follows_its_temperature(self):
        """Seed 004, 7.2: «Регламентные сроки определяют время нахождения ПП в статусе «новая» с момента
        поступления ее в СЦ и до момента перехода в статус «в работе»: 7.2.1. для горячих ПП этот срок равен 3
        (Трем) часам; 7.2.2. для теплых ПП – 7 (Семь) календарных дней». The web request's confirmation call
        within 10 minutes (seed 003, «в течение 5-10 минут позвонить») is a follow-up, not the deadline."""
        warm = self.received(datetime(2026, 11, 23, 9, 0), temperature="warm", channel="web_form")
        self.assertEqual(warm.sla_policy_id, self.env.ref("crm_sales_playbook.crm_sla_policy_warm"))
        self.assertEqual(warm.sla_deadline, datetime(2026, 11, 30, 9, 0), "7 calendar days, not 10 minutes")
        hot = self.received(datetime(2026, 11, 20, 14, 0), temperature="hot", channel="web_form")
        self.assertEqual(hot.sla_policy_id, self.env.ref("crm_sales_playbook.crm_sla_policy_hot"))
        self.assertEqual(hot.sla_deadline, datetime(2026, 11, 23, 8, 0), "Friday 17:00: Monday 11:00 Moscow")
        self.assertFalse(
            self.env.ref("crm_sales_playbook.crm_sla_policy_web_form", raise_if_not_found=False),
            "no policy outranks the temperature for web requests",
        )

    def test_most_specific_policy_wins(self):
        team_policy = self.env["crm.sla.policy"].create(
            {
                "name": "Moscow hot",
                "temperature": "hot",
                "team_id": self.team_b.id,
                "duration": 1,
                "unit": "working_hours",
                "sequence": 99,
            }
        )
        lead = self.received(FRI_1700_MSK, temperature="hot")
        self.assertEqual((lead.sla_policy_id, lead.sla_deadline), (team_policy, datetime(2026, 11, 20, 15, 0)))
        other = self.received(FRI_1700_MSK, team=self.team_a, temperature="hot")
        self.assertEqual(other.sla_policy_id, self.env.ref("crm_sales_playbook.crm_sla_policy_hot"))

    def test_the_policies_are_kept_per_worker(self):
        """Seed 004, 7.2.1: «для горячих ПП этот срок равен 3 (Трем) часам».

        Every lead's create looks its policy up: the active policies are kept per worker, a lead reads none of
        them, and a changed policy holds from the next lead on."""
        Policy = type(self.env["crm.sla.policy"])
        self.received(FRI_1700_MSK, temperature="hot")
        read = []
        original_search, original_fetch = Policy.search, Policy._fetch_query

        def record_search(model, domain, *args, **kwargs):
            read.append(("search", domain))
            return original_search(model, domain, *args, **kwargs)

        def record_fetch(model, query, fields):
            read.append(("fetch", [field.name for field in fields]))
            return original_fetch(model, query, fields)

        with (
            patch.object(Policy, "search", autospec=True, side_effect=record_search),
            patch.object(Policy, "_fetch_query", autospec=True, side_effect=record_fetch),
        ):
            lead = self.received(FRI_1700_MSK, temperature="hot")
            self.assertEqual(
                (lead.sla_policy_id.id, read), (self.env.ref("crm_sales_playbook.crm_sla_policy_hot").id, [])
            )
            self.env.ref("crm_sales_playbook.crm_sla_policy_hot").duration = 2
            read.clear()
            later = self.received(FRI_1700_MSK, temperature="hot")
            self.assertEqual(later.sla_deadline, datetime(2026, 11, 23, 7, 0), "now 2 working hours: Monday 10:00")
            self.assertEqual([kind for kind, _what in read], ["search", "fetch"], "read again, once, after the change")

    def test_policy_change_moves_waiting_deadlines(self):
        waiting = self.received(FRI_1700_MSK, temperature="hot")
        done = self.received(FRI_1700_MSK, temperature="hot")
        with self.pinned_time(datetime(2026, 11, 20, 14, 30)):
            done.stage_id = self.stage_contact
        self.env.ref("crm_sales_playbook.crm_sla_policy_hot").duration = 2
        self.assertEqual(waiting.sla_deadline, datetime(2026, 11, 23, 7, 0), "now 2 working hours: Monday 10:00")
        self.env.flush_all()
        self.env.cr.execute("SELECT sla_status FROM crm_lead WHERE id = %s", [waiting.id])
        self.assertEqual(self.env.cr.fetchone()[0], "running", "the stored status follows the new deadline")
        self.assertEqual(done.sla_deadline, MON_1100_MSK, "a lead already in work keeps the deadline it met")

    def test_temperature_change_recomputes(self):
        lead = self.received(FRI_1700_MSK, temperature="cold")
        self.assertEqual(lead.sla_deadline, datetime(2026, 12, 20, 14, 0))
        lead.temperature = "hot"
        self.assertEqual(lead.sla_deadline, MON_1100_MSK)

    def test_team_change_restarts_the_clock(self):
        lead = self.received(FRI_1700_MSK, temperature="hot")
        with self.pinned_time(MON_1200_MSK):
            lead.team_id = self.team_a
        self.assertEqual(lead.date_received, MON_1200_MSK)
        self.assertEqual(lead.sla_deadline, datetime(2026, 11, 23, 12, 0), "3 working hours from 14:00 there")

    def test_in_work_stops_the_clock(self):
        on_time = self.received(FRI_1700_MSK, temperature="hot", stage_id=self.stage_new.id)
        late = self.received(FRI_1700_MSK, temperature="hot", stage_id=self.stage_new.id)
        with self.pinned_time(datetime(2026, 11, 23, 7, 59)):
            on_time.stage_id = self.stage_contact
        with self.pinned_time(datetime(2026, 11, 23, 8, 1)):
            late.stage_id = self.stage_contact
        self.assertEqual((on_time.sla_status, late.sla_status), ("met", "met_late"))
        self.assertEqual(late.sla_stopped_at, datetime(2026, 11, 23, 8, 1))

    def test_postponing_and_closing_stop_the_clock(self):
        postponed = self.received(FRI_1700_MSK, temperature="hot")
        lost = self.received(FRI_1700_MSK, temperature="hot")
        with self.pinned_time(datetime(2026, 11, 20, 14, 30)):
            postponed.postponed_until = datetime(2026, 11, 25, 10, 0)
            lost.action_set_lost()
        self.assertEqual(
            (postponed.sla_status, lost.sla_status),
            ("met", "no_contact"),
            "postponing records a contact; a lead lost before any contact did not meet its deadline (PP-12)",
        )
        self.assertEqual(lost.sla_stopped_at, datetime(2026, 11, 20, 14, 30), "closing still stops the clock")

    def test_breached_search_and_countdown(self):
        lead = self.received(FRI_1700_MSK, temperature="hot")
        with self.pinned_time(datetime(2026, 11, 23, 7, 15)):
            self.assertFalse(lead.sla_breached)
            self.assertEqual((lead.sla_remaining, lead.sla_urgency), ("45 min left", "soon"))
            self.assertFalse(self.Lead.search([("id", "=", lead.id), ("sla_breached", "=", True)]))
        with self.pinned_time(datetime(2026, 11, 23, 10, 30)):
            lead.invalidate_recordset(["sla_breached", "sla_remaining", "sla_urgency"])
            self.assertEqual((lead.sla_breached, lead.sla_remaining), (True, "late by 2 h 30 min"))
            self.assertEqual(self.Lead.search([("id", "=", lead.id), ("sla_breached", "=", True)]), lead)
            self.assertFalse(self.Lead.search([("id", "=", lead.id), ("sla_breached", "=", False)]))

    def test_deadlines_can_be_switched_off(self):
        self.company.playbook_sla = False
        lead = self.received(FRI_1700_MSK, temperature="hot")
        self.assertEqual((lead.sla_deadline, lead.sla_status), (False, False))

    def test_new_policy_applies_to_waiting_leads(self):
        lead = self.received(FRI_1700_MSK, temperature="hot")
        self.env.ref("crm_sales_playbook.crm_sla_policy_hot").active = False
        self.assertEqual((lead.sla_policy_id, lead.sla_deadline), (self.env["crm.sla.policy"], False))
        policy = self.env["crm.sla.policy"].create(
            {"name": "Moscow", "team_id": self.team_b.id, "duration": 1, "unit": "working_hours"}
        )
        self.env.flush_all()
        self.env.cr.execute("SELECT sla_policy_id, sla_deadline, sla_status FROM crm_lead WHERE id = %s", [lead.id])
        self.assertEqual(self.env.cr.fetchone(), (policy.id, datetime(2026, 11, 20, 15, 0), "running"))

    def test_lead_without_team_has_no_deadline(self):
        lead = self.received(FRI_1700_MSK, team=self.env["crm.team"], temperature="hot", type="lead", user_id=False)
        self.assertFalse(lead.team_id)
        self.assertEqual((lead.sla_deadline, lead.sla_status), (False, False))
