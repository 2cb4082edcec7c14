from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from .common import PlaybookCase

ROLES = ("pb_operator", "pb_salesperson", "pb_regular", "pb_head", "pb_legal", "pb_support")


@tagged("post_install", "-at_install")
class TestAccess(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lead = cls.Lead.with_context(tracking_disable=True)
        cls.leads = {
            "own": Lead.create({"name": "own", "team_id": cls.team_a.id, "user_id": cls.user_salesperson.id}),
            "team_a": Lead.create({"name": "team_a", "team_id": cls.team_a.id, "user_id": cls.user_head.id}),
            "unassigned": Lead.create({"name": "unassigned", "team_id": cls.team_a.id, "user_id": False}),
            "team_b": Lead.create({"name": "team_b", "team_id": cls.team_b.id, "user_id": cls.user_salesperson_b.id}),
            "registered": Lead.with_user(cls.user_operator).create(
                {"name": "registered", "team_id": cls.team_b.id, "user_id": cls.user_salesperson_b.id}
            ),
            "company_2": Lead.create(
                {"name": "company_2", "team_id": cls.team_company_2.id, "company_id": cls.company_2.id}
            ),
        }
        cls.all_ids = [lead.id for lead in cls.leads.values()]
        # A follow-up and a call on some leads, for their salesperson, made by the administrator.
        for key in ("own", "team_a", "team_b", "company_2"):
            lead = cls.leads[key]
            cls.env["crm.lead.followup"].create(
                {
                    "lead_id": lead.id,
                    "kind": "callback",
                    "name": key,
                    "date_due": "2099-01-05 08:00:00",
                    "user_id": (lead.user_id or cls.user_admin).id,
                }
            )
            cls.env["crm.lead.call"].create(
                {"lead_id": lead.id, "result": "no_answer", "user_id": (lead.user_id or cls.user_admin).id}
            )

    def _visible(self):
        return set(self.env["crm.lead"].search([("id", "in", self.all_ids)]).mapped("name"))

    def _assert_write(self, key, allowed):
        lead = self.env["crm.lead"].browse(self.leads[key].id)
        if allowed:
            lead.write({"description": "checked"})
            self.assertEqual(lead.description, "<p>checked</p>")
        else:
            with self.assertRaises(AccessError, msg=f"{self.env.user.login} may not write lead {key}"):
                lead.write({"description": "forbidden"})

    @users(*ROLES)
    def test_read_matrix(self):
        company_1 = {"own", "team_a", "unassigned", "team_b", "registered"}
        expected = {
            "pb_operator": company_1,
            "pb_salesperson": {"own", "unassigned"},
            "pb_regular": {"own", "team_a", "unassigned"},
            "pb_head": {"own", "team_a", "unassigned"},
            "pb_legal": company_1,
            "pb_support": company_1,
        }[self.env.user.login]
        self.assertEqual(self._visible(), expected, f"what {self.env.user.login} reads")

    @users(*ROLES)
    def test_follow_up_and_call_read_matrix(self):
        expected = {
            "pb_operator": {"own", "team_a", "team_b"},
            "pb_salesperson": {"own"},
            "pb_regular": {"own", "team_a"},
            "pb_head": {"own", "team_a"},
            "pb_legal": set(),
            "pb_support": {"own", "team_a", "team_b"},
        }[self.env.user.login]
        ids = [lead.id for lead in self.leads.values()]
        followups = self.env["crm.lead.followup"].search([("lead_id", "in", ids)])
        calls = self.env["crm.lead.call"].search([("lead_id", "in", ids)])
        self.assertEqual(set(followups.mapped("name")), expected, f"follow-ups {self.env.user.login} reads")
        self.assertEqual(set(calls.sudo().mapped("lead_id.name")), expected, f"calls {self.env.user.login} reads")

    @users(*ROLES)
    def test_write_matrix(self):
        allowed = {
            "pb_operator": {"unassigned", "registered"},
            "pb_salesperson": {"own", "unassigned"},
            "pb_regular": {"unassigned"},
            "pb_head": {"own", "team_a", "unassigned"},
            "pb_legal": {"unassigned"},
            "pb_support": {"own", "team_a", "unassigned", "team_b", "registered"},
        }[self.env.user.login]
        for key in ("own", "team_a", "unassigned", "team_b", "registered"):
            with self.subTest(lead=key):
                self._assert_write(key, key in allowed)

    @users(*ROLES)
    def test_unlink_matrix(self):
        Lead = self.env["crm.lead"].sudo().with_context(tracking_disable=True)
        team_a = Lead.create({"name": "to delete", "team_id": self.team_a.id}).with_env(self.env)
        team_b = Lead.create(
            {"name": "to delete", "team_id": self.team_b.id, "user_id": self.user_salesperson_b.id}
        ).with_env(self.env)
        if self.env.user.login in ("pb_head", "pb_support"):
            team_a.unlink()
            self.assertFalse(team_a.exists(), "sales heads delete their teams' leads")
        else:
            with self.assertRaises(AccessError):
                team_a.unlink()
        if self.env.user.login == "pb_support":
            team_b.unlink()
            self.assertFalse(team_b.exists())
        else:
            with self.assertRaises(AccessError, msg="only sales support deletes other teams' leads"):
                team_b.unlink()

    @users(*ROLES)
    def test_other_company_is_invisible(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead"].browse(self.leads["company_2"].id).read(["name"])

    @users(*ROLES)
    def test_stages_are_configured_by_admins(self):
        stage = self.env["crm.stage"].browse(self.stage_new.id)
        self.assertTrue(stage.is_new_stage, "every role reads the stage flags")
        with self.assertRaises(AccessError):
            stage.write({"is_new_stage": False})

    @users("pb_crm_admin")
    def test_admin_configures_stages(self):
        stage = self.env["crm.stage"].browse(self.stage_proposal.id)
        stage.write({"is_new_stage": True})
        self.assertTrue(stage.is_new_stage)

    def test_roles_imply_sales_groups(self):
        salesman = self.env.ref("sales_team.group_sale_salesman")
        all_leads = self.env.ref("sales_team.group_sale_salesman_all_leads")
        for user in (
            self.user_operator,
            self.user_salesperson,
            self.user_regular,
            self.user_head,
            self.user_legal,
            self.user_support,
        ):
            with self.subTest(user=user.login):
                self.assertIn(salesman, user.groups_id, "every role works in the CRM app")
        self.assertIn(all_leads, self.user_support.groups_id, "sales support sees every team")
        self.assertNotIn(all_leads, self.user_head.groups_id, "a sales head sees its own teams only")


@tagged("post_install", "-at_install")
class TestReservationAccess(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reservation = cls.env["crm.client.reservation"].create(
            {
                "partner_id": cls.partner.id,
                "product_id": cls.product.id,
                "team_id": cls.team_a.id,
                "date_end": "2099-12-31",
            }
        )

    @users(*ROLES)
    def test_everyone_in_sales_sees_who_holds_a_client(self):
        reservation = self.env["crm.client.reservation"].browse(self.reservation.id)
        self.assertEqual(reservation.team_id.name, "Team Yekaterinburg")
        self.assertEqual(self.env["crm.lead.team.transfer"].search_count([]), 0)

    @users(*ROLES)
    def test_only_support_manages_reservations(self):
        reservation = self.env["crm.client.reservation"].browse(self.reservation.id)
        if self.env.user.login == "pb_support":
            reservation.write({"date_end": "2099-12-30"})
            self.assertEqual(str(reservation.date_end), "2099-12-30")
            with self.assertRaises(AccessError, msg="history is never deleted by support"):
                reservation.unlink()
        else:
            with self.assertRaises(AccessError):
                reservation.write({"date_end": "2099-12-30"})
            with self.assertRaises(AccessError):
                self.env["crm.client.reservation"].create(
                    {
                        "partner_id": self.partner.id,
                        "product_id": self.product.id,
                        "team_id": self.team_b.id,
                        "date_end": "2099-12-31",
                    }
                )

    @users(*ROLES)
    def test_transfer_wizards_per_role(self):
        may_transfer = self.env.user.login in ("pb_head", "pb_support")
        if may_transfer:
            self.env["crm.lead.transfer"].create({"team_id": self.team_b.id, "reason": "x"})
        else:
            with self.assertRaises(AccessError):
                self.env["crm.lead.transfer"].create({"team_id": self.team_b.id, "reason": "x"})
        if self.env.user.login == "pb_support":
            self.env["crm.client.transfer"].create(
                {"partner_id": self.partner.id, "team_id": self.team_b.id, "reason": "x"}
            )
        else:
            with self.assertRaises(AccessError):
                self.env["crm.client.transfer"].create(
                    {"partner_id": self.partner.id, "team_id": self.team_b.id, "reason": "x"}
                )

    @users(*ROLES)
    def test_assignment_and_planning_wizards_per_role(self):
        lead = self.Lead.sudo().create(
            {"name": "To plan", "type": "opportunity", "team_id": self.team_a.id, "temperature": "warm"}
        )
        wizards = {
            "crm.lead.mass.assign": {"lead_ids": [(6, 0, lead.ids)]},
            "crm.lead.distribute": {
                "lead_ids": [(6, 0, lead.ids)],
                "team_id": self.team_a.id,
                "date_from": "2099-01-05",
                "date_to": "2099-01-09",
            },
        }
        may_plan = self.env.user.login in ("pb_head", "pb_support")
        for model, values in wizards.items():
            if may_plan:
                self.env[model].create(values)
            else:
                with self.assertRaises(AccessError, msg=f"{self.env.user.login} may not use {model}"):
                    self.env[model].create(values)
        # Every salesperson postpones their own leads.
        self.env["crm.lead.postpone"].check_access("create")

    @users(*ROLES)
    def test_team_notification_settings_are_for_admins(self):
        with self.assertRaises(AccessError):
            self.team_a.with_env(self.env).write({"playbook_notify_email": "x@example.com"})
        self.team_a.with_user(self.user_admin).write(
            {"playbook_notify_email": "x@example.com", "playbook_assignment": True}
        )

    @users("pb_salesperson")
    def test_other_company_reservations_are_invisible(self):
        other = (
            self.env["crm.client.reservation"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner.id,
                    "product_id": self.product.id,
                    "team_id": self.team_company_2.id,
                    "company_id": self.company_2.id,
                    "date_end": "2099-12-31",
                }
            )
        )
        self.assertFalse(self.env["crm.client.reservation"].search([("id", "=", other.id)]))


@tagged("post_install", "-at_install")
class TestSlaAccess(PlaybookCase):
    @users(*ROLES)
    def test_policies_are_read_by_all_and_set_by_support(self):
        policy = self.env["crm.sla.policy"].browse(self.env.ref("crm_sales_playbook.crm_sla_policy_hot").id)
        self.assertEqual(policy.duration, 3.0)
        if self.env.user.login == "pb_support":
            policy.write({"duration": 4})
            self.assertEqual(policy.duration, 4.0)
        else:
            with self.assertRaises(AccessError):
                policy.write({"duration": 4})

    @users(*ROLES)
    def test_only_support_excludes_teams(self):
        team = self.env["crm.team"].browse(self.team_b.id)
        if self.env.user.login == "pb_support":
            team.action_exclude_forever()
            self.assertTrue(team.playbook_excluded)
            team.action_lift_exclusion()
            self.assertFalse(team.playbook_excluded)
        else:
            with self.assertRaisesRegex(UserError, "Only sales support"):
                team.action_exclude_forever()

    @users("pb_salesperson")
    def test_breaches_of_other_companies_are_invisible(self):
        lead = (
            self.env["crm.lead"]
            .sudo()
            .create({"name": "x", "team_id": self.team_company_2.id, "user_id": False, "company_id": self.company_2.id})
        )
        breach = (
            self.env["crm.sla.breach"]
            .sudo()
            .create(
                {
                    "lead_id": lead.id,
                    "team_id": self.team_company_2.id,
                    "company_id": self.company_2.id,
                    "deadline": "2026-11-23 08:00:00",
                }
            )
        )
        self.assertFalse(self.env["crm.sla.breach"].search([("id", "=", breach.id)]))
