"""Intake at its seams: one rule for the same request, the default source of each channel, the request categories
of the distributor and the internal copies of the invoice email (PP-6, PP-8, ST-13, ST-16, ST-17)."""

from datetime import date, datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.lead_intake import same_request_leads
from .common import MON_1100_MSK, REAL_PHONE, GuardCase

# Team A (Yekaterinburg, UTC+5) works 9:00-18:00 there: Monday 11:00 in Moscow is 13:00 in Yekaterinburg.
OTHER_PHONE = "+7 912 604-18-51"


class IntakeCase(GuardCase):
    """Team A follows the playbook (contact rules on), team B does not."""

    def desk(self, kind="call", team=None, **values):
        """The inbound desk's form as the operator, filled in the given order (not saved)."""
        form = Form(self.env["crm.inbound.register"].with_user(self.user_operator).with_context(default_kind=kind))
        form.caller_name = values.pop("caller_name", "Ivan Petrov")
        form.company_name = "Uralmash JSC"
        form.phone = values.pop("phone", REAL_PHONE)
        form.question = values.pop("question", "How much is online reporting for 20 users?")
        form.team_id = team or self.team_a
        form.transferred_to_id = values.pop("transferred_to", self.user_salesperson)
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def register(self, form, when=MON_1100_MSK):
        with self.pinned_time(when):
            wizard = form.save()
            return wizard, self.Lead.browse(wizard.action_register()["res_id"])

    def request(self, team=None, **values):
        """A request of a client, as any intake path sends it: no product, the client's phone."""
        return dict({"name": "Request", "type": "opportunity", "team_id": (team or self.team_a).id}, **values)


@tagged("post_install", "-at_install")
class TestSameRequest(IntakeCase):
    """PP-8, ST-13: a request without a product joins the client's open lead without one, in playbook teams, by
    the one rule of intake, at every intake path and at the inbound desk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.playbook_source_inbound_call_id = cls.source["consultation_request"]
        cls.open_lead = cls.Lead.create(
            {
                "name": "Uralmash asks",
                "type": "opportunity",
                "team_id": cls.team_a.id,
                "user_id": cls.user_salesperson.id,
                "partner_id": cls.partner.id,
                "phone": REAL_PHONE,
                "email_from": "office@uralstroy.example.com",
            }
        )

    def test_every_intake_path_joins_the_open_lead_without_product(self):
        """Seed 004, 5.3: "Если по клиенту уже есть созданная ПП по Продукту, то новая ПП не будет создана, а в
        существующей ПП может быть обновлена информация"; seed 003: "АБСОЛЮТНО ВСЕХ клиентов, независимо от того,
        откуда пришел клиент (заказ с сайта, заказ в почте, входящий звонок и т.п.), необходимо заносить в СRМ,
        предварительно нажав на «+» и создать сделку - проверив, не был ли он занесен туда ранее."
        """
        count = self.Lead.with_context(active_test=False).search_count([])
        web = (
            self.Lead.sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(self.request(name="Web form", contact_name="Anna", phone="8 912 604 18 37", channel="web_form"))
        )
        self.assertEqual(web, self.open_lead, "a web form of the same phone joins the open lead")
        mail = self.Lead.message_new(
            {"subject": "Price list", "from": "Office <office@uralstroy.example.com>", "body": "<p>Hi</p>"},
            {"type": "opportunity", "team_id": self.team_a.id},
        )
        self.assertEqual(mail, self.open_lead, "a letter without a default product joins it")
        result = self.Lead.load(["name", "phone", "team_id/.id"], [["Imported", REAL_PHONE, str(self.team_a.id)]])
        self.assertEqual(result["ids"], [self.open_lead.id], "an import row joins it")
        api = self.Lead.with_user(self.user_salesperson).create(self.request(name="API", partner_id=self.partner.id))
        self.assertEqual(api, self.open_lead, "an API request of the same client joins it")
        self.assertEqual(self.Lead.with_context(active_test=False).search_count([]), count, "not one lead more")
        self.assertEqual(self.open_lead.email_from, "office@uralstroy.example.com")
        notes = self.open_lead.message_ids.filtered(lambda m: "The client asked again" in (m.body or ""))
        self.assertEqual(len(notes), 4, "each request is logged on the lead")

    def test_outside_the_playbook_requests_without_product_stay_apart(self):
        """Seed 004, 5.3 applies in teams that follow the playbook; Odoo's own teams keep Odoo's behaviour."""
        first = self.Lead.create(self.request(team=self.team_b, name="B first", phone=OTHER_PHONE))
        second = self.Lead.create(self.request(team=self.team_b, name="B second", phone=OTHER_PHONE))
        self.assertNotEqual(first, second, "team B does not follow the playbook")
        to_b = self.Lead.create(self.request(team=self.team_b, name="Asked team B", phone=REAL_PHONE))
        self.assertNotEqual(to_b, self.open_lead, "a request for a team outside the playbook is not merged")
        in_a = self.Lead.create(self.request(name="A after B", phone=OTHER_PHONE))
        self.assertNotIn(in_a, first | second, "the open leads of team B do not absorb requests")

    def test_product_and_no_product_are_different_requests(self):
        """Seed 004, 5.3: "Если по клиенту уже есть созданная ПП по Продукту, то новая ПП не будет создана"."""
        with_product = self.Lead.create(self.request(partner_id=self.partner.id, product_id=self.product.id))
        self.assertNotEqual(with_product, self.open_lead, "a product names another request")
        again = self.Lead.create(self.request(partner_id=self.partner.id, product_id=self.product.id))
        self.assertEqual(again, with_product)
        self.assertEqual(self.Lead.create(self.request(partner_id=self.partner.id)), self.open_lead)

    def test_batch_rows_and_one_lookup_per_batch(self):
        """Seed 004, 5.3: "При создании ПП в сервисе ПП выполняется автоматическая проверка всех уже существующих
        ПП, чтобы исключить дублирование." A batch is checked at once, whatever its size."""
        leads = self.Lead.create(
            [
                self.request(name="row 0: new client", phone=OTHER_PHONE),
                self.request(name="row 1: same new client", phone="8 912 604 18 51"),
                self.request(name="row 2: known client", phone=REAL_PHONE),
                self.request(team=self.team_b, name="row 3: team B", phone=OTHER_PHONE),
            ]
        )
        self.assertEqual(len(leads), 4, "one lead per row, in order")
        self.assertEqual(leads[1], leads[0], "the batch's own rows join too")
        self.assertEqual(leads[2], self.open_lead)
        self.assertNotIn(leads[3], leads[:3], "team B's row stays apart")

        def queries(count):
            rows = [
                (
                    -index - 1,
                    {"company": self.company.id, "product": False, "team": self.team_a.id, "phone": "+7%d" % i},
                )
                for index, i in enumerate(range(count))
            ]
            rows = [(row, dict(dict.fromkeys(("partner", "email", "vat")), **key)) for row, key in rows]
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            same_request_leads(self.env, rows)
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(1), queries(50), "the lookup costs the same for one row and for fifty")

    def test_inbound_desk_finds_by_the_same_rule(self):
        """Seed 003: "Важно после каждого контакта с клиентом внести информацию о клиенте и поставить менеджеру
        задачу связаться с клиентом." The desk finds what intake would merge: the open lead without a product of a
        playbook team, the lead of the product asked about, and nothing in a team outside the playbook."""
        form = self.desk()
        self.assertEqual(form.lead_id, self.open_lead, "no product named: the open lead without one")
        form.product_id = self.product
        self.assertFalse(form.lead_id, "the product asked about has no open lead yet")
        product_lead = self.Lead.create(self.request(partner_id=self.partner.id, product_id=self.product.id))
        self.assertEqual(self.desk(product_id=self.product).lead_id, product_lead, "the lead of the product")
        outside = self.desk(team=self.team_b)
        self.assertFalse(outside.lead_id, "team B does not merge requests without a product")
        _wizard, lead = self.register(self.desk())
        self.assertEqual(lead, self.open_lead, "the call is recorded on the open lead")
        self.env.cr.clear()
        _wizard, lead_b = self.register(self.desk(team=self.team_b, transferred_to=self.user_salesperson_b))
        self.assertNotEqual(lead_b, self.open_lead)
        self.assertEqual(lead_b.team_id, self.team_b, "a new lead in team B")

    def test_weekly_review_lists_the_same_requests(self):
        """Seed 000: "проверка полноты данных" in the weekly review: leads that intake would have merged."""
        self.company.playbook_dedup = False
        twin = self.Lead.create(self.request(name="Twin", partner_id=self.partner.id))
        self.Lead.create(self.request(team=self.team_b, name="B one", phone=OTHER_PHONE))
        b_twin = self.Lead.create(self.request(team=self.team_b, name="B two", phone=OTHER_PHONE))
        with self.pinned_time(MON_1100_MSK):
            review = self.env["crm.db.review"]._run(self.company, notify=False)
        duplicates = review.line_ids.filtered(lambda line: line.kind == "duplicate")
        self.assertIn(twin.id, duplicates.mapped("res_id"), "the second lead without a product of team A")
        self.assertNotIn(b_twin.id, duplicates.mapped("res_id"), "team B is outside the playbook")
        self.assertNotIn(self.open_lead.id, duplicates.mapped("res_id"), "the oldest is the original")


@tagged("post_install", "-at_install")
class TestChannelSource(IntakeCase):
    """PP-6: every registered request gets a temperature and a response deadline from its source; a default source
    per channel fills it."""

    def test_desk_prefills_the_channel_source_and_the_lead_gets_a_deadline(self):
        """Seed 004, 5.1: "Температура определяется по источнику поступления и по тому насколько быстрой должна быть
        реакция рассмотрения ПП." A call registered without choosing a source is due in 3 working hours."""
        self.company.playbook_source_inbound_call_id = self.source["callback_request"]
        form = self.desk()
        self.assertEqual(form.source_id, self.source["callback_request"], "the screen shows the default")
        self.assertFalse(form.source_required)
        _wizard, lead = self.register(form)
        self.assertEqual((lead.source_id, lead.temperature), (self.source["callback_request"], "hot"))
        self.assertEqual(
            lead.sla_deadline, datetime(2026, 11, 23, 11, 0), "13:00 in Yekaterinburg + 3 working hours = 16:00"
        )
        self.assertEqual(lead.sla_status, "running")

    def test_source_required_only_without_a_default(self):
        """Seed 004, 5.1: "Зависимость температуры от источников поступления установлена в Приложении 1
        Инструкции." Without a default the operator must choose the source."""
        self.company.playbook_source_email_id = False
        form = self.desk(kind="letter", email="supply@tagilpipe.ru")
        self.assertTrue(form.source_required, "no default for letters: the screen asks for the source")
        self.assertFalse(form.source_id)
        count = self.Lead.search_count([])
        # The screen refuses to save; the server refuses too, e.g. a call over the API.
        wizard = (
            self.env["crm.inbound.register"]
            .with_user(self.user_operator)
            .create(
                {
                    "kind": "letter",
                    "channel": "email",
                    "caller_name": "Supply",
                    "email": "supply@tagilpipe.ru",
                    "question": "Price list",
                    "team_id": self.team_a.id,
                    "transferred_to_id": self.user_salesperson.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "channel Email has no default source"):
            wizard.action_register()
        self.assertEqual(self.Lead.search_count([]), count, "nothing registered")
        form = self.desk(kind="letter", email="supply@tagilpipe.ru", source_id=self.source["demo_order"])
        _wizard, lead = self.register(form)
        self.assertEqual((lead.source_id, lead.temperature), (self.source["demo_order"], "warm"))
        self.assertEqual(lead.sla_deadline, datetime(2026, 11, 30, 8, 0), "warm: 7 calendar days")
        self.company.playbook_source_email_id = self.source["consultation_request"]
        self.assertFalse(self.desk(kind="letter", email="other@tagilpipe.ru").source_required)

    def test_known_lead_without_source_gets_the_desk_source(self):
        """Seed 004, 5.1: a lead whose source was never set gets it from the registered call, and so a deadline."""
        self.company.playbook_source_inbound_call_id = self.source["consultation_request"]
        lead = self.Lead.create(self.request(partner_id=self.partner.id, phone=REAL_PHONE, user_id=False))
        self.assertFalse(lead.source_id or lead.temperature or lead.sla_deadline, "no channel, no source, no deadline")
        _wizard, registered = self.register(self.desk())
        self.assertEqual(registered, lead)
        self.assertEqual((lead.source_id, lead.temperature), (self.source["consultation_request"], "hot"))
        self.assertTrue(lead.sla_deadline)

    def test_leads_with_a_channel_and_no_source_in_playbook_teams(self):
        """Seed 004, 5.1: "Температура определяется по источнику поступления"."""
        self.company.playbook_source_web_form_id = self.source["connection_request"]
        web_a = self.Lead.create(self.request(channel="web_form", phone=OTHER_PHONE))
        self.assertEqual((web_a.source_id, web_a.temperature), (self.source["connection_request"], "hot"))
        self.assertFalse(web_a.temperature_manual, "the temperature follows the source")
        own = self.Lead.create(self.request(channel="web_form", source_id=self.source["demo_order"].id))
        self.assertEqual(own.source_id, self.source["demo_order"], "a named source is kept")
        web_b = self.Lead.create(self.request(team=self.team_b, channel="web_form", phone="+7 912 604-18-52"))
        self.assertFalse(web_b.source_id, "team B does not follow the playbook")
        call = self.Lead.create(self.request(channel="inbound_call", phone="+7 912 604-18-53"))
        self.assertFalse(call.source_id, "no default for calls")


@tagged("post_install", "-at_install")
class TestRequestCategories(IntakeCase):
    """ST-16: the request categories of the distributor are routed their way; the call asks for the urgency and
    the wanted date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.playbook_source_inbound_call_id = cls.source["consultation_request"]
        cls.Followup = cls.env["crm.lead.followup"]

    def web_request(self, category, **values):
        with self.pinned_time(MON_1100_MSK):
            return (
                self.Lead.sudo()
                .create(
                    self.request(
                        name="Site request",
                        channel="web_form",
                        phone=values.pop("phone", OTHER_PHONE),
                        user_id=self.user_salesperson.id,
                        playbook_request_category=category,
                        **values,
                    )
                )
                .with_env(self.env)
            )

    def followups(self, lead):
        return [
            (f.kind, f.user_id, f.priority, f.date_due, f.name.split(":")[0])
            for f in self.Followup.search([("lead_id", "=", lead.id)], order="kind, id")
        ]

    def test_urgent_order_from_the_site(self):
        """Seed 003, BP-1: "Срочный заказ с сайта"; "Если нужный менеджер занят, важно попросить клиент оставить
        контакты, название компании и суть вопроса. Пообещав, что менеджер перезвонит, в течение 10 минут.
        Полученные контакты нужно отправить менеджеру на почту, с пометкой СРОЧНО! (приоритетность)"."""
        lead = self.web_request("urgent_order")
        self.assertEqual((lead.temperature, lead.playbook_urgency), ("hot", "urgent"))
        self.assertEqual(
            self.followups(lead),
            [
                ("answer_call", self.user_salesperson, "1", MON_1100_MSK + timedelta(minutes=10), "Urgent order"),
                ("confirm_call", self.user_operator, "0", MON_1100_MSK + timedelta(minutes=10), "Confirmation call"),
            ],
            "the salesperson calls back within 10 working minutes, urgent; no second call-back in an hour",
        )

    def test_repeated_request_turns_urgent(self):
        """Seed 003, BP-1: "Срочный заказ с сайта"; seed 004, 5.3: "в существующей ПП может быть обновлена
        информация, например, температура". The client asks again, now urgently: the open lead becomes urgent."""
        lead = self.web_request(False)
        self.assertNotEqual(lead.temperature, "hot")
        again = self.web_request("urgent_order")
        self.assertEqual(again, lead, "the same request")
        self.assertEqual(
            (lead.playbook_request_category, lead.playbook_urgency, lead.temperature), ("urgent_order", "urgent", "hot")
        )
        urgent = self.Followup.search([("lead_id", "=", lead.id), ("priority", "=", "1")])
        self.assertEqual(
            (urgent.user_id, urgent.date_due), (self.user_salesperson, MON_1100_MSK + timedelta(minutes=10))
        )

    def test_long_order(self):
        """Seed 003, BP-1: "Длительный заказ"; BP-2: "Важно, после получения запроса от клиента позвонить ему в
        течение часа. Даже если нет точной информации, нужно повторно сориентировать клиента сроках."; BP-3:
        "Если данного товара нет в наличии производим уточнение о поставке данного товара"."""
        lead = self.web_request("long_order")
        self.assertFalse(lead.playbook_urgency)
        self.assertEqual(
            self.followups(lead),
            [
                ("answer_call", self.user_salesperson, "0", MON_1100_MSK + timedelta(hours=1), "Long order"),
                ("confirm_call", self.user_operator, "0", MON_1100_MSK + timedelta(minutes=10), "Confirmation call"),
            ],
        )

    def test_product_question_goes_to_the_specialist(self):
        """Seed 003, BP-1: "Вопрос по товару с сайта"; "Входящий звонок на консультацию"."""
        self.company.playbook_product_specialist_id = self.user_legal
        lead = self.web_request("product_question")
        self.assertEqual(
            self.followups(lead),
            [
                ("answer_call", self.user_legal, "0", MON_1100_MSK + timedelta(hours=1), "Product question"),
                ("confirm_call", self.user_operator, "0", MON_1100_MSK + timedelta(minutes=10), "Confirmation call"),
            ],
            "the specialist consults within the hour",
        )
        self.company.playbook_product_specialist_id = False
        other = self.web_request("product_question", phone="+7 912 604-18-52")
        self.assertEqual(self.followups(other)[0][:2], ("answer_call", self.user_head), "else the team leader")

    def test_category_set_later_and_outside_the_playbook(self):
        """Seed 003, BP-1: "Срочный заказ с сайта": routed when the category is known, in playbook teams only."""
        lead = self.web_request(False)
        self.assertEqual(self.followups(lead)[0][0], "answer_call", "the hour's call back of any request")
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=20)):
            lead.playbook_request_category = "urgent_order"
        self.assertEqual((lead.temperature, lead.playbook_urgency), ("hot", "urgent"))
        urgent = self.Followup.search([("lead_id", "=", lead.id), ("priority", "=", "1")])
        self.assertEqual(urgent.date_due, MON_1100_MSK + timedelta(minutes=30))
        team_b = self.web_request("urgent_order", team=self.team_b, phone="+7 912 604-18-53")
        self.assertFalse(self.Followup.search([("lead_id", "=", team_b.id)]), "team B routes nothing")
        self.assertNotEqual(team_b.temperature, "hot")

    def test_desk_asks_urgency_and_wanted_date(self):
        """Seed 003, script 1: "Спрашиваем у клиента информацию о городе обращения, юридическое или физическое лицо,
        сроки поставки или срочность ответа"; script 3: "Сориентируйте, пожалуйста, к какому числу вам нужно, что
        бы оборудование было у вас?"."""
        form = self.desk(request_category="urgent_order", request_date=date(2026, 12, 1))
        self.assertEqual(form.urgency, "urgent", "an urgent order is urgent")
        _wizard, lead = self.register(form)
        self.assertEqual(
            (lead.playbook_request_category, lead.playbook_urgency, lead.playbook_request_date, lead.temperature),
            ("urgent_order", "urgent", date(2026, 12, 1), "hot"),
        )
        self.assertEqual(
            self.followups(lead),
            [
                (
                    "first_contact",
                    self.user_salesperson,
                    "1",
                    MON_1100_MSK + timedelta(minutes=5),
                    "First contact with the client",
                )
            ],
            "the desk's own follow-up, urgent: no second one",
        )
        context = lead._prepare_opportunity_quotation_context()
        order = self.env["sale.order"].with_context(**context).create({"partner_id": lead.partner_id.id})
        self.assertEqual(
            (order.playbook_urgency, order.playbook_request_date),
            ("urgent", date(2026, 12, 1)),
            "carried to the quotation",
        )

    def test_desk_gives_product_questions_to_the_specialist(self):
        """Seed 003, BP-1: "Вопрос по товару с сайта"; "Входящий звонок на консультацию"."""
        self.company.playbook_product_specialist_id = self.user_legal
        form = self.desk(request_category="product_question", urgency="normal")
        self.assertEqual(form.transferred_to_id, self.user_legal)
        _wizard, lead = self.register(form)
        self.assertEqual(self.followups(lead)[0][:3], ("first_contact", self.user_legal, "0"))


@tagged("post_install", "-at_install")
class TestInternalCopies(IntakeCase):
    """ST-17: the quotation, invoice or contract emailed to the client goes with the fixed internal copies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.artem = Partner.create({"name": "Artem", "email": "artem@company.example.com"})
        cls.dmitry = Partner.create({"name": "Dmitry", "email": "dmitry@company.example.com"})
        cls.company.playbook_internal_copy_ids = cls.artem | cls.dmitry
        cls.client = Partner.create({"name": "Tagil Pipe LLC", "is_company": True, "email": "supply@tagilpipe.ru"})

    def send_quotation(self, team):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "team_id": team.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        action = order.action_quotation_send()
        composer = Form(self.env["mail.compose.message"].with_context(**action["context"])).save()
        composer.action_send_mail()
        return order, order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]

    def test_quotation_email_goes_to_three_addresses(self):
        """Seed 003, BP-4: "Одно письмо направляется на 3 адреса. (Артему, Дмитрию) Эл. адреса сотрудников –в контакт
        листе (стр.___)"."""
        order, message = self.send_quotation(self.team_a)
        self.assertEqual(order.state, "sent")
        self.assertEqual(message.partner_ids, self.client | self.artem | self.dmitry, "one letter to three addresses")
        emailed = message.notification_ids.filtered(lambda n: n.notification_type == "email").res_partner_id
        self.assertEqual(emailed, self.client | self.artem | self.dmitry, "each gets it by email")
        _order, message_b = self.send_quotation(self.team_b)
        self.assertEqual(message_b.partner_ids, self.client, "team B sends as Odoo does")

    def test_invoice_email_goes_with_the_copies(self):
        """Seed 003, BP-4: "Одно письмо направляется на 3 адреса. (Артему, Дмитрию)"."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.client.id,
                "team_id": self.team_a.id,
                "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 1000})],
            }
        )
        invoice.action_post()
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertEqual(wizard.mail_partner_ids, self.client | self.artem | self.dmitry, "the screen shows them")
        wizard.mail_partner_ids = self.client
        wizard.action_send_and_print()
        message = invoice.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertEqual(message.partner_ids, self.client | self.artem | self.dmitry, "the copies are fixed")
