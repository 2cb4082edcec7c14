from datetime import date, datetime
from unittest.mock import patch

from odoo.tests import tagged

from ..models.locking import lock_skip_locked
from .common import FRI_1700_MSK, MON_1200_MSK, PlaybookCase, RaceCase


@tagged("post_install", "-at_install")
class TestSlaEscalation(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hot_policy = cls.env.ref("crm_sales_playbook.crm_sla_policy_hot")
        cls.cold_policy = cls.env.ref("crm_sales_playbook.crm_sla_policy_cold")
        # Only the fixtures' teams take part in reassignment.
        cls.env["crm.team"].search(
            [("id", "not in", (cls.team_a | cls.team_b | cls.team_company_2).ids)]
        ).active = False

    def hot_lead(self, team=None, **values):
        with self.pinned_time(FRI_1700_MSK):
            return self.create_lead(
                team_id=(team or self.team_a).id,
                temperature="hot",
                user_id=self.user_salesperson.id if not team else False,
                **values,
            )

    def escalate(self, when=MON_1200_MSK, units=("working_minutes", "working_hours")):
        with self.pinned_time(when):
            return self.Lead._cron_escalate_sla(list(units))

    def test_breach_is_escalated_once(self):
        with self.pinned_time(datetime(2026, 11, 20, 12, 0)):  # 17:00 in Yekaterinburg
            lead = self.create_lead(team_id=self.team_a.id, temperature="hot", user_id=self.user_salesperson.id)
        self.assertEqual(lead.sla_deadline, datetime(2026, 11, 23, 6, 0))
        self.assertFalse(self.escalate(datetime(2026, 11, 23, 5, 59)), "nothing is late yet")
        self.assertEqual(self.escalate(datetime(2026, 11, 23, 6, 1)), lead)
        self.assertEqual(self.escalate(datetime(2026, 11, 23, 7, 0)), self.Lead, "a second run escalates nothing")
        self.assertEqual(lead.sla_status, "breached")
        [breach] = lead.sla_breach_ids
        self.assertEqual(
            (breach.team_id, breach.user_id, breach.deadline, breach.sanction),
            (self.team_a, self.user_salesperson, datetime(2026, 11, 23, 6, 0), "notify"),
        )
        activity_users = lead.activity_ids.user_id
        support = self.env.ref("crm_sales_playbook.group_crm_sales_playbook_support").users
        self.assertLessEqual(
            self.user_head | self.user_support, activity_users, "the team leader and sales support get an activity"
        )
        self.assertLessEqual(activity_users, self.user_head | support, "and nobody else")
        self.assertIn(f'href="/odoo/crm/{lead.id}"', str(lead.message_ids[0].body))
        self.assertIn(self.user_support.partner_id, lead.message_ids[0].partner_ids)

    def test_daily_cron_watches_calendar_day_deadlines(self):
        with self.pinned_time(datetime(2026, 10, 1, 9, 0)):
            cold = self.create_lead(team_id=self.team_a.id, temperature="cold")
        hot = self.hot_lead()
        self.assertEqual(self.escalate(units=("calendar_days",)), cold)
        self.assertEqual(self.escalate(), hot)

    def test_move_sanction(self):
        self.hot_policy.sanction = "move"
        lead = self.hot_lead()
        self.assertEqual(lead.sla_deadline, datetime(2026, 11, 23, 7, 0), "Monday 12:00 in Yekaterinburg")
        self.escalate(datetime(2026, 11, 23, 7, 0))
        self.assertEqual(lead.team_id, self.team_a, "due at 12:00 sharp: not late yet")
        self.escalate(datetime(2026, 11, 23, 7, 30))
        self.assertEqual(lead.team_id, self.team_b, "moved to the only other team with members")
        [transfer] = lead.transfer_ids
        self.assertEqual(
            (transfer.kind, transfer.team_from_id, transfer.date), ("sla", self.team_a, datetime(2026, 11, 23, 7, 30))
        )
        self.assertEqual(lead.sla_breach_ids.sanction, "moved")
        self.assertEqual(
            (lead.sla_status, lead.sla_deadline),
            ("running", datetime(2026, 11, 23, 10, 30)),
            "the new team's clock starts at the move: 10:30 Moscow + 3 h = 13:30 Moscow",
        )

    def test_cold_never_moves(self):
        self.cold_policy.sanction = "move"
        with self.pinned_time(datetime(2026, 10, 1, 9, 0)):
            lead = self.create_lead(team_id=self.team_a.id, temperature="cold")
        self.escalate(units=("calendar_days",))
        self.assertEqual(lead.team_id, self.team_a)
        self.assertEqual(
            (lead.sla_breach_ids.sanction, lead.sla_breach_ids.sanction_note),
            ("kept", "cold leads are never transferred"),
        )

    def test_reserved_hot_lead_does_not_move(self):
        self.hot_policy.sanction = "move"
        lead = self.hot_lead(partner_id=self.partner.id, product_id=self.product.id, deal_type="renewal")
        self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": self.team_a.id,
                "origin": "invoice",
                "date_start": "2026-01-01",
                "date_end": "2027-01-01",
            }
        )
        self.escalate()
        self.assertEqual(lead.team_id, self.team_a)
        self.assertIn("by an invoice or paid period", lead.sla_breach_ids.sanction_note)

    def test_excluded_team_gets_nothing(self):
        self.hot_policy.sanction = "move"
        self.team_b.playbook_excluded_until = date(2026, 12, 31)
        lead = self.hot_lead()
        self.escalate()
        self.assertEqual((lead.team_id, lead.sla_breach_ids.sanction_note), (self.team_a, "no other team can take it"))
        moved, refused = lead._playbook_transfer_to_team(self.team_b, "by hand")
        self.assertFalse(moved)
        self.assertEqual(refused[lead], "team Team Moscow is excluded from lead distribution")

    def test_breach_limit_excludes_the_team_until_the_quarter_ends(self):
        self.company.playbook_breach_limit = 2
        first, second = self.hot_lead(), self.hot_lead()
        self.escalate()
        self.assertEqual(set((first | second).mapped("sla_status")), {"breached"})
        with self.pinned_time(MON_1200_MSK):
            self.assertEqual(self.team_a.playbook_excluded_until, date(2026, 12, 31))
            self.assertTrue(self.team_a.playbook_excluded)
            self.assertIn(self.team_a, self.env["crm.team"].search([("playbook_excluded", "=", True)]))
        self.team_a.with_user(self.user_support).action_lift_exclusion()
        self.assertFalse(self.team_a.playbook_excluded)

    def test_automatic_assignment_skips_excluded_teams(self):
        self.team_b.playbook_excluded_forever = True
        allocated = []

        def allocate(teams, creation_delta_days=7):
            allocated.append(teams)
            return {}

        with patch("odoo.addons.crm.models.crm_team.Team._allocate_leads", allocate):
            (self.team_a | self.team_b)._allocate_leads()
        self.assertEqual(allocated, [self.team_a], "Odoo's assignment only sees the teams still in distribution")

    def escalate_failing_on(self, bad, calls):
        """Escalate while telling the team of ``bad`` fails; ``calls`` gets each lead told, in order."""
        original = type(self.Lead)._playbook_notify_sla_breach

        def notify(lead, team, deadline):
            calls.append(lead)
            if lead == bad:
                raise ValueError("mail server down")
            return original(lead, team, deadline)

        with (
            patch.object(type(self.Lead), "_playbook_notify_sla_breach", notify),
            self.assertLogs("odoo.addons.crm_sales_playbook.models.locking", level="ERROR"),
        ):
            return self.escalate()

    def test_one_bad_lead_does_not_stop_the_batch(self):
        good, bad = self.hot_lead(), self.hot_lead()
        escalated = self.escalate_failing_on(bad, [])
        self.assertEqual(escalated, good)
        self.assertEqual(
            (good.sla_status, bad.sla_status), ("breached", "running"), "the bad lead waits for the next run"
        )

    def test_a_batch_of_missed_deadlines_costs_the_same_queries_whatever_its_size(self):
        """5.2.1. ... Горячие ПП необходимо отслеживать каждый час.

        The hourly job escalates the leads of a batch together: one write, one insert of the breaches, the notes
        of the leads nobody is to be told about logged in one insert."""
        team = self.team_company_2
        recipients = (team.user_id | self.Lead._playbook_sales_support_users(team.company_id)).filtered("active")
        self.assertFalse(recipients, "nobody to tell: the notes are logged, not posted")

        def queries(count):
            leads = self.Lead.browse()
            for _n in range(count):
                leads |= self.hot_lead(team=team, company_id=team.company_id.id)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            escalated = self.escalate()
            self.flush_tracking()
            self.assertEqual(escalated, leads)
            return leads, self.env.cr.sql_log_count - before

        first, _warm = queries(1)  # what is read once per worker (defaults, caches) is read here
        small, small_queries = queries(2)
        big, big_queries = queries(8)
        self.assertEqual(big_queries, small_queries, "eight leads cost the queries of two")
        for lead in first | small | big:
            self.assertEqual((lead.sla_status, len(lead.sla_breach_ids)), ("breached", 1))
            [note] = lead.message_ids.filtered(lambda message: "Response deadline missed" in str(message.body))
            self.assertEqual((note.subtype_id, note.message_type), (self.env.ref("mail.mt_note"), "notification"))
            self.assertIn(f'href="/odoo/crm/{lead.id}"', str(note.body))
            self.assertFalse(note.notification_ids, "nobody is notified")

    def test_a_follower_of_notes_is_notified_of_the_batchs_note(self):
        """5.2.1. ... Горячие ПП необходимо отслеживать каждый час.

        Logging a batch's notes in one insert leaves no one out: a lead someone follows for internal notes gets
        its note posted, and that follower notified, as a lead of its own."""
        team = self.team_company_2
        watched, quiet = (self.hot_lead(team=team, company_id=team.company_id.id) for _n in range(2))
        note = self.env.ref("mail.mt_note")
        watched.message_subscribe(partner_ids=self.user_head.partner_id.ids, subtype_ids=note.ids)
        self.assertEqual(self.escalate(), watched | quiet)
        notices = {
            lead: lead.message_ids.filtered(lambda message: "Response deadline missed" in str(message.body))
            for lead in (watched, quiet)
        }
        self.assertEqual(notices[watched].notification_ids.res_partner_id, self.user_head.partner_id)
        self.assertFalse(notices[quiet].notification_ids)

    def test_a_failing_lead_sends_its_batch_one_lead_at_a_time(self):
        """The batch's work is undone when one of its leads fails; the others are escalated one by one."""
        good, bad, other = self.hot_lead(), self.hot_lead(), self.hot_lead()
        calls = []
        escalated = self.escalate_failing_on(bad, calls)
        self.assertEqual(escalated, good | other)
        self.assertEqual(calls, [good, bad, good, bad, other], "the batch, then each lead in its own savepoint")
        self.assertEqual([len(lead.sla_breach_ids) for lead in (good, bad, other)], [1, 0, 1], "nothing twice")


@tagged("post_install", "-at_install")
class TestSlaEscalationRace(RaceCase):
    """Two workers escalating at once, and a user logging a call while the cron holds the lead."""

    @staticmethod
    def build(env):
        team = env["crm.team"].create({"name": "Race team", "tz": "Europe/Moscow"})
        lead = env["crm.lead"].create(
            {
                "name": "Race lead",
                "type": "opportunity",
                "team_id": team.id,
                "temperature": "hot",
                "phone": "+7 912 604-18-37",
            }
        )
        lead.sudo().date_received = datetime(2026, 1, 5, 6, 0)
        return {"team": team, "lead": lead}

    @staticmethod
    def cleanup(env, records):
        lead = records["lead"]
        env["crm.sla.breach"].search([("lead_id", "=", lead.id)]).unlink()
        lead.activity_ids.unlink()
        lead.unlink()
        records["team"].unlink()

    def test_two_workers_escalate_a_lead_once(self):
        """PP-15: a missed deadline is escalated once, whatever the number of cron workers."""
        with self.committed(self.build, self.cleanup) as ids, self.workers() as (env1, env2):
            self.assertEqual(
                env1["crm.lead"]._cron_escalate_sla().ids,
                [ids["lead"]],
                "the first worker escalates the lead and holds it",
            )
            self.assertFalse(env2["crm.lead"]._cron_escalate_sla(), "the second skips it instead of waiting")
            env1.cr.commit()
            env2.cr.rollback()  # the second worker's next run is a new transaction
            env2.invalidate_all()
            self.assertFalse(env2["crm.lead"]._cron_escalate_sla(), "once escalated, never again")
            env2.cr.execute("SELECT count(*) FROM crm_sla_breach WHERE lead_id = %s", [ids["lead"]])
            self.assertEqual(env2.cr.fetchone()[0], 1, "one breach, one escalation")

    def test_a_call_is_logged_while_the_cron_holds_the_lead(self):
        """The cron's lock lets a user log a call that changes nothing on the lead (no answer) meanwhile."""
        with self.committed(self.build, self.cleanup) as ids, self.workers(lock_timeout="2s") as (cron, user):
            lead = cron["crm.lead"].browse(ids["lead"])
            self.assertEqual(lock_skip_locked(lead), lead, "the cron holds the lead")
            call = user["crm.lead.call"].create({"lead_id": ids["lead"], "result": "no_answer"})
            self.assertTrue(call.id, "the call was logged without waiting for the cron's batch")
            user.cr.rollback()
