from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from .common import MON_1100_MSK, PLAYBOOK, SAT_1000_MSK, PlaybookCase, RaceCase


@tagged("post_install", "-at_install")
class TestAutoAssignment(PlaybookCase):
    """Automatic assignment by working time, time off and load (PP-2) on Odoo's assignment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sellers = [
            new_test_user(cls.env, login=f"pb_seller_{index}", name=f"Seller {index}", groups=PLAYBOOK + "salesperson")
            for index in range(3)
        ]
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Team Auto",
                "tz": "Europe/Moscow",
                "use_leads": True,
                "playbook_assignment": True,
                "crm_team_member_ids": [(0, 0, {"user_id": user.id, "assignment_max": 300}) for user in cls.sellers],
            }
        )
        cls.members = {member.user_id: member for member in cls.team.crm_team_member_ids}

    def lead(self, temperature="hot", **values):
        values.setdefault("user_id", False)
        return self.create_lead(
            name=f"{temperature} lead", temperature=temperature, team_id=self.team.id, type="lead", **values
        )

    def test_hot_lead_goes_at_once_to_the_lowest_load_for_capacity(self):
        seller_0, seller_1, seller_2 = self.sellers
        self.members[seller_0].assignment_max = 30
        self.members[seller_1].assignment_max = 60
        with self.pinned_time(MON_1100_MSK - timedelta(days=3)):
            for user, count in ((seller_0, 2), (seller_1, 3), (seller_2, 30)):
                for _index in range(count):
                    self.lead(temperature="cold", user_id=user.id)
        # Loads for capacity: 2/30, 3/60, 30/300: the second seller is the least loaded.
        with self.pinned_time(MON_1100_MSK):
            lead = self.lead()
            self.assertFalse(lead.user_id, "the request only flags the hot lead and wakes the job")
            self.deal_new_requests()
        self.assertEqual(lead.user_id, seller_1)
        self.assertEqual(lead.type, "lead", "the lead stays a lead as the team uses leads")
        self.assertEqual(lead.team_id, self.team)

    def test_members_off_work_or_opted_out_are_skipped(self):
        seller_0, seller_1, seller_2 = self.sellers
        self.members[seller_0].assignment_optout = True
        resource = self.env["resource.resource"].create(
            {"name": seller_1.name, "user_id": seller_1.id, "calendar_id": self.team.resource_calendar_id.id}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Time off",
                "resource_id": resource.id,
                "calendar_id": self.team.resource_calendar_id.id,
                "date_from": datetime(2026, 11, 23, 5, 0),
                "date_to": datetime(2026, 11, 23, 15, 0),
            }
        )
        with self.pinned_time(MON_1100_MSK):
            leads = self.lead() | self.lead()
            self.deal_new_requests()
        self.assertEqual(leads.user_id, seller_2, "the only member at work and taking leads gets both")

    def test_nobody_is_at_work_on_saturday(self):
        with self.pinned_time(SAT_1000_MSK):
            lead = self.lead()
            self.deal_new_requests()
        self.assertFalse(lead.user_id, "the hot lead waits for the team; its deadline runs on working time")
        self.assertFalse(lead.playbook_hot_pending, "the job tried; the hourly assignment gives it out later")
        with self.pinned_time(MON_1100_MSK):
            self.team._action_assign_leads()
        self.assertIn(lead.user_id, self.team.member_ids, "Monday's run gives it out")

    def test_warm_and_cold_wait_for_the_cron_which_balances_the_load(self):
        with self.pinned_time(MON_1100_MSK):
            warm = self.lead(temperature="warm") | self.lead(temperature="warm") | self.lead(temperature="warm")
            cold = self.lead(temperature="cold") | self.lead(temperature="cold") | self.lead(temperature="cold")
        self.assertFalse((warm | cold).user_id, "warm and cold leads are not assigned on arrival")
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=5)):
            _teams, members = self.team._action_assign_leads()
        self.assertEqual(
            sorted(len((warm | cold).filtered(lambda lead, user=user: lead.user_id == user)) for user in self.sellers),
            [2, 2, 2],
        )
        self.assertEqual(sum(len(data["assigned"]) for data in members.values()), 6)
        self.assertEqual(set((warm | cold).mapped("type")), {"lead"})

    def test_excluded_teams_and_blocked_leads_are_skipped(self):
        self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": self.team_a.id,
                "date_start": "2026-11-01",
                "date_end": "2026-12-31",
                "origin": "manual",
                "state": "active",
            }
        )
        with self.pinned_time(MON_1100_MSK):
            blocked = self.Lead.with_user(self.user_support).create(
                {
                    "name": "Reserved elsewhere",
                    "partner_id": self.partner.id,
                    "product_id": self.product.id,
                    "deal_type": "renewal",
                    "team_id": self.team.id,
                    "temperature": "hot",
                    "user_id": False,
                }
            )
            self.assertEqual(blocked.work_status, "blocked")
            self.assertFalse(blocked.user_id)
            self.team.playbook_excluded_until = "2026-12-31"
            lead = self.lead()
            self.team._action_assign_leads()
        self.assertFalse((blocked | lead).user_id)

    def test_other_teams_keep_odoo_assignment(self):
        self.team.playbook_assignment = False
        with self.pinned_time(SAT_1000_MSK):
            lead = self.lead(temperature="warm")
            self.team._action_assign_leads()
        self.assertIn(lead.user_id, self.team.member_ids, "Odoo assigns regardless of working time")
        self.assertEqual(lead.type, "opportunity", "and converts, as Odoo does")

    def test_hourly_cron_gives_out_what_waited_over_the_weekend(self):
        with self.pinned_time(SAT_1000_MSK):
            hot, warm = self.lead(), self.lead(temperature="warm")
            self.assertEqual(self.env["crm.team"]._cron_playbook_assign(), 0, "Saturday: nobody at work")
        self.assertFalse((hot | warm).user_id)
        with self.pinned_time(MON_1100_MSK):
            self.assertEqual(self.env["crm.team"]._cron_playbook_assign(), 2)
        self.assertEqual(len((hot | warm).user_id), 2, "two members at the same load get one each")
        self.assertEqual(hot.date_open, MON_1100_MSK)

    def test_odoo_allocation_merges_only_same_client_and_product(self):
        other_product = self.env["product.product"].create({"name": "Cloud Accounting", "type": "service"})
        with self.pinned_time(MON_1100_MSK - timedelta(days=1)):
            first, second = self.Lead.create(
                [
                    {
                        "name": f"Request {product.name}",
                        "email_from": "buyer@uralstroy.example",
                        "type": "lead",
                        "product_id": product.id,
                        "team_id": False,
                        "user_id": False,
                    }
                    for product in (self.product, other_product)
                ]
            )
        self.assertEqual(len((first | second).exists()), 2)
        with self.pinned_time(MON_1100_MSK):
            self.team._allocate_leads(creation_delta_days=0)
        self.assertEqual(len((first | second).exists()), 2, "two products stay two leads")
        self.assertTrue(first.team_id and second.team_id)


@tagged("post_install", "-at_install")
class TestAutoAssignmentRace(RaceCase):
    """A user and the cron assigning the same lead at once (PP-2)."""

    def test_a_locked_lead_is_left_to_whoever_holds_it(self):
        with self.committed(self.build_race_team) as ids, self.workers() as (user_env, cron_env):
            lead = user_env["crm.lead"].browse(ids["lead"])
            self.assertEqual(lead._playbook_lock_unassigned(), lead, "a user opened the lead to take it")
            with patch.object(cron_env.cr, "now", lambda: MON_1100_MSK):
                self.assertEqual(
                    cron_env["crm.team"]._cron_playbook_assign(),
                    0,
                    "the cron skips the locked lead instead of waiting or doubling",
                )
            lead.write({"user_id": ids["user"]})
            user_env.cr.commit()
            cron_env.cr.rollback()
            cron_env.invalidate_all()
            self.assertFalse(
                cron_env["crm.lead"].browse(ids["lead"])._playbook_lock_unassigned(),
                "once taken, the lead is not given out again",
            )
