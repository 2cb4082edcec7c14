import importlib.util
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools.misc import file_path

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

    def test_members_follow_new_leads_without_an_email_per_lead(self):
        """Seed 004, 5.2.2: «Уведомление о назначении теплой ПП приходит в СЦ 1 (Один) раз в сутки.»

        The members follow the team's discussions, so they follow each new lead's discussions and get no email
        about its creation; someone else following the team with Odoo's subtypes follows the new leads with
        Odoo's subtypes, added for the whole batch at once."""
        self.user_salesperson_b.notification_type = "email"
        comment = self.env.ref("mail.mt_comment")
        [member] = self.team_b.message_follower_ids.filtered(
            lambda follower: follower.partner_id == self.user_salesperson_b.partner_id
        )
        self.assertEqual(member.subtype_ids, comment, "members follow the team's discussions only")
        self.team_b.message_subscribe(partner_ids=self.user_head.partner_id.ids)
        with self.pinned_time(MON_1100_MSK):
            leads = self.Lead.create(
                [
                    {
                        "name": f"warm {n}",
                        "type": "opportunity",
                        "temperature": "warm",
                        "team_id": self.team_b.id,
                        "user_id": False,
                    }
                    for n in range(3)
                ]
            )
            self.flush_tracking()
        for lead in leads:
            followers = {f.partner_id: f.subtype_ids for f in lead.message_follower_ids}
            self.assertEqual(followers[self.user_salesperson_b.partner_id], comment)
            self.assertEqual(
                followers[self.user_head.partner_id],
                comment
                | self.env.ref("crm.mt_lead_create")
                | self.env.ref("crm.mt_lead_stage")
                | self.env.ref("crm.mt_lead_won"),
                "the team's Discussions, Opportunity Created, Stage Changed and Won become the lead's, as in Odoo",
            )
        mails = self.env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "in", leads.ids)])
        self.assertFalse(
            mails.recipient_ids & (self.user_salesperson_b | self.user_head).partner_id,
            "no email per new lead: the team hears of warm leads in the daily digest",
        )

    def test_hot_lead_is_announced_at_once_and_once(self):
        with self.pinned_time(MON_1100_MSK):
            lead = self.lead("hot")
            self.assertTrue(lead.playbook_hot_pending, "the request flags the hot lead for the job")
            self.assertFalse(self.mails_to("moscow-sales@example.com"), "nothing is rendered in the request")
            self.deal_new_requests()
        self.assertFalse(lead.playbook_hot_pending, "dealt with")
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
            self.assertFalse(lead.playbook_hot_pending, "an announced lead in work is not flagged again")
            self.deal_new_requests()
        self.assertEqual(len(self.mails_to("moscow-sales@example.com")), 1, "announced once")
        self.assertEqual(len(self.in_app(lead)), 1)

    def test_hot_lead_announcement_is_queued_and_the_queue_woken(self):
        """- 3.3. В случае назначения ПП на СЦ в адрес СЦ приходит уведомление, содержащее ссылку на ПП. Информация
        направляется на адрес для информирования, который указал СЦ в сервисе ПП."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        hot_job = self.env.ref("crm_sales_playbook.crm_lead_cron_deal_requests")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "in", (cron | hot_job).ids)])
        self.user_salesperson_b.notification_type = "email"
        with (
            patch.object(self.registry["ir.mail_server"], "send_email", autospec=True) as send_email,
            self.pinned_time(MON_1100_MSK),
        ):
            lead = self.lead("hot")
            [job_woken] = Trigger.search([("cron_id", "=", hot_job.id)]) - before
            self.assertEqual(job_woken.call_at, MON_1100_MSK, "the request wakes the hot-lead job at once")
            self.assertFalse(Trigger.search([("cron_id", "=", cron.id)]) - before, "the request queues no mail")
            self.deal_new_requests()
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
            self.deal_new_requests()
            self.assertEqual(len(self.mails_to("ekb-sales@example.com")), 1)
            lead._playbook_transfer_to_team(self.team_b, "Client is in Moscow")
            self.assertTrue(lead.playbook_hot_pending, "the transfer flags it for the new team's announcement")
            self.deal_new_requests()
        self.assertEqual(len(self.mails_to("moscow-sales@example.com")), 1)
        self.assertEqual(len(self.mails_to("ekb-sales@example.com")), 1)

    def test_warm_and_cold_leads_are_not_announced_at_once(self):
        with self.pinned_time(MON_1100_MSK):
            leads = self.lead("warm") | self.lead("cold")
            self.assertFalse(
                leads.filtered("playbook_hot_pending"), "only hot leads wait to be dealt out and announced"
            )
            self.deal_new_requests()
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


@tagged("post_install", "-at_install")
class TestMembersFollowMigration(PlaybookCase):
    """18.0.1.7.0: members subscribed to their team with Odoo's default subtypes follow its discussions only."""

    def test_upgrade_stops_the_email_per_new_lead(self):
        """Seed 004, 5.2.2: «Уведомление о назначении теплой ПП приходит в СЦ 1 (Один) раз в сутки.»"""
        path = file_path("crm_sales_playbook/migrations/18.0.1.7.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_18_0_1_7_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        ref = self.env.ref
        created, stage, won = (
            ref("crm.mt_salesteam_lead"),
            ref("crm.mt_salesteam_lead_stage"),
            ref("crm.mt_salesteam_lead_won"),
        )
        self.team_b.playbook_members_follow = True
        self.team_a.playbook_members_follow = False
        member_b = self.user_salesperson_b.partner_id
        self.team_a.message_subscribe(partner_ids=self.user_salesperson.partner_id.ids)
        self.team_b.message_subscribe(partner_ids=(member_b | self.user_head.partner_id).ids)
        follower = self.team_b.message_follower_ids.filtered(lambda f: f.partner_id == member_b)
        follower.subtype_ids = ref("mail.mt_comment") | created | stage | won  # as 18.0.1.6.0 subscribed them
        head = self.team_b.message_follower_ids.filtered(lambda f: f.partner_id == self.user_head.partner_id)
        head_subtypes = head.subtype_ids
        other = self.team_a.message_follower_ids.filtered(lambda f: f.partner_id == self.user_salesperson.partner_id)
        other_subtypes = other.subtype_ids
        self.assertIn(created, head_subtypes)
        migration.members_follow_discussions_only(self.env)
        self.assertEqual(follower.subtype_ids, ref("mail.mt_comment") | won, "a member keeps the discussions and won")
        self.assertEqual(head.subtype_ids, head_subtypes, "someone who is not a member keeps their choice")
        self.assertEqual(other.subtype_ids, other_subtypes, "a team whose members do not follow it is left alone")
