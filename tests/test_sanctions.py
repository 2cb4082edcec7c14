import importlib.util
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged, users

from .common import FRI_1700_MSK, MON_1100_MSK, PLAYBOOK, PlaybookCase

BAN_END = date(2026, 11, 30)
DAY_AFTER_BAN = datetime(2026, 12, 1, 9, 0)
LAST_DAY_OF_BAN = datetime(2026, 11, 30, 9, 0)


class SanctionCase(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Sanction = cls.env["crm.team.sanction"]
        cls.other_product = cls.env["product.product"].create({"name": "Electronic Signature", "type": "service"})
        cls.user_head_b = new_test_user(cls.env, login="pb_head_b", name="Pb Head B", groups=PLAYBOOK + "head")
        cls.team_b.user_id = cls.user_head_b
        # Only the fixtures' teams take part in reassignment.
        cls.env["crm.team"].search(
            [("id", "not in", (cls.team_a | cls.team_b | cls.team_company_2).ids)]
        ).active = False

    @contextmanager
    def refused(self, error, text):
        """The operation fails with ``error`` naming ``text``, and what it did is rolled back."""
        with self.assertRaises(error) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def ban(self, team=None, product=None, date_to=BAN_END, **values):
        with self.pinned_time(MON_1100_MSK):
            return self.Sanction.with_user(self.user_support).create(
                dict(
                    {
                        "team_id": (team or self.team_a).id,
                        "kind": "product_ban",
                        "product_id": (product or self.product).id,
                        "date_to": date_to,
                        "reason": "Hot leads of Online Reporting left New too late three times",
                    },
                    **values,
                )
            )


@tagged("post_install", "-at_install")
class TestProductBan(SanctionCase):
    """PP-17: a team banned from selling a product neither receives nor creates leads for it until the ban ends."""

    def test_a_banned_team_creates_no_lead_for_the_product(self):
        """9.1.5. у СЦ может быть закрыта возможность продавать Продукт."""
        ban = self.ban()
        with self.pinned_time(MON_1100_MSK):
            self.assertEqual((ban.state, ban.in_force, ban.decided_by_id), ("active", True, self.user_support))
            with self.assertRaises(UserError) as refused:
                self.Lead.with_user(self.user_salesperson).create(
                    {"name": "Reporting for UralStroy", "product_id": self.product.id, "type": "opportunity"}
                )
            self.assertEqual(
                str(refused.exception),
                "Lead Reporting for UralStroy cannot be in team Team Yekaterinburg: the team may not sell "
                "Online Reporting until 2026-11-30 (sanction: Hot leads of Online Reporting left New too late three "
                "times). Sales support may override with a reason.",
            )
            other = self.Lead.with_user(self.user_salesperson).create(
                {"name": "Signature for UralStroy", "product_id": self.other_product.id, "type": "opportunity"}
            )
            self.assertEqual(other.team_id, self.team_a, "another product is still sold")
            elsewhere = self.create_lead(team_id=self.team_b.id, product_id=self.product.id)
            self.assertEqual(elsewhere.team_id, self.team_b, "another team still sells the product")

    def test_only_the_leads_of_a_team_with_a_ban_look_bans_up(self):
        """9.1.5. у СЦ может быть закрыта возможность продавать Продукт.

        Every lead's create checks the bans of its team, so the teams that have any product ban are kept per
        worker: a lead of a team without one reads no sanction, and a new ban holds from the next lead on."""
        searched = []
        original = type(self.Sanction).search

        def record_search(model, domain, *args, **kwargs):
            searched.append(domain)
            return original(model, domain, *args, **kwargs)

        with (
            self.pinned_time(MON_1100_MSK),
            patch.object(type(self.Sanction), "search", autospec=True, side_effect=record_search),
        ):
            lead = self.create_lead(product_id=self.product.id)
            self.assertEqual(
                (lead._playbook_banned_team_ids(), self.Lead._playbook_banned_products(self.team_a | self.team_b)),
                ([], {}),
            )
            self.assertEqual(
                searched, [], "no team has a ban: no sanction is read, nor by the escalation or Odoo's assignment"
            )
            self.ban(team=self.team_b)
            self.create_lead(product_id=self.product.id)
            self.assertEqual(self.Lead._playbook_banned_products(self.team_a), {})
            self.assertEqual(searched, [], "team B's ban does not concern team A's leads")
            self.ban()
            with self.refused(UserError, "may not sell Online Reporting"):
                self.create_lead(product_id=self.product.id)
            self.assertEqual(len(searched), 1, "team A's leads look its bans up from its first ban on")

    def test_a_banned_team_receives_no_lead_for_the_product(self):
        """9.1.5. у СЦ может быть закрыта возможность продавать Продукт."""
        self.ban()
        with self.pinned_time(MON_1100_MSK):
            lead = self.create_lead(team_id=self.team_b.id, product_id=self.product.id, temperature="hot")
            with self.refused(UserError, "the team may not sell Online Reporting until 2026-11-30"):
                lead.write({"team_id": self.team_a.id})
            self.assertEqual(lead.team_id, self.team_b)
            with self.refused(UserError, "the team may not sell Online Reporting until 2026-11-30"):
                self.create_lead(team_id=self.team_a.id, product_id=self.other_product.id).product_id = self.product
            moved, refused = lead.with_user(self.user_support)._playbook_transfer_to_team(self.team_a, "By hand")
            self.assertFalse(moved)
            self.assertEqual(refused[lead], "team Team Yekaterinburg may not sell Online Reporting until 2026-11-30")
            self.assertEqual(lead.team_id, self.team_b, "the transfer refused the banned team")

    def test_sales_support_overrides_with_a_reason(self):
        """9.4. Контроль исполнения Инструкции и принятие решение о применении тех или иных мер воздействия к СЦ
        наделена Служба сопровождения продаж Управления регионального развития СКБ Контур."""
        self.ban()
        with self.pinned_time(MON_1100_MSK):
            with self.refused(UserError, "may not sell Online Reporting"):
                self.Lead.with_user(self.user_head).create(
                    {
                        "name": "A head's override",
                        "team_id": self.team_a.id,
                        "product_id": self.product.id,
                        "playbook_override_reason": "The client insists",
                    }
                )
            lead = self.Lead.with_user(self.user_support).create(
                {
                    "name": "Support's override",
                    "team_id": self.team_a.id,
                    "product_id": self.product.id,
                    "playbook_override_reason": "The client signed with this team before the ban",
                }
            )
        self.assertEqual((lead.team_id, lead.product_id), (self.team_a, self.product))

    def test_the_ban_ends_on_its_day(self):
        """9.1.5. у СЦ может быть закрыта возможность продавать Продукт."""
        ban = self.ban()
        with self.pinned_time(LAST_DAY_OF_BAN):
            self.assertFalse(self.Sanction._cron_end_sanctions(), "the last day of the ban is still banned")
            with self.refused(UserError, "may not sell Online Reporting until 2026-11-30"):
                self.create_lead(product_id=self.product.id)
        with self.pinned_time(DAY_AFTER_BAN):
            self.assertEqual(self.Sanction._cron_end_sanctions(), ban)
            self.assertEqual((ban.state, ban.ended_on, ban.in_force), ("ended", date(2026, 12, 1), False))
            lead = self.create_lead(product_id=self.product.id)
        self.assertEqual(lead.team_id, self.team_a, "once the ban ended the team sells the product again")

    def test_odoo_assignment_passes_the_banned_team_over(self):
        """9.1.5. у СЦ может быть закрыта возможность продавать Продукт."""
        self.ban()
        with self.pinned_time(MON_1100_MSK):
            leads = self.Lead.create(
                [
                    {"name": f"Web request {index}", "product_id": self.product.id, "team_id": False, "user_id": False}
                    for index in range(4)
                ]
            )
            self.env.flush_all()
            (self.team_a | self.team_b).with_context(tracking_disable=True)._allocate_leads(creation_delta_days=0)
        self.assertEqual(leads.team_id, self.team_b, "every lead of the banned product went to the other team")
        self.assertEqual(self.team_a.assignment_domain, False, "nothing was written to the banned team")

    def test_the_escalation_does_not_move_a_lead_to_a_banned_team(self):
        """9.1.1. ПП может быть переведена в другой СЦ;"""
        self.env.ref("crm_sales_playbook.crm_sla_policy_hot").sanction = "move"
        self.ban(team=self.team_b)
        with self.pinned_time(FRI_1700_MSK):
            lead = self.create_lead(temperature="hot", product_id=self.product.id, user_id=self.user_salesperson.id)
        with self.pinned_time(datetime(2026, 11, 23, 9, 0)):
            self.Lead._cron_escalate_sla(["working_hours"])
        self.assertEqual(lead.team_id, self.team_a)
        self.assertEqual(
            (lead.sla_breach_ids.sanction, lead.sla_breach_ids.sanction_note), ("kept", "no other team can take it")
        )
        self.assertFalse(self.Sanction.search([("kind", "=", "lead_moved")]), "nothing moved, no sanction")


@tagged("post_install", "-at_install")
class TestSanctionRecords(SanctionCase):
    """PP-15: every sanction, whoever or whatever imposes it, has its record."""

    def test_the_move_sanction_is_recorded(self):
        """9.1.1. ПП может быть переведена в другой СЦ;"""
        self.env.ref("crm_sales_playbook.crm_sla_policy_hot").sanction = "move"
        with self.pinned_time(FRI_1700_MSK):
            lead = self.create_lead(temperature="hot", user_id=self.user_salesperson.id)
        with self.pinned_time(datetime(2026, 11, 23, 9, 0)):
            self.Lead._cron_escalate_sla(["working_hours"])
        self.assertEqual(lead.team_id, self.team_b)
        sanction = self.Sanction.search([("team_id", "=", self.team_a.id)])
        self.assertEqual(
            (sanction.kind, sanction.lead_ids, sanction.breach_ids, sanction.automatic, sanction.state),
            ("lead_moved", lead, lead.sla_breach_ids, True, "active"),
        )
        self.assertFalse(sanction.decided_by_id, "the playbook imposed it by its rule")
        self.assertEqual(
            sanction.reason,
            f"Response deadline 2026-11-23 07:00:00 missed: lead {lead.display_name} moved to team Team Moscow.",
        )
        self.assertEqual(sanction.date_from, date(2026, 11, 23))

    def test_the_automatic_exclusion_is_recorded(self):
        """9.1.2. СЦ может быть исключен из распределения ПП до окончания календарного квартала;"""
        self.company.playbook_breach_limit = 2
        with self.pinned_time(FRI_1700_MSK):
            leads = self.create_lead(temperature="hot") | self.create_lead(temperature="hot")
        with self.pinned_time(datetime(2026, 11, 23, 9, 0)):
            self.Lead._cron_escalate_sla(["working_hours"])
            sanction = self.Sanction.search([("team_id", "=", self.team_a.id)])
            self.assertEqual(
                (sanction.kind, sanction.date_to, sanction.breach_ids, sanction.automatic, sanction.in_force),
                ("excluded_until", date(2026, 12, 31), leads.sla_breach_ids, True, True),
            )
            self.assertEqual(
                sanction.reason,
                "Excluded from lead distribution until 2026-12-31: 2 response deadlines missed this quarter.",
            )
            self.assertEqual(self.team_a.playbook_excluded_until, date(2026, 12, 31))
            self.team_a.with_user(self.user_support).action_lift_exclusion()
        self.assertEqual((sanction.state, sanction.ended_on), ("lifted", date(2026, 11, 23)))
        self.assertFalse(self.team_a.playbook_excluded_until)

    def test_exclusion_by_sales_support_is_recorded(self):
        """9.1.3. СЦ может быть исключен из распределения ПП навсегда;"""
        with self.pinned_time(MON_1100_MSK):
            self.team_b.with_user(self.user_support).action_exclude_forever()
            forever = self.Sanction.search([("team_id", "=", self.team_b.id)])
            self.assertEqual(
                (forever.kind, forever.decided_by_id, forever.automatic, forever.state),
                ("excluded_forever", self.user_support, False, "active"),
            )
            self.assertEqual(forever.message_partner_ids & self.user_head_b.partner_id, self.user_head_b.partner_id)
            form = Form(self.Sanction.with_user(self.user_support))
            form.team_id = self.team_a
            form.kind = "excluded_until"
            form.date_to = date(2026, 12, 31)
            form.reason = "Missed deadlines in November"
            until = form.save()
            self.assertEqual(
                (self.team_a.playbook_excluded_until, self.team_a.playbook_excluded), (date(2026, 12, 31), True)
            )
            until.with_user(self.user_support).action_lift()
            self.assertEqual((until.state, self.team_a.playbook_excluded_until), ("lifted", False))
            self.team_b.with_user(self.user_support).action_lift_exclusion()
            self.assertEqual((forever.state, self.team_b.playbook_excluded), ("lifted", False))

    def test_a_fine_is_recorded_in_the_company_currency(self):
        """9.2. ... Дополнительно, в случае нарушения п. 8.2.1. Инструкции предусмотрен штраф"""
        values = {"team_id": self.team_a.id, "kind": "fine", "reason": "A Connection lead without intent to sell"}
        with self.refused(ValidationError, "a fine needs its amount"):
            self.Sanction.with_user(self.user_support).create(values)
        fine = self.Sanction.with_user(self.user_support).create(dict(values, amount=5000.0))
        self.assertEqual((fine.amount, fine.currency_id), (5000.0, self.company.currency_id))
        self.assertFalse(self.team_a.playbook_excluded, "a fine excludes nobody")

    def test_moving_a_client_is_recorded(self):
        """9.1.4. клиент по Продукту может быть передан в другой СЦ;"""
        lead = self.create_lead(partner_id=self.partner.id, temperature="warm", user_id=self.user_salesperson.id)
        wizard = Form(
            self.env["crm.client.transfer"]
            .with_user(self.user_support)
            .with_context(active_model="res.partner", active_id=self.partner.id)
        )
        wizard.team_id = self.team_b
        wizard.reason = "The team did not call the client for a month"
        wizard.save().action_transfer()
        self.assertEqual(lead.team_id, self.team_b)
        sanction = self.Sanction.search([("team_id", "=", self.team_a.id)])
        self.assertEqual(
            (sanction.kind, sanction.partner_id, sanction.lead_ids, sanction.decided_by_id),
            ("client_moved", self.partner, lead, self.user_support),
        )
        self.assertEqual(
            sanction.reason, "Client moved to team Team Moscow: The team did not call the client for a month"
        )

    def test_an_upgrade_records_the_exclusions_in_force(self):
        """9.1.3. СЦ может быть исключен из распределения ПП навсегда;"""
        self.env.cr.execute("UPDATE crm_team SET playbook_excluded_forever = TRUE WHERE id = %s", [self.team_b.id])
        self.team_b.invalidate_recordset()
        path = Path(__file__).parent.parent / "migrations" / "18.0.1.6.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_1_6", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.record_existing_exclusions(self.env)
        migration.record_existing_exclusions(self.env)
        sanction = self.Sanction.search([("team_id", "=", self.team_b.id)])
        self.assertEqual(
            (sanction.kind, sanction.state, sanction.decided_by_id, sanction.reason),
            ("excluded_forever", "active", self.env["res.users"], "Exclusion in force before sanctions were recorded."),
            "one sanction, however often the migration runs",
        )
        self.team_b.with_user(self.user_support).action_lift_exclusion()
        self.assertEqual((sanction.state, self.team_b.playbook_excluded), ("lifted", False))

    def test_a_kind_needs_its_details(self):
        """9.1.5. у СЦ может быть закрыта возможность продавать Продукт."""
        with self.refused(ValidationError, "names the product and the day it ends"):
            self.ban(date_to=False)
        with self.refused(ValidationError, "an exclusion until a date needs that date"):
            self.Sanction.create({"team_id": self.team_a.id, "kind": "excluded_until", "reason": "x"})


@tagged("post_install", "-at_install")
class TestSanctionDispute(SanctionCase):
    """PP-17: a team contests a sanction, sales support decides case by case and the decision is recorded."""

    def contest(self, sanction, user, reason="The client gave a wrong phone number"):
        wizard = Form(
            self.env["crm.team.sanction.contest"].with_user(user).with_context(default_sanction_id=sanction.id)
        )
        wizard.reason = reason
        return wizard.save().action_contest()

    def decide(self, sanction, decision, comment):
        wizard = Form(
            self.env["crm.team.sanction.decide"]
            .with_user(self.user_support)
            .with_context(default_sanction_id=sanction.id)
        )
        wizard.decision = decision
        wizard.comment = comment
        return wizard.save().action_decide()

    def test_cancelling_a_contested_ban_lifts_it(self):
        """10.1. Все вопросы и спорные ситуации решаются в инцидентном порядке через Контур.WIC"""
        ban = self.ban()
        with self.pinned_time(MON_1100_MSK):
            self.contest(ban, self.user_head)
            self.assertEqual(
                (ban.state, ban.contest_reason, ban.contested_by_id, ban.contested_on),
                ("contested", "The client gave a wrong phone number", self.user_head, MON_1100_MSK),
            )
            activity = ban.activity_ids.filtered(lambda a: a.user_id == self.user_support)
            self.assertEqual(activity.summary, "Sanction contested: decide")
            with self.refused(UserError, "may not sell Online Reporting"):
                self.create_lead(product_id=self.product.id)
            self.decide(ban, "cancelled", "The phone number came wrong from the web form")
            self.assertEqual(
                (ban.state, ban.decision_comment, ban.decision_by_id, ban.decision_on, ban.ended_on),
                (
                    "cancelled",
                    "The phone number came wrong from the web form",
                    self.user_support,
                    MON_1100_MSK,
                    date(2026, 11, 23),
                ),
            )
            self.assertFalse(ban.activity_ids, "the decision closes sales support's activity")
            lead = self.create_lead(product_id=self.product.id)
        self.assertEqual(lead.team_id, self.team_a, "the cancelled ban no longer holds")

    def test_an_upheld_exclusion_stays(self):
        """10.1. Все вопросы и спорные ситуации решаются в инцидентном порядке через Контур.WIC"""
        with self.pinned_time(MON_1100_MSK):
            self.team_a.with_user(self.user_support).action_exclude_forever()
            sanction = self.Sanction.search([("team_id", "=", self.team_a.id)])
            self.contest(sanction, self.user_salesperson, "Our leads were late because of the holiday")
            self.decide(sanction, "upheld", "The holiday was on the team calendar")
            self.assertEqual((sanction.state, self.team_a.playbook_excluded_forever), ("upheld", True))
            with self.refused(UserError, "cannot be contested: it is Upheld"):
                self.contest(sanction, self.user_head)
            with self.refused(UserError, "is not contested: nothing to decide"):
                self.decide(sanction, "cancelled", "Second thoughts")


@tagged("post_install", "-at_install")
class TestSanctionAccess(SanctionCase):
    """X-SEC: sales support sees every sanction of its companies; a team its own; the weakest roles attack."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sanction_a = cls.Sanction.create(
            {"team_id": cls.team_a.id, "kind": "fine", "amount": 1000.0, "reason": "Fake contacts in a lead"}
        )
        cls.sanction_b = cls.Sanction.create(
            {
                "team_id": cls.team_b.id,
                "kind": "product_ban",
                "product_id": cls.product.id,
                "date_to": date(2027, 3, 31),
                "reason": "Missed deadlines",
            }
        )
        cls.sanction_2 = cls.Sanction.create(
            {"team_id": cls.team_company_2.id, "kind": "fine", "amount": 10.0, "reason": "Other company"}
        )

    def test_who_sees_which_sanction(self):
        """9.4. Контроль исполнения Инструкции и принятие решение о применении тех или иных мер воздействия к СЦ
        наделена Служба сопровождения продаж Управления регионального развития СКБ Контур."""
        expected = {
            self.user_support: self.sanction_a | self.sanction_b,
            self.user_admin: self.sanction_a | self.sanction_b,
            self.user_head: self.sanction_a,
            self.user_salesperson: self.sanction_a,
            self.user_head_b: self.sanction_b,
            self.user_salesperson_b: self.sanction_b,
            self.user_legal: self.Sanction,
        }
        for user, sanctions in expected.items():
            with self.subTest(user=user.login):
                found = self.Sanction.with_user(user).search([])
                self.assertEqual(found, sanctions)
        states = dict(self.Sanction.with_user(self.user_support).search([]).mapped(lambda s: (s.id, s.state)))
        self.assertEqual(states, {self.sanction_a.id: "active", self.sanction_b.id: "active"})

    @users("pb_salesperson")
    def test_a_salesperson_cannot_impose_lift_or_decide(self):
        with self.assertRaises(AccessError):
            self.env["crm.team.sanction"].create(
                {"team_id": self.team_b.id, "kind": "fine", "amount": 1.0, "reason": "Revenge"}
            )
        sanction = self.sanction_a.with_env(self.env)
        with self.assertRaises(AccessError):
            sanction.action_lift()
        with self.assertRaises(AccessError):
            sanction.write({"reason": "Nothing happened"})
        with self.assertRaises(UserError):
            sanction.write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            sanction.action_open_decide()
        sanction._playbook_contest("The lead had no phone")
        with self.assertRaises(AccessError):
            sanction._playbook_decide("cancelled", "I cancel it myself")
        with self.assertRaises(AccessError):
            self.env["crm.team.sanction.decide"].create(
                {"sanction_id": sanction.id, "decision": "cancelled", "comment": "Me"}
            )
        self.assertEqual(self.Sanction.sudo().search_count([]), 3, "no sanction was added")
        self.assertEqual(
            (self.sanction_a.sudo().state, self.sanction_a.sudo().decision_comment),
            ("contested", False),
            "contested by the team, and nothing else changed",
        )

    @users("pb_head_b")
    def test_a_head_of_another_team_cannot_see_or_contest(self):
        sanction = self.sanction_a.with_env(self.env)
        self.assertFalse(self.env["crm.team.sanction"].search([("id", "=", sanction.id)]))
        with self.assertRaises(AccessError):
            sanction.read(["state"])
        with self.assertRaises(AccessError):
            sanction._playbook_contest("Not my team, but still")
        with self.assertRaises(AccessError):
            self.env["crm.team.sanction.contest"].create({"sanction_id": sanction.id, "reason": "x"}).action_contest()
        self.assertEqual(self.sanction_a.sudo().state, "active")

    @users("pb_operator")
    def test_a_member_who_is_not_sales_support_cannot_lift_a_ban(self):
        ban = self.sanction_b.with_env(self.env)
        self.assertFalse(self.env["crm.team.sanction"].search([("id", "=", ban.id)]), "not a member of team B")
        with self.assertRaises(AccessError):
            ban.action_lift()
        self.assertEqual(self.sanction_b.sudo().state, "active")

    def test_sales_support_of_another_company_sees_nothing(self):
        support_2 = new_test_user(
            self.env,
            login="pb_support_2",
            groups=PLAYBOOK + "support",
            company_id=self.company_2.id,
            company_ids=[(6, 0, self.company_2.ids)],
        )
        self.assertEqual(self.Sanction.with_user(support_2).search([]), self.sanction_2)
        with self.assertRaises(AccessError):
            self.sanction_a.with_user(support_2).action_lift()
        self.assertEqual(self.sanction_a.state, "active")
