import base64
import io
import json
import os
import unittest
from datetime import date, datetime, timedelta
from unittest.mock import patch

from PIL import Image

from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import PLAYBOOK

# Set PLAYBOOK_SCREENSHOTS to a folder to keep the screenshots the tours ask for (README's pictures).
SCREENSHOTS = os.environ.get("PLAYBOOK_SCREENSHOTS")
# The zone the tours run in: the tour users' and the browser's, whatever the machine's zone (the web client shows
# dates in the browser's zone), so that the times the tours read are the same everywhere.
TOUR_TZ = "Europe/Moscow"
# Where the tours read the texts of their language (static/tests/tours/playbook_tours.js).
TOUR_TEXTS_KEY = "crm_sales_playbook_tour"
# The modules whose Russian the tours' screens show (a Russian database has them all): crm's own terms under the
# addon's, the quotation and enrich buttons, the teams, the sources, the Dashboards app.
RUSSIAN_MODULES = (
    "crm",
    "sale_crm",
    "crm_iap_enrich",
    "sales_team",
    "utm",
    "spreadsheet_dashboard",
    "crm_sales_playbook",
)
SHOTS = {
    "operator_desk",
    "register_call",
    "pipeline_kanban",
    "next_step",
    "proposal_dialog",
    "proposal_sent",
    "reporting_menu",
    "sla_report",
    "dashboard",
    "legal_claims",
    "claim_form",
    "blocked_lead",
    "connection_lead",
}


# What each language shows and the names of the records the tours meet. The Russian screens read the glossary's
# terms (i18n/GLOSSARY.md): ПП, «Срок реакции», «Записать звонок», «Принять звонок», and the playbook's stage names.
TEXTS = {
    "en_US": {
        "suffix": "en",
        # The records
        "request": "How much is online reporting for 20 users?",
        "caller": "Ivan Petrov",
        "company": "Uralmash JSC",
        "phone": "+7 912 604-18-37",
        "email": "ivan.petrov@uralmash.example.com",
        "notes": "Needs 20 users from January.",
        "team": "Tour Team",
        "other_team": "Tour Second Team",
        "operator": "Tour Operator",
        "seller": "Tour Seller",
        "head": "Tour Head",
        "legal": "Tour Legal",
        "support": "Tour Support",
        "product": "Online Reporting",
        "desk_caller": "Maria Sokolova",
        "desk_company": "Severstal Service LLC",
        "desk_question": "Do you install card readers in Perm?",
        "earlier_request": "Earlier request %s",
        "claim_client": "UralStroy LLC",
        "essence": "Two card readers of twelve do not read signature cards.",
        "client_demand": "Replace them this week.",
        "manager_proposal": "Replacement from stock.",
        "blocked_client": "Kama Trade LLC",
        "blocked_lead": "Kama Trade: reporting",
        "connection_client": "Iset Logistics JSC",
        "connection_lead": "Iset Logistics: connection",
        # The screens
        "stages": ["New", "Contact", "Proposal", "Meeting", "Order", "Won"],
        "desk": "Registered Calls and Letters",
        "register_call": "Register Call",
        "source": "Connection request",
        "hot": "Hot",
        "left": "left",
        "service": "Service",
        "response_deadline": "Response Deadline",
        "log_call": "Log Call",
        "reached": "Reached",
        "call_logged": "Call logged: Reached",
        "call_hint": "Lead {request} is at stage Contact. Next: send the commercial proposal, plan a meeting, or make "
        "the quotation.",
        "letter": "Our commercial proposal is attached",
        "subject": "Commercial proposal: ",
        "proposal_sent": "Proposal sent",
        "proposal_hint": "Lead {request} is at stage Proposal. Next: plan a meeting or make the quotation.",
        "analysis": "Analysis",
        "daily_work": "Daily Work",
        "response_deadlines": "Response Deadlines",
        "met_rate": "Deadlines Met (%)",
        "dashboard_group": "Sales Playbook",
        "dashboard": "Sales Head",
        "dashboard_texts": ["Calls today", "Hot leads past their deadline", "Open claims"],
        "claims_to_review": "Claims to Review",
        "legal_stage": "Legal Review",
        "blocked": "Blocked: team Tour Team holds this client",
        "won_hint": "Won once an invoice of its order is paid",
    },
    "ru_RU": {
        "suffix": "ru",
        "request": "Сколько стоит онлайн-отчётность на 20 пользователей?",
        "caller": "Иван Петров",
        "company": "ПАО «Уралмаш»",
        "phone": "+7 912 604-18-37",
        "email": "ivan.petrov@uralmash.example.com",
        "notes": "Нужно 20 пользователей с января.",
        "team": "Отдел продаж Москва",
        "other_team": "Отдел продаж Пермь",
        "operator": "Ольга Иванова",
        "seller": "Анна Смирнова",
        "head": "Сергей Кузнецов",
        "legal": "Елена Васильева",
        "support": "Дмитрий Орлов",
        "product": "Онлайн-отчётность",
        "desk_caller": "Мария Соколова",
        "desk_company": "ООО «Северсталь-Сервис»",
        "desk_question": "Устанавливаете ли вы считыватели карт в Перми?",
        "earlier_request": "Прошлая заявка %s",
        "claim_client": "ООО «УралСтрой»",
        "essence": "Два считывателя из двенадцати не читают карты с подписью.",
        "client_demand": "Заменить на этой неделе.",
        "manager_proposal": "Замена со склада.",
        "blocked_client": "ООО «Кама Трейд»",
        "blocked_lead": "Кама Трейд: отчётность",
        "connection_client": "АО «Исеть Логистик»",
        "connection_lead": "Исеть Логистик: подключение",
        "stages": ["Новая", "Первый контакт", "Коммерческое предложение", "Встреча", "Заказ и счёт", "Завершена"],
        "desk": "Зарегистрированные звонки и письма",
        "register_call": "Принять звонок",
        "source": "Отправка заявки на подключение",
        "hot": "Горячая",
        "left": "осталось",
        "service": "Обслуживание",
        "response_deadline": "Срок реакции",
        "log_call": "Записать звонок",
        "reached": "Дозвонились",
        "call_logged": "Звонок записан: Дозвонились",
        "call_hint": "ПП {request} на этапе «Первый контакт». Дальше: отправить коммерческое предложение, назначить "
        "встречу или оформить заказ.",
        "letter": "Направляем коммерческое предложение во вложении",
        "subject": "Коммерческое предложение: ",
        "proposal_sent": "Коммерческое предложение отправлено",
        "proposal_hint": "ПП {request} на этапе «Коммерческое предложение». Дальше: назначить встречу или оформить "
        "заказ.",
        "analysis": "Анализ",
        "daily_work": "Ежедневная работа",
        "response_deadlines": "Сроки реакции",
        "met_rate": "Сроки соблюдены (%)",
        "dashboard_group": "Регламент продаж",
        "dashboard": "Руководитель продаж",
        "dashboard_texts": ["Звонки за сегодня", "Горячие ПП с пропущенным сроком реакции", "Открытые рекламации"],
        "claims_to_review": "Рекламации на оценку",
        "legal_stage": "Юридическая оценка",
        "blocked": "Заблокирована: клиент забронирован",
        "won_hint": "Завершится, когда будет оплачен счёт",
    },
}


@tagged("post_install", "-at_install")
class TestMainFlowTour(HttpCase):
    """Each role's day in headless Chromium, in English and in Russian (issue 20): the operator lands on the
    inbound desk and registers a call; the salesperson finds the hot lead in the pipeline (lead counts, temperature
    bar), logs the call and sends the proposal from its dialog, told each time what comes next; the sales head opens
    Reporting's Analysis and Daily Work, the response deadlines and the dashboard; legal lands on the claims to
    review; sales support meets a blocked lead and a Connection lead without a paid invoice. A tour that cannot run
    fails: it is not skipped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # Russian as a Russian database has it: the addon's terms over crm's, and the apps the tours pass through.
        env["res.lang"]._activate_lang("ru_RU")
        env["ir.module.module"].search([("name", "in", RUSSIAN_MODULES)])._update_translations(["ru_RU"])
        env.company.country_id = env.ref("base.ru")
        env.company.external_report_layout_id = env.ref("web.external_layout_standard")
        env.company.playbook_pipeline_kanban = "temperature"

        def user(login, role):
            return new_test_user(env, login=login, name=login, groups=PLAYBOOK + role, tz=TOUR_TZ)

        cls.operator = user("tour_operator", "operator")
        cls.seller = user("tour_seller", "salesperson")
        cls.head = user("tour_head", "head")
        cls.legal = user("tour_legal", "legal")
        cls.support = user("tour_support", "support")
        cls.team = env["crm.team"].create(
            {
                "name": "Tour Team",
                "tz": TOUR_TZ,
                "user_id": cls.head.id,
                "playbook_guards": True,
                "company_id": env.company.id,
                "member_ids": [(6, 0, (cls.operator | cls.seller).ids)],
            }
        )
        cls.other_team = env["crm.team"].create({"name": "Tour Second Team", "company_id": env.company.id})
        # Every minute of the week is working time: the countdown runs whenever the test does.
        cls.team.resource_calendar_id = env["resource.calendar"].create(
            {
                "name": "Tour 24/7",
                "tz": TOUR_TZ,
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": str(day),
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        },
                    )
                    for day in range(7)
                ],
            }
        )
        cls.seller.sale_team_id = cls.team
        cls.product = env["product.product"].create(
            {"name": "Online Reporting", "type": "service", "list_price": 1000.0, "invoice_policy": "order"}
        )
        cls.product.with_context(lang="ru_RU").name = TEXTS["ru_RU"]["product"]

    # The day -----------------------------------------------------------------------------------------------------

    def speak(self, lang):
        """The tour users, teams and records read in ``lang``; return its texts, the hints with the request."""
        texts = dict(TEXTS[lang])
        for key in ("call_hint", "proposal_hint"):
            texts[key] = texts[key].format(request=texts["request"])
        for user, key in (
            (self.operator, "operator"),
            (self.seller, "seller"),
            (self.head, "head"),
            (self.legal, "legal"),
            (self.support, "support"),
        ):
            user.write({"name": texts[key], "lang": lang})
        # New clients speak the database's language, as in a database created in that language.
        self.env["ir.default"].set("res.partner", "lang", lang)
        self.team.with_context(lang=lang).name = texts["team"]
        self.other_team.with_context(lang=lang).name = texts["other_team"]
        return texts

    def prepare_day(self, texts):
        """What the roles find when they start: calls at the desk, last month's requests of two teams, a claim sent
        to legal, a lead blocked by the Tour Team's reservation, a Connection lead in work without a paid invoice."""
        env = self.env
        form = Form(env["crm.inbound.register"].with_user(self.operator).with_context(default_kind="call"))
        form.caller_name = texts["desk_caller"]
        form.company_name = texts["desk_company"]
        form.phone = "+7 912 604-18-40"
        form.question = texts["desk_question"]
        form.source_id = env.ref("crm_sales_playbook.utm_source_consultation_request")
        form.team_id = self.team
        form.transferred_to_id = self.seller
        form.save().action_register()

        # Last month's requests of two teams, so the sales head's report has something to compare, spread over the
        # pipeline's stages.
        month_ago = datetime.now() - timedelta(days=20)
        stages = [
            env.ref(xmlid)
            for xmlid in (
                "crm.stage_lead2",
                "crm.stage_lead3",
                "crm_sales_playbook.crm_stage_meeting",
                "crm_sales_playbook.crm_stage_order",
            )
        ]
        past = env["crm.lead"].create(
            [
                {
                    "name": texts["earlier_request"] % (index + 1),
                    "type": "opportunity",
                    # The sales head works two clients himself: his pipeline is his, not Odoo's sample.
                    "user_id": (self.head if index in (0, 6) else self.seller).id,
                    "team_id": (self.team if index % 2 else self.other_team).id,
                    "date_received": month_ago,
                    "temperature": ("warm", "cold", "hot")[index % 3],
                }
                for index in range(8)
            ]
        )
        env.flush_all()
        for index, (lead, status) in enumerate(
            zip(past, ["met", "met", "met_late", "breached", "met", "breached", "met", "met"], strict=True)
        ):
            env.cr.execute(
                "UPDATE crm_lead SET sla_status = %s, sla_met_rate = %s, sla_deadline = %s, stage_id = %s "
                "WHERE id = %s",
                [status, 100 if status == "met" else 0, month_ago + timedelta(hours=1), stages[index % 4].id, lead.id],
            )
        env.invalidate_all()

        claim_client = env["res.partner"].create({"name": texts["claim_client"], "is_company": True})
        claim = env["crm.customer.claim"].create(
            {
                "partner_id": claim_client.id,
                "contact_id": env["res.partner"].create({"name": texts["caller"], "parent_id": claim_client.id}).id,
                "team_id": self.team.id,
                "user_id": self.seller.id,
                "responsible_id": self.seller.id,
                "date": datetime.now() - timedelta(hours=20),
                "essence": texts["essence"],
                "client_demand": texts["client_demand"],
                "manager_proposal": texts["manager_proposal"],
            }
        )
        claim.action_client_notified()
        claim.action_send_to_legal()

        def client_lead(client, email, lead, **values):
            """A client company and its opportunity for the product, the seller's."""
            partner = env["res.partner"].create({"name": client, "is_company": True, "email": email})
            vals = {"name": lead, "type": "opportunity", "user_id": self.seller.id, "partner_id": partner.id}
            return partner, env["crm.lead"].create(dict(vals, product_id=self.product.id, **values))

        contact = env.ref("crm.stage_lead2")
        blocked_client, blocked = client_lead(
            texts["blocked_client"],
            "office@kama-trade.example.com",
            texts["blocked_lead"],
            team_id=self.other_team.id,
            deal_type="service",
            stage_id=contact.id,
        )
        env["crm.client.reservation"].create(
            {
                "partner_id": blocked_client.id,
                "product_id": self.product.id,
                "team_id": self.team.id,
                "date_start": date.today() - timedelta(days=10),
                "date_end": date.today() + timedelta(days=20),
                "origin": "manual",
                "state": "active",
            }
        )
        self.assertTrue(blocked.is_blocked)

        _partner, connection = client_lead(
            texts["connection_client"],
            "office@iset.example.com",
            texts["connection_lead"],
            team_id=self.team.id,
            phone="+7 912 604-18-52",
            deal_type="connection",
        )
        env.flush_all()
        env["crm.lead.call"].with_user(self.seller).create({"lead_id": connection.id, "result": "reached"})
        connection.stage_id = contact
        self.assertTrue(connection.with_user(self.support).playbook_won_hint)
        return claim, blocked, connection

    def walk_the_day(self, lang):
        texts = self.speak(lang)
        claim, blocked, connection = self.prepare_day(texts)
        shots = self.run_tours(
            texts,
            [
                ("/odoo", "crm_sales_playbook_operator_tour", "tour_operator"),
                ("/odoo/crm", "crm_sales_playbook_salesperson_tour", "tour_seller"),
                ("/odoo/crm", "crm_sales_playbook_head_tour", "tour_head"),
                ("/odoo/dashboards", "crm_sales_playbook_dashboard_tour", "tour_head"),
                ("/odoo", "crm_sales_playbook_legal_tour", "tour_legal"),
                ("/odoo/crm.lead/%s" % blocked.id, "crm_sales_playbook_support_blocked_tour", "tour_support"),
                ("/odoo/crm.lead/%s" % connection.id, "crm_sales_playbook_support_connection_tour", "tour_support"),
            ],
        )
        self.assertEqual(set(shots), {"%s_%s" % (name, texts["suffix"]) for name in SHOTS})
        self.assertTrue(all(png.startswith(b"\x89PNG") for png in shots.values()))
        lead = self.env["crm.lead"].search([("name", "=", texts["request"])])
        self.assertEqual(
            (lead.temperature, lead.user_id, lead.work_status, lead.stage_id),
            ("hot", self.seller, "in_work", self.env.ref("crm.stage_lead3")),
        )
        [proposal] = self.env["crm.lead.proposal"].search([("lead_id", "=", lead.id)])
        self.assertEqual(
            (proposal.state, proposal.attachment_ids.mapped("name")),
            ("sent", ["offer.pdf"]),
        )
        self.assertTrue(proposal.name.startswith(texts["subject"]), proposal.name)
        self.assertEqual(self.env["crm.lead.call"].search([("lead_id", "=", lead.id)]).result, "reached")
        self.assertEqual(
            (blocked.stage_id, blocked.work_status, connection.stage_id, connection.active),
            (self.env.ref("crm.stage_lead2"), "blocked", self.env.ref("crm.stage_lead2"), True),
            "sales support only looked",
        )

    def test_each_role_day_in_english(self):
        self.walk_the_day("en_US")

    def test_each_role_day_in_russian(self):
        self.walk_the_day("ru_RU")

    # The browser -------------------------------------------------------------------------------------------------

    def run_tours(self, texts, tours):
        """Run (url, tour, login) in order, each tour given ``texts``; return the screenshots the tours asked for,
        by name."""
        shots, futures = {}, []
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, stackTrace=None, **kw):  # pylint: disable=redefined-builtin
            text = str(browser._from_remoteobject(args[0])) if args else ""
            if text.startswith("playbook-screenshot:"):
                name = text.split(":", 1)[1]
                future = browser._websocket_send("Page.captureScreenshot", with_future=True)
                future.add_done_callback(lambda done: shots.__setitem__(name, base64.b64decode(done.result()["data"])))
                futures.append(future)
                return None
            return original(browser, type, args=args, stackTrace=stackTrace, **kw)

        original_navigate = ChromeBrowser.navigate_to

        def navigate_to(browser, url, wait_stop=False):
            if getattr(browser, "_playbook_tz", None) != TOUR_TZ:
                browser._websocket_request("Emulation.setTimezoneOverride", params={"timezoneId": TOUR_TZ})
                browser._playbook_tz = TOUR_TZ
            return original_navigate(browser, url, wait_stop=wait_stop)

        # The tour reads its steps' texts when the test asks whether it is ready: give them first.
        given = "sessionStorage.setItem(%s, %s)" % (json.dumps(TOUR_TEXTS_KEY), json.dumps(json.dumps(texts)))
        with (
            patch.object(ChromeBrowser, "_handle_console", handle_console),
            patch.object(ChromeBrowser, "navigate_to", navigate_to),
        ):
            for url, tour, login in tours:
                ready = "%s, odoo.isTourReady(%s)" % (given, json.dumps(tour))
                try:
                    self.start_tour(url, tour, login=login, timeout=180, ready=ready)
                except unittest.SkipTest as error:
                    self.fail("The tour %s could not run in a browser: %s" % (tour, error))
        for future in futures:
            future.result(timeout=30)
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            for name, png in shots.items():
                with open(os.path.join(SCREENSHOTS, name + ".png"), "wb") as file:
                    file.write(small_png(png))
        return shots


def small_png(png):
    """The screenshot in 256 colours: a fraction of the size, the same picture for a screen of forms and lists."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    output = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(output, format="PNG", optimize=True)
    return output.getvalue()
