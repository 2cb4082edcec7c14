from datetime import datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import GuardCase

# Team Yekaterinburg (UTC+5) works 9:00-18:00: Monday 23 November 2026, 9:00 there is 4:00 UTC.
MON_0900_EKB = datetime(2026, 11, 23, 4, 0)
MON_1200_EKB = datetime(2026, 11, 23, 7, 0)
WED_1100_EKB = datetime(2026, 11, 25, 6, 0)


@tagged("post_install", "-at_install")
class TestTakingIntoWork(GuardCase):
    """Reaching the client takes a New lead into work and stops its response clock, in one step (PP-3, PP-11, LG-5)."""

    def hot_lead(self, **values):
        # Each lead is another client's: one client's leads without a product are one request (PP-8).
        self.phone_number = getattr(self, "phone_number", 0) + 1
        values.setdefault("phone", "+7 912 702-%02d-%02d" % divmod(self.phone_number, 100))
        with self.pinned_time(MON_0900_EKB):
            lead = self.lead(temperature="hot", **values)
        self.assertEqual(lead.sla_deadline, MON_1200_EKB, "3 working hours from Monday 9:00 in Yekaterinburg")
        return lead

    def test_postponing_a_new_lead_logs_the_contact_and_takes_it_into_work(self):
        """Seed 004, 3.4.4: «дата/время отложенности – это дата/время, на которую отложена процедура обработки ПП
        (с клиентом уже вышли на связь, но беседу/встречу отложили на определенную дату/время);»
        6.3: «Обработку ПП можно отложить на определенную дату, при этом ее статус автоматически изменится с
        «новой» на «в работе». Подразумевается, что с клиентом уже вышли на связь, но беседа/встречу отложили на
        определенное число.»"""
        lead = self.hot_lead(name="Uralmash")
        moment = MON_0900_EKB + timedelta(minutes=40)
        with self.pinned_time(moment):
            wizard = Form(
                self.env["crm.lead.postpone"].with_user(self.user_salesperson).with_context(default_lead_id=lead.id)
            )
            wizard.postponed_until = WED_1100_EKB
            wizard.comment = "The director asked to talk after the board meeting"
            wizard.save().action_postpone()
        self.assertEqual(
            (lead.work_status, lead.stage_id, lead.postponed_until, lead.sla_stopped_at, lead.sla_status),
            ("in_work", self.stage_contact, WED_1100_EKB, moment, "met"),
            "postponing is the contact: the lead is in work and its clock stopped when it was postponed",
        )
        [call] = lead.call_ids
        self.assertEqual(
            (call.user_id, call.date, call.result, call.is_contact, call.callback_at, call.notes),
            (
                self.user_salesperson,
                moment,
                "callback",
                True,
                WED_1100_EKB,
                "The director asked to talk after the board meeting",
            ),
            "who reached the client, when, and what was agreed are logged as the contact",
        )
        self.assertEqual(lead._playbook_contacted_leads(), lead, "the postponement counts for the contact rules")
        self.assertFalse(lead.followup_ids, "the postponement plans the call back once, as its activity")
        [activity] = lead.activity_ids
        self.assertEqual(activity.summary, "Call back at 2026-11-25 11:00, Yekaterinburg time (UTC+5)")

    def test_postponing_refuses_a_lead_that_may_not_leave_new_and_logs_nothing(self):
        """Seed 004, 4.1: «В сервисе ПП существует 5 (Пять) типов ПП, выбор типа зависит от того, что необходимо
        выполнить – продать новый Продукт клиенту, продлить Продукт и т.д.»"""
        lead = self.hot_lead(name="Untyped", deal_type=False)
        with self.pinned_time(MON_0900_EKB + timedelta(minutes=40)):
            with self.assertRaisesRegex(UserError, "Lead Untyped cannot leave New without a deal type"):
                lead._playbook_postpone(WED_1100_EKB, "Call on Wednesday")
        self.assertEqual(
            (lead.work_status, lead.call_ids, lead.postponed_until), ("new", lead.call_ids.browse(), False)
        )

    def test_reached_call_takes_the_lead_into_work_and_stops_the_clock(self):
        """Seed 004, 3.5.2: «"в работе" – состояние от момента, когда ПП взята в работу до перевода ее в одно из
        финальных состояний (с клиентом вышли на связь);»"""
        on_time, late, unanswered = self.hot_lead(), self.hot_lead(), self.hot_lead()
        before = MON_1200_EKB - timedelta(minutes=1)
        after = MON_1200_EKB + timedelta(minutes=1)
        with self.pinned_time(before):
            self.env["crm.lead.call"].with_user(self.user_salesperson).create(
                {"lead_id": on_time.id, "result": "reached"}
            )
        with self.pinned_time(after):
            self.log_call(late, "reached")
            self.log_call(unanswered, "no_answer")
        got = [
            (lead.work_status, lead.stage_id, lead.sla_stopped_at, lead.sla_status, lead.date_in_work)
            for lead in (on_time, late, unanswered)
        ]
        self.assertEqual(
            got,
            [
                ("in_work", self.stage_contact, before, "met", before),
                ("in_work", self.stage_contact, after, "met_late", after),
                ("new", self.stage_new, False, "running", False),
            ],
            "a reached call is the contact: in work at once, deadline met or met late; no answer changes nothing",
        )

    def test_operator_call_takes_the_salespersons_lead_into_work(self):
        """Seed 004, 3.5.2: «"в работе" – состояние от момента, когда ПП взята в работу до перевода ее в одно из
        финальных состояний (с клиентом вышли на связь);»"""
        lead = self.hot_lead()
        with self.pinned_time(MON_0900_EKB + timedelta(minutes=5)):
            self.env["crm.lead.call"].with_user(self.user_operator).create(
                {"lead_id": lead.id, "result": "request_taken", "direction": "inbound"}
            )
        self.assertEqual((lead.work_status, lead.sla_status), ("in_work", "met"))

    def test_calls_of_a_batch_take_their_leads_into_work_together(self):
        """Seed 004, 3.5.2: «"в работе" – состояние от момента, когда ПП взята в работу до перевода ее в одно из
        финальных состояний (с клиентом вышли на связь);»"""
        first, second = self.hot_lead(), self.hot_lead()
        with self.pinned_time(MON_0900_EKB + timedelta(minutes=5)):
            self.env["crm.lead.call"].create(
                [
                    {"lead_id": first.id, "result": "reached"},
                    {"lead_id": second.id, "result": "meeting_set", "meeting_start": WED_1100_EKB},
                ]
            )
        self.assertEqual((first | second).mapped("work_status"), ["in_work", "in_work"])

    def test_held_meeting_takes_the_lead_into_work(self):
        """Seed 004, 3.4.3: «дата/время принятия в работу – это дата/время, до которой нужно связаться с клиентом
        (звонок, встреча и т.д.) и перевести ПП в статус «в работе».»"""
        lead = self.hot_lead()
        meeting = self.env["calendar.event"].create(
            {
                "name": "Visit",
                "opportunity_id": lead.id,
                "start": MON_0900_EKB + timedelta(hours=1),
                "stop": MON_0900_EKB + timedelta(hours=2),
            }
        )
        self.assertEqual(lead.work_status, "new", "a planned meeting is not a contact yet")
        held = MON_0900_EKB + timedelta(hours=2)
        with self.pinned_time(held):
            meeting.action_playbook_done()
        self.assertEqual(
            (lead.work_status, lead.stage_id, lead.sla_stopped_at, lead.sla_status),
            ("in_work", self.env.ref("crm_sales_playbook.crm_stage_meeting"), held, "met"),
            "in work, and at the Meeting stage: the meeting was held",
        )

    def test_a_lead_that_may_not_leave_new_stays_new_and_says_why(self):
        """Seed 004, 3.1: «Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта,
        допродажа, обслуживание и т.д.) в сервисе ПП необходимо формировать ПП»"""
        lead = self.hot_lead(name="Untyped", deal_type=False)
        with self.pinned_time(MON_0900_EKB + timedelta(minutes=5)):
            call = self.log_call(lead, "reached")
        self.assertTrue(call.exists(), "the call is logged all the same")
        self.assertEqual((lead.work_status, lead.sla_status), ("new", "running"))
        self.assertIn(
            "The client was reached, but the lead stays New: Lead Untyped cannot leave New without a deal type",
            lead.message_ids[0].body,
        )
        lead.deal_type = "service"
        lead.stage_id = self.stage_contact
        self.assertEqual(lead.work_status, "in_work", "once typed, the logged call is the contact")

    def test_teams_without_the_rules_keep_odoo_behaviour(self):
        lead = self.create_lead(team_id=self.team_b.id, stage_id=self.stage_new.id)
        self.log_call(lead, "reached")
        self.env["calendar.event"].create(
            {
                "name": "Visit",
                "opportunity_id": lead.id,
                "start": MON_0900_EKB,
                "stop": MON_0900_EKB + timedelta(hours=1),
            }
        ).action_playbook_done()
        self.assertEqual((lead.work_status, lead.stage_id), ("new", self.stage_new))
