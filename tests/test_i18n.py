import importlib.util
import json
import re
from pathlib import Path

import polib

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from ..hooks import _restore_renamed_stages
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
        self.assertEqual(labels, {"hot": "Горячая", "warm": "Тёплая", "cold": "Холодная"})

    def test_goal_card_counts_in_russian(self):
        """Issue 20: the goal card read «1 из 2 complaints»: the unit the calculation stores in English reads in
        the user's language."""
        self.env["crm.quality.complaint"].create({"partner_id": self.partner.id, "essence": "x", "date": MON_1100_MSK})
        goal = self.env["crm.playbook.goal"].create(
            {
                "code": "Ц-Ж",
                "name": "Жалобы",
                "indicator_code": "ПЦ-Ж",
                "indicator_name": "Жалобы на качество",
                "calculation": "complaints",
                "target": 2.0,
                "periodicity": "daily",
                "user_id": self.user_head.id,
            }
        )
        goal._record(MON_1100_MSK.date(), MON_1100_MSK.date(), final=False)
        self.assertEqual(goal.unit, "complaints", "stored as the calculation gives it")
        self.assertEqual(goal.with_context(lang="ru_RU").last_figures, "1 из 2 жалоб")
        goal.invalidate_recordset(["last_figures"])
        self.assertEqual(goal.with_context(lang="en_US").last_figures, "1 of 2 complaints")

    def test_errors_in_russian(self):
        lead = self.create_lead(name="Ромашка")
        with self.assertRaisesRegex(ValidationError, "ПП Ромашка имеет тип «Подключение»: выберите продукт"):
            lead.with_context(lang="ru_RU").write({"deal_type": "connection"})

    def test_team_notifications_in_russian(self):
        self.team_b.write({"playbook_notify_email": "moscow-sales@example.com", "user_id": self.user_salesperson_b.id})
        self.user_salesperson_b.lang = "ru_RU"
        with self.pinned_time(MON_1100_MSK):
            self.create_lead(name="Ромашка", temperature="hot", team_id=self.team_b.id, user_id=False)
            self.deal_new_requests()
        [mail] = self.env["mail.mail"].search([("email_to", "=", "moscow-sales@example.com")])
        self.assertEqual(mail.subject, "Горячая ПП: Ромашка")
        self.assertIn("Срок реакции: 2026-11-23 14:00", mail.body_html)

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
        self.assertEqual(kinds["stale_new"], "ПП зависла в статусе «Новая»")

    def test_wording_of_the_glossary_on_screens(self):
        """Issue 20: the Russian words the walk-through found mixed up, each as the glossary gives it."""
        ru = self.env(context=dict(self.env.context, lang="ru_RU"))
        lead = self.create_lead(name="Ромашка").with_env(ru)
        note = lead._playbook_intake_summary({"contact_name": "Анна"})
        self.assertIn("Контактное лицо: Анна", note, "the merge note names the contact person")
        self.assertNotIn("Первый контакт", note)

        def label(model, field):
            return ru[model]._fields[field].get_description(ru)["string"]

        self.assertEqual(label("crm.lead.call", "callback_at"), "Дата обратного звонка")
        self.assertEqual(label("crm.lead.postpone", "postponed_until"), "Дата обратного звонка")
        self.assertEqual(label("res.company", "playbook_new_sale_months"), "Новая продажа: месяцев без оплаты")
        self.assertEqual(label("crm.lead.followup", "order_id"), "Заказ", "«Заказ и счёт» names the stage only")
        kinds = dict(ru["crm.lead.team.transfer"]._fields["kind"]._description_selection(ru))
        self.assertEqual(kinds["manual"], "Передача", "a log entry is a noun")
        arch = ru["crm.lead"].get_view(self.env.ref("crm.crm_lead_view_form").id, "form")["arch"]
        self.assertIn('string="Записать звонок"', arch, "Log Call")
        self.assertNotIn("Зарегистрировать звонок", arch)
        statuses = dict(ru["crm.lead"]._fields["work_status"]._description_selection(ru))
        self.assertEqual(
            [statuses[key] for key in ("new", "in_work", "won", "lost")],
            ["Новая", "В работе", "Завершена", "Проиграна"],
        )

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

    def test_won_button_reads_the_won_stage_where_crm_speaks_russian(self):
        """A Russian database holds crm's Russian too, whose Won button reads «Вона»: the form's button reads as the
        playbook names the won stage (the browser tour saw it)."""
        modules = self.env["ir.module.module"].search([("name", "in", ("crm", "crm_sales_playbook"))])
        modules._update_translations(["ru_RU"])
        arch = self.env["crm.lead"].with_context(lang="ru_RU").get_view(self.env.ref("crm.crm_lead_view_form").id)
        buttons = re.findall(r'<button name="action_set_won_rainbowman"[^>]*>', arch["arch"])
        self.assertEqual([re.search(r'string="([^"]*)"', button).group(1) for button in buttons], ["Завершена"])
        self.assertNotIn("Вона", arch["arch"])

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


def read_glossary(path):
    """The rows of the table of i18n/GLOSSARY.md that follows the ``glossary-table`` marker, as dicts."""
    lines = Path(path).read_text(encoding="utf-8").split("<!-- glossary-table -->", 1)[1].strip().splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        row = dict(zip(header, cells, strict=True))
        row["english"] = [re.sub(r"\s*\(.*\)$", "", term).strip() for term in row["English"].split(" / ")]
        rows.append(row)
    return rows


def glossary_mismatches(glossary, catalog):
    """What ru.po translates differently from the glossary: (rule, English term, msgid, msgstr) for each entry,
    by the three rules stated at the top of GLOSSARY.md (exact, word, never)."""
    problems = []
    entries = [entry for entry in catalog if entry.msgstr and not entry.obsolete]
    terms = {term.lower() for row in glossary for term in row["english"]}
    for row in glossary:
        forms = re.compile("|".join(row["forms"].split(" / ")), re.IGNORECASE) if row["forms"] else None
        for term in row["english"]:
            whole = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(term), re.IGNORECASE)
            for entry in entries:
                if not forms:
                    continue
                exact = entry.msgid.rstrip(".").lower() == term.lower()
                own_term = entry.msgid.rstrip(".").lower() in terms
                word = row["scope"] == "word" and not own_term and whole.search(entry.msgid)
                if (exact or word) and not forms.search(entry.msgstr):
                    problems.append(("exact" if exact else "word", term, entry.msgid, entry.msgstr))
        for never in filter(None, (word.strip() for word in row["never"].split(","))):
            banned = re.compile(r"(?<!\w)%s(?!\w)" % never, re.IGNORECASE)
            problems += [("never", never, e.msgid, e.msgstr) for e in entries if banned.search(e.msgstr)]
    return problems


@tagged("post_install", "-at_install")
class TestGlossary(TransactionCase):
    """Issue 20: ru.po uses one Russian term for each English term, the one i18n/GLOSSARY.md gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.glossary = read_glossary(file_path("crm_sales_playbook/i18n/GLOSSARY.md"))
        cls.catalog = polib.pofile(file_path("crm_sales_playbook/i18n/ru.po"))

    def test_glossary_covers_the_terms_of_the_issue(self):
        english = {term for row in self.glossary for term in row["english"]}
        for term in ("Lead", "Salesperson", "Response deadline", "Reservation", "Request for", "Claim", "Log Call",
                     "Register Call", "Mark Held", "Meeting Held", "Contact Person", "Weekly Review",
                     "Calendar Hours", "Call Back On", "Postpone", "Hot", "Warm", "Cold", "Escalation", "Follow-up",
                     "Sales Head", "Operator", "Sales Support", "Order", "Won", "New"):  # fmt: skip
            self.assertIn(term, english)
        genders = {row["english"][0]: row["g"] for row in self.glossary}
        self.assertEqual((genders["Lead"], genders["Hot"], genders["Claim Rejected"]), ("f", "f", "f"))

    def test_ru_po_uses_the_glossary_terms(self):
        self.assertEqual(glossary_mismatches(self.glossary, self.catalog), [])

    def test_a_different_term_is_caught(self):
        """The rules find each kind of mismatch the issue listed, and accept the glossary's wording."""
        catalog = polib.POFile()
        for msgid, msgstr in (
            ("Log Call", "Зарегистрировать звонок"),  # exact: not the glossary's button
            ("Response deadline %(deadline)s missed", "Нарушен регламентный срок %(deadline)s"),  # word + never
            ("Hot lead: %(name)s", "Горячий лид: %(name)s"),  # word + never (лид)
            ("Leads without a salesperson", "ПП без продавца"),  # word + never
            ("Lead Sources", "Источники ПП"),  # fine
            ("Contact", "Первый контакт"),  # fine: the stage, not a glossary term of scope word
        ):
            catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        found = {(rule, term) for rule, term, _msgid, _msgstr in glossary_mismatches(self.glossary, catalog)}
        self.assertEqual(
            found,
            {
                ("exact", "Log Call"),
                ("word", "Response deadline"),
                ("never", r"регламентн\w* срок"),
                ("word", "Hot lead"),
                ("never", "лид"),
                ("word", "Salesperson"),
                ("never", "продав(ец|ца|цу|цом|це|цы|цов|цам|цами|цах)"),
            },
        )

    def test_upgrade_names_the_rejected_claim_stage_in_the_feminine(self):
        """Issue 20: a rejected claim («рекламация», feminine) read «Отклонено», the word of rejected proposals."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        stage = self.env.ref("crm_sales_playbook.claim_stage_rejected")
        self.env.cr.execute(
            "UPDATE crm_customer_claim_stage SET name = %s WHERE id = %s",
            [json.dumps({"en_US": "Rejected", "ru_RU": "Отклонено"}), stage.id],
        )
        stage.invalidate_recordset(["name"])
        path = file_path("crm_sales_playbook/migrations/18.0.1.8.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_18_0_1_8_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.claim_rejected_stage_named(self.env)
        self.assertEqual(stage.with_context(lang="en_US").name, "Claim Rejected")
        self.assertEqual(stage.with_context(lang="ru_RU").name, "Отклонена")
        labels = dict(
            self.env["crm.customer.claim.stage"]
            ._fields["step"]
            ._description_selection(self.env(context={"lang": "ru_RU"}))
        )
        self.assertEqual(labels["rejected"], "Отклонена")


@tagged("post_install", "-at_install")
class TestRussianUpgradeAndUninstall(PlaybookCase):
    """Issue 20: upgraded databases read the glossary's Russian; uninstalling gives Odoo's names back."""

    def test_uninstall_gives_odoos_names_back(self):
        """Uninstalling leaves crm's stages as crm names them, in Russian too."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        _restore_renamed_stages(self.env)
        self.env.invalidate_all()
        names = [self.env.ref(xmlid).with_context(lang="ru_RU").name for xmlid in ODOO_NAMES]
        self.assertEqual(names, ["Новый", "Квалифицированный", "Послелог", "Вона"])

    def test_upgrade_gives_the_labels_the_glossarys_russian(self):
        """An upgraded database had the old wording («Перезвонить» for a date field): the migration loads ru.po
        over it."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        field = self.env["ir.model.fields"]._get("crm.lead.call", "callback_at")
        field.with_context(lang="ru_RU").field_description = "Перезвонить"
        self.env.invalidate_all()
        self.assertEqual(field.with_context(lang="ru_RU").field_description, "Перезвонить")
        path = file_path("crm_sales_playbook/migrations/18.0.1.8.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_18_0_1_8_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.russian_wording_of_the_glossary(self.env)
        self.env.invalidate_all()
        self.assertEqual(field.with_context(lang="ru_RU").field_description, "Дата обратного звонка")
