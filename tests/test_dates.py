from datetime import datetime

from odoo.tests import tagged

from odoo.addons.crm_sales_playbook.hooks import post_init_hook

from .common import PlaybookCase

MON_0900 = datetime(2026, 11, 23, 9, 0)
MON_1130 = datetime(2026, 11, 23, 11, 30)
TUE_0815 = datetime(2026, 11, 24, 8, 15)
WED_1600 = datetime(2026, 11, 25, 16, 0)


@tagged("post_install", "-at_install")
class TestDates(PlaybookCase):
    def test_received_when_the_lead_reaches_a_team(self):
        with self.pinned_time(MON_0900):
            lead = self.create_lead(user_id=self.user_salesperson.id)
        self.assertEqual(lead.date_received, MON_0900, "a lead created for a team is received at creation")
        with self.pinned_time(MON_1130):
            lead.user_id = self.user_salesperson_b
        self.assertEqual(lead.team_id, self.team_b, "the team follows the salesperson")
        self.assertEqual(lead.date_received, MON_1130, "a new team receives the lead when it moves")
        with self.pinned_time(TUE_0815):
            lead.write({"team_id": self.team_b.id, "user_id": self.user_salesperson_b.id})
        self.assertEqual(lead.date_received, MON_1130, "rewriting the same team does not restart the clock")
        with self.pinned_time(WED_1600):
            lead.write({"team_id": self.team_a.id})
        self.assertEqual(lead.date_received, WED_1600)
        lead.write({"team_id": False, "user_id": False})
        self.assertFalse(lead.date_received, "a lead without a team was received by no team")

    def test_lead_without_team_is_received_when_a_team_gets_it(self):
        with self.pinned_time(MON_0900):
            lead = self.create_lead(team_id=False, type="lead")
        self.assertFalse(lead.date_received)
        with self.pinned_time(TUE_0815):
            lead.team_id = self.team_a
        self.assertEqual(lead.date_received, TUE_0815)

    def test_batch_create_and_explicit_date(self):
        with self.pinned_time(MON_0900):
            leads = self.Lead.create(
                [
                    {"name": "A", "team_id": self.team_a.id},
                    {"name": "B", "team_id": self.team_b.id, "date_received": MON_1130},
                    {"name": "C", "team_id": False, "type": "lead"},
                ]
            )
        self.assertEqual(
            leads.mapped("date_received"),
            [MON_0900, MON_1130, False],
            "an imported reception date is kept, a missing team gives no date",
        )

    def test_taken_into_work_once(self):
        with self.pinned_time(MON_0900):
            lead = self.create_lead(stage_id=self.stage_new.id)
        self.assertFalse(lead.date_in_work)
        with self.pinned_time(MON_1130):
            lead.stage_id = self.stage_contact
        self.assertEqual(lead.date_in_work, MON_1130)
        with self.pinned_time(TUE_0815):
            lead.stage_id = self.stage_new
            lead.stage_id = self.stage_proposal
        self.assertEqual(lead.date_in_work, MON_1130, "only the first time in work is recorded")

    def test_won_straight_from_new_was_taken_into_work(self):
        lead = self.create_lead(stage_id=self.stage_new.id)
        with self.pinned_time(WED_1600):
            lead.action_set_won()
        self.assertEqual(lead.date_in_work, WED_1600)
        self.assertEqual(lead.date_closed, WED_1600, "Odoo's closing date is kept")

    def test_lost_from_new_was_never_in_work(self):
        lead = self.create_lead(stage_id=self.stage_new.id)
        lead.action_set_lost()
        self.assertFalse(lead.date_in_work)

    def test_dates_shown_in_the_team_time_zone(self):
        with self.pinned_time(MON_0900):
            lead = self.create_lead(stage_id=self.stage_contact.id, postponed_until=TUE_0815)
        self.assertEqual(lead.date_received_team_tz, "2026-11-23 14:00, Yekaterinburg time (UTC+5)")
        self.assertEqual(lead.date_in_work_team_tz, "2026-11-23 14:00, Yekaterinburg time (UTC+5)")
        self.assertEqual(lead.postponed_until_team_tz, "2026-11-24 13:15, Yekaterinburg time (UTC+5)")
        self.assertFalse(lead.date_closed_team_tz)
        lead.team_id = self.team_b
        self.assertEqual(lead.postponed_until_team_tz, "2026-11-24 11:15, Moscow time (UTC+3)")

    def test_creation_and_deadline_in_the_team_time_zone(self):
        """Seed 004, 3.4: «Все даты в сервисе ПП указаны с учетом часового пояса местонахождения СЦ»; 3.4.1
        «дата/время создания ПП»; 3.4.3 «дата/время принятия в работу – это дата/время, до которой нужно
        связаться с клиентом»: the creation date and the take-into-work deadline too (PP-3)."""
        with self.pinned_time(MON_0900):  # 14:00 in Yekaterinburg
            lead = self.create_lead(temperature="hot")
        self.assertEqual(lead.create_date_team_tz, "2026-11-23 14:00, Yekaterinburg time (UTC+5)")
        self.assertEqual(
            lead.sla_deadline_team_tz, "2026-11-23 17:00, Yekaterinburg time (UTC+5)", "3 working hours later"
        )
        lead.team_id = self.team_b
        self.assertEqual(lead.create_date_team_tz, "2026-11-23 12:00, Moscow time (UTC+3)")

    def test_team_time_zone_defaults_to_the_company(self):
        self.company.resource_calendar_id.tz = "Asia/Novosibirsk"
        team = self.env["crm.team"].create({"name": "Novosibirsk"})
        self.assertEqual(team.tz, "Asia/Novosibirsk")
        team.tz = "Asia/Omsk"
        team.name = "Omsk"
        self.assertEqual(team.tz, "Asia/Omsk", "a chosen time zone is kept")

    def test_postponement_is_tracked(self):
        lead = self.create_lead()
        self.flush_tracking()
        lead.postponed_until = TUE_0815
        self.assertEqual(len(self.tracked_values(lead, "postponed_until")), 1)

    def test_install_dates_existing_leads_from_their_history(self):
        lead = self.create_lead(stage_id=self.stage_contact.id, user_id=self.user_salesperson.id)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_open = %s, date_last_stage_update = %s WHERE id = %s",
            (datetime(2025, 3, 3, 9, 0), datetime(2025, 3, 3, 10, 0), datetime(2025, 3, 4, 12, 0), lead.id),
        )
        post_init_hook(self.env)
        self.assertEqual(
            lead.date_received, datetime(2025, 3, 3, 10, 0), "an existing lead was received when it was assigned"
        )
        self.assertEqual(
            lead.date_in_work, datetime(2025, 3, 4, 12, 0), "an existing lead went into work at its last stage change"
        )
