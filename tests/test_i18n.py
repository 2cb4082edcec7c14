import importlib.util
import re

import polib

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from ..models.crm_stage import PLAYBOOK_STAGES
from .common import MON_1100_MSK, PlaybookCase


@tagged("post_install", "-at_install")
class TestRussian(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])

    def test_sources_stages_and_labels_in_russian(self):
        ru = self.env(context=dict(self.env.context, lang="ru_RU"))
        self.assertEqual(self.source["demo_order"].with_env(ru).name, "Заказ демоверсии")
        self.assertEqual(self.source["demo_order"].name, "Demo order", "English stays the source text")
        self.assertEqual(self.env.ref("crm_sales_playbook.crm_stage_meeting").with_env(ru).name, "Встреча")
        self.assertEqual(
            self.stage_contact.with_env(ru).name,
            "Первый контакт",
            "Odoo's stage renamed by the addon is translated too",
        )
        labels = dict(ru["crm.lead"]._fields["temperature"]._description_selection(ru))
        self.assertEqual(labels, {"hot": "Горячий", "warm": "Тёплый", "cold": "Холодный"})

    def test_errors_in_russian(self):
        lead = self.create_lead(name="Ромашка")
        with self.assertRaisesRegex(ValidationError, "Лид Ромашка имеет тип «Подключение»: выберите продукт"):
            lead.with_context(lang="ru_RU").write({"deal_type": "connection"})

    def test_team_notifications_in_russian(self):
        self.team_b.write({"playbook_notify_email": "moscow-sales@example.com", "user_id": self.user_salesperson_b.id})
        self.user_salesperson_b.lang = "ru_RU"
        with self.pinned_time(MON_1100_MSK):
            self.create_lead(name="Ромашка", temperature="hot", team_id=self.team_b.id, user_id=False)
            self.deal_new_requests()
        [mail] = self.env["mail.mail"].search([("email_to", "=", "moscow-sales@example.com")])
        self.assertEqual(mail.subject, "Горячий лид: Ромашка")
        self.assertIn("Срок ответа: 2026-11-23 14:00", mail.body_html)

    def test_claim_form_prints_in_the_clients_language(self):
        self.partner.lang = "ru_RU"
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        claim = self.env["crm.customer.claim"].create(
            {"partner_id": self.partner.id, "essence": "Треснула плитка.", "talk_result": "more_time"}
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_playbook.report_customer_claim", claim.ids)[0]
            .decode()
        )
        for text in (
            "Рекламация",
            "Суть рекламации",
            "Что предложил менеджер",
            "Требуется дополнительное время",
            "Дата и время заполнения",
            "Треснула плитка.",
        ):
            self.assertIn(text, html)
        self.assertNotIn("Essence of the claim", html)

    def test_claim_step_refusal_in_russian(self):
        claim = self.env["crm.customer.claim"].create({"partner_id": self.partner.id, "essence": "Брак"})
        self.env.flush_all()
        legal = self.env.ref("crm_sales_playbook.claim_stage_legal")
        with self.assertRaisesRegex(
            ValidationError,
            "не может быть на шаге «Юридическая оценка» без: Клиенту сообщено: выясняется, Ответственный сотрудник",
        ):
            claim.with_context(lang="ru_RU").write({"stage_id": legal.id})

    def test_reports_and_analysis_in_russian(self):
        self.user_head.lang = "ru_RU"
        report = (
            self.env["crm.playbook.daily.report"]
            .with_user(self.user_head)
            .with_context(lang="ru_RU")
            .create({"kind": "head"})
        )
        html = report.body_html
        for text in (
            "Ежедневный отчёт руководителя продаж",
            "По источнику обращения",
            "Выставлено счетов",
            "Оплаты, внесённые до 10:00 за предыдущий день",
        ):
            self.assertIn(text, html)
        ru = self.env(context=dict(self.env.context, lang="ru_RU"))
        Analysis = ru["crm.playbook.lead.analysis"]
        self.assertEqual(Analysis._fields["won_rate"].get_description(ru)["string"], "Выиграно (%)")
        labels = dict(Analysis._fields["work_status"]._description_selection(ru))
        self.assertEqual(labels["in_work"], "В работе")
        kinds = dict(ru["crm.db.review.line"]._fields["kind"]._description_selection(ru))
        self.assertEqual(kinds["stale_new"], "Лид завис в статусе «Новый»")

    def test_every_term_of_the_addon_has_its_russian(self):
        """Every term Odoo would export for the addon (code, views, data, reports) is translated in ru.po."""
        reader = TranslationModuleReader(self.env.cr, modules=["crm_sales_playbook"])
        terms = {
            source
            for module, _kind, _name, _res_id, source, _value, _comments in reader
            if module == "crm_sales_playbook" and source
        }
        catalog = polib.pofile(file_path("crm_sales_playbook/i18n/ru.po"))
        translated = {entry.msgid for entry in catalog if entry.msgstr and not entry.obsolete}

        def reads_the_same(term):  # placeholders only, or "ID"
            return not re.search(r"[^\W\d_]", re.sub(r"%\(\w+\)s", "", term)) or term == "ID"

        missing = sorted(term for term in terms - translated if not reads_the_same(term))
        self.assertGreater(len(terms), 1000)
        self.assertEqual(missing, [], "untranslated in i18n/ru.po: run tools/update_translations.py")

    def test_call_scripts_of_the_standard_in_russian(self):
        """СКРИПТ №3 «ОБРАБОТКА ВХОДЯЩЕГО МЕНЕДЖЕРОМ ЗВОНКА; СКРИПТ №5 «ЗВОНОК ПОСЛЕ ОТПРАВКИ ПИСЬМА» Физическому
        лицу"""
        ru = self.env(context=dict(self.env.context, lang="ru_RU"))
        manager = self.env.ref("crm_sales_playbook.crm_call_script_manager_inbound").with_env(ru)
        letter = self.env.ref("crm_sales_playbook.crm_call_script_after_letter").with_env(ru)
        self.assertEqual(manager.name, "Менеджер: приём входящего звонка")
        self.assertIn("предложите к товару дополнительный товар", manager.body)
        self.assertTrue(manager.cross_sell_hint.startswith("То, что дополняет запрошенный товар"))
        self.assertEqual(letter.name, "Звонок после отправки письма")
        self.assertIn("Вы получили письмо?", letter.body)
        callback = self.env.ref("crm_sales_playbook.crm_call_script_callback_individual").with_env(ru)
        self.assertIn("наличными или по безналичному расчёту", callback.body)


PLAYBOOK_NAMES = ["Новая", "Первый контакт", "Коммерческое предложение", "Встреча", "Заказ и счёт", "Завершена"]
ODOO_NAMES = {
    "crm.stage_lead1": "Новый",
    "crm.stage_lead2": "Квалифицированный",
    "crm.stage_lead3": "Послелог",
    "crm.stage_lead4": "Вона",
}


@tagged("post_install", "-at_install")
class TestRussianStageNames(PlaybookCase):
    """Issue 20: the funnel reads as the playbook names it in Russian, not as Odoo's crm translates its stages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.stages = [cls.env.ref(xmlid) for xmlid in PLAYBOOK_STAGES]

    def odoos_names(self):
        """The database as it was before: the stages read as crm's own Russian translation names them."""
        for xmlid, name in ODOO_NAMES.items():
            self.env.ref(xmlid).with_context(lang="ru_RU").name = name

    def russian_names(self):
        self.env.invalidate_all()
        return [stage.with_context(lang="ru_RU").name for stage in self.stages]

    def test_russian_loaded_after_the_addon(self):
        """- 3.1. ... в сервисе ПП необходимо формировать ПП, в рамках которой отмечаются все этапы (сформировано
        предложение, согласован счет и т.д.)"""
        modules = self.env["ir.module.module"].search([("name", "in", ("crm", "crm_sales_playbook"))])
        modules._update_translations(["ru_RU"])  # what loading a language does
        self.assertEqual(self.russian_names(), PLAYBOOK_NAMES)
        self.assertEqual(self.stages[0].with_context(lang="en_US").name, "New", "English stays the source text")

    def test_addon_installed_into_a_russian_database(self):
        """The addon's terms are loaded where crm's Russian already names the stages (the install does this)."""
        self.odoos_names()
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        self.assertEqual(self.russian_names(), PLAYBOOK_NAMES)

    def test_crm_terms_reloaded_with_overwrite(self):
        self.env["ir.module.module"].search([("name", "=", "crm")])._update_translations(["ru_RU"], overwrite=True)
        self.assertEqual(self.russian_names(), PLAYBOOK_NAMES)

    def test_pipeline_and_form_read_the_playbook_names(self):
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        ru = self.env["crm.lead"].with_context(lang="ru_RU")
        groups = ru.read_group([("id", "=", self.create_lead(name="Ромашка").id)], ["stage_id"], ["stage_id"])
        self.assertEqual(groups[0]["stage_id"][1], "Новая")
        arch = ru.get_view(self.env.ref("crm.crm_lead_view_form").id, "form")["arch"]
        self.assertIn('title="Завершена"', arch, "the won ribbon names the stage as the pipeline does")
        self.assertNotIn("Вона", arch)

    def test_upgrade_renames_odoos_names_only(self):
        self.odoos_names()
        self.env.ref("crm.stage_lead3").with_context(lang="ru_RU").name = "КП отправлено"  # an admin's name
        path = file_path("crm_sales_playbook/migrations/18.0.1.8.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_18_0_1_8_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.stages_named_as_the_playbook(self.env)
        self.assertEqual(
            self.russian_names(),
            ["Новая", "Первый контакт", "КП отправлено", "Встреча", "Заказ и счёт", "Завершена"],
        )
