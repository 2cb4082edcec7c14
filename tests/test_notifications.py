from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import MON_1100_MSK, PlaybookCase

MON_0800_MSK = datetime(2026, 11, 23, 5, 0)
MON_0900_MSK = datetime(2026, 11, 23, 6, 0)
TUE_0930_MSK = datetime(2026, 11, 24, 6, 30)


@tagged("post_install", "-at_install")
class TestTeamNotifications(PlaybookCase):
    """Hot leads announced at once, warm and cold ones in a daily digest (PP-2, PP-6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_b.write({"playbook_notify_email": "moscow-sales@example.com", "playbook_members_follow": True})
        cls.team_a.write({"playbook_notify_email": "ekb-sales@example.com"})
        cls.company.playbook_digest_hour = 9.0

    def mails_to(self, address):
        return self.env["mail.mail"].search([("email_to", "=", address)], order="id")

    def in_app(self, record):
        """The playbook's in-app notices on a record (Odoo's "you have been assigned" ones left out)."""
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("message_type", "=", "user_notification"),
                "|",
                ("subject", "=like", "Hot lead:%"),
                ("subject", "=like", "New leads for%"),
            ]
        )

    def lead(self, temperature, team=None, **values):
        return self.create_lead(
            name=f"{temperature} request",
            temperature=temperature,
            team_id=(team or self.team_b).id,
            user_id=False,
            **values,
        )

    def test_members_follow_the_team_and_its_leads(self):
        self.assertIn(self.user_salesperson_b.partner_id, self.team_b.message_partner_ids)
        with self.pinned_time(MON_1100_MSK):
            lead = self.lead("warm")
        self.assertIn(
            self.user_salesperson_b.partner_id,
            lead.message_partner_ids,
            "following the team makes the member follow its new leads",
        )
        self.assertNotIn(
            self.user_salesperson.partner_id,
            self.team_a.message_partner_ids,
            "teams that do not ask for it keep Odoo's followers",
        )
        self.env["crm.team.member"].create({"crm_team_id": self.team_b.id, "user_id": self.user_legal.id})
        self.assertIn(
            self.user_legal.partner_id,
            self.team_b.message_partner_ids,
            "a member added from the Members menu follows too",
        )

    def test_hot_lead_is_announced_at_once_and_once(self):
        with self.pinned_time(MON_1100_MSK):
            lead = self.lead("hot")
        [mail] = self.mails_to("moscow-sales@example.com")
        self.assertEqual(mail.subject, "Hot lead: hot request")
        self.assertIn(f"/mail/view?model=crm.lead&amp;res_id={lead.id}", mail.body_html)
        self.assertIn("Response deadline: 2026-11-23 14:00", mail.body_html, "3 working hours, Moscow time")
        [notice] = self.in_app(lead)
        self.assertEqual(notice.partner_ids, self.user_salesperson_b.partner_id)
        self.assertTrue(lead.playbook_announced)
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=10)):
            lead.write({"stage_id": self.stage_contact.id, "user_id": self.user_salesperson_b.id})
            lead.write({"temperature": "hot", "description": "called"})
        self.assertEqual(len(self.mails_to("moscow-sales@example.com")), 1, "announced once")
        self.assertEqual(len(self.in_app(lead)), 1)

    def test_hot_lead_announcement_is_queued_and_the_queue_woken(self):
        """- 3.3. В случае назначения ПП на СЦ в адрес СЦ приходит уведомление, содержащее ссылку на ПП. Информация
        направляется на адрес для информирования, который указал СЦ в сервисе ПП."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        self.user_salesperson_b.notification_type = "email"
        with (
            patch.object(self.registry["ir.mail_server"], "send_email", autospec=True) as send_email,
            self.pinned_time(MON_1100_MSK),
        ):
            lead = self.lead("hot")
        sent = [call.args[1]["Subject"] for call in send_email.call_args_list]
        self.assertFalse(
            [subject for subject in sent if subject.startswith("Hot lead:")], "nothing of the announcement is sent"
        )
        [mail] = self.mails_to("moscow-sales@example.com")
        self.assertEqual(mail.state, "outgoing", "the team's email waits in the mail queue")
        [notice] = self.in_app(lead)
        member_mails = self.env["mail.mail"].search([("mail_message_id", "=", notice.id)])
        self.assertEqual(
            member_mails.mapped("state"), ["outgoing"], "the member's notice by email is queued, not sent in the create"
        )
        [woken] = Trigger.search([("cron_id", "=", cron.id)]) - before
        self.assertEqual(woken.call_at, MON_1100_MSK, "the mail queue runs at once, not at its hourly call")

    def test_a_new_team_is_told_about_the_hot_lead_it_receives(self):
        with self.pinned_time(MON_1100_MSK):
            lead = self.lead("hot", team=self.team_a)
            self.assertEqual(len(self.mails_to("ekb-sales@example.com")), 1)
            lead._playbook_transfer_to_team(self.team_b, "Client is in Moscow")
        self.assertEqual(len(self.mails_to("moscow-sales@example.com")), 1)
        self.assertEqual(len(self.mails_to("ekb-sales@example.com")), 1)

    def test_warm_and_cold_leads_are_not_announced_at_once(self):
        with self.pinned_time(MON_1100_MSK):
            self.lead("warm")
            self.lead("cold")
        self.assertFalse(self.mails_to("moscow-sales@example.com"))

    def test_daily_digest_at_the_team_hour(self):
        Team = self.env["crm.team"]
        with self.pinned_time(datetime(2026, 11, 22, 12, 0)):
            announced_yesterday = self.lead("warm")
            Team._cron_playbook_digest()
        self.assertTrue(announced_yesterday.playbook_announced)
        with self.pinned_time(MON_0800_MSK - timedelta(hours=2)):
            warm, cold = self.lead("warm"), self.lead("cold")
            hot, other_team = self.lead("hot"), self.lead("warm", team=self.team_a)
            lost = self.lead("cold")
            lost.action_set_lost()
        self.env["mail.mail"].search([]).unlink()
        with self.pinned_time(MON_0800_MSK):
            self.assertNotIn(self.team_b, Team._cron_playbook_digest(), "8:00 in Moscow: not yet")
        self.assertFalse(self.mails_to("moscow-sales@example.com"))
        self.assertEqual(self.team_b.playbook_digest_lead_ids, warm | cold)
        with self.pinned_time(MON_0900_MSK):
            Team._cron_playbook_digest()
            Team._cron_playbook_digest()
        [mail] = self.mails_to("moscow-sales@example.com")
        self.assertEqual(mail.subject, "New leads for Team Moscow: 2")
        for lead in warm | cold:
            self.assertIn(f'res_id={lead.id}"', mail.body_html)
        for lead in hot | other_team | lost | announced_yesterday:
            self.assertNotIn(f'res_id={lead.id}"', mail.body_html)
        self.assertIn("Warm", mail.body_html)
        self.assertIn("Cold", mail.body_html)
        self.assertEqual(len(self.in_app(self.team_b)), 2, "one in-app digest a day: yesterday's and today's")
        self.assertTrue((warm | cold).mapped("playbook_announced") == [True, True])
        self.assertEqual(str(self.team_b.playbook_digest_date), "2026-11-23")
        # Yekaterinburg is two hours ahead: its digest went out at the same run.
        self.assertEqual(len(self.mails_to("ekb-sales@example.com")), 1)
        with self.pinned_time(TUE_0930_MSK - timedelta(hours=1)):
            tuesday = self.lead("cold")
        with self.pinned_time(TUE_0930_MSK):
            Team._cron_playbook_digest()
        mails = self.mails_to("moscow-sales@example.com")
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails[1].subject, "New leads for Team Moscow: 1")
        self.assertIn(f'res_id={tuesday.id}"', mails[1].body_html)
