from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import MON_1100_MSK, ORDER_READY, PLAYBOOK, DealCase


@tagged("post_install", "-at_install")
class TestNextSteps(DealCase):
    """The lead form offers exactly the next steps of its stage (EV-5)."""

    def test_allowed_next_steps_per_stage(self):
        expected = {
            self.stage_new: (False, False, False),
            self.stage_contact: (True, True, True),
            self.stage_proposal: (False, True, True),
            self.stage_meeting: (False, False, True),
        }
        for stage, flags in expected.items():
            lead = self.lead()
            if stage != self.stage_new:
                self.log_call(lead)
                lead.stage_id = stage
            self.assertEqual(
                (lead.playbook_can_propose, lead.playbook_can_meet, lead.playbook_can_order), flags, stage.name
            )
        other = self.create_lead(team_id=self.team_b.id, stage_id=self.stage_new.id)
        self.assertEqual(
            (other.playbook_can_propose, other.playbook_can_meet, other.playbook_can_order),
            (False, False, True),
            "teams without the rules keep Odoo's form and quotation button",
        )

    def test_steps_out_of_order_are_refused(self):
        lead = self.contacted_lead(stage=self.stage_meeting, name="Met")
        with self.assertRaisesRegex(
            UserError,
            "Lead Met is at stage Meeting: a commercial proposal is not a next "
            "step here \\(allowed: an order, a refusal\\)",
        ):
            lead.action_open_proposal()
        new = self.lead(name="Fresh", phone="+7 912 604-18-51")  # another client (PP-8)
        with self.assertRaisesRegex(UserError, "Lead Fresh is at stage New: an order is not a next step"):
            new.action_sale_quotations_new()
        with self.assertRaisesRegex(UserError, "a meeting is not a next step"):
            new.action_schedule_meeting()

    def test_meeting_with_the_agent_counts_as_contact_when_held(self):
        lead = self.lead(partner_id=self.client.id, user_id=self.user_regular.id)
        self.log_call(lead)
        lead.stage_id = self.stage_contact
        action = lead.action_schedule_meeting()
        self.assertIn(self.user_regular.partner_id.id, action["context"]["default_partner_ids"])
        # Another client: a second lead without a product of the same client would be the same request (PP-8).
        fresh = self.lead(partner_id=self.person.id, phone="+7 912 604-18-51")
        meeting = self.env["calendar.event"].create(
            {
                "name": "Visit",
                "opportunity_id": fresh.id,
                "playbook_direction": "outgoing",
                "start": MON_1100_MSK,
                "stop": MON_1100_MSK + timedelta(hours=1),
            }
        )
        with self.assertRaisesRegex(Exception, "cannot go in work"):
            fresh.stage_id = self.stage_contact
        self.env.cr.clear()
        meeting.action_playbook_done()
        fresh.stage_id = self.stage_contact
        self.assertEqual(fresh.work_status, "in_work", "a held meeting is a contact")
        with self.assertRaisesRegex(UserError, "The meeting was held"):
            meeting.start = MON_1100_MSK + timedelta(days=1)

    def test_consultation_task_for_a_specialist(self):
        lead = self.contacted_lead()
        self.env["crm.lead.consultation"].create(
            {
                "lead_id": lead.id,
                "specialist_id": self.user_legal.id,
                "note": "Check the licence terms",
            }
        ).action_request()
        [activity] = lead.activity_ids.filtered(lambda a: a.user_id == self.user_legal)
        self.assertEqual(activity.activity_type_id, self.env.ref("crm_sales_playbook.mail_activity_type_consultation"))
        self.assertIn("Prospect consultation", activity.summary)


@tagged("post_install", "-at_install")
class TestProposal(DealCase):
    """Commercial proposals with attachment and approval (EV-6)."""

    def proposal(self, lead, **values):
        return (
            self.env["crm.lead.proposal"]
            .with_user(self.user_salesperson)
            .create(
                dict(
                    {"lead_id": lead.id, "name": "Online reporting offer", "body": "<p>Our offer attached.</p>"},
                    **values,
                )
            )
        )

    def test_sent_with_attachment_moves_the_lead(self):
        lead = self.contacted_lead()
        proposal = self.proposal(lead)
        with self.assertRaisesRegex(UserError, "Attach the proposal itself"):
            proposal.action_send()
        proposal.attachment_ids = self.attachment()
        proposal.action_send()
        self.assertEqual((proposal.state, lead.stage_id), ("sent", self.stage_proposal))
        message = lead.message_ids.filtered(lambda m: m.subject == "Online reporting offer")
        self.assertEqual(message.partner_ids, self.client)
        self.assertEqual(message.attachment_ids.mapped("name"), ["proposal.pdf"])
        self.assertEqual(lead.proposal_count, 1)
        with self.assertRaisesRegex(UserError, "history"):
            proposal.body = "<p>changed</p>"

    def test_approval_with_reminder_rejection_and_approval(self):
        lead = self.contacted_lead()
        proposal = self.proposal(
            lead, requires_approval=True, approver_id=self.user_head.id, attachment_ids=[(6, 0, self.attachment().ids)]
        )
        self.flush_tracking()
        with self.assertRaisesRegex(UserError, "must be approved before it is sent"):
            proposal.action_send()
        with self.pinned_time(MON_1100_MSK):
            proposal.action_request_approval()
            self.flush_tracking()
        [followup] = self.env["crm.lead.followup"].search([("proposal_id", "=", proposal.id)])
        self.assertEqual(
            (followup.kind, followup.user_id, followup.date_due),
            ("approve_proposal", self.user_head, MON_1100_MSK + timedelta(minutes=5)),
        )
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=5)):
            self.assertEqual(self.env["crm.lead.followup"]._cron_remind(), 1, "the approver is reminded at 5 min")
        with self.assertRaisesRegex(UserError, "Only Pb Head may approve or reject"):
            proposal.with_user(self.user_salesperson).action_approve()
        action = proposal.with_user(self.user_head).action_reject()
        self.env["crm.approval.reject"].with_user(self.user_head).with_context(**action["context"]).create(
            {"reason": "Price too low"}
        ).action_reject()
        self.flush_tracking()
        self.assertEqual((proposal.state, followup.state), ("rejected", "cancelled"))
        proposal.action_request_approval()
        self.flush_tracking()
        proposal.with_user(self.user_head).action_approve()
        self.flush_tracking()
        proposal.action_send()
        self.assertEqual(proposal.state, "sent")
        self.flush_tracking()
        states = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "crm.lead.proposal"),
                    ("mail_message_id.res_id", "=", proposal.id),
                    ("field_id.name", "=", "state"),
                ],
                order="id",
            )
            .mapped("new_value_char")
        )
        self.assertEqual(states, ["Waiting for Approval", "Rejected", "Waiting for Approval", "Approved", "Sent"])


@tagged("post_install", "-at_install")
class TestOrders(DealCase):
    """Orders: approval, contract, executor, supplier, documents (EV-8, EV-9, EV-10, ST-5, ST-6, ST-8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.executor = new_test_user(cls.env, login="pb_exec", name="Pb Exec", groups=PLAYBOOK + "execution")
        cls.executor_2 = new_test_user(cls.env, login="pb_exec_2", name="Pb Exec 2", groups=PLAYBOOK + "execution")
        cls.execution_head = new_test_user(
            cls.env, login="pb_exec_head", name="Pb Exec Head", groups=PLAYBOOK + "execution_head"
        )

    def order(self, partner=None, **values):
        return self.env["sale.order"].create(
            dict(
                {
                    "partner_id": (partner or self.client).id,
                    "team_id": self.team_a.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
                    **ORDER_READY,
                },
                **values,
            )
        )

    def test_contract_for_legal_entities_never_for_individuals(self):
        order = self.order()
        with self.assertRaisesRegex(
            UserError, f"Order {order.name} cannot be confirmed yet: the contract and its date \\(legal entity\\)\\.$"
        ):
            order.action_confirm()
        order.write({"playbook_contract_ref": "D-17/2026", "playbook_contract_date": "2026-11-20"})
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        individual = self.order(partner=self.person)
        individual.action_confirm()
        self.assertEqual(individual.state, "sale", "no contract for an individual")
        other_team = self.order(team_id=self.team_b.id)
        other_team.action_confirm()
        self.assertEqual(other_team.state, "sale", "teams without the rules keep Odoo's confirmation")

    def test_approval_before_confirmation(self):
        order = self.order(partner=self.person, playbook_requires_approval=True, playbook_approver_id=self.user_head.id)
        with self.pinned_time(MON_1100_MSK):
            action = order.action_confirm()
        self.assertEqual((order.state, order.playbook_approval_state), ("draft", "pending"))
        self.assertEqual(action["params"]["type"], "warning")
        [followup] = self.env["crm.lead.followup"].search([("order_id", "=", order.id)])
        self.assertEqual(
            (followup.user_id, followup.date_due, followup.kind),
            (self.user_head, MON_1100_MSK + timedelta(minutes=5), "approve_order"),
        )
        self.assertIn("Customer: Pavel Sidorov, contact: Pavel Sidorov", followup.note)
        self.assertTrue(order.activity_ids.filtered(lambda a: a.user_id == self.user_head))
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=5)):
            self.assertEqual(self.env["crm.lead.followup"]._cron_remind(), 1)
        reminder = self.env["mail.message"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("subject", "=like", "Due now%")]
        )
        self.assertEqual(reminder.partner_ids, self.user_head.partner_id, "the approver is reminded at 5 min")
        with self.assertRaisesRegex(UserError, "is waiting for Pb Head"):
            order.action_confirm()
        order.with_user(self.user_head).action_playbook_approve()
        order.action_confirm()
        self.assertEqual((order.state, followup.state), ("sale", "done"))

    def test_rejected_order_is_not_confirmed(self):
        order = self.order(partner=self.person, playbook_requires_approval=True, playbook_approver_id=self.user_head.id)
        order.action_confirm()
        action = order.with_user(self.user_head).action_playbook_reject()
        self.env["crm.approval.reject"].with_user(self.user_head).with_context(**action["context"]).create(
            {"reason": "Not this month"}
        ).action_reject()
        self.assertEqual((order.state, order.playbook_approval_state), ("draft", "rejected"))

    def test_executor_lists(self):
        mine = self.order(partner=self.person, playbook_executor_id=self.executor.id)
        nobody = self.order(partner=self.person)
        (mine | nobody).action_confirm()
        self.assertEqual(nobody.playbook_executor_id, self.execution_head, "unknown executor: the head")
        self.assertTrue(mine.activity_ids.filtered(lambda a: a.user_id == self.executor), "a reminder")
        domain = self.env.ref("crm_sales_playbook.sale_order_action_new_orders").domain
        orders = self.env["sale.order"].with_user(self.executor).search(eval(domain))  # noqa: S307
        self.assertEqual(orders, mine)
        self.assertFalse(self.env["sale.order"].with_user(self.executor_2).search(eval(domain)))  # noqa: S307
        self.assertEqual(
            self.env["sale.order"].with_user(self.execution_head).search(eval(domain)),  # noqa: S307
            mine | nobody,
        )

    def test_lead_source_stays_for_new_clients_only(self):
        source = self.source["demo_order"]
        first = self.order(partner=self.person, source_id=source.id)
        self.assertEqual(first.source_id, source, "a new client keeps the source")
        first.action_confirm()
        second = self.order(partner=self.person, source_id=source.id)
        self.assertFalse(second.source_id, "a client who bought before does not")

    def test_supplier_step_before_invoicing(self):
        self.company.playbook_require_supplier_step = True
        order = self.order(partner=self.person)
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "record the supplier's availability answer"):
            order._create_invoices()
        order.write(
            {
                "playbook_supplier_answer": "available",
                "playbook_supplier_attachment_ids": [(6, 0, self.attachment("supplier.pdf").ids)],
            }
        )
        self.assertTrue(order._create_invoices())

    def test_delivery_documents(self):
        order = self.order(partner=self.person)
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "print the delivery documents before"):
            order.action_playbook_docs_handed()
        order.write({"playbook_delivery_doc_names": "Invoice 17, waybill 17", "playbook_docs_handed_to": "Driver Ivan"})
        with self.pinned_time(MON_1100_MSK):
            order.action_playbook_docs_printed()
            order.action_playbook_docs_handed()
        self.assertEqual((order.playbook_docs_printed_on, order.playbook_docs_handed_on), (MON_1100_MSK, MON_1100_MSK))


@tagged("post_install", "-at_install")
class TestPayment(DealCase):
    """A paid invoice closes the lead (ST-7, PP-5, PP-7)."""

    def invoice(self, lead):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "opportunity_id": lead.id,
                "team_id": lead.team_id.id,
                **ORDER_READY,
                "playbook_contract_ref": "D-1",
                "playbook_contract_date": "2026-11-01",
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def pay(self, invoice, amount=None):
        values = {"payment_date": invoice.invoice_date}
        if amount:
            values["amount"] = amount
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            values
        )._create_payments()

    def test_payment_wins_the_lead_and_extends_the_reservation(self):
        lead = self.contacted_lead(stage=self.stage_order, deal_type="connection", product_id=self.product.id)
        invoice = self.invoice(lead)
        self.pay(invoice)
        self.assertEqual(lead.work_status, "won")
        self.assertTrue(any(f"Invoice {invoice.name} is paid" in body for body in lead.message_ids.mapped("body")))
        self.assertTrue(
            self.env["mail.mail"].search(
                [("model", "=", "account.move"), ("res_id", "=", invoice.id), ("subject", "=like", "Payment received%")]
            )
        )
        self.assertTrue(lead.reservation_id.is_paid, "the reservation is now held by the paid invoice")

    def test_a_lead_that_cannot_be_won_does_not_stop_the_payment(self):
        # A renewal lead still New with a fake phone: winning it would take it out of New.
        lead = self.lead(
            partner_id=self.client.id,
            deal_type="renewal",
            product_id=self.product.id,
            phone="+7 999 999-99-99",
            email_from=False,
        )
        invoice = self.invoice(lead)
        self.pay(invoice)
        self.assertEqual((invoice.payment_state, lead.work_status), ("paid", "new"))
        self.assertTrue(any("could not be marked won" in body for body in lead.message_ids.mapped("body")))

    def test_partial_payment_does_not(self):
        lead = self.contacted_lead(stage=self.stage_order, deal_type="connection", product_id=self.product.id)
        invoice = self.invoice(lead)
        self.pay(invoice, amount=invoice.amount_total / 2)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(lead.work_status, "in_work")
