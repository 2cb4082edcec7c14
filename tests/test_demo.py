import ast
from pathlib import Path

from odoo import fields
from odoo.tests import Form, TransactionCase, tagged

from .common import ORDER_READY, PlaybookCase

ADDON = Path(__file__).resolve().parent.parent
# The demo's role users, by login (README, "Demo server in one command").
DEMO_LOGINS = (
    "playbook.operator",
    "playbook.salesperson",
    "playbook.regular",
    "playbook.head",
    "playbook.legal",
    "playbook.support",
)
# How people write one Yekaterinburg number: as the operator hears it, as a client's letter gives it, and stored.
LOCAL_FORMATS = ("8 (343) 200-10-10", "8-343-200-10-10", "(343) 200-10-10", "+7 343 200 10 10", "+7 (343) 2001010")


def demo_installed(env):
    return env.ref("base.module_crm_sales_playbook").demo


@tagged("post_install", "-at_install")
class TestRussianPhoneLookup(PlaybookCase):
    """The inbound desk finds a Russian client by its number written as Russians write it (ST-13), even for an
    operator whose current company is in the USA, as YourCompany is in the demo: the number is read in the
    country of the company the team works for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Built as the demo builds its Russian company: Russia, roubles, a team of its own; YourCompany in the USA.
        cls.company.country_id = cls.env.ref("base.us")
        cls.company_ru = cls.env["res.company"].create(
            {
                "name": "ООО «Уральский сервис» (проверка)",
                "country_id": cls.env.ref("base.ru").id,
                "currency_id": cls.env.ref("base.RUB").id,
                "playbook_source_inbound_call_id": cls.source["consultation_request"].id,
            }
        )
        cls.user_operator.company_ids = [(4, cls.company_ru.id)]
        cls.user_salesperson.write({"company_ids": [(4, cls.company_ru.id)], "company_id": cls.company_ru.id})
        cls.team_ru = (
            cls.env["crm.team"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": "СЦ Екатеринбург",
                    "company_id": cls.company_ru.id,
                    "tz": "Asia/Yekaterinburg",
                    "member_ids": [(6, 0, cls.user_salesperson.ids)],
                }
            )
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "ООО «УралСтрой»",
                "is_company": True,
                "company_id": cls.company_ru.id,
                "phone": "+7 343 200-10-10",
            }
        )

    def desk(self, phone, company):
        """The operator's inbound desk as opened in ``company``, with the Russian company allowed too."""
        form = Form(
            self.env["crm.inbound.register"]
            .with_user(self.user_operator)
            .with_context(allowed_company_ids=[company.id] + (self.company | self.company_ru - company).ids)
        )
        form.caller_name = "Анна Кузнецова"
        form.question = "Сколько стоит онлайн-отчётность на 20 пользователей?"
        form.team_id = self.team_ru
        form.transferred_to_id = self.user_salesperson
        form.phone = phone
        return form

    def test_local_formats_find_the_client_from_a_us_company(self):
        """1.1. АБСОЛЮТНО ВСЕХ клиентов, независимо от того, откуда пришел клиент (заказ с сайта, заказ в почте,
        входящий звонок и т.п.), необходимо заносить в СRМ, предварительно нажав на «+» и создать сделку -
        проверив, не был ли он занесен туда ранее."""
        self.assertEqual(self.client.phone_sanitized, "+73432001010")
        for phone in LOCAL_FORMATS:
            with self.subTest(phone=phone):
                form = self.desk(phone, self.company)
                self.assertEqual(form.partner_id, self.client, f"{phone} typed at the desk finds ООО «УралСтрой»")

    def test_registered_call_lands_on_the_client_in_its_company(self):
        """1.1. АБСОЛЮТНО ВСЕХ клиентов, независимо от того, откуда пришел клиент (заказ с сайта, заказ в почте,
        входящий звонок и т.п.), необходимо заносить в СRМ, предварительно нажав на «+» и создать сделку -
        проверив, не был ли он занесен туда ранее."""
        wizard = self.desk("8 (343) 200-10-10", self.company_ru).save()
        lead = self.env["crm.lead"].browse(wizard.action_register()["res_id"])
        self.assertEqual(
            (lead.partner_id, lead.company_id, lead.team_id, lead.user_id, lead.phone_sanitized),
            (self.client, self.company_ru, self.team_ru, self.user_salesperson, "+73432001010"),
        )
        self.assertEqual(
            (self.client.phone, self.client.phone_sanitized),
            ("+7 343 200-10-10", "+73432001010"),
            "the client keeps its number and no second client is made",
        )


@tagged("post_install", "-at_install")
class TestWithoutDemo(TransactionCase):
    """A database installed without demo data gets no second company and no roubles: the Russian company lives in
    the demo files and the functions they call, which no data file calls."""

    def test_data_files_never_build_the_demo_company(self):
        manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
        self.assertEqual(
            manifest["demo"], ["data/crm_sales_playbook_demo_company.xml", "data/crm_sales_playbook_demo.xml"]
        )
        for name in manifest["data"]:
            text = (ADDON / name).read_text()
            with self.subTest(file=name):
                self.assertNotIn("_playbook_demo_", text)
                self.assertNotIn("base.RUB", text)
                self.assertNotIn("company_ural", text)

    def test_no_second_company_and_no_roubles(self):
        if demo_installed(self.env):
            self.skipTest("the database has demo data")
        self.assertFalse(self.env.ref("crm_sales_playbook.company_ural", raise_if_not_found=False))
        self.assertFalse(self.env.ref("base.RUB").active, "roubles stay inactive without demo data")
        self.assertFalse(self.env["res.company"].search_count([("currency_id.name", "=", "RUB")]))


@tagged("post_install", "-at_install")
class TestDemoCompany(TransactionCase):
    """The demo tells the playbook's story in a Russian company of its own, in roubles, away from Odoo's generic
    demo leads of YourCompany. Runs only on a database with demo data."""

    def setUp(self):
        super().setUp()
        if not demo_installed(self.env):
            self.skipTest("the database has no demo data")
        self.company = self.env.ref("crm_sales_playbook.company_ural")
        self.team_ekb = self.env.ref("crm_sales_playbook.crm_team_yekaterinburg")
        self.team_msk = self.env.ref("crm_sales_playbook.crm_team_moscow")

    def test_a_russian_company_in_roubles_with_its_calendar_and_accounts(self):
        company = self.company
        self.assertEqual(
            (company.name, company.currency_id.name, company.country_id.code, company.city),
            ("ООО «Уральский сервис»", "RUB", "RU", "Екатеринбург"),
        )
        calendar = company.resource_calendar_id
        self.assertEqual(
            (calendar, calendar.company_id, calendar.tz),
            (self.env.ref("crm_sales_playbook.resource_calendar_ural"), company, "Asia/Yekaterinburg"),
        )
        self.assertEqual(
            (company.chart_template, company.account_fiscal_country_id.code), ("generic_coa", "RU"), "generic accounts"
        )
        journals = self.env["account.journal"].search([("company_id", "=", company.id)])
        self.assertEqual(set(journals.mapped("type")) >= {"sale", "bank", "cash", "general"}, True)
        self.assertEqual(self.env.ref("base.main_company").currency_id.name, "USD", "YourCompany keeps its dollars")
        holidays = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", calendar.id), ("resource_id", "=", False)]
        )
        new_year = fields.Date.to_date(f"{fields.Date.today().year}-01-01")
        self.assertIn(new_year, [leave.date_from.date() for leave in holidays], "Russian holidays are off")

    def test_moscow_and_yekaterinburg_teams_follow_the_playbook(self):
        teams = self.team_ekb | self.team_msk
        self.assertEqual(
            [(team.name, team.company_id, team.tz) for team in teams],
            [("СЦ Екатеринбург", self.company, "Asia/Yekaterinburg"), ("СЦ Москва", self.company, "Europe/Moscow")],
        )
        self.assertTrue(self.company.playbook_all_teams)
        for team in teams:
            self.assertEqual(
                (team.playbook_guards, team.playbook_assignment, team.playbook_members_follow), (True, True, True)
            )
        self.assertFalse(self.env.ref("base.main_company").playbook_all_teams, "YourCompany's teams are Odoo's")

    def test_demo_users_work_in_the_company(self):
        users = self.env["res.users"].search([("login", "in", DEMO_LOGINS)])
        self.assertEqual(len(users), 6)
        lang = "ru_RU" if self.env["res.lang"]._get_code("ru_RU") else "en_US"
        for user in users:
            with self.subTest(user=user.login):
                self.assertEqual((user.company_id, user.company_ids), (self.company, self.company))
                self.assertIn(user.tz, ("Europe/Moscow", "Asia/Yekaterinburg"))
                self.assertEqual(user.lang, lang)
        self.assertIn(self.company, self.env.ref("base.user_admin").company_ids)

    def test_the_story_lives_in_the_russian_company(self):
        leads = self.env["crm.lead"].with_context(active_test=False).search([("company_id", "=", self.company.id)])
        ref = self.env.ref
        stages = {
            ref("crm.stage_lead1"),
            ref("crm.stage_lead2"),
            ref("crm.stage_lead3"),
            ref("crm_sales_playbook.crm_stage_meeting"),
            ref("crm_sales_playbook.crm_stage_order"),
            ref("crm.stage_lead4"),
        }
        self.assertEqual(set(leads.stage_id), stages, "a lead in each stage")
        self.assertEqual(set(leads.mapped("temperature")), {"hot", "warm", "cold"})
        self.assertEqual(
            set(leads.mapped("work_status")) >= {"new", "in_work", "blocked", "won", "lost"}, True, "every status"
        )
        self.assertEqual(leads.filtered("sla_escalated"), ref("crm_sales_playbook.crm_lead_hot_breached"))
        operator = ref("crm_sales_playbook.user_operator")
        self.assertEqual(
            self.env["crm.lead"].with_user(operator).search([]),
            leads.filtered("active"),
            "the operator's pipeline is the playbook's story, none of Odoo's generic demo leads",
        )
        demo_leads = self.env["ir.model.data"].search(
            [("module", "=", "crm_sales_playbook"), ("model", "=", "crm.lead")]
        )
        self.assertEqual(len(demo_leads), 10)
        self.assertLessEqual(set(demo_leads.mapped("res_id")), set(leads.ids), "every demo lead is the company's")
        for model in (
            "crm.client.reservation",
            "crm.lead.call",
            "crm.lead.followup",
            "crm.customer.claim",
            "crm.quality.call",
            "crm.quality.complaint",
            "crm.playbook.goal",
            "sale.order",
        ):
            records = self.env[model].search([("company_id", "=", self.company.id)])
            with self.subTest(model=model):
                self.assertTrue(records, f"the demo has {model} in the Russian company")
        followups = self.env["crm.lead.followup"].search([("company_id", "=", self.company.id)])
        self.assertEqual(
            {(followup.lead_id, followup.kind) for followup in followups},
            {
                (ref("crm_sales_playbook.crm_lead_hot_proposal"), "callback"),
                (ref("crm_sales_playbook.crm_lead_warm_renewal"), "promise_letter"),
            },
            "the agreed callback and the promised letter are follow-ups",
        )

    def test_operator_types_a_local_number_and_finds_the_client(self):
        """1.1. АБСОЛЮТНО ВСЕХ клиентов, независимо от того, откуда пришел клиент (заказ с сайта, заказ в почте,
        входящий звонок и т.п.), необходимо заносить в СRМ, предварительно нажав на «+» и создать сделку -
        проверив, не был ли он занесен туда ранее."""
        operator = self.env.ref("crm_sales_playbook.user_operator")
        form = Form(self.env["crm.inbound.register"].with_user(operator))
        form.caller_name = "Анна Кузнецова"
        form.question = "Нужны ещё два считывателя"
        form.team_id = self.team_ekb
        self.assertEqual(form.team_id.company_id, self.company)
        for phone, client in (
            ("8 (343) 200-10-10", "crm_sales_playbook.partner_uralstroy"),
            ("+7 495 300-20-20", "crm_sales_playbook.partner_volga_trade"),
            ("8 912 345 67 89", "crm_sales_playbook.partner_ivanov"),
        ):
            with self.subTest(phone=phone):
                form.phone = phone
                self.assertEqual(form.partner_id, self.env.ref(client))

    def test_a_quotation_is_confirmed_and_invoiced_in_roubles(self):
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        salesperson = env.ref("crm_sales_playbook.user_salesperson")
        order = env["sale.order"].create(
            dict(
                ORDER_READY,
                commitment_date=fields.Datetime.now(),
                playbook_contract_ref="Д-43/2026",
                playbook_contract_date=fields.Date.today(),
                partner_id=env.ref("crm_sales_playbook.partner_uralstroy").id,
                team_id=self.team_ekb.id,
                user_id=salesperson.id,
                order_line=[(0, 0, {"product_id": env.ref("crm_sales_playbook.product_product_reporting").id})],
            )
        )
        self.assertEqual((order.company_id, order.currency_id.name), (self.company, "RUB"))
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(
            (invoice.state, invoice.company_id, invoice.currency_id.name, invoice.journal_id.company_id),
            ("posted", self.company, "RUB", self.company),
        )
        self.assertEqual(invoice.amount_untaxed, 12000)
