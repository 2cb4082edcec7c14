from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MON_1100_MSK, ORDER_READY, DealCase


@tagged("post_install", "-at_install")
class TestApprovalByActivity(DealCase):
    """Marking the approver's activity done approves; a pending request goes up to the team leader (EV-6, EV-8)."""

    def order(self, approver=None, **values):
        return self.env["sale.order"].create(
            dict(
                {
                    "partner_id": self.person.id,
                    "team_id": self.team_a.id,
                    "user_id": self.user_salesperson.id,
                    **ORDER_READY,
                    "playbook_requires_approval": True,
                    "playbook_approver_id": (approver or self.user_regular).id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
                },
                **values,
            )
        )

    def proposal(self, lead):
        return (
            self.env["crm.lead.proposal"]
            .with_user(self.user_salesperson)
            .create(
                {
                    "lead_id": lead.id,
                    "name": "Online reporting offer",
                    "requires_approval": True,
                    "approver_id": self.user_regular.id,
                    "attachment_ids": [(6, 0, self.attachment().ids)],
                }
            )
        )

    def activity_of(self, record, user):
        return record.activity_ids.filtered(lambda activity: activity.user_id == user)

    def test_approver_marking_the_activity_done_approves_the_order(self):
        """! При завершении документа «событие» с темой «согласовать заказ», статус в заказе, на основании которого
        создан данный документ меняется на «согласовано»"""
        order = self.order()
        with self.pinned_time(MON_1100_MSK):
            order.action_confirm()
        [followup] = self.env["crm.lead.followup"].search([("order_id", "=", order.id)])
        activity = self.activity_of(order, self.user_regular)
        self.assertEqual(activity.summary, f"Approve order {order.name}")
        activity.with_user(self.user_regular).action_feedback(feedback="Fine by me")
        self.assertEqual(
            (order.playbook_approval_state, followup.state, order.state),
            ("approved", "done", "draft"),
            "done by the approver, the activity approves the order; the salesperson confirms it",
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_someone_else_marking_the_activity_done_is_refused(self):
        """! При завершении документа «событие» с темой «согласовать заказ», статус в заказе, на основании которого
        создан данный документ меняется на «согласовано»"""
        order = self.order()
        order.action_confirm()
        [followup] = self.env["crm.lead.followup"].search([("order_id", "=", order.id)])
        activity = self.activity_of(order, self.user_regular)
        with self.assertRaises(UserError) as refusal:  # assertRaises rolls the attempt back, as a request would
            activity.with_user(self.user_salesperson).action_feedback(feedback="approved, trust me")
        self.assertEqual(str(refusal.exception), f"Only Pb Regular may approve or reject order {order.name}.")
        self.env.invalidate_all()
        self.assertEqual(
            (order.playbook_approval_state, followup.state, activity.exists()),
            ("pending", "pending", activity),
            "the author's click changed nothing",
        )
        activity.with_user(self.user_admin).action_feedback()
        self.assertEqual(order.playbook_approval_state, "approved", "a CRM administrator holds the approver's right")

    def test_approver_marking_the_proposal_activity_done_approves_it(self):
        """! Если требуется утверждение к.п. руководителем, то менеджер создаёт «в ручную» событие (на основании) и
        отправляет сотруднику, который утверждает, с темой «Утверждение К.П.»"""
        lead = self.contacted_lead()
        proposal = self.proposal(lead)
        proposal.action_request_approval()
        activity = self.activity_of(lead, self.user_regular)
        self.assertEqual(activity.summary, "Approve the proposal Online reporting offer")
        activity.with_user(self.user_regular).action_done()
        self.assertEqual(proposal.state, "approved")
        proposal.action_send()
        self.assertEqual(proposal.state, "sent")

    def test_reject_asks_for_the_reason_and_tells_the_author(self):
        order = self.order()
        order.action_confirm()
        action = order.with_user(self.user_regular).action_playbook_reject()
        self.assertEqual((action["res_model"], order.playbook_approval_state), ("crm.approval.reject", "pending"))
        wizard = Form(self.env["crm.approval.reject"].with_user(self.user_regular).with_context(**action["context"]))
        with self.assertRaisesRegex(AssertionError, "reason"):
            wizard.save()
        wizard.reason = "The discount is above 10 %"
        wizard.save().action_reject()
        self.assertEqual(order.playbook_approval_state, "rejected")
        message = order.message_ids.filtered(lambda m: "Rejected by Pb Regular" in (m.body or ""))
        self.assertEqual(message.partner_ids, self.user_salesperson.partner_id, "the author is told why")
        self.assertIn("The discount is above 10 %", message.body)
        with self.assertRaisesRegex(UserError, "Say why"):
            self.order()._playbook_decide(False, reason="  ")

    def test_pending_request_reminds_the_approver_then_the_team_leader_once_each(self):
        """Далее менеджер выбирает ответственное лицо (кто будет согласовывать) и при записи, автоматически
        рождается документ «напоминание» с основанием этого события и периодом 5 минут."""
        order = self.order()
        with self.pinned_time(MON_1100_MSK):
            order.action_confirm()
        [followup] = self.env["crm.lead.followup"].search([("order_id", "=", order.id)])
        due, escalate = MON_1100_MSK + timedelta(minutes=5), MON_1100_MSK + timedelta(minutes=10)
        self.assertEqual((followup.date_due, followup.escalate_at), (due, escalate))
        cron = self.env.ref("crm_sales_playbook.crm_lead_followup_cron_escalate_approvals")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id), ("call_at", "=", escalate)]),
            "the escalation cron is woken at the minute",
        )
        Followup = self.env["crm.lead.followup"]

        def told(subject):
            return self.env["mail.message"].search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id), ("subject", "=like", subject + "%")]
            )

        with self.pinned_time(due - timedelta(minutes=1)):
            self.assertEqual((Followup._cron_remind(), Followup._cron_escalate_approvals()), (0, 0))
        with self.pinned_time(due):
            self.assertEqual((Followup._cron_remind(), Followup._cron_escalate_approvals()), (1, 0))
        self.assertEqual(told("Due now").partner_ids, self.user_regular.partner_id, "the approver first")
        with self.pinned_time(escalate - timedelta(minutes=1)):
            self.assertEqual((Followup._cron_remind(), Followup._cron_escalate_approvals()), (0, 0))
        with self.pinned_time(escalate):
            self.assertEqual(Followup._cron_escalate_approvals(), 1)
            self.assertEqual(Followup._cron_escalate_approvals(), 0, "once")
        self.assertEqual(
            (told("Approval waiting").partner_ids, followup.escalated_at),
            (self.user_head.partner_id, escalate),
            "then the leader of the approver's team",
        )
        self.assertEqual(len(told("Due now")), 1, "the approver was reminded once")

    def test_a_decided_request_goes_up_to_nobody(self):
        order = self.order()
        with self.pinned_time(MON_1100_MSK):
            order.action_confirm()
        order.with_user(self.user_regular).action_playbook_approve()
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=10)):
            self.assertEqual(self.env["crm.lead.followup"]._cron_escalate_approvals(), 0)

    def test_an_approver_leading_the_team_goes_up_to_the_deputy_director(self):
        self.company.playbook_deputy_director_id = self.user_support
        order = self.order(approver=self.user_head)
        with self.pinned_time(MON_1100_MSK):
            order.action_confirm()
        with self.pinned_time(MON_1100_MSK + timedelta(minutes=10)):
            self.assertEqual(self.env["crm.lead.followup"]._cron_escalate_approvals(), 1)
        message = self.env["mail.message"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("subject", "=like", "Approval waiting%")]
        )
        self.assertEqual(message.partner_ids, self.user_support.partner_id)

    def test_escalation_date_cannot_be_written(self):
        order = self.order()
        order.action_confirm()
        [followup] = self.env["crm.lead.followup"].search([("order_id", "=", order.id)])
        with self.assertRaisesRegex(UserError, "asking for the approval sets it"):
            followup.with_user(self.user_regular).escalate_at = MON_1100_MSK
