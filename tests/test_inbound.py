import importlib.util
from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.misc import file_path

from .common import MON_1100_MSK, REAL_PHONE, SAT_1000_MSK, GuardCase

# Team Yekaterinburg works 9:00-18:00 in its time zone, UTC+5: Monday 11:00 in Moscow is 13:00 there.
MON_0905_YEKT = datetime(2026, 11, 23, 4, 5)


@tagged("post_install", "-at_install")
class TestInboundDesk(GuardCase):
    """The operator's registration, its follow-up and the reminder to the minute (EV-1, EV-2, ST-3, LG-4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A call or a letter is a consultation request unless the operator says otherwise (PP-6).
        cls.company.playbook_source_inbound_call_id = cls.source["consultation_request"]
        cls.company.playbook_source_email_id = cls.source["consultation_request"]

    def register(self, when=MON_1100_MSK, **values):
        with self.pinned_time(when):
            form = Form(
                self.env["crm.inbound.register"]
                .with_user(self.user_operator)
                .with_context(default_kind=values.pop("kind", "call"))
            )
            form.caller_name = values.pop("caller_name", "Ivan Petrov")
            form.company_name = "Uralmash JSC"
            form.phone = values.pop("phone", REAL_PHONE)
            form.question = values.pop("question", "How much is online reporting for 20 users?")
            form.team_id = self.team_a
            form.transferred_to_id = values.pop("transferred_to", self.user_salesperson)
            for name, value in values.items():
                setattr(form, name, value)
            wizard = form.save()
            action = wizard.action_register()
        return wizard, self.Lead.browse(action["res_id"])

    def notices(self, lead, subject):
        return self.env["mail.message"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "=", lead.id),
                ("message_type", "=", "user_notification"),
                ("subject", "=like", subject + "%"),
            ]
        )

    def remind(self, when):
        with self.pinned_time(when):
            return self.env["crm.lead.followup"]._cron_remind()

    def test_registration_to_the_five_minute_reminder(self):
        _wizard, lead = self.register()
        self.assertEqual(
            (lead.channel, lead.user_id, lead.team_id, lead.work_status),
            ("inbound_call", self.user_salesperson, self.team_a, "new"),
        )
        self.assertEqual(lead.partner_id.commercial_partner_id.name, "Uralmash JSC")
        registered = lead.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("crm_sales_playbook.mail_activity_type_inbound_call")
        )
        self.assertEqual(len(registered), 1, "the call is a done activity on the lead")
        [followup] = lead.followup_ids
        self.assertEqual(
            (followup.kind, followup.user_id, followup.date_due, followup.state),
            ("first_contact", self.user_salesperson, MON_1100_MSK + timedelta(minutes=5), "pending"),
        )
        self.assertEqual(followup.activity_id.user_id, self.user_salesperson, "it is in the manager's activities")
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("crm_sales_playbook.crm_lead_followup_cron_remind").id)]
        )
        self.assertIn(followup.date_due, trigger.mapped("call_at"), "the cron wakes exactly at the due minute")
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=4, seconds=59)), 0, "not yet")
        self.assertFalse(self.notices(lead, "Due now"))
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=5)), 1)
        [notice] = self.notices(lead, "Due now")
        self.assertEqual(notice.partner_ids, self.user_salesperson.partner_id)
        self.assertEqual(followup.reminded_at, MON_1100_MSK + timedelta(minutes=5))
        self.assertEqual(self.user_salesperson.notification_type, "email")
        self.assertEqual(
            notice.notification_ids.mapped("notification_type"),
            ["email"],
            "an email too, as the manager reads notifications by email",
        )
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=30)), 0, "reminded once")
        self.assertEqual(len(self.notices(lead, "Due now")), 1)

    def test_inbox_readers_get_the_reminder_in_odoo_and_by_email(self):
        self.user_salesperson.notification_type = "inbox"
        _wizard, lead = self.register()
        self.remind(MON_1100_MSK + timedelta(minutes=5))
        [notice] = self.notices(lead, "Due now")
        self.assertEqual(notice.notification_ids.mapped("notification_type"), ["inbox"])
        [mail] = self.env["mail.mail"].search([("res_id", "=", lead.id), ("subject", "=like", "Due now%")])
        self.assertEqual(mail.email_to, self.user_salesperson.partner_id.email_formatted)

    def test_done_in_time_is_not_reminded_and_counts_as_the_contact(self):
        _wizard, lead = self.register()
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=3)):
            lead.followup_ids.with_user(self.user_salesperson).action_done()
        self.assertEqual(lead.followup_ids.state, "done")
        self.assertFalse(lead.followup_ids.activity_id)
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=5)), 0)
        lead.with_user(self.user_salesperson).write({"deal_type": "service", "stage_id": self.stage_contact.id})
        self.assertEqual(lead.work_status, "in_work", "the first-contact call done is the contact")

    def test_marking_the_activity_done_does_the_follow_up(self):
        _wizard, lead = self.register()
        followup = lead.followup_ids
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=2)):
            followup.activity_id.with_user(self.user_salesperson).action_feedback(feedback="Called, all clear")
        self.assertEqual((followup.state, followup.date_done), ("done", MON_1100_MSK + timedelta(minutes=2)))
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=5)), 0)

    def test_only_a_follow_ups_activity_looks_its_follow_up_up(self):
        """The follow-up's activity says it is one: marking it done does the follow-up; marking another activity
        done reads no follow-up; nobody but the playbook says which activity is a follow-up's; an activity
        planned before the upgrade gets the flag from the migration."""
        _wizard, lead = self.register()
        followup = lead.followup_ids
        self.assertTrue(followup.activity_id.playbook_followup)
        other = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.user_salesperson.id)
        self.assertFalse(other.playbook_followup)
        for activity in (other, followup.activity_id):
            with self.subTest(activity=activity.summary), self.assertRaisesRegex(UserError, "when the follow-up"):
                activity.with_user(self.user_salesperson).write({"playbook_followup": not activity.playbook_followup})
        with self.recorded_queries() as queries:
            other.with_user(self.user_salesperson).action_feedback(feedback="Spoke about the price")
        self.assertEqual([query for query in queries if "crm_lead_followup" in query], [], "no follow-up read")
        self.assertEqual(followup.state, "pending")

        path = file_path("crm_sales_playbook/migrations/18.0.1.9.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_18_0_1_9_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.cr.execute(
            "UPDATE mail_activity SET playbook_followup = NULL WHERE id = %s", [followup.activity_id.id]
        )
        followup.activity_id.invalidate_recordset(["playbook_followup"])
        migration.followup_activities_flagged(self.env)
        self.assertTrue(followup.activity_id.playbook_followup, "flagged by the upgrade")
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=2)):
            followup.activity_id.with_user(self.user_salesperson).action_feedback(feedback="Called, all clear")
        self.assertEqual(followup.state, "done")

    def test_known_client_lands_on_its_open_lead(self):
        _wizard, first = self.register()
        wizard, second = self.register(
            when=MON_1100_MSK + timedelta(hours=1), phone="8 912 604 18 37", question="Calling again about the price"
        )
        self.assertEqual(second, first, "the same number finds the open lead")
        self.assertEqual(wizard.partner_id, first.partner_id.commercial_partner_id)
        self.assertEqual(len(first.followup_ids), 2)
        self.assertEqual(self.Lead.search_count([("phone", "=", REAL_PHONE)]), 1)
        log = self.env["crm.inbound.contact"].search([("lead_id", "=", first.id)], order="id")
        self.assertEqual(
            [(c.kind, c.channel, c.new_client, c.lead_created, c.forwarded_to_id, c.operator_id) for c in log],
            [
                ("call", "inbound_call", True, True, self.user_salesperson, self.user_operator),
                ("call", "inbound_call", False, False, self.user_salesperson, self.user_operator),
            ],
            "every registration is logged for the call center's report",
        )

    def test_manager_busy_promises_a_callback_and_escalates(self):
        _wizard, lead = self.register(manager_busy=True)
        [followup] = lead.followup_ids
        self.assertEqual(
            (followup.kind, followup.priority, followup.date_due),
            ("busy_callback", "1", MON_1100_MSK + timedelta(minutes=10)),
        )
        [urgent] = self.notices(lead, "Urgent")
        self.assertEqual(urgent.partner_ids, self.user_salesperson.partner_id, "sent to the manager at once")
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=10)), 1)
        [late] = self.notices(lead, "Not done in time")
        self.assertEqual(late.partner_ids, self.user_head.partner_id, "the team leader is told")
        self.assertEqual(followup.escalated_at, MON_1100_MSK + timedelta(minutes=10))
        self.assertTrue(lead.activity_ids.filtered(lambda a: a.user_id == self.user_head))
        self.assertEqual(self.remind(MON_1100_MSK + timedelta(minutes=40)), 0, "escalated once")
        self.assertEqual(len(self.notices(lead, "Not done in time")), 1)

    def test_after_hours_the_follow_up_is_due_at_the_next_working_minutes(self):
        _wizard, lead = self.register(when=SAT_1000_MSK)
        self.assertEqual(lead.followup_ids.date_due, MON_0905_YEKT, "Monday 9:05 in Yekaterinburg")
        self.assertEqual(lead.followup_ids.date_due_team_tz, "2026-11-23 09:05, Yekaterinburg time (UTC+5)")

    def test_letter_and_bad_input(self):
        _wizard, lead = self.register(kind="letter", phone=False, email="director@uralmash.ru")
        self.assertEqual(lead.channel, "email")
        with self.assertRaisesRegex(UserError, "Take the caller's phone or email"):
            self.register(phone=False)


@tagged("post_install", "-at_install")
class TestRequestFollowups(GuardCase):
    """Web requests get a confirmation call, requests given to a manager a call back (ST-2, ST-4)."""

    def test_web_request_confirmation_call_within_ten_working_minutes(self):
        with self.pinned_time(MON_1100_MSK):
            lead = self.create_lead(name="Web request", channel="web_form", phone=REAL_PHONE, user_id=False)
        [followup] = lead.followup_ids
        self.assertEqual(
            (followup.kind, followup.user_id, followup.date_due),
            ("confirm_call", self.user_operator, MON_1100_MSK + timedelta(minutes=10)),
        )

    def test_confirmation_calls_due_in_one_minute_share_the_reminders_wake_up(self):
        """1. ШАГ После получения заявки, необходимо в течение 5-10 минут позвонить (уведомить) клиента.   Секретарь

        Requests arriving within one minute are due within one minute: the reminder job is woken once, at the
        end of that minute (never before a call falls due), and then reminds each of them."""
        cron = self.env.ref("crm_sales_playbook.crm_lead_followup_cron_remind")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        leads = self.Lead.browse()
        for seconds in (10, 40, 59):
            with self.pinned_time(MON_1100_MSK + timedelta(seconds=seconds)):
                leads |= self.create_lead(name=f"Web request {seconds}", channel="web_form", user_id=False)
        self.assertEqual(
            leads.followup_ids.mapped("date_due"),
            [MON_1100_MSK + timedelta(minutes=10, seconds=seconds) for seconds in (10, 40, 59)],
        )
        woken = Trigger.search([("cron_id", "=", cron.id)]) - before
        self.assertEqual(woken.mapped("call_at"), [MON_1100_MSK + timedelta(minutes=11)], "one wake-up, not three")
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=11)):
            self.assertEqual(self.env["crm.lead.followup"]._cron_remind(), 3)
        self.assertEqual(set(leads.followup_ids.mapped("reminded_at")), {MON_1100_MSK + timedelta(minutes=11)})
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=12, seconds=5)):
            later = self.create_lead(name="Web request later", channel="web_form", user_id=False)
        self.assertEqual(
            (Trigger.search([("cron_id", "=", cron.id)]) - before - woken).call_at,
            MON_1100_MSK + timedelta(minutes=23),
            "a request due in another minute plans its own",
        )
        self.assertEqual(later.followup_ids.date_due, MON_1100_MSK + timedelta(minutes=22, seconds=5))

    def test_the_confirmation_call_is_inserted_with_its_activity(self):
        """1. ШАГ После получения заявки, необходимо в течение 5-10 минут позвонить (уведомить) клиента.   Секретарь

        The operator's call is a follow-up and its activity in the operator's list: the activity is created
        first and the follow-up inserted with it, its team and company; neither is updated afterwards (the
        activity is inserted with the lead's name, the operator's zone and no done date, which it would compute),
        and the activity's model name is not read from the model's row."""
        Followup, Activity = self.env["crm.lead.followup"], self.env["mail.activity"]
        updated = []
        originals = {model: type(self.env[model])._write_multi for model in ("crm.lead.followup", "mail.activity")}

        def record_write(records, vals_list):
            updated.append((records._name, records.ids, sorted({fname for vals in vals_list for fname in vals})))
            return originals[records._name](records, vals_list)

        self.user_operator.tz = "Asia/Yekaterinburg"
        self.env.invalidate_all()
        with (
            self.pinned_time(MON_1100_MSK),
            patch.object(type(Followup), "_write_multi", autospec=True, side_effect=record_write),
            patch.object(type(Activity), "_write_multi", autospec=True, side_effect=record_write),
            self.recorded_queries() as queries,
        ):
            lead = self.create_lead(name="Web request", channel="web_form", phone=REAL_PHONE, user_id=False)
            self.env.flush_all()
        self.assertEqual(
            [query for query in queries if 'SELECT "ir_model"."id", "ir_model"."name"' in query],
            [],
            "the activity's model name is not read from the model's row",
        )
        [followup] = lead.followup_ids
        self.assertEqual(updated, [], "the follow-up and its activity are inserted whole")
        self.env.invalidate_all()
        self.assertEqual(
            (followup.activity_id.res_name, followup.activity_id.user_tz, followup.activity_id.date_done),
            ("Web request", "Asia/Yekaterinburg", False),
        )
        self.assertEqual(
            (followup.team_id, followup.company_id, followup.activity_id.res_model, followup.activity_id.res_id),
            (lead.team_id, lead.company_id, "crm.lead", lead.id),
        )
        self.assertEqual(
            (followup.activity_id.user_id, followup.activity_id.summary, followup.activity_id.activity_type_id),
            (self.user_operator, followup.name, self.env.ref("mail.mail_activity_data_call")),
        )
        self.assertEqual(
            followup.activity_id.date_deadline,
            fields.Datetime.context_timestamp(self.user_operator, followup.date_due).date(),
            "due on the follow-up's day in the operator's time zone",
        )
        with self.assertRaisesRegex(ValidationError, "A follow-up belongs to a lead or to an order."):
            Followup.sudo().create(  # sudo: as the playbook plans its own follow-ups
                {"kind": "callback", "name": "Nowhere", "user_id": self.user_operator.id, "date_due": MON_1100_MSK}
            )

    def test_the_activity_is_due_on_the_responsibles_day(self):
        """1. ШАГ После получения заявки, необходимо в течение 5-10 минут позвонить (уведомить) клиента.   Секретарь

        A follow-up planned from a browser in Moscow for an operator in Yekaterinburg, due at 22:30 Moscow time
        (0:30 the next day in Yekaterinburg), shows in the operator's list on the operator's day, not Moscow's; an
        operator with no zone of their own gets the planner's day (due at 1:30 Tuesday in Moscow, still Monday
        in UTC)."""
        lead = self.create_lead(name="Late call", user_id=self.user_salesperson.id)
        planner = self.env["crm.lead.followup"].with_context(tz="Europe/Moscow")
        for zone, due, day in (
            ("Asia/Yekaterinburg", datetime(2026, 11, 23, 19, 30), date(2026, 11, 24)),
            (False, datetime(2026, 11, 23, 22, 30), date(2026, 11, 24)),
        ):
            with self.subTest(zone=zone):
                self.user_operator.tz = zone
                followup = planner.create(
                    {
                        "lead_id": lead.id,
                        "kind": "callback",
                        "name": "Call",
                        "date_due": due,
                        "user_id": self.user_operator.id,
                    }
                )
                self.assertEqual(followup.activity_id.date_deadline, day)

    def test_the_operator_is_kept_per_worker(self):
        """1. ШАГ После получения заявки, необходимо в течение 5-10 минут позвонить (уведомить) клиента.   Секретарь

        Who makes a team's confirmation calls is looked up once per worker, not at every request; a change of
        the team's members or of the operators' group is seen by the next request, which the team's leader
        takes when the team has no operator."""
        operators = self.env.ref("crm_sales_playbook.group_crm_sales_playbook_operator")

        def confirmation_caller(name):
            with self.pinned_time(MON_1100_MSK):
                # A client of its own each time: the same client's second request would join the first lead.
                email = f"{name.lower()}@uralmash.ru"
                return self.create_lead(
                    name=name, channel="web_form", email_from=email, user_id=False
                ).followup_ids.user_id

        self.assertEqual(confirmation_caller("First"), self.user_operator)
        with self.recorded_queries() as queries:
            self.assertEqual(confirmation_caller("Second"), self.user_operator)
        self.assertEqual([query for query in queries if "crm_team_member" in query], [], "no member read")
        self.user_operator.groups_id = [(3, operators.id)]
        self.assertEqual(confirmation_caller("Third"), self.user_head, "no operator left: the leader")
        self.user_operator.groups_id = [(4, operators.id)]
        self.assertEqual(confirmation_caller("Fourth"), self.user_operator)
        membership = self.team_a.crm_team_member_ids.filtered(lambda member: member.user_id == self.user_operator)
        membership.active = False
        self.assertEqual(confirmation_caller("Fifth"), self.user_head, "the operator left the team")
        membership.active = True
        self.assertEqual(confirmation_caller("Sixth"), self.user_operator)
        membership.unlink()
        self.assertEqual(confirmation_caller("Seventh"), self.user_head)
        self.env["crm.team.member"].create({"crm_team_id": self.team_a.id, "user_id": self.user_operator.id})
        self.assertEqual(confirmation_caller("Eighth"), self.user_operator, "back in the team")

    def test_an_archived_operator_makes_no_confirmation_call(self):
        """1. ШАГ После получения заявки, необходимо в течение 5-10 минут позвонить (уведомить) клиента.   Секретарь

        An operator who left the company (user archived) while still a member of the team is given no call: the
        team's leader calls; restored, the operator calls again."""
        with self.pinned_time(MON_1100_MSK):
            lead = self.create_lead(name="First", channel="web_form", email_from="first@uralmash.ru", user_id=False)
        self.assertEqual(lead.followup_ids.user_id, self.user_operator)
        self.user_operator.active = False
        membership = self.team_a.with_context(active_test=False).crm_team_member_ids.filtered(
            lambda member: member.user_id == self.user_operator
        )
        self.assertTrue(membership.active, "Odoo keeps the membership of an archived user")
        with self.pinned_time(MON_1100_MSK):
            lead = self.create_lead(name="Second", channel="web_form", email_from="second@uralmash.ru", user_id=False)
        self.assertEqual(lead.followup_ids.user_id, self.user_head, "the archived operator is skipped")
        self.user_operator.active = True
        with self.pinned_time(MON_1100_MSK):
            lead = self.create_lead(name="Third", channel="web_form", email_from="third@uralmash.ru", user_id=False)
        self.assertEqual(lead.followup_ids.user_id, self.user_operator)

    def test_request_given_to_a_manager_is_called_back_within_an_hour(self):
        with self.pinned_time(SAT_1000_MSK):
            lead = self.create_lead(name="Letter", channel="email", email_from="director@uralmash.ru", user_id=False)
            self.assertFalse(lead.followup_ids)
            lead.user_id = self.user_salesperson
        [followup] = lead.followup_ids
        self.assertEqual(
            (followup.kind, followup.user_id, followup.date_due),
            ("answer_call", self.user_salesperson, MON_0905_YEKT + timedelta(minutes=55)),
            "one working hour from Monday 9:00",
        )

    def test_prospects_get_no_call_back_follow_up(self):
        with self.pinned_time(MON_1100_MSK):
            lead = self.create_lead(
                name="Prospect", channel="outbound_call", temperature="cold", user_id=self.user_salesperson.id
            )
        self.assertFalse(lead.followup_ids)


@tagged("post_install", "-at_install")
class TestLoggedCalls(GuardCase):
    """Each call result decides the next step (LG-5)."""

    def agent_notices(self, lead):
        """The call's notices to the sales agent (Odoo's "you have been assigned" left out)."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "=", lead.id),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.user_regular.partner_id.ids),
                ("subject", "=like", "Outbound call%"),
            ]
        )

    def call(self, lead, result, user=None, **values):
        with self.pinned_time(MON_1100_MSK):
            return (
                self.env["crm.lead.call"]
                .with_user(user or self.user_salesperson)
                .create(dict({"lead_id": lead.id, "result": result, "duration": 4.5}, **values))
            )

    def test_callback_plans_a_follow_up_at_the_agreed_time(self):
        lead = self.lead()
        call = self.call(lead, "callback", callback_at=datetime(2026, 11, 24, 6, 30), notes="After the meeting")
        self.assertEqual(
            (call.followup_id.kind, call.followup_id.date_due, call.followup_id.user_id),
            ("callback", datetime(2026, 11, 24, 6, 30), self.user_salesperson),
        )
        self.assertTrue(call.is_contact)

    def test_meeting_set_books_the_sales_agent(self):
        lead = self.lead(user_id=self.user_regular.id)
        call = self.call(lead, "meeting_set", user=self.user_operator, meeting_start=datetime(2026, 11, 25, 7, 0))
        meeting = call.meeting_id
        self.assertEqual(
            (meeting.start, meeting.stop, meeting.opportunity_id),
            (datetime(2026, 11, 25, 7, 0), datetime(2026, 11, 25, 8, 0), lead),
        )
        self.assertIn(self.user_regular.partner_id, meeting.partner_ids)
        [notice] = self.agent_notices(lead)
        self.assertIn("A meeting with the client is set for you", notice.body)

    def test_materials_sent_notify_the_agent(self):
        lead = self.lead(user_id=self.user_regular.id)
        self.call(lead, "materials_sent", user=self.user_operator)
        [notice] = self.agent_notices(lead)
        self.assertIn("Materials were sent", notice.body)

    def test_refused_closes_the_lead_lost(self):
        lead = self.lead()
        self.call(lead, "refused", lost_reason_id=self.lost_reason.id, notes="Has a contract with a competitor")
        self.assertEqual(
            (lead.work_status, lead.lost_reason_id, lead.closing_comment),
            ("lost", self.lost_reason, "Has a contract with a competitor"),
        )

    def test_results_need_their_details_and_stay_history(self):
        lead = self.lead()
        with self.assertRaisesRegex(UserError, "needs the moment to call back"):
            self.call(lead, "callback")
        with self.assertRaisesRegex(UserError, "needs the refusal reason"):
            self.call(lead, "refused")
        with self.assertRaisesRegex(UserError, "must be in the future"):
            self.call(lead, "callback", callback_at=datetime(2026, 11, 20, 6, 0))
        with self.assertRaisesRegex(UserError, "is not a call result"):
            self.call(lead, "maybe")
        call = self.call(lead, "no_answer")
        self.assertFalse(call.is_contact)
        with self.assertRaisesRegex(UserError, "log a new call"):
            call.write({"result": "reached"})
        self.assertEqual(lead.call_count, 1)
