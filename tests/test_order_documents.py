import base64
from datetime import datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MON_1100_MSK, ORDER_READY, PLAYBOOK, DealCase


@tagged("post_install", "-at_install")
class TestOrderDocuments(DealCase):
    """Documents, payment and delivery of an order in a team with the contact rules (EV-10, ST-6, ST-7, ST-8,
    ST-15)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(cls.env, login="pb_buyer", name="Pb Buyer", groups="account.group_account_invoice")
        cls.executor = new_test_user(cls.env, login="pb_exec", name="Pb Exec", groups=PLAYBOOK + "execution")

    def order(self, partner=None, ready=True, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.person).id,
                "team_id": self.team_a.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
                **(ORDER_READY if ready else {}),
                **values,
            }
        )

    def test_shipment_date_needed_to_confirm(self):
        """3. дата отгрузки
        4. Табличная часть"""
        order = self.order(commitment_date=False)
        with self.assertRaisesRegex(
            UserError, f"^Order {order.name} cannot be confirmed yet: the shipment date \\(Delivery Date\\)\\.$"
        ):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        order.commitment_date = datetime(2026, 11, 27, 9, 0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        empty = self.order(order_line=[])
        with self.assertRaisesRegex(UserError, f"^Order {empty.name} cannot be confirmed yet: the order lines\\.$"):
            empty.action_confirm()
        elsewhere = self.order(ready=False, team_id=self.team_b.id)
        elsewhere.action_confirm()
        self.assertEqual(elsewhere.state, "sale", "teams without the contact rules keep Odoo's confirmation")

    def test_requisites_documents_and_the_confirming_call(self):
        """1. ШАГ После того, как состоялся разговор с клиентом, и достигнуто положительное решение, запрашиваем у
        клиента его персональные данные или реквизиты. Отвечаем на дополнительные вопросы клиента, если такие
        возникнут. Менеджер
        1. ШАГ Далее документы необходимо переслать клиенту с озвучиванием сроков оплаты и доставки товара.
        Произвести звонок клиенту с уточнением о получении счета. Менеджер"""
        order = self.order(
            partner=self.client,
            ready=False,
            commitment_date=datetime(2026, 11, 27, 9, 0),
            playbook_payment_method="transfer",
            playbook_delivery_scope="partial",
        )
        with self.assertRaisesRegex(
            UserError,
            f"^Order {order.name} cannot be confirmed yet: the requisites asked for; the requisites received; the "
            "contract and its date \\(legal entity\\); a call confirming the documents arrived\\.$",
        ):
            order.action_confirm()
        with self.assertRaisesRegex(UserError, f"Order {order.name}: ask the client for the requisites first"):
            order.action_playbook_requisites_received()
        with self.assertRaisesRegex(ValidationError, f"Order {order.name}: the contract is drawn up from the client's"):
            order.write({"playbook_contract_ref": "D-17/2026", "playbook_contract_date": "2026-11-20"})
        with self.assertRaisesRegex(UserError, f"Order {order.name}: the invoice and contract need the client's"):
            order.action_playbook_docs_sent()
        with self.assertRaisesRegex(UserError, f"Order {order.name}: send the documents to the client before"):
            order.action_playbook_receipt_confirmed()
        with self.pinned_time(MON_1100_MSK):
            order.action_playbook_requisites_requested()
        with self.pinned_time(MON_1100_MSK + timedelta(hours=1)):
            order.action_playbook_requisites_received()
        thanks = order.message_ids.filtered(lambda m: "we received your details" in (m.body or ""))
        self.assertEqual(thanks.partner_ids, self.client, "the client hears that the details arrived")
        order.write({"playbook_contract_ref": "D-17/2026", "playbook_contract_date": "2026-11-23"})
        with self.pinned_time(MON_1100_MSK + timedelta(hours=2)):
            order.with_context(mark_so_as_sent=True).message_post(
                body="Your invoice and contract", partner_ids=self.client.ids
            )
        with self.pinned_time(MON_1100_MSK + timedelta(hours=3)):
            order.action_playbook_receipt_confirmed()
        self.assertEqual(
            (
                order.playbook_requisites_requested_on,
                order.playbook_requisites_received_on,
                order.playbook_docs_sent_on,
                order.playbook_receipt_confirmed_on,
            ),
            tuple(MON_1100_MSK + timedelta(hours=hours) for hours in range(4)),
            "each step is stamped when it happened; emailing the quotation sends the documents",
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_payment_method_and_delivery_as_the_script_asks(self):
        """«Имя», тогда позвольте, еще несколько вопросов по оплате. Вы хотите производить оплату за наличный
        расчет или по безналичному расчету?
        Звоню, Вам по вашему запросу___________ (проговаривает суть заявки с указанием цены и сроков доставки – ЕСЛИ
        ЧТО-ТО БУДЕТ ПОЗЖЕ, ТО ОРИЕНТИРУЕМ КЛИЕНТА НА ДОСТАВКУ ПОЛНОГО КОМПЛЕКТА, ИЛИ ПРЕДЛАГАЕМ ЧАСТИЧНУЮ
        ДОСТАВКУ). Вас данное предложение устраивает?"""
        order = self.order(playbook_payment_method=False, playbook_delivery_scope=False)
        with self.assertRaisesRegex(
            UserError, f"^Order {order.name} cannot be confirmed yet: the payment method; full or partial delivery\\.$"
        ):
            order.action_confirm()
        order.write({"playbook_payment_method": "cash", "playbook_delivery_scope": "partial"})
        order.action_confirm()
        self.assertEqual(
            (order.state, order.playbook_payment_method, order.playbook_delivery_scope), ("sale", "cash", "partial")
        )
        labels = dict(order._fields["playbook_payment_method"]._description_selection(self.env))
        self.assertEqual(labels, {"cash": "Cash", "transfer": "Bank Transfer"})

    def paid_invoice(self, order):
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": invoice.invoice_date}
        )._create_payments()
        return invoice

    def test_paid_invoice_goes_to_purchasing_with_the_supplier_bill(self):
        """2. ШАГ Оплаченный счет клиента с прикрепленным счетом (или счетами) от поставщика относим на оплату. См.
        схему проведения закупки. Менеджер"""
        self.company.playbook_purchasing_user_id = self.buyer
        supplier_file = self.env["ir.attachment"].create(
            {"name": "supplier-bill-17.pdf", "datas": base64.b64encode(b"%PDF-1.4 bill")}
        )
        order = self.order(
            playbook_supplier_answer="available", playbook_supplier_attachment_ids=[(6, 0, supplier_file.ids)]
        )
        invoice = self.paid_invoice(order)
        [task] = invoice.activity_ids.filtered(lambda activity: activity.user_id == self.buyer)
        self.assertEqual(task.summary, f"Pay the supplier for {order.name}")
        self.assertIn(f"Client invoice {invoice.name} is paid", task.note)
        note = invoice.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(note.attachment_ids.mapped("name"), ["supplier-bill-17.pdf"], "the supplier's bill goes along")
        self.assertEqual((note.attachment_ids.res_model, note.attachment_ids.res_id), ("account.move", invoice.id))
        without_bill = self.paid_invoice(self.order())
        self.assertFalse(
            without_bill.activity_ids.filtered(lambda activity: activity.user_id == self.buyer),
            "an order without the supplier's bill has nothing for purchasing",
        )

    def test_purchasing_defaults_to_the_deputy_director(self):
        """2. ШАГ Оплаченный счет клиента с прикрепленным счетом (или счетами) от поставщика относим на оплату. См.
        схему проведения закупки. Менеджер"""
        self.company.playbook_deputy_director_id = self.user_support
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.partner.id,
                "invoice_date": "2026-11-20",
                "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 700})],
            }
        )
        invoice = self.paid_invoice(self.order(playbook_supplier_bill_id=bill.id))
        [task] = invoice.activity_ids.filtered(lambda activity: activity.user_id == self.user_support)
        self.assertIn(f"Supplier's bill: {bill.display_name}", task.note)

    def test_delivery_documents_are_named_or_attached(self):
        """1. ШАГ После поступления денежных средств от клиента, менеджер распечатывает Счет, С-Ф, ТОРГ-12 в 1С. – при
        условии доставки сразу. Если доставка осуществляется не сразу, то документы распечатываются в день доставки
        или вечером перед днем доставки. Менеджер
        2. ШАГ Данный комплект документов передается водителю, который осуществляет доставку. См. схему Порядок
        оформления документов в 1С. Менеджер."""
        order = self.order(playbook_executor_id=self.executor.id)
        order.action_confirm()
        as_executor = order.with_user(self.executor)
        with self.assertRaisesRegex(UserError, f"Order {order.name}: name the delivery documents"):
            as_executor.action_playbook_docs_printed()
        self.assertFalse(order.playbook_docs_printed_on)
        as_executor.playbook_delivery_doc_names = "Invoice 17, VAT invoice 17, TORG-12 no. 17"
        with self.pinned_time(MON_1100_MSK):
            as_executor.action_playbook_docs_printed()
        with self.assertRaisesRegex(UserError, f"Order {order.name}: enter who took the delivery documents"):
            as_executor.action_playbook_docs_handed()
        as_executor.playbook_docs_handed_to = "Driver Ivan Petrov"
        with self.pinned_time(MON_1100_MSK + timedelta(hours=2)):
            as_executor.action_playbook_docs_handed()
        self.assertEqual(
            (order.playbook_docs_printed_on, order.playbook_docs_handed_on),
            (MON_1100_MSK, MON_1100_MSK + timedelta(hours=2)),
        )
        notes = order.message_ids.filtered(lambda m: "Delivery documents" in (m.body or "")).mapped("body")
        self.assertEqual(
            sorted(notes),
            [
                "<p>Delivery documents handed to Driver Ivan Petrov: Invoice 17, VAT invoice 17, TORG-12 no. 17.</p>",
                "<p>Delivery documents printed: Invoice 17, VAT invoice 17, TORG-12 no. 17.</p>",
            ],
        )
        attached = self.order()
        attached.action_confirm()
        attached.playbook_delivery_doc_ids = self.attachment("waybill-18.pdf")
        attached.action_playbook_docs_printed()
        self.assertIn("waybill-18.pdf", attached.message_ids[0].body, "an attached file names itself")
