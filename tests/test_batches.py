"""The batched crons (models/locking.py) and the one answer to "which time zone and calendar does a team work in"
(models/working_time.py): the rules every cron and every deadline of the addon goes through."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import FRI_1700_MSK, MON_1200_MSK, REAL_PHONE, GuardCase, PlaybookCase

CRONS = (
    "crm_client_reservation_cron_expire",
    "crm_lead_cron_escalate_sla_hot",
    "crm_lead_cron_escalate_sla_daily",
    "crm_team_cron_assign",
    "crm_team_cron_digest",
    "crm_lead_followup_cron_remind",
    "crm_call_list_cron_build",
    "crm_call_list_cron_week_plan",
    "crm_customer_claim_cron_notice",
    "crm_quality_call_cron_plan",
    "crm_playbook_daily_report_cron_send",
    "crm_db_review_cron",
    "crm_playbook_goal_cron_measure",
)


@tagged("post_install", "-at_install")
class TestBatchedCrons(PlaybookCase):
    def hot_lead(self, name):
        with self.pinned_time(FRI_1700_MSK):
            return self.create_lead(name=name, team_id=self.team_b.id, temperature="hot")

    def escalate(self, batch_size):
        with self.pinned_time(MON_1200_MSK):
            return self.Lead._cron_escalate_sla(["working_hours"], batch_size=batch_size)

    def test_a_failing_lead_does_not_starve_the_batch(self):
        """A lead that keeps failing goes behind the others: the next batch takes the next lead (PP-15)."""
        bad, good = self.hot_lead("Bad"), self.hot_lead("Good")
        self.assertLess(bad.id, good.id, "the bad lead comes first in the order")
        original = type(self.Lead)._playbook_notify_sla_breach

        def notify(lead, team, deadline):
            if lead == bad:
                raise ValueError("mail server down")
            return original(lead, team, deadline)

        Failure = self.env["crm.playbook.batch.failure"]
        with (
            patch.object(type(self.Lead), "_playbook_notify_sla_breach", notify),
            self.assertLogs("odoo.addons.crm_sales_playbook.models.locking", level="ERROR"),
        ):
            self.assertFalse(self.escalate(batch_size=1), "the first batch holds the bad lead only")
            [failure] = Failure.search([("res_model", "=", "crm.lead"), ("res_id", "=", bad.id)])
            self.assertEqual((failure.attempts, failure.job), (1, "escalate missed response deadlines"))
            self.assertEqual(self.escalate(batch_size=1), good, "the next batch takes the next lead")
            self.assertFalse(self.escalate(batch_size=1), "then the bad one again, after the others")
        self.assertEqual(failure.attempts, 2)
        self.assertEqual((bad.sla_status, good.sla_status), ("running", "breached"))
        self.assertEqual(self.escalate(batch_size=1), bad, "once it goes through it leaves the failure log")
        self.assertFalse(failure.exists())

    def test_run_manually_commits_nothing(self):
        """Every cron of the playbook, started by hand, leaves the commit to its caller (the cron runner)."""
        admin = self.env.ref("base.user_admin")
        with patch.object(type(self.env.cr), "commit", side_effect=AssertionError("a cron committed")):
            for xmlid in CRONS:
                with self.subTest(cron=xmlid):
                    cron = self.env.ref("crm_sales_playbook." + xmlid).with_user(admin)
                    self.assertTrue(cron.method_direct_trigger())


@tagged("post_install", "-at_install")
class TestCallListsOfEachTeam(GuardCase):
    def test_one_failing_team_does_not_block_the_others(self):
        """LG-3: the call lists are built team by team; a team that fails is logged and retried next run."""
        for team, user in ((self.team_a, self.user_salesperson), (self.team_b, self.user_salesperson_b)):
            team.crm_team_member_ids.filtered(lambda m, user=user: m.user_id == user).write(
                {"playbook_cold_calls_per_day": 1, "playbook_calling_from": 10.0, "playbook_calling_to": 11.0}
            )
        industry = self.env["res.partner.industry"].create({"name": "Construction"})
        self.env["res.partner"].create(
            [
                {
                    "name": f"Prospect {index}",
                    "is_company": True,
                    "playbook_is_prospect": True,
                    "phone": REAL_PHONE,
                    "city": "Moscow",
                    "industry_id": industry.id,
                    "playbook_found_where": "Directory",
                }
                for index in range(2)
            ]
        )
        CallList = self.env["crm.call.list"]
        original = type(CallList)._build_cold_lists

        def build(model, team, day):
            if team == self.team_a:
                raise ValueError("team A's calendar is broken")
            return original(model, team, day)

        with (
            patch.object(type(CallList), "_build_cold_lists", build),
            self.assertLogs("odoo.addons.crm_sales_playbook.models.locking", level="ERROR"),
            self.pinned_time(datetime(2026, 11, 20, 14, 30)),
        ):  # Friday 17:30 in Moscow, 19:30 in Yekaterinburg
            lists = CallList._cron_build_lists()
        self.assertEqual(
            lists.mapped(lambda call_list: (call_list.team_id, call_list.date)),
            [(self.team_b, date(2026, 11, 23))],
            "team B got its Monday list",
        )
        self.assertTrue(
            self.env["crm.playbook.batch.failure"].search(
                [("res_model", "=", "crm.team"), ("res_id", "=", self.team_a.id)]
            ),
            "team A's failure is logged",
        )


@tagged("post_install", "-at_install")
class TestOneTimeZone(PlaybookCase):
    """PP-3: one time zone per team, the same wherever a date is computed or shown, never the user's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Team = cls.env["crm.team"].with_context(tracking_disable=True)
        cls.company.resource_calendar_id.tz = "Europe/Moscow"
        cls.no_calendar = Team.create({"name": "No calendar", "tz": "Asia/Vladivostok"})
        cls.no_calendar.resource_calendar_id = False
        cls.no_zone = Team.create({"name": "No time zone"})
        cls.no_zone.tz = False
        cls.yekaterinburg = cls.team_a
        # The user works from New York: nothing the playbook computes may follow that.
        cls.env.user.tz = "America/New_York"

    def test_every_place_uses_the_team_working_time(self):
        received = datetime(2026, 11, 20, 6, 0)  # Friday 9:00 in Moscow
        expected = {
            self.no_calendar: ("Asia/Vladivostok", "16:00", "Vladivostok time (UTC+10)"),
            self.no_zone: ("Europe/Moscow", "09:00", "Moscow time (UTC+3)"),
            self.yekaterinburg: ("Asia/Yekaterinburg", "11:00", "Yekaterinburg time (UTC+5)"),
        }
        for team, (zone, local_time, label) in expected.items():
            with self.subTest(team=team.name):
                calendar, tz = team._playbook_working_time()
                self.assertEqual(tz.zone, zone)
                self.assertEqual(calendar, team.resource_calendar_id or self.company.resource_calendar_id)
                with self.pinned_time(received):
                    lead = self.create_lead(
                        team_id=team.id, temperature="hot", user_id=self.user_salesperson.id, phone=REAL_PHONE
                    )
                shown = f"2026-11-20 {local_time}, {label}"
                self.assertEqual(lead.date_received_team_tz, shown, "the lead's dates")
                self.assertEqual(lead._playbook_sla_clock_key()[2], zone, "the response deadline's clock")
                followup = self.env["crm.lead.followup"].create(
                    {
                        "lead_id": lead.id,
                        "kind": "callback",
                        "name": "x",
                        "date_due": received,
                        "user_id": self.user_salesperson.id,
                    }
                )
                self.assertEqual(followup.date_due_team_tz, shown, "the follow-up's due time")
                with self.pinned_time(received):
                    lead._playbook_postpone(received + timedelta(days=3), "talk on Monday")
                self.assertIn(
                    f", {label}: talk on Monday", lead.message_ids[0].body, "the postponement says the team's time"
                )
