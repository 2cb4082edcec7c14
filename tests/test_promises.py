from datetime import datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GuardCase

# Team Yekaterinburg (UTC+5) works 9:00-18:00: Monday 23 November 2026, 10:00 there is 5:00 UTC.
MON_1000_EKB = datetime(2026, 11, 23, 5, 0)
MON_1750_EKB = datetime(2026, 11, 23, 12, 50)
TUE_0920_EKB = datetime(2026, 11, 24, 4, 20)


@tagged("post_install", "-at_install")
class TestPromises(GuardCase):
    """What the salesperson promised in a call becomes a follow-up with its deadline, escalated when missed (ST-14)."""

    def promise(self, lead, when, **values):
        with self.pinned_time(when):
            form = Form(
                self.env["crm.lead.call"].with_user(self.user_salesperson).with_context(default_lead_id=lead.id)
            )
            form.result = "reached"
            form.notes = "Order confirmed; the client sends the details"
            for name, value in values.items():
                setattr(form, name, value)
            return form.save()

    def remind(self, when):
        with self.pinned_time(when):
            return self.env["crm.lead.followup"]._cron_remind()

    def test_letter_and_contract_promised_in_the_call_are_due_in_30_working_minutes(self):
        """Seed 003, script 4: «– «Имя», письмо я пришлю в течение 30 минут, когда мне ждать персональных данных?»
        «– Отлично, тогда в течении 30 минут после получения персональных данных, я пришлю Вам проект договора и
        счет.»"""
        lead = self.lead(name="Uralmash")
        details_at = MON_1000_EKB + timedelta(hours=2)
        call = self.promise(
            lead, MON_1000_EKB, promise_letter=True, promise_contract=True, promise_details_at=details_at
        )
        letter, contract = call.promise_followup_ids.sorted("date_due")
        self.assertEqual(
            [
                (f.kind, f.date_due, f.user_id, f.priority, f.state, f.lead_id, f.activity_id.activity_type_id)
                for f in (letter, contract)
            ],
            [
                (
                    "promise_letter",
                    MON_1000_EKB + timedelta(minutes=30),
                    self.user_salesperson,
                    "1",
                    "pending",
                    lead,
                    self.env.ref("mail.mail_activity_data_email"),
                ),
                (
                    "promise_contract",
                    details_at + timedelta(minutes=30),
                    self.user_salesperson,
                    "1",
                    "pending",
                    lead,
                    self.env.ref("mail.mail_activity_data_email"),
                ),
            ],
        )
        self.assertEqual(letter.name, "Send the promised letter: Uralmash")
        self.assertEqual(contract.name, "Send the promised draft contract and invoice: Uralmash")

    def test_minutes_are_working_minutes_of_the_team_and_a_setting(self):
        """Seed 003, script 4: «– «Имя», письмо я пришлю в течение 30 минут, когда мне ждать персональных данных?»"""
        lead = self.lead()
        call = self.promise(lead, MON_1750_EKB, promise_letter=True)
        self.assertEqual(
            call.promise_followup_ids.date_due, TUE_0920_EKB, "10 minutes before closing, 20 the next morning"
        )
        self.company.playbook_promise_minutes = 45
        other = self.lead()
        call = self.promise(other, MON_1000_EKB, promise_contract=True)
        self.assertEqual(call.promise_followup_ids.date_due, MON_1000_EKB + timedelta(minutes=45))
        with self.assertRaisesRegex(ValidationError, "minutes to keep a promise made in a call must be positive"):
            self.company.playbook_promise_minutes = 0

    def test_one_pending_promise_of_a_kind_per_lead(self):
        """Seed 003, script 4: «– «Имя», письмо я пришлю в течение 30 минут, когда мне ждать персональных данных?»"""
        lead = self.lead()
        first = self.promise(lead, MON_1000_EKB, promise_letter=True)
        second = self.promise(lead, MON_1000_EKB + timedelta(minutes=10), promise_letter=True, promise_contract=True)
        self.assertEqual(second.promise_followup_ids.mapped("kind"), ["promise_contract"])
        self.assertEqual(lead.followup_ids.filtered(lambda f: f.kind == "promise_letter"), first.promise_followup_ids)
        with self.pinned_time(MON_1000_EKB + timedelta(minutes=20)):
            first.promise_followup_ids.with_user(self.user_salesperson).action_done()
        third = self.promise(lead, MON_1000_EKB + timedelta(minutes=25), promise_letter=True)
        self.assertEqual(third.promise_followup_ids.date_due, MON_1000_EKB + timedelta(minutes=55))

    def test_a_missed_promise_is_escalated_to_the_team_leader(self):
        """Seed 003, script 4: «– Отлично, тогда в течении 30 минут после получения персональных данных, я пришлю Вам
        проект договора и счет.»"""
        lead = self.lead(name="Uralmash")
        promised = self.promise(lead, MON_1000_EKB, promise_contract=True).promise_followup_ids
        self.assertEqual(self.remind(MON_1000_EKB + timedelta(minutes=29)), 0, "not due yet")
        self.assertEqual(self.remind(MON_1000_EKB + timedelta(minutes=31)), 1)
        due = MON_1000_EKB + timedelta(minutes=30)
        self.assertEqual(
            (promised.reminded_at, promised.escalated_at),
            (due + timedelta(minutes=1), due + timedelta(minutes=1)),
        )
        [leader_task] = lead.activity_ids.filtered(lambda a: a.user_id == self.user_head)
        self.assertEqual(
            leader_task.summary,
            "Promise to the client not kept: Send the promised draft contract and invoice: Uralmash",
        )
        notices = self.env["mail.message"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "=", lead.id),
                ("message_type", "=", "user_notification"),
                ("subject", "=like", "Not done in time%"),
            ]
        )
        self.assertEqual(notices.partner_ids, self.user_head.partner_id)
        self.assertIn("was promised to the client by", notices.body)
        self.assertEqual(self.remind(MON_1000_EKB + timedelta(hours=1)), 0, "escalated once")

    def test_the_promise_is_history(self):
        """Seed 003, script 4: «– «Имя», письмо я пришлю в течение 30 минут, когда мне ждать персональных данных?»"""
        lead = self.lead()
        call = self.promise(lead, MON_1000_EKB)
        self.assertFalse(call.promise_followup_ids)
        with self.assertRaisesRegex(UserError, "A logged call is history"):
            call.with_user(self.user_salesperson).promise_letter = True
        self.assertFalse(call.promise_letter)
