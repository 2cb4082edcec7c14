from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..models.contact_check import email_problem, phone_problem
from .common import MON_1100_MSK, MON_1200_MSK, REAL_PHONE, GuardCase


@tagged("post_install", "-at_install")
class TestContactGuard(GuardCase):
    """New to in work only after a logged contact (PP-14, EV-4)."""

    def test_stage_change_without_contact_is_refused(self):
        lead = self.lead(name="Uralmash")
        with self.assertRaisesRegex(ValidationError, "Lead Uralmash cannot go in work: no contact with the client"):
            lead.write({"stage_id": self.stage_contact.id})
        self.env.cr.clear()
        self.assertEqual(lead.work_status, "new")

    def test_from_the_form(self):
        lead = self.lead(name="Uralmash")
        form = Form(lead.with_user(self.user_salesperson))
        form.stage_id = self.stage_contact
        with self.assertRaisesRegex(ValidationError, "cannot go in work"):
            form.save()

    def test_a_reached_call_or_a_done_call_activity_is_a_contact(self):
        # Three clients: leads without a product of one client are one request (PP-8).
        by_call = self.lead()
        by_activity = self.lead(phone="+7 912 604-18-51")
        no_answer = self.lead(phone="+7 912 604-18-52")
        self.log_call(by_call, "reached")
        by_activity.activity_schedule("mail.mail_activity_data_call", user_id=self.user_salesperson.id).action_feedback(
            feedback="Talked to the director"
        )
        self.log_call(no_answer, "no_answer")
        (by_call | by_activity).write({"stage_id": self.stage_contact.id})
        self.assertEqual(set((by_call | by_activity).mapped("work_status")), {"in_work"})
        with self.assertRaisesRegex(ValidationError, "cannot go in work"):
            no_answer.write({"stage_id": self.stage_contact.id})

    def test_the_contacts_of_a_batch_are_found_in_one_query(self):
        """8.2.3. изменять статус ПП с «новая» на «в работе», не выйдя на контакт с клиентом;

        A logged contact is a call that reached the client, a done call, meeting or email activity, or a meeting
        held; a call nobody answered, a done to-do or a held meeting since archived is none. The leads of a
        batch are looked up in one query."""
        phones = iter(f"+7 912 604-18-{number}" for number in range(51, 60))
        by_call, by_activity, by_meeting, no_answer, by_todo, archived = leads = self.Lead.concat(
            *(self.lead(name=name, phone=next(phones)) for name in ("Call", "Activity", "Meeting", "No", "To", "Arch"))
        )
        self.log_call(by_call)
        self.log_call(no_answer, "no_answer")
        for lead, kind in ((by_activity, "mail.mail_activity_data_email"), (by_todo, "mail.mail_activity_data_todo")):
            lead.activity_schedule(kind, user_id=self.user_salesperson.id).action_feedback(feedback="Done")
        for lead in (by_meeting, archived):
            meeting = self.env["calendar.event"].create(
                {"name": "Visit", "opportunity_id": lead.id, "start": MON_1100_MSK, "stop": MON_1200_MSK}
            )
            meeting.playbook_done = True
        meeting.active = False
        self.env.flush_all()
        with self.assertQueryCount(1):
            contacted = leads._playbook_contacted_leads()
        self.assertEqual(contacted, by_call | by_activity | by_meeting)

    def test_one_line_per_refused_lead_in_a_batch(self):
        first = self.lead(name="First")
        second = self.lead(name="Second", phone="+7 912 604-18-51")
        contacted = self.lead(name="Third", phone="+7 912 604-18-52")
        self.log_call(contacted)
        with self.assertRaises(ValidationError) as caught:
            (first | second | contacted).write({"stage_id": self.stage_contact.id})
        lines = str(caught.exception).splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("Lead First cannot go in work"))
        self.assertTrue(lines[1].startswith("Lead Second cannot go in work"))

    def test_support_overrides_with_a_reason(self):
        lead = self.lead()
        with self.assertRaisesRegex(UserError, "Only sales heads and sales support may override"):
            lead.with_user(self.user_salesperson).write({"playbook_override_reason": "trust me"})
        with self.assertRaisesRegex(ValidationError, "cannot go in work"):
            lead.with_user(self.user_head).write(
                {"stage_id": self.stage_contact.id, "playbook_override_reason": "heads may not skip the contact"}
            )
        self.env.cr.clear()
        lead.with_user(self.user_support).write(
            {"stage_id": self.stage_contact.id, "playbook_override_reason": "Client met at the fair"}
        )
        self.assertEqual(lead.work_status, "in_work")
        self.flush_tracking()
        tracked = (
            self.env["mail.tracking.value"]
            .sudo()
            .search([("mail_message_id.res_id", "=", lead.id), ("field_id.name", "=", "playbook_override_reason")])
        )
        self.assertEqual(tracked.new_value_text, "Client met at the fair", "the override is in the history")

    def test_batch_create_in_work(self):
        with self.assertRaisesRegex(ValidationError, "Lead Web cannot be created in work"):
            self.Lead.create(
                [
                    {
                        "name": "Call",
                        "team_id": self.team_a.id,
                        "stage_id": self.stage_contact.id,
                        "channel": "inbound_call",
                        "phone": REAL_PHONE,
                        "deal_type": "service",
                    },
                    {
                        "name": "Web",
                        "team_id": self.team_a.id,
                        "stage_id": self.stage_contact.id,
                        "channel": "web_form",
                        "phone": "+7 912 604-18-51",  # another client: one client's two rows are one request (PP-8)
                    },
                ]
            )
        self.env.cr.clear()
        lead = self.Lead.create(
            {
                "name": "Call",
                "team_id": self.team_a.id,
                "stage_id": self.stage_contact.id,
                "channel": "inbound_call",
                "phone": REAL_PHONE,
                "deal_type": "service",
            }
        )
        self.assertEqual(lead.work_status, "in_work", "the call that created it was the contact")

    def test_teams_without_the_rules_keep_odoo_behaviour(self):
        lead = self.create_lead(team_id=self.team_b.id, stage_id=self.stage_new.id)
        lead.write({"stage_id": self.stage_contact.id})
        self.assertEqual(lead.work_status, "in_work")

    def test_import_reports_each_refused_row(self):
        self.env["ir.model.data"].create(
            {"name": "pb_team_a", "module": "__import__", "model": "crm.team", "res_id": self.team_a.id}
        )
        result = self.Lead.load(
            ["name", "team_id/id", "stage_id/id", "channel", "phone"],
            [["Imported two", "__import__.pb_team_a", "crm.stage_lead2", "email", REAL_PHONE]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("Lead Imported two cannot be created in work", result["messages"][0]["message"])


@tagged("post_install", "-at_install")
class TestContactData(GuardCase):
    """No fake contacts (PP-14)."""

    def test_fake_patterns(self):
        for phone in (
            "1111111",
            "+7 999 999-99-99",
            "12345",
            "+7 912 345-67-89",
            "8 (343) 123-45-67",
            "+7 123 456 78 90",
            "call me",
        ):
            self.assertTrue(phone_problem(phone, "RU"), phone)
        for phone in (REAL_PHONE, "8 912 604 18 37", "+7 (343) 379-52-16", "+7 495 739-22-22"):
            self.assertIsNone(phone_problem(phone, "RU"), phone)
        for email in (
            "test@test.ru",
            "test@test",
            "ivan@example.com",
            "buyer@uralstroy.example",
            "qwerty@mail.ru",
            "noemail@yandex.ru",
            "not an email",
        ):
            self.assertTrue(email_problem(email), email)
        for email in ("ivan.petrov@uralstroy.ru", "sales@gazprom-neft.ru"):
            self.assertIsNone(email_problem(email), email)

    def test_leaving_new_needs_real_contact_data(self):
        lead = self.lead(name="Fake", phone="+7 999 999-99-99", email_from="test@test.ru")
        self.log_call(lead)
        with self.assertRaisesRegex(
            ValidationError,
            r"Lead Fake cannot leave New without real contact data "
            r"\(phone \+7 999 999-99-99: all digits are the same; "
            r"email test@test.ru: an example or test domain\)",
        ):
            lead.write({"stage_id": self.stage_contact.id})
        self.env.cr.clear()
        lead.write({"email_from": "director@uralmash.ru", "stage_id": self.stage_contact.id})
        self.assertEqual(lead.work_status, "in_work", "a real email is enough")

    def test_connection_lead_needs_real_contact_data_on_create(self):
        with self.assertRaisesRegex(ValidationError, "Lead Ghost needs real contact data to be a connection lead"):
            self.Lead.create(
                [
                    {
                        "name": "Real",
                        "team_id": self.team_a.id,
                        "deal_type": "connection",
                        "product_id": self.product.id,
                        "phone": REAL_PHONE,
                    },
                    {
                        "name": "Ghost",
                        "team_id": self.team_a.id,
                        "deal_type": "connection",
                        "product_id": self.product.id,
                        "phone": "0000000",
                    },
                ]
            )
        self.env.cr.clear()
        lead = self.Lead.create(
            {
                "name": "Real",
                "team_id": self.team_a.id,
                "deal_type": "connection",
                "product_id": self.product.id,
                "phone": REAL_PHONE,
            }
        )
        self.assertEqual(lead.deal_type, "connection")

    def test_a_local_number_reads_in_the_companys_country(self):
        """Seed 004: «8.2.4. оставлять незаполненным раздел «контакты» в ПП или вносить фиктивные данные.»
        A Yekaterinburg number written the local way is real in a Russian company, not in an American one; the
        company's country is kept per worker and follows a change at once."""
        self.company.country_id = self.env.ref("base.us")
        lead = self.lead(name="Local", phone="8 (343) 379-52-16")
        self.log_call(lead)
        with self.assertRaisesRegex(ValidationError, r"phone 8 \(343\) 379-52-16: not a valid number for the country"):
            lead.write({"stage_id": self.stage_contact.id})
        self.env.cr.clear()
        self.company.partner_id.country_id = self.env.ref("base.ru")  # as on the company's contact card
        lead.write({"stage_id": self.stage_contact.id})
        self.assertEqual(lead.work_status, "in_work", "the same number is real once the company is in Russia")

    def test_junk_may_still_be_marked_lost(self):
        lead = self.lead(phone="111", closing_comment="Spam call")
        lead.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertEqual(lead.work_status, "lost")


@tagged("post_install", "-at_install")
class TestClosingGuards(GuardCase):
    """A refusal has a reason and a comment; invoices win connection leads (EV-4, PP-5)."""

    def test_lost_needs_reason_and_comment(self):
        lead = self.lead(name="Refusing")
        with self.assertRaisesRegex(UserError, "Lead Refusing: choose the refusal reason"):
            lead.action_set_lost()
        with self.assertRaisesRegex(UserError, "Lead Refusing: write a comment on the refusal"):
            lead.action_set_lost(lost_reason_id=self.lost_reason.id)
        wizard = self.env["crm.lead.lost"].create(
            {"lead_ids": [(6, 0, lead.ids)], "lost_reason_id": self.lost_reason.id}
        )
        with self.assertRaisesRegex(UserError, "Write a comment on the refusal"):
            wizard.action_lost_reason_apply()
        wizard.lost_feedback = "<p>Bought from a competitor</p>"
        wizard.action_lost_reason_apply()
        self.assertEqual(
            (lead.work_status, lead.lost_reason_id, lead.closing_comment),
            ("lost", self.lost_reason, "Bought from a competitor"),
        )

    def test_lost_by_api_write_needs_reason(self):
        lead = self.lead(name="Api")
        with self.assertRaisesRegex(ValidationError, "Lead Api: choose the refusal reason"):
            lead.write({"active": False, "probability": 0})

    def test_connection_won_only_by_invoice_unless_a_head_says_why(self):
        lead = self.lead(name="Connect", deal_type="connection", product_id=self.product.id)
        self.log_call(lead)
        lead.stage_id = self.stage_contact
        with self.assertRaisesRegex(ValidationError, "won only by a paid invoice"):
            lead.with_user(self.user_head).write({"stage_id": self.stage_won.id})
        self.env.cr.clear()
        lead.with_user(self.user_head).write(
            {"stage_id": self.stage_won.id, "playbook_override_reason": "Paid in cash at the office"}
        )
        self.assertEqual(lead.work_status, "won")
