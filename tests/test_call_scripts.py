import importlib.util

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.misc import file_path

from .common import GuardCase


@tagged("post_install", "-at_install")
class TestCallScripts(GuardCase):
    """The right script opens by context; objections are marked; three refusals stop the call (ST-10, LG-5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Script = cls.env["crm.call.script"]
        cls.cold_company = cls.env.ref("crm_sales_playbook.crm_call_script_cold_call")
        cls.web = cls.env.ref("crm_sales_playbook.crm_call_script_operator_web_request")
        cls.callback = cls.env.ref("crm_sales_playbook.crm_call_script_callback_individual")

    def test_selection_by_context(self):
        self.assertEqual(self.Script._find_for("cold_call", "outbound", "company"), self.cold_company)
        self.assertFalse(self.Script._find_for("cold_call", "inbound", "company"), "direction must fit")
        specific = self.Script.create(
            {
                "name": "Cold call from a fair",
                "purpose": "cold_call",
                "direction": "outbound",
                "customer_type": "company",
                "channel": "outbound_call",
            }
        )
        self.assertEqual(
            self.Script._find_for("cold_call", "outbound", "company", "outbound_call"),
            specific,
            "the most specific script wins",
        )
        self.assertEqual(self.Script._find_for("cold_call", "outbound", "company", "email"), self.cold_company)

    def test_lead_context_picks_the_script(self):
        web = self.lead(channel="web_form")
        self.assertEqual(
            web.with_user(self.user_operator)._playbook_script("outbound"),
            self.web,
            "the operator confirming a web request",
        )
        # Three clients: leads without a product of one client are one request (PP-8).
        prospect = self.lead(
            temperature="cold", partner_name="Uralmash JSC", channel="outbound_call", phone="+7 912 604-18-51"
        )
        self.assertEqual(prospect._playbook_script("outbound"), self.cold_company)
        person = self.lead(channel="inbound_call", contact_name="Pavel Sidorov", phone="+7 912 604-18-52")
        self.assertEqual(person._playbook_script("outbound"), self.callback)
        action = person.action_open_log_call()
        self.assertEqual(action["context"]["default_script_id"], self.callback.id)
        self.assertEqual(person.action_open_script()["res_id"], self.callback.id)

    def test_objections_and_the_three_refusal_stop(self):
        lead = self.lead(temperature="cold", partner_name="Uralmash JSC", channel="outbound_call")
        form = Form(self.env["crm.lead.call"].with_context(**lead.action_open_log_call()["context"]))
        self.assertEqual(form.script_id, self.cold_company)
        self.assertEqual(len(form.objection_hint_ids), 3, "the objections the script expects")
        form.result = "no_answer"
        form.objection_ids.add(self.env.ref("crm_sales_playbook.crm_call_objection_expensive"))
        form.refusal_count = 2
        self.assertFalse(form.script_stop)
        form.refusal_count = 3
        self.assertTrue(form.script_stop, "after three refusals the script says to stop")
        call = form.save()
        self.assertEqual(call.objection_ids.mapped("name"), ["Too expensive"], "stored for the reports")
        with self.assertRaisesRegex(UserError, "negative"):
            self.env["crm.lead.call"].create({"lead_id": lead.id, "result": "no_answer", "refusal_count": -1})

    def test_no_script_is_a_clear_message(self):
        self.Script.search([]).action_archive()
        with self.assertRaisesRegex(UserError, "No call script fits this lead yet"):
            self.lead().action_open_script()

    def test_salespeople_read_scripts_support_writes_them(self):
        self.assertTrue(self.cold_company.with_user(self.user_salesperson).body)
        with self.assertRaises(AccessError):
            self.cold_company.with_user(self.user_salesperson).name = "Mine"
        self.cold_company.with_user(self.user_support).name = "Cold call (support's version)"


@tagged("post_install", "-at_install")
class TestScriptPicking(GuardCase):
    """Every call gets the most specific fitting script: direction, channel, temperature, who calls (ST-10, ST-18)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.scripts = {
            number: ref("crm_sales_playbook.crm_call_script_" + xmlid)
            for number, xmlid in (
                (1, "operator_web_request"),
                (2, "operator_inbound"),
                (3, "manager_inbound"),
                (4, "callback_individual"),
                (5, "after_letter"),
            )
        }
        cls.cold_call = ref("crm_sales_playbook.crm_call_script_cold_call")

    def lead(self, **values):
        """Each lead is another client's request: the same client's leads without a product are one request
        in a playbook team (PP-8) and would be merged."""
        self.phone_number = getattr(self, "phone_number", 0) + 1
        values.setdefault("phone", "+7 912 701-%02d-%02d" % divmod(self.phone_number, 100))
        return super().lead(**values)

    def picked(self, lead, direction, user):
        return lead.with_user(user)._playbook_script(direction)

    def test_the_five_scripts_of_the_standard_with_their_objections(self):
        """СКРИПТ №3 «ОБРАБОТКА ВХОДЯЩЕГО МЕНЕДЖЕРОМ ЗВОНКА ... СКРИПТ №5 «ЗВОНОК ПОСЛЕ ОТПРАВКИ ПИСЬМА» Физическому
        лицу; ! Работа с возражениями ведется до 3 отказов !"""
        expected = {
            1: ("operator_web_request", "outbound", "operator", 0),
            2: ("operator_inbound", "inbound", "operator", 0),
            3: ("manager_inbound", "inbound", "sales", 3),
            4: ("callback_individual", "outbound", "sales", 3),
            5: ("after_letter", "outbound", "sales", 1),
        }
        for number, script in self.scripts.items():
            self.assertEqual(
                (script.purpose, script.direction, script.role, len(script.objection_ids)), expected[number], number
            )
            self.assertIn("convenient" if number in (1, 4, 5) else "Good afternoon", script.body)
        self.assertIn("Additional Product Offered", self.scripts[3].body)
        self.assertIn("cash or by bank transfer", self.scripts[4].body)
        self.assertIn("partial delivery", self.scripts[4].body)
        self.assertIn("Did you get it?", self.scripts[5].body)

    def test_salesperson_outbound_call_on_a_web_form_lead(self):
        """СКРИПТ №4 «ОБРАТНЫЙ ЗВОНОК ФИЗИЧЕСКОМУ ЛИЦУ»"""
        person = self.lead(channel="web_form", contact_name="Pavel Sidorov", temperature="warm")
        self.assertEqual(self.picked(person, "outbound", self.user_salesperson), self.scripts[4])
        company = self.lead(channel="web_form", partner_name="Uralmash JSC", temperature="warm")
        self.assertEqual(
            self.picked(company, "outbound", self.user_salesperson),
            self.scripts[4],
            "no script for legal entities calls back: the callback script is the closest fit",
        )
        action = company.with_user(self.user_salesperson).action_open_log_call()
        self.assertEqual(action["context"]["default_script_id"], self.scripts[4].id, "Log Call shows it")
        self.assertEqual(
            self.picked(company, "outbound", self.user_operator),
            self.scripts[1],
            "the secretary's call about the same request has its own script",
        )

    def test_hot_inbound_lead_in_the_log_call_form(self):
        """СКРИПТ №3 «ОБРАБОТКА ВХОДЯЩЕГО МЕНЕДЖЕРОМ ЗВОНКА"""
        lead = self.lead(channel="inbound_call", temperature="hot", partner_name="Uralmash JSC")
        Call = self.env["crm.lead.call"].with_user(self.user_salesperson)
        form = Form(Call.with_context(**lead.with_user(self.user_salesperson).action_open_log_call()["context"]))
        self.assertEqual(form.script_id, self.scripts[4])
        form.direction = "inbound"
        self.assertEqual(form.script_id, self.scripts[3], "the client calls the manager")
        self.assertIn("case, a strap", form.cross_sell_hint)
        operator_form = Form(
            self.env["crm.lead.call"].with_user(self.user_operator).with_context(default_lead_id=lead.id)
        )
        operator_form.direction = "inbound"
        self.assertEqual(operator_form.script_id, self.scripts[2], "the secretary takes it with script 2")

    def test_every_call_gets_a_script(self):
        """СКРИПТ № 1 «ИСХОДЯЩИЙ ЗВОНОК ПО ЗАЯВКАМ, ДЛЯ СЕКРЕТАРЯ»; СКРИПТ № 2 «ПРИЕМ ВХОДЯЩЕГО ЗВОНКА, ДЛЯ
        СЕКРЕТАРЯ»"""
        expected = {
            ("operator", "inbound"): {None: self.scripts[2]},
            ("operator", "outbound"): {"cold": self.cold_call, None: self.scripts[1]},
            ("salesperson", "inbound"): {None: self.scripts[3]},
            ("salesperson", "outbound"): {"cold": self.cold_call, None: self.scripts[4]},
        }
        users = {"operator": self.user_operator, "salesperson": self.user_salesperson}
        for channel, _label in self.env["crm.lead"]._fields["channel"].selection:
            for temperature in ("hot", "warm", "cold"):
                lead = self.lead(channel=channel, temperature=temperature, partner_name="Uralmash JSC")
                for (role, direction), by_temperature in expected.items():
                    with self.subTest(channel=channel, temperature=temperature, role=role, direction=direction):
                        self.assertEqual(
                            self.picked(lead, direction, users[role]),
                            by_temperature.get(temperature, by_temperature[None]),
                        )

    def test_the_call_after_a_letter(self):
        """СКРИПТ №5 «ЗВОНОК ПОСЛЕ ОТПРАВКИ ПИСЬМА» Физическому лицу"""
        lead = self.lead(channel="inbound_call", contact_name="Pavel Sidorov")
        self.log_call(lead, result="materials_sent")
        self.assertEqual(self.picked(lead, "outbound", self.user_salesperson), self.scripts[5])
        self.log_call(lead, result="reached")
        self.assertEqual(self.picked(lead, "outbound", self.user_salesperson), self.scripts[4], "the letter is past")

    def test_a_script_for_hot_leads_wins_on_hot_leads_only(self):
        hot_script = self.env["crm.call.script"].create(
            {"name": "Hot caller", "purpose": "manager_inbound", "direction": "inbound", "temperature": "hot"}
        )
        hot = self.lead(channel="inbound_call", temperature="hot")
        warm = self.lead(channel="inbound_call", temperature="warm")
        self.assertEqual(self.picked(hot, "inbound", self.user_salesperson), hot_script)
        self.assertEqual(self.picked(warm, "inbound", self.user_salesperson), self.scripts[3])
        self.assertEqual(self.picked(hot, "inbound", self.user_operator), self.scripts[2], "never the wrong caller's")

    def test_the_call_records_the_additional_product(self):
        """– М:, да данное оборудование (товар), есть в наличии (называем цену) и предлагаем к данному товару
        дополнительный товар (чехол, медиатр, защитную пленку)."""
        lead = self.lead(channel="inbound_call", temperature="hot", product_id=self.product.id)
        case = self.env["product.product"].create({"name": "Carrying case", "type": "consu"})
        Call = self.env["crm.lead.call"].with_user(self.user_salesperson)
        form = Form(Call.with_context(default_lead_id=lead.id, default_direction="inbound"))
        self.assertEqual(form.script_id, self.scripts[3])
        form.result = "reached"
        form.cross_sell_offered = True
        form.cross_sell_product_id = case
        form.cross_sell_accepted = True
        call = form.save()
        self.assertEqual(
            (call.script_id, call.cross_sell_offered, call.cross_sell_product_id, call.cross_sell_accepted),
            (self.scripts[3], True, case, True),
        )
        with self.assertRaisesRegex(ValidationError, "was offered first"):
            Call.create({"lead_id": lead.id, "result": "reached", "cross_sell_accepted": True})


@tagged("post_install", "-at_install")
class TestScriptMigration(GuardCase):
    """An upgraded database gets the missing scripts, the callers and the completed callback script (ST-10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = file_path("crm_sales_playbook/migrations/18.0.1.6.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_sales_playbook_post_migrate_18_0_1_6_0", path)
        cls.migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cls.migration)

    def test_upgrade_creates_the_missing_scripts_and_completes_the_callback(self):
        """СКРИПТ №3 «ОБРАБОТКА ВХОДЯЩЕГО МЕНЕДЖЕРОМ ЗВОНКА; СКРИПТ №5 «ЗВОНОК ПОСЛЕ ОТПРАВКИ ПИСЬМА» Физическому
        лицу"""
        ref = self.env.ref
        (
            ref("crm_sales_playbook.crm_call_script_manager_inbound")
            | ref("crm_sales_playbook.crm_call_script_after_letter")
        ).unlink()
        callback = ref("crm_sales_playbook.crm_call_script_callback_individual")
        old_body = "".join(
            f"<p>{line}</p>"
            for line in self.migration.OLD_CALLBACK_TEXT.replace(" 2.", "\n2.")
            .replace(" 3.", "\n3.")
            .replace(" 4.", "\n4.")
            .split("\n")
        )
        callback.write(
            {
                "role": False,
                "body": old_body,
                "objection_ids": [(3, ref("crm_sales_playbook.crm_call_objection_cheaper").id)],
            }
        )
        edited = ref("crm_sales_playbook.crm_call_script_operator_inbound")
        edited.write({"role": False, "body": "<p>Our own text</p>"})
        self.migration.migrate(self.env.cr, "18.0.1.5.0")
        self.env.invalidate_all()
        manager = ref("crm_sales_playbook.crm_call_script_manager_inbound")
        self.assertEqual((manager.purpose, manager.role), ("manager_inbound", "sales"))
        self.assertEqual(ref("crm_sales_playbook.crm_call_script_after_letter").purpose, "after_letter")
        self.assertEqual((callback.role, len(callback.objection_ids)), ("sales", 3))
        self.assertIn("cash or by bank transfer", callback.body, "the shipped text, unedited, is completed")
        self.assertEqual((edited.role, edited.body), ("operator", "<p>Our own text</p>"), "an admin's text stays")
