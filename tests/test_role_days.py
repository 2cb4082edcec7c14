"""A working day of each role, end to end, done as that role (X-SEC).

The operator registers calls and letters, the sales head deals its team's leads, the salesperson takes a lead
from New to Won, the legal department evaluates and decides a claim, sales support moves a client, and the CRM
administrator finds and runs every playbook action. Only fixtures and the accountant's bookings are made as the
superuser: every step of a role goes through its form, wizard or button as that role's user.
"""

import base64
import itertools
from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MON_1100_MSK, DealCase

LEAD_ACTIONS = ("crm_lead_mass_assign_action", "crm_lead_transfer_action", "crm_lead_distribute_action")
MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
PHONES = itertools.count()  # one client per lead of team_leads


class RoleDayCase(DealCase):
    """Team Yekaterinburg (team A) keeps the contact rules; both teams belong to the company, as in production."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.team_a | cls.team_b).company_id = cls.company
        cls.company.playbook_deputy_director_id = cls.user_head

    def lead_wizard(self, model, user, leads):
        """The wizard of a lead action opened on the selected leads, as ``user``."""
        return Form(self.env[model].with_user(user).with_context(active_model="crm.lead", active_ids=leads.ids))

    def team_leads(self, prefix, count, temperature="warm", **values):
        """New leads of team A without a salesperson, oldest first, each of its own client (leads without a
        product of one client are one request, PP-8)."""
        values.setdefault("user_id", False)
        return self.Lead.union(
            *[
                self.lead(
                    **dict({"phone": "+7 912 700-00-%02d" % next(PHONES), "temperature": temperature}, **values),
                    name=f"{prefix} {index}",
                )
                for index in range(count)
            ]
        )

    def messages(self, record, text):
        return record.message_ids.filtered(lambda message: text in (message.body or ""))


@tagged("post_install", "-at_install")
class TestRoleDaysOperator(RoleDayCase):
    """The call-center operator registers what comes in through the Inbound Desk (EV-1, EV-2, ST-1, ST-13, RC-1).

    Seed 002: "Секретарь выставляет «ответственного» за событие №2, это сотрудник кому был переведён звонок."
    Seed 003: "Важно после каждого контакта с клиентом внести информацию о клиенте и поставить менеджеру задачу
    связаться с клиентом."
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A call or a letter is a consultation request unless the operator says otherwise (PP-6).
        cls.company.playbook_source_inbound_call_id = cls.source["consultation_request"]
        cls.company.playbook_source_email_id = cls.source["consultation_request"]

    def register(self, kind="call", **values):
        """Fill the desk's form as the operator, field by field in the given order, and register."""
        with self.pinned_time(MON_1100_MSK):
            form = Form(self.env["crm.inbound.register"].with_user(self.user_operator).with_context(default_kind=kind))
            form.caller_name = values.pop("caller_name", "Ivan Petrov")
            form.team_id = self.team_a
            for name, value in values.items():
                setattr(form, name, value)
            wizard = form.save()
            lead = self.Lead.browse(wizard.action_register()["res_id"])
        return wizard, lead

    def desk_log(self, lead):
        return [
            (row.kind, row.channel, row.new_client, row.lead_created, row.operator_id, row.forwarded_to_id)
            for row in self.env["crm.inbound.contact"].search([("lead_id", "=", lead.id)])
        ]

    def registered(self, lead, kind="call"):
        """The done activities of the desk on the lead, as chatter messages."""
        activity_type = self.env.ref("crm_sales_playbook.mail_activity_type_inbound_" + kind)
        return lead.message_ids.filtered(lambda message: message.mail_activity_type_id == activity_type)

    def test_call_from_a_new_client(self):
        """EV-1, EV-2, ST-1: a new client and its lead are created, the call is logged and the salesperson it went
        to gets the first-contact follow-up five minutes later."""
        wizard, lead = self.register(
            company_name="Sverdlovsk Steel LLC",
            phone="+7 912 604-18-43",
            question="Do you deliver reporting for 20 users?",
            transferred_to_id=self.user_salesperson,
        )
        self.assertFalse(wizard.partner_id, "nobody was found: a new client")
        self.assertEqual(
            (
                lead.partner_id.commercial_partner_id.name,
                lead.partner_id.name,
                lead.user_id,
                lead.team_id,
                lead.channel,
                lead.work_status,
            ),
            ("Sverdlovsk Steel LLC", "Ivan Petrov", self.user_salesperson, self.team_a, "inbound_call", "new"),
        )
        [done] = self.registered(lead)
        self.assertEqual(done.author_id, self.user_operator.partner_id)
        self.assertFalse(self.messages(lead, "Registered at the inbound desk"), "its own lead: no elevation to note")
        [followup] = lead.followup_ids
        self.assertEqual(
            (followup.kind, followup.user_id, followup.date_due, followup.state),
            ("first_contact", self.user_salesperson, MON_1100_MSK + timedelta(minutes=5), "pending"),
        )
        self.assertEqual(
            self.desk_log(lead), [("call", "inbound_call", True, True, self.user_operator, self.user_salesperson)]
        )

    def test_known_client_lands_on_the_salespersons_open_lead(self):
        """EV-1, EV-2, ST-13: a known client's company has an open lead of a salesperson the operator may not
        edit; the call lands on it, in the operator's name, and nothing is duplicated."""
        self.env["res.partner"].create(
            {"name": "Oleg Kuznetsov", "parent_id": self.client.id, "phone": "+7 912 604-18-40"}
        )
        open_lead = self.lead(name="Uralmash reporting", partner_id=self.client.id)
        self.assertFalse(open_lead.with_user(self.user_operator).has_access("write"), "the operator only reads it")
        wizard, lead = self.register(
            caller_name="Oleg Kuznetsov",
            phone="8 912 604 18 40",
            question="When will the offer come?",
            transferred_to_id=self.user_salesperson,
        )
        self.assertEqual((wizard.partner_id, wizard.lead_id), (self.client, open_lead), "found by the contact's phone")
        self.assertEqual(lead, open_lead, "the call lands on the open lead")
        self.assertEqual(self.Lead.search_count([("commercial_partner_id", "=", self.client.id)]), 1)
        self.assertEqual((lead.user_id, lead.partner_id), (self.user_salesperson, self.client), "nothing reassigned")
        [done] = self.registered(lead)
        self.assertEqual(done.author_id, self.user_operator.partner_id, "the done activity is the operator's")
        [followup] = lead.followup_ids
        self.assertEqual(
            (followup.kind, followup.user_id, followup.date_due),
            ("first_contact", self.user_salesperson, MON_1100_MSK + timedelta(minutes=5)),
        )
        [note] = self.messages(lead, "Registered at the inbound desk by Pb Operator, who may not edit this lead")
        self.assertEqual(note.author_id, self.user_operator.partner_id)
        self.assertEqual(
            self.desk_log(lead), [("call", "inbound_call", False, False, self.user_operator, self.user_salesperson)]
        )

    def test_letter_from_a_known_client(self):
        """EV-1, LG-2: a letter is found by its email and becomes an email lead of the known client."""
        client = self.env["res.partner"].create(
            {"name": "Tagil Pipe LLC", "is_company": True, "email": "supply@tagilpipe.ru"}
        )
        wizard, lead = self.register(
            kind="letter",
            caller_name="Supply department",
            email="supply@tagilpipe.ru",
            question="Please send the price list",
            transferred_to_id=self.user_salesperson,
        )
        self.assertEqual(wizard.partner_id, client)
        self.assertEqual((lead.partner_id, lead.channel, lead.user_id), (client, "email", self.user_salesperson))
        self.assertEqual(len(self.registered(lead, "letter")), 1)
        self.assertEqual(lead.followup_ids.mapped("user_id"), self.user_salesperson)
        self.assertEqual(
            self.desk_log(lead), [("letter", "email", False, True, self.user_operator, self.user_salesperson)]
        )

    def test_call_from_a_regular_customer(self):
        """RC-1: the regular customer goes to its own manager, the reason is recorded, the next contact planned.

        Seed 001, 3.1.2 "Определить причину обращения", 3.1.9 "Запланировать следующий контакт".
        """
        regular = self.env["res.partner"].create(
            {
                "name": "Gazprom Ural",
                "is_company": True,
                "phone": "+7 912 604-18-41",
                "playbook_regular_mode": "yes",
                "playbook_regular_manager_id": self.user_regular.id,
            }
        )
        wizard, lead = self.register(
            phone="+7 912 604-18-41", question="Ten more licences", request_reason="More licences"
        )
        self.assertEqual(
            (wizard.is_regular, wizard.transferred_to_id),
            (True, self.user_regular),
            "the desk puts the call through to the customer's own manager",
        )
        self.assertEqual(
            (lead.partner_id, lead.user_id, lead.playbook_request_reason), (regular, self.user_regular, "More licences")
        )
        self.assertEqual(regular.playbook_next_contact, date(2026, 12, 23), "the next contact: 30 days on")
        self.assertEqual(lead.followup_ids.user_id, self.user_regular)
        self.assertEqual(
            self.desk_log(lead), [("call", "inbound_call", False, True, self.user_operator, self.user_regular)]
        )

    def test_call_from_a_known_client_who_is_not_regular(self):
        """EV-1, RC-1: a known client who never bought is not asked for a reason and gets no planned contact."""
        known = self.env["res.partner"].create(
            {"name": "Tagil Metals", "is_company": True, "phone": "+7 912 604-18-42"}
        )
        wizard, lead = self.register(
            phone="+7 912 604-18-42",
            question="Do you sell to sole proprietors?",
            transferred_to_id=self.user_salesperson,
        )
        self.assertEqual((wizard.partner_id, wizard.is_regular), (known, False))
        self.assertEqual(
            (lead.partner_id, lead.user_id, lead.playbook_request_reason), (known, self.user_salesperson, False)
        )
        self.assertFalse(known.playbook_next_contact)
        self.assertEqual(
            self.desk_log(lead), [("call", "inbound_call", False, True, self.user_operator, self.user_salesperson)]
        )


@tagged("post_install", "-at_install")
class TestRoleDaysHead(RoleDayCase):
    """The sales head deals the leads of its team (PP-7, PP-9, PP-10).

    Seed 004, 6.1: "Назначить менеджера можно на ПП в статусах «новая» и «в работе»."; 5.2.3: "ПП с данным типом
    нельзя передать в другой СЦ."; 6.2: "теплые распределяются на ближайшие даты выбранного периода, холодные –
    ближе к концу периода."
    """

    def test_assign_transfer_and_plan(self):
        """PP-9, PP-7, PP-10, X-SEC: mass assignment to two salespeople with counts, a transfer to team B, a plan
        over two days, all through the wizards as the head."""
        head = self.user_head
        dealt = self.team_leads("Deal", 5)
        form = self.lead_wizard("crm.lead.mass.assign", head, dealt)
        self.assertEqual(form.eligible_count, 5)
        for user, count in ((self.user_salesperson, 3), (self.user_regular, 2)):
            with form.line_ids.new() as line:
                line.user_id = user
                line.count = count
        wizard = form.save()
        self.assertEqual(
            wizard.allowed_user_ids,
            head | self.user_salesperson | self.user_regular | self.user_operator,
            "the leader and members of team A only",
        )
        wizard.action_assign()
        self.assertEqual(
            [
                len(dealt.filtered(lambda lead, u=user: lead.user_id == u))
                for user in (self.user_salesperson, self.user_regular)
            ],
            [3, 2],
        )
        self.assertIn("5 leads assigned", wizard.result)
        self.assertEqual(len(self.messages(dealt[0], "Pb Head assigned the lead to")), 1)

        warm = self.lead(name="Moves", temperature="warm")
        cold = self.lead(name="Stays", temperature="cold", phone="+7 912 604-18-51")  # another client (PP-8)
        form = self.lead_wizard("crm.lead.transfer", head, warm | cold)
        form.team_id = self.team_b
        form.reason = "The client opened an office in Moscow"
        wizard = form.save()
        wizard.action_transfer()
        self.assertEqual((warm.team_id, warm.user_id.id, cold.team_id), (self.team_b, False, self.team_a))
        self.assertEqual((warm.transfer_ids.author_id, warm.transfer_ids.kind), (head, "manual"))
        self.assertIn("Stays: cold leads are never transferred", wizard.result)

        warm, cold = self.team_leads("Warm", 2), self.team_leads("Cold", 2, temperature="cold")
        with self.pinned_time(MON_1100_MSK):
            form = self.lead_wizard("crm.lead.distribute", head, warm | cold)
            self.assertEqual(form.team_id, self.team_a)
            form.date_from, form.date_to = MON, TUE
            form.user_ids.add(self.user_salesperson)
            form.user_ids.add(self.user_regular)
            wizard = form.save()
            wizard.action_distribute()
        plan = [(lead.date_planned_contact, lead.user_id) for lead in warm | cold]
        self.assertEqual(
            plan,
            [
                (MON, self.user_regular),
                (MON, self.user_salesperson),
                (TUE, self.user_regular),
                (TUE, self.user_salesperson),
            ],
            "warm leads on the first day, cold ones on the last, one a day for each",
        )
        self.assertEqual(len((warm | cold).activity_ids), 4, "a planned call each")
        self.assertEqual(wizard.line_ids.mapped("lead_count"), [1, 1, 1, 1])


@tagged("post_install", "-at_install")
class TestRoleDaysSalesperson(RoleDayCase):
    """The salesperson takes a connection lead from New to Won (PP-4, PP-5, PP-14, EV-5 to EV-7, EV-10, ST-6, ST-7).

    Seed 002: "Варианты продолжения: 1. Коммерческое предложение 2. Встреча 3. Заказ (выставление счёта)";
    "Прикрепленный файл обязателен". Seed 003: "Договор готовиться только для юр. Лиц." Seed 004, 4.1.1:
    "Закрытие данного типа ПП производится привязкой оплаченного счета к ПП".
    """

    def test_from_new_to_won(self):
        """PP-14, EV-5, EV-6, EV-7, EV-10, ST-6, ST-7, PP-5, PP-4: a reached call, the contact stage, a proposal
        with the file the salesperson uploaded, a held meeting, an order with its contract, a paid invoice: won."""
        seller = self.user_salesperson
        lead = self.lead(
            name="Uralmash reporting", partner_id=self.client.id, deal_type="connection", product_id=self.product.id
        )
        mine = lead.with_user(seller)
        with self.pinned_time(MON_1100_MSK):
            form = Form(
                self.env["crm.lead.call"].with_user(seller).with_context(**mine.action_open_log_call()["context"])
            )
            form.result = "reached"
            form.notes = "The director wants an offer for 20 users"
            call = form.save()
            self.assertEqual((call.lead_id, call.user_id, call.is_contact), (lead, seller, True))
            with Form(mine) as form:
                form.stage_id = self.stage_contact
            self.assertEqual(lead.work_status, "in_work")

            attachment = (
                self.env["ir.attachment"]
                .with_user(seller)
                .create(
                    {
                        "name": "offer.pdf",
                        "datas": base64.b64encode(b"%PDF-1.4 offer"),
                        "res_model": "crm.lead.proposal",
                    }
                )
            )
            form = Form(
                self.env["crm.lead.proposal"].with_user(seller).with_context(**mine.action_open_proposal()["context"])
            )
            form.body = "<p>Our offer is attached.</p>"
            form.attachment_ids.add(attachment)
            proposal = form.save()
            proposal.action_send()
            self.assertEqual((proposal.state, lead.stage_id), ("sent", self.stage_proposal))
            [sent] = lead.message_ids.filtered(lambda message: message.subject == proposal.name)
            self.assertEqual((sent.partner_ids, sent.attachment_ids.mapped("name")), (self.client, ["offer.pdf"]))

            form = Form(
                self.env["calendar.event"].with_user(seller).with_context(**mine.action_schedule_meeting()["context"])
            )
            form.start = MON_1100_MSK + timedelta(hours=3)
            form.stop = MON_1100_MSK + timedelta(hours=4)
            form.playbook_direction = "outgoing"
            meeting = form.save()
            meeting.action_playbook_done()
            self.assertEqual((meeting.opportunity_id, meeting.playbook_done), (lead, True))
            with Form(mine) as form:
                form.stage_id = self.stage_meeting

            form = Form(
                self.env["sale.order"].with_user(seller).with_context(**mine.action_sale_quotations_new()["context"])
            )
            with form.order_line.new() as line:
                line.product_id = self.product
            order = form.save()
            self.assertEqual((order.opportunity_id, order.user_id, order.team_id), (lead, seller, self.team_a))
            with self.assertRaisesRegex(UserError, "the requisites received; the contract and its date"):
                order.action_confirm()
            # The requisites asked for and received, the documents sent and their receipt confirmed by a call.
            order.action_playbook_requisites_requested()
            order.action_playbook_requisites_received()
            with Form(order) as form:
                form.playbook_contract_ref = "D-17/2026"
                form.playbook_contract_date = MON
                form.commitment_date = MON_1100_MSK + timedelta(days=3)
                form.playbook_payment_method = "transfer"
                form.playbook_delivery_scope = "full"
            order.action_playbook_docs_sent()
            order.action_playbook_receipt_confirmed()
            order.action_confirm()
            self.assertEqual(order.state, "sale")
            with Form(mine) as form:
                form.stage_id = self.stage_order
            self.assertEqual(lead.work_status, "in_work", "an order is not yet a sale")

            # The accountant issues the invoice and books the payment.
            invoice = self.env["sale.order"].browse(order.id)._create_invoices()
            invoice.action_post()
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual((mine.work_status, mine.stage_id), ("won", self.stage_won), "the paid invoice wins it")
        self.assertEqual(len(self.messages(lead, f"Invoice {invoice.name} is paid")), 1)
        self.assertTrue(lead.reservation_id.is_paid, "the client stays reserved by the paid invoice")


@tagged("post_install", "-at_install")
class TestRoleDaysLegal(RoleDayCase):
    """The legal department evaluates and decides a claim registered by a salesperson (RC-4, RC-6).

    Seed 001, 3.4.7: "Передать рекламацию в юридический отдел для оценки"; 3.4.9: "Получить решение об
    устранении рекламации" (Зам.директора, Менеджер юридического отдела, Директор).
    """

    def test_claim_from_registration_to_resolution(self):
        """RC-4: the salesperson registers and notifies, the deputy director names the responsible employee, legal
        evaluates and decides, the responsible employee controls the execution, the salesperson resolves."""
        seller, head, legal = self.user_salesperson, self.user_head, self.user_legal
        lead = self.lead(name="Uralmash tiles", partner_id=self.client.id)
        with self.pinned_time(MON_1100_MSK):
            form = Form(self.env["crm.customer.claim"].with_user(seller).with_context(default_lead_id=lead.id))
            form.essence = "Twelve of forty tiles arrived cracked."
            form.client_demand = "Replace the cracked tiles."
            form.manager_proposal = "Replacement with the next delivery."
            claim = form.save()
            claim.action_client_notified()
        system = claim.sudo()
        self.assertEqual(
            (system.step, system.user_id, system.team_id, system.client_notified_at),
            ("notified", seller, self.team_a, MON_1100_MSK),
        )
        [ask] = system.activity_ids.filtered(lambda activity: activity.user_id == head)
        self.assertEqual(ask.summary, f"Name the responsible employee of claim {claim.name}")

        with Form(claim.with_user(head)) as form:
            form.responsible_id = self.user_regular
            form.legal_user_id = legal
        claim.action_send_to_legal()
        self.assertEqual(system.step, "legal")
        [evaluate] = system.activity_ids.filtered(lambda activity: activity.user_id == legal)
        self.assertEqual(evaluate.summary, f"Evaluate claim {claim.name}")

        as_legal = claim.with_user(legal)
        with Form(as_legal) as form:
            form.legal_evaluation = "The carrier's damage: the contract puts it on us."
        as_legal.action_to_decision()
        with self.pinned_time(MON_1100_MSK + timedelta(hours=2)):
            with Form(as_legal) as form:
                form.decision = "Replace the twelve tiles at our cost."
                form.decision_by = "legal"
                form.measures = "Ship twelve tiles on Tuesday; claim the damage from the carrier."
        self.assertEqual(
            (system.step, system.decision_by, system.decision_user_id, system.decision_date),
            ("decision", "legal", legal, MON_1100_MSK + timedelta(hours=2)),
        )

        claim.action_start_execution()
        self.assertEqual(system.step, "execution")
        [control] = system.activity_ids.filtered(lambda activity: activity.user_id == self.user_regular)
        self.assertEqual(control.summary, f"Control the execution of claim {claim.name}")
        with self.pinned_time(MON_1100_MSK + timedelta(days=1)):
            claim.action_client_told_decision()
            claim.action_resolve()
        self.assertEqual(
            (system.step, system.is_closed, system.date_closed), ("resolved", True, MON_1100_MSK + timedelta(days=1))
        )


@tagged("post_install", "-at_install")
class TestRoleDaysSupport(RoleDayCase):
    """Sales support moves a client to another team (PP-15).

    Seed 004, 9.1.4: "клиент по Продукту может быть передан в другой СЦ"; 9.4: the decision is sales support's.
    """

    def test_client_moves_with_its_open_leads_and_reservations(self):
        """PP-15, PP-7: open leads (even cold) and active reservations follow the client; closed leads stay."""
        client = self.env["res.partner"].create({"name": "Kamensk Foods", "is_company": True})
        other = self.env["product.product"].create({"name": "Payroll", "type": "service"})
        with self.pinned_time(MON_1100_MSK):
            warm = self.lead(
                name="Reporting",
                partner_id=client.id,
                product_id=self.product.id,
                deal_type="renewal",
                temperature="warm",
            )
            cold = self.lead(
                name="Payroll", partner_id=client.id, product_id=other.id, deal_type="renewal", temperature="cold"
            )
            lost = self.lead(name="Old request", partner_id=client.id, closing_comment="Bought elsewhere")
            lost.action_set_lost(lost_reason_id=self.lost_reason.id)
            reservation = self.env["crm.client.reservation"].create(
                {
                    "partner_id": client.id,
                    "product_id": self.product.id,
                    "team_id": self.team_a.id,
                    "user_id": self.user_salesperson.id,
                    "date_end": date(2027, 6, 30),
                    "origin": "manual",
                }
            )
            form = Form(
                self.env["crm.client.transfer"]
                .with_user(self.user_support)
                .with_context(active_model="res.partner", active_id=client.id)
            )
            self.assertEqual(form.partner_id, client)
            form.team_id = self.team_b
            form.reason = "Sanction 9.1.4: the deadlines were missed twice"
            form.save().action_transfer()
        self.assertEqual(((warm | cold).team_id, (warm | cold).user_id.ids), (self.team_b, []))
        self.assertEqual(set((warm | cold).transfer_ids.mapped("kind")), {"client"})
        self.assertEqual((warm | cold).transfer_ids.author_id, self.user_support)
        self.assertEqual((reservation.team_id, reservation.user_id.id), (self.team_b, False))
        self.assertEqual(lost.team_id, self.team_a, "a closed lead stays with the team that worked it")
        self.assertEqual(len(self.messages(client, "with 2 open leads and 1 reservations")), 1)


@tagged("post_install", "-at_install")
class TestRoleDaysCrmAdmin(RoleDayCase):
    """The CRM administrator (Sales / Administrator, no playbook group) finds and runs every playbook action
    (X-SEC, PP-7, PP-9, PP-10, PP-15)."""

    def test_actions_are_offered_to_the_admin_only_among_plain_users(self):
        """X-SEC: the actions list the administrators' group, the web client's bindings and the lead form show
        them to the administrator, not to a salesperson."""
        admin = self.user_admin
        manager_group = self.env.ref("sales_team.group_sale_manager")
        lead_actions = {self.env.ref("crm_sales_playbook." + xmlid) for xmlid in LEAD_ACTIONS}
        client_action = self.env.ref("crm_sales_playbook.crm_client_transfer_action")
        for action in lead_actions | {client_action}:
            self.assertIn(manager_group, action.groups_id, f"{action.name} lists the CRM administrators")

        def bound(user, model):
            bindings = self.env["ir.actions.actions"].with_user(user).get_bindings(model)
            return {action["id"] for action in bindings.get("action", [])}

        lead_ids = {action.id for action in lead_actions}
        self.assertLessEqual(lead_ids, bound(admin, "crm.lead"))
        self.assertIn(client_action.id, bound(admin, "res.partner"))
        self.assertFalse(lead_ids & bound(self.user_salesperson, "crm.lead"), "a salesperson is not offered them")
        arch = self.env["crm.lead"].with_user(admin).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_open_transfer"', arch)

    def test_admin_runs_every_playbook_wizard(self):
        """PP-9, PP-7, PP-10, PP-15: mass assignment, transfer from the lead form, planning and a client's move."""
        admin = self.user_admin
        dealt = self.team_leads("Deal", 3)
        form = self.lead_wizard("crm.lead.mass.assign", admin, dealt)
        for user, count in ((self.user_salesperson, 2), (self.user_regular, 1)):
            with form.line_ids.new() as line:
                line.user_id = user
                line.count = count
        form.save().action_assign()
        self.assertEqual(
            sorted(lead.user_id.login for lead in dealt), ["pb_regular", "pb_salesperson", "pb_salesperson"]
        )

        moving = self.lead(name="Moving", temperature="warm")
        action = moving.with_user(admin).action_open_transfer()
        form = Form(self.env[action["res_model"]].with_user(admin).with_context(**action["context"]))
        form.team_id = self.team_b
        form.reason = "Handled by the Moscow office"
        form.save().action_transfer()
        self.assertEqual((moving.team_id, moving.transfer_ids.author_id), (self.team_b, admin))

        planned = self.team_leads("Plan", 2)
        with self.pinned_time(MON_1100_MSK):
            form = self.lead_wizard("crm.lead.distribute", admin, planned)
            form.date_from, form.date_to = MON, TUE
            form.user_ids.add(self.user_salesperson)
            form.save().action_distribute()
        self.assertEqual(
            [(lead.date_planned_contact, lead.user_id) for lead in planned],
            [(MON, self.user_salesperson), (TUE, self.user_salesperson)],
        )

        client = self.env["res.partner"].create({"name": "Asbest Mining", "is_company": True})
        open_lead = self.lead(name="Asbest reporting", partner_id=client.id, temperature="warm")
        form = Form(
            self.env["crm.client.transfer"]
            .with_user(admin)
            .with_context(active_model="res.partner", active_id=client.id)
        )
        form.team_id = self.team_b
        form.reason = "Moved by the CRM administrator"
        form.save().action_transfer()
        self.assertEqual((open_lead.team_id, open_lead.transfer_ids.kind), (self.team_b, "client"))
