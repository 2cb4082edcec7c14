from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import PlaybookCase, RaceCase

# Friday 20 November 2026, 18:00 in Moscow (UTC+3): the end of the working day.
FRI_1800_MSK = datetime(2026, 11, 20, 15, 0)


@tagged("post_install", "-at_install")
class ClaimCase(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Claim = cls.env["crm.customer.claim"]
        cls.director = cls.user_head
        cls.company.write(
            {
                "playbook_deputy_director_id": cls.director.id,
                "playbook_claim_notice_hours": 24,
                "playbook_claim_notice_mode": "clock",
            }
        )
        cls.contact = cls.env["res.partner"].create({"name": "Irina Sokolova", "parent_id": cls.partner.id})
        cls.stage = {
            step: cls.env["crm.customer.claim.stage"].search([("step", "=", step)], limit=1)
            for step in ("new", "notified", "legal", "decision", "execution", "resolved", "rejected")
        }

    def claim(self, **values):
        vals = {
            "partner_id": self.partner.id,
            "contact_id": self.contact.id,
            "team_id": self.team_b.id,
            "essence": "Twelve of forty tiles arrived cracked.",
            "client_demand": "Replace the cracked tiles.",
            "manager_proposal": "Replacement with the next delivery.",
            "user_id": self.user_salesperson_b.id,
        }
        vals.update(values)
        return self.Claim.create(vals)

    def director_activities(self, claim):
        return claim.activity_ids.filtered(lambda activity: activity.user_id == self.director)


class TestClaimDeadline(ClaimCase):
    def test_clock_hours_count_the_weekend(self):
        claim = self.claim(date=FRI_1800_MSK)
        self.assertEqual(claim.notice_deadline, datetime(2026, 11, 21, 15, 0), "Saturday 18:00 Moscow")

    def test_working_hours_count_the_team_calendar(self):
        self.company.playbook_claim_notice_mode = "working"
        claim = self.claim(date=FRI_1800_MSK)
        # Nothing left on Friday; Monday 9 h, Tuesday 9 h, Wednesday 6 h: Wednesday 15:00 Moscow.
        self.assertEqual(claim.notice_deadline, datetime(2026, 11, 25, 12, 0))
        earlier = self.claim(date=datetime(2026, 11, 20, 14, 0))  # Friday 17:00 Moscow: 1 h left that day
        self.assertEqual(earlier.notice_deadline, datetime(2026, 11, 25, 11, 0))

    def test_working_hours_skip_holidays_and_follow_the_setting(self):
        self.company.write({"playbook_claim_notice_mode": "working", "playbook_claim_notice_hours": 8})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.team_b.resource_calendar_id.id,
                "date_from": datetime(2026, 11, 22, 21, 0),
                "date_to": datetime(2026, 11, 23, 20, 59),
            }
        )
        claim = self.claim(date=FRI_1800_MSK)
        self.assertEqual(claim.notice_deadline, datetime(2026, 11, 24, 14, 0), "Tuesday 17:00 Moscow")

    def test_claim_settled_in_the_talk_has_its_notice(self):
        claim = self.claim(date=FRI_1800_MSK, talk_result="resolved", filled_at=FRI_1800_MSK)
        self.assertEqual(claim.client_notified_at, FRI_1800_MSK)
        self.assertTrue(claim.notice_on_time)


class TestClaimProcedure(ClaimCase):
    def test_new_claim_tells_the_deputy_director(self):
        with self.pinned_time(FRI_1800_MSK):
            claim = self.claim()
        self.assertRegex(claim.name, r"^CLM/2026/\d{4}$")
        self.assertEqual(claim.stage_id, self.stage["new"])
        self.assertEqual(claim.director_notified_at, FRI_1800_MSK)
        [activity] = self.director_activities(claim)
        self.assertEqual(activity.summary, "Name the responsible employee of claim %s" % claim.name)
        message = self.env["mail.message"].search(
            [
                ("model", "=", claim._name),
                ("res_id", "=", claim.id),
                ("partner_ids", "in", self.director.partner_id.ids),
                ("message_type", "=", "notification"),
            ]
        )
        self.assertEqual(len(message), 1)
        self.assertIn("Twelve of forty tiles arrived cracked.", message.body)

    def test_the_deputy_director_is_told_again_before_the_legal_evaluation(self):
        """3.4.6	Уведомить зам.директора	Менеджер
        3.4.7	Передать рекламацию в юридический отдел для оценки	Менеджер"""
        with self.pinned_time(FRI_1800_MSK):
            claim = self.claim()
        with self.pinned_time(datetime(2026, 11, 21, 9, 0)):
            claim.action_client_notified()
        self.assertFalse(claim.director_second_notified_at, "not before the claim goes to legal")
        claim.write({"responsible_id": self.user_salesperson_b.id, "legal_user_id": self.user_legal.id})
        with self.pinned_time(datetime(2026, 11, 23, 7, 0)):
            claim.action_send_to_legal()
        self.assertEqual(claim.director_second_notified_at, datetime(2026, 11, 23, 7, 0))
        notices = self.env["mail.message"].search(
            [
                ("model", "=", claim._name),
                ("res_id", "=", claim.id),
                ("partner_ids", "in", self.director.partner_id.ids),
                ("message_type", "=", "notification"),
            ],
            order="id",
        )
        self.assertEqual(len(notices), 2, "the notice of the new claim (3.4.3) and the second one (3.4.6)")
        self.assertIn("Claim to legal evaluation:", notices[1].body)
        self.assertIn("was told on 2026-11-21 12:00, Moscow time (UTC+3)", notices[1].body, "in the team's time")
        self.assertIn("Responsible employee: Pb Salesperson B", notices[1].body)
        claim.write({"stage_id": self.stage["notified"].id})
        claim.action_send_to_legal()
        self.assertEqual(
            claim.director_second_notified_at, datetime(2026, 11, 23, 7, 0), "told once, not on every return"
        )
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", claim._name),
                    ("res_id", "=", claim.id),
                    ("partner_ids", "in", self.director.partner_id.ids),
                    ("message_type", "=", "notification"),
                ]
            ),
            2,
            "no third notice",
        )

    def test_without_a_set_director_the_sales_heads_are_told(self):
        self.company.playbook_deputy_director_id = False
        claim = self.claim()
        users = claim.activity_ids.user_id
        self.assertIn(self.user_head, users)
        self.assertNotIn(self.user_support, users, "sales support is not the deputy director")

    def test_each_step_needs_what_the_procedure_requires(self):
        with self.pinned_time(FRI_1800_MSK):
            claim = self.claim()
        self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, "without: Client Told: Being Clarified, Responsible Employee"):
            claim.write({"stage_id": self.stage["legal"].id})
        self.env.cr.clear()
        claim.invalidate_recordset()

        with self.pinned_time(datetime(2026, 11, 21, 9, 0)):
            claim.write({"stage_id": self.stage["notified"].id})
        self.assertEqual(
            claim.client_notified_at,
            datetime(2026, 11, 21, 9, 0),
            "moving to Client Notified records when the client was told",
        )
        self.assertTrue(claim.notice_on_time)

        claim.write({"responsible_id": self.user_salesperson_b.id, "legal_user_id": self.user_legal.id})
        claim.action_send_to_legal()
        self.assertEqual(claim.stage_id, self.stage["legal"])
        legal_activity = claim.activity_ids.filtered(lambda activity: activity.user_id == self.user_legal)
        self.assertEqual(legal_activity.summary, "Evaluate claim %s" % claim.name)
        self.env.flush_all()

        with self.assertRaisesRegex(ValidationError, "without: Legal Evaluation"):
            claim.action_to_decision()
        self.env.cr.clear()
        claim.invalidate_recordset()
        claim.legal_evaluation = "The carrier's damage: the contract puts it on us."
        claim.action_to_decision()
        self.env.flush_all()

        with self.assertRaisesRegex(ValidationError, "without: Decision, Decided By, Measures"):
            claim.action_start_execution()
        self.env.cr.clear()
        claim.invalidate_recordset()
        claim.write(
            {
                "decision": "Replace the twelve tiles at our cost.",
                "decision_by": "deputy_director",
                "measures": "Ship twelve tiles on Monday; claim the damage from the carrier.",
            }
        )
        self.assertTrue(claim.decision_date)
        claim.action_start_execution()
        control = claim.activity_ids.filtered(lambda activity: activity.user_id == self.user_salesperson_b)
        self.assertEqual(control.summary, "Control the execution of claim %s" % claim.name)
        self.env.flush_all()

        with self.assertRaisesRegex(ValidationError, "without: Client Told: Decision"):
            claim.action_resolve()
        self.env.cr.clear()
        claim.invalidate_recordset()
        with self.pinned_time(datetime(2026, 11, 24, 8, 0)):
            claim.action_client_told_decision()
            claim.action_resolve()
        self.assertEqual(claim.stage_id, self.stage["resolved"])
        self.assertTrue(claim.is_closed)
        self.assertEqual(claim.date_closed, datetime(2026, 11, 24, 8, 0))

    def test_a_rejected_claim_needs_no_measures_but_the_client_told(self):
        claim = self.claim(responsible_id=self.user_salesperson_b.id)
        claim.action_client_notified()
        claim.write(
            {
                "legal_user_id": self.user_legal.id,
                "legal_evaluation": "Not our fault: the client stored the tiles outdoors.",
                "decision": "Claim rejected.",
                "decision_by": "legal",
            }
        )
        claim.write({"stage_id": self.stage["decision"].id})
        self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, "Client Told: Decision"):
            claim.action_reject()
        self.env.cr.clear()
        claim.invalidate_recordset()
        claim.action_client_told_decision()
        claim.action_reject()
        self.assertEqual(claim.step, "rejected")
        self.assertFalse(claim.measures)

    def test_the_legal_responsible_is_named_before_the_decision(self):
        """Seed 001, 3.4.7-3.4.8: «Передать рекламацию в юридический отдел для оценки»; «Определить
        ответственного сотрудника» (Менеджер): the claim reaches the decision only with the employee
        responsible for it in the legal department."""
        claim = self.claim(responsible_id=self.user_salesperson_b.id)
        claim.action_client_notified()
        claim.action_send_to_legal()
        claim.legal_evaluation = "The carrier's damage."
        self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, 'cannot be in the step "Decision" without: Legal Reviewer.'):
            claim.action_to_decision()
        self.env.cr.clear()
        claim.invalidate_recordset()
        claim.legal_user_id = self.user_legal
        claim.action_to_decision()
        self.assertEqual(claim.step, "decision")

    def test_clearing_a_required_value_is_refused(self):
        claim = self.claim(responsible_id=self.user_salesperson_b.id)
        claim.action_client_notified()
        claim.action_send_to_legal()
        self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, "Responsible Employee"):
            claim.responsible_id = False


class TestClaimEscalation(ClaimCase):
    def test_late_notice_is_escalated_once(self):
        with self.pinned_time(FRI_1800_MSK):
            late = self.claim()
            told = self.claim()
            told.action_client_notified()
        Claim = self.Claim
        with self.pinned_time(datetime(2026, 11, 21, 14, 59)):
            self.assertFalse(Claim._cron_escalate_notice())
            late.invalidate_recordset()
            self.assertEqual(late.notice_urgency, "soon")
            self.assertEqual(late.notice_remaining, "1 min left")
            self.assertFalse(late.notice_breached)
        with self.pinned_time(datetime(2026, 11, 21, 15, 1)):
            self.assertEqual(Claim._cron_escalate_notice(), late)
            self.assertEqual(late.notice_escalated_at, datetime(2026, 11, 21, 15, 1))
            late.invalidate_recordset()
            self.assertTrue(late.notice_breached)
            self.assertEqual(late.notice_remaining, "late by 1 min")
            self.assertEqual(Claim.search([("notice_breached", "=", True), ("id", "in", (late | told).ids)]), late)
        with self.pinned_time(datetime(2026, 11, 21, 18, 0)):
            self.assertFalse(Claim._cron_escalate_notice(), "escalated once only")
        [escalation] = self.director_activities(late).filtered(lambda activity: "in time" in activity.summary)
        self.assertEqual(escalation.summary, "Client not told of claim %s in time" % late.name)
        self.assertFalse(self.director_activities(told).filtered(lambda activity: "in time" in activity.summary))

    def test_notice_given_late_stays_marked(self):
        with self.pinned_time(FRI_1800_MSK):
            claim = self.claim()
        with self.pinned_time(datetime(2026, 11, 22, 8, 0)):
            claim.action_client_notified()
            self.assertFalse(claim.notice_on_time)
            self.assertTrue(claim.notice_breached)
            self.assertFalse(self.Claim._cron_escalate_notice(), "nothing to escalate once the client was told")


@tagged("post_install", "-at_install")
class TestClaimEscalationRace(RaceCase):
    """Two workers escalating the same late claim (RC-4)."""

    def test_the_second_worker_skips_and_never_doubles(self):
        def build(env):
            partner = env["res.partner"].create({"name": "Race Client", "is_company": True})
            claim = env["crm.customer.claim"].create(
                {"partner_id": partner.id, "essence": "Race", "date": datetime(2026, 11, 1, 9, 0)}
            )
            return {"partner": partner, "claim": claim}

        with self.committed(build) as ids, self.workers() as (env1, env2):
            self.assertIn(
                ids["claim"],
                env1["crm.customer.claim"]._cron_escalate_notice().ids,
                "the first worker escalates and holds the row",
            )
            self.assertNotIn(
                ids["claim"],
                env2["crm.customer.claim"]._cron_escalate_notice().ids,
                "the second skips the held claim instead of waiting or doubling",
            )
            env1.cr.commit()
            env2.cr.rollback()
            env2.invalidate_all()
            self.assertNotIn(
                ids["claim"], env2["crm.customer.claim"]._cron_escalate_notice().ids, "escalated once only"
            )
            env2.cr.rollback()
            claim = env2["crm.customer.claim"].browse(ids["claim"])
            escalations = claim.activity_ids.filtered(lambda activity: "in time" in (activity.summary or ""))
            self.assertEqual(len(escalations), len(claim.company_id._playbook_deputy_directors()))


class TestClaimAccess(ClaimCase):
    def test_who_sees_a_claim(self):
        claim = self.claim(team_id=self.team_a.id, user_id=self.user_salesperson.id)
        other_company = self.Claim.create(
            {
                "partner_id": self.partner.id,
                "essence": "Elsewhere",
                "company_id": self.company_2.id,
                "team_id": self.team_company_2.id,
                "user_id": self.env.user.id,
            }
        )
        expected = {
            self.user_salesperson: True,  # its manager
            self.user_salesperson_b: False,  # another salesperson
            self.user_operator: False,  # team member, not its manager
            self.user_regular: False,
            self.user_head: True,  # leads team A
            self.user_legal: True,
            self.user_support: True,
            self.user_admin: True,
        }
        for user, sees in expected.items():
            with self.subTest(user=user.login):
                found = self.Claim.with_user(user).search([("id", "in", (claim | other_company).ids)])
                self.assertEqual(found, claim if sees else self.Claim, "other company's claim never shows")
        claim.responsible_id = self.user_salesperson_b
        self.assertEqual(
            self.Claim.with_user(self.user_salesperson_b).search([("id", "=", claim.id)]),
            claim,
            "the responsible employee sees it",
        )
        with self.assertRaises(AccessError):
            claim.with_user(self.user_regular).write({"essence": "Edited"})
        claim.with_user(self.user_legal).write({"legal_evaluation": "Our fault."})
        with self.assertRaises(AccessError):
            claim.with_user(self.user_head).unlink()
        with self.assertRaises(AccessError):
            self.Claim.with_user(self.user_salesperson).create(
                {"partner_id": self.partner.id, "essence": "For someone else", "user_id": self.user_salesperson_b.id}
            )

    def test_salesperson_registers_a_claim_from_its_lead(self):
        lead = self.create_lead(partner_id=self.contact.id, user_id=self.user_salesperson.id)
        Claim = self.Claim.with_user(self.user_salesperson).with_context(default_lead_id=lead.id)
        form = Form(Claim)
        self.assertEqual(form.partner_id, self.partner)
        self.assertEqual(form.contact_id, self.contact)
        self.assertEqual(form.team_id, self.team_a)
        form.essence = "Wrong invoice amount."
        claim = form.save()
        self.assertEqual(claim.user_id, self.user_salesperson)
        self.assertEqual(claim.lead_id, lead)

    def test_partner_shows_the_claims_the_user_may_read(self):
        mine = self.claim(team_id=self.team_a.id, user_id=self.user_salesperson.id)
        self.claim(team_id=self.team_b.id, user_id=self.user_salesperson_b.id)
        self.assertEqual(self.contact.playbook_claim_count, 2, "a contact shows its company's claims")
        partner = self.partner.with_user(self.user_salesperson)
        self.assertEqual(partner.playbook_claim_count, 1)
        action = partner.action_view_playbook_claims()
        self.assertEqual(self.Claim.with_user(self.user_salesperson).search(action["domain"]), mine)
