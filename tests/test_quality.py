from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class QualityCase(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Call = cls.env["crm.quality.call"]
        cls.Complaint = cls.env["crm.quality.complaint"]
        cls.company.write(
            {
                "playbook_qc_call_days": 7,
                "playbook_deputy_director_id": cls.user_head.id,
                "playbook_qc_operator_id": False,
            }
        )
        cls.tiles = cls.env["product.product"].create(
            {"name": "Ceramic Tile 30x30", "type": "consu", "list_price": 12.0, "invoice_policy": "order"}
        )
        cls.category = cls.env.ref("crm_sales_playbook.complaint_category_delivery_damage")

    def order(self, product=None, team=None, **values):
        vals = {
            "partner_id": self.partner.id,
            "team_id": (team or self.team_b).id,
            "user_id": self.user_salesperson_b.id,
            "order_line": [(0, 0, {"product_id": (product or self.tiles).id, "product_uom_qty": 40})],
        }
        vals.update(values)
        order = self.env["sale.order"].create(vals)
        order.action_confirm()
        return order

    def plan(self, day):
        with self.pinned_time(datetime.combine(day, datetime.min.time()).replace(hour=4)):
            return self.Call._cron_plan_calls()


class TestQualityCallPlanning(QualityCase):
    def test_call_planned_on_the_day_and_only_once(self):
        order = self.order(playbook_delivered_on=date(2026, 11, 2))
        self.assertFalse(self.plan(date(2026, 11, 8)), "not before the seventh day")
        call = self.plan(date(2026, 11, 9))
        self.assertEqual(len(call), 1)
        self.assertEqual(call.order_id, order)
        self.assertEqual(call.date_planned, date(2026, 11, 9))
        self.assertEqual(call.base_date, date(2026, 11, 2))
        self.assertEqual(call.user_id, self.user_operator, "the company's call-center operator")
        self.assertEqual(call.script_id, self.env.ref("crm_sales_playbook.crm_call_script_quality_control"))
        self.assertEqual(order.playbook_qc_call_id, call)
        [activity] = call.activity_ids
        self.assertEqual((activity.user_id, activity.date_deadline), (self.user_operator, date(2026, 11, 9)))
        self.assertEqual(activity.activity_type_id, self.env.ref("crm_sales_playbook.mail_activity_type_quality_call"))
        self.assertFalse(self.plan(date(2026, 11, 10)), "never twice")
        self.assertEqual(self.Call.search_count([("order_id", "=", order.id)]), 1)

    def test_a_day_off_moves_the_call_to_the_next_working_day(self):
        order = self.order(playbook_delivered_on=date(2026, 11, 7))  # + 7 days = Saturday 14th
        self.assertFalse(self.plan(date(2026, 11, 14)))
        call = self.plan(date(2026, 11, 16))
        self.assertEqual((call.order_id, call.date_planned), (order, date(2026, 11, 16)))

    def test_a_missed_day_is_planned_today(self):
        self.order(playbook_delivered_on=date(2026, 11, 2))
        call = self.plan(date(2026, 11, 12))
        self.assertEqual(call.date_planned, date(2026, 11, 12))

    def test_services_count_from_the_invoice_goods_from_the_delivery(self):
        service = self.order(product=self.product)
        goods = self.order()
        for order in (service, goods):
            invoice = order._create_invoices()
            invoice.invoice_date = date(2026, 11, 2)
            invoice.action_post()
        self.assertEqual(
            self.plan(date(2026, 11, 9)).order_id,
            service,
            "goods not delivered yet: no call however long ago they were invoiced",
        )
        goods.playbook_delivered_on = date(2026, 11, 5)
        self.assertFalse(self.plan(date(2026, 11, 11)))
        self.assertEqual(self.plan(date(2026, 11, 12)).order_id, goods)

    def test_the_operator_with_fewer_calls_gets_the_next(self):
        second = self.env["res.users"].create(
            {
                "name": "Second Operator",
                "login": "pb_operator_2",
                "groups_id": [(6, 0, self.env.ref("crm_sales_playbook.group_crm_sales_playbook_operator").ids)],
            }
        )
        first = self.order(playbook_delivered_on=date(2026, 11, 2))
        first_call = self.plan(date(2026, 11, 9))
        self.order(playbook_delivered_on=date(2026, 11, 2))
        other_call = self.plan(date(2026, 11, 9))
        self.assertEqual(first_call.order_id, first)
        self.assertEqual((first_call | other_call).user_id, self.user_operator | second)
        self.company.playbook_qc_operator_id = self.user_regular
        self.order(playbook_delivered_on=date(2026, 11, 2))
        self.assertEqual(self.plan(date(2026, 11, 9)).user_id, self.user_regular, "the operator set wins")

    def test_zero_days_turns_the_calls_off(self):
        self.company.playbook_qc_call_days = 0
        self.order(playbook_delivered_on=date(2026, 11, 2))
        self.assertFalse(self.plan(date(2026, 11, 30)))

    def test_mark_delivered_sets_today(self):
        order = self.order()
        with self.pinned_time(datetime(2026, 11, 3, 10, 0)):
            order.action_playbook_mark_delivered()
        self.assertEqual(order.playbook_delivered_on, date(2026, 11, 3))


class TestQualityOutcome(QualityCase):
    def planned_call(self):
        self.order(playbook_delivered_on=date(2026, 11, 2))
        return self.plan(date(2026, 11, 9))

    def test_positive_outcome_thanks_the_client(self):
        call = self.planned_call()
        call.with_user(self.user_operator).action_positive()
        self.assertEqual(call.state, "positive")
        self.assertFalse(call.activity_ids, "the call activity is done")
        self.assertFalse(call.complaint_id)
        self.assertIn("the client is satisfied and was thanked", call.order_id.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already positive"):
            call.action_negative()

    def test_negative_outcome_records_a_complaint_for_management(self):
        call = self.planned_call().with_user(self.user_operator)
        with self.assertRaisesRegex(UserError, "Write the essence of the complaint"):
            call.action_negative()
        call.write(
            {"complaint_essence": "Twelve tiles cracked in transport.", "complaint_category_id": self.category.id}
        )
        call.action_negative()
        complaint = call.complaint_id
        self.assertEqual(call.state, "negative")
        self.assertRegex(complaint.name, r"^CMP/\d{4}/\d{4}$")
        self.assertEqual(
            (
                complaint.partner_id,
                complaint.order_id,
                complaint.product_id,
                complaint.user_id,
                complaint.category_id,
                complaint.recorded_by_id,
            ),
            (self.partner, call.order_id, self.tiles, self.user_salesperson_b, self.category, self.user_operator),
        )
        self.assertEqual(complaint.essence, "Twelve tiles cracked in transport.")
        [activity] = complaint.sudo().activity_ids
        self.assertEqual(activity.user_id, self.user_head, "management (the deputy director) is told")

    def test_complaint_becomes_a_claim(self):
        call = self.planned_call()
        invoice = call.order_id._create_invoices()
        invoice.action_post()
        call.write({"complaint_essence": "Wrong colour delivered."})
        call.action_negative()
        complaint = call.complaint_id
        action = complaint.with_user(self.user_head).action_make_claim()
        claim = self.env["crm.customer.claim"].browse(action["res_id"])
        self.assertEqual(
            (
                claim.partner_id,
                claim.order_id,
                claim.invoice_id,
                claim.essence,
                claim.complaint_id,
                claim.team_id,
                claim.user_id,
            ),
            (self.partner, call.order_id, invoice, "Wrong colour delivered.", complaint, self.team_b, self.user_head),
        )
        self.assertEqual(complaint.state, "claim")
        with self.assertRaisesRegex(UserError, "already claim"):
            complaint.action_make_claim()

    def test_complaints_report_by_period_product_salesperson_category(self):
        other = self.env.ref("crm_sales_playbook.complaint_category_product")
        for category, when in (
            (self.category, datetime(2026, 10, 5)),
            (self.category, datetime(2026, 11, 5)),
            (other, datetime(2026, 11, 6)),
        ):
            self.Complaint.create(
                {
                    "partner_id": self.partner.id,
                    "essence": "x",
                    "category_id": category.id,
                    "product_id": self.tiles.id,
                    "user_id": self.user_salesperson_b.id,
                    "date": when,
                }
            )
        groups = self.Complaint._read_group(
            [("product_id", "=", self.tiles.id)], ["date:month", "category_id", "user_id"], ["__count"]
        )
        counts = {
            (month.strftime("%Y-%m"), category.name, user.login): count for month, category, user, count in groups
        }
        self.assertEqual(
            counts,
            {
                ("2026-10", self.category.name, "pb_salesperson_b"): 1,
                ("2026-11", self.category.name, "pb_salesperson_b"): 1,
                ("2026-11", other.name, "pb_salesperson_b"): 1,
            },
        )
        action = self.env.ref("crm_sales_playbook.crm_quality_complaint_action_report")
        self.assertEqual(action.view_mode.split(",")[:2], ["pivot", "graph"])

    def test_closing_needs_a_resolution(self):
        complaint = self.Complaint.create({"partner_id": self.partner.id, "essence": "Late by a week."})
        with self.assertRaisesRegex(UserError, "how the complaint was resolved"):
            complaint.action_close()
        complaint.resolution = "Apologised; discount on the next order."
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")


class TestQualityAccess(QualityCase):
    def test_who_sees_complaints_and_calls(self):
        order = self.order(playbook_delivered_on=date(2026, 11, 2), team=self.team_a, user_id=self.user_salesperson.id)
        call = self.plan(date(2026, 11, 9))
        call.complaint_essence = "Damaged boxes."
        call.action_negative()
        complaint = call.complaint_id
        other_company = self.Complaint.create(
            {"partner_id": self.partner.id, "essence": "Elsewhere", "company_id": self.company_2.id}
        )
        expected = {
            self.user_salesperson: (True, True),  # its order's salesperson
            self.user_salesperson_b: (False, False),
            self.user_operator: (False, True),  # makes the quality calls, did not record this complaint
            self.user_head: (True, True),  # team A
            self.user_legal: (True, False),
            self.user_support: (True, True),
            self.user_admin: (True, True),
        }
        for user, (sees_complaint, sees_call) in expected.items():
            with self.subTest(user=user.login):
                found = self.Complaint.with_user(user).search([("id", "in", (complaint | other_company).ids)])
                self.assertEqual(found, complaint if sees_complaint else self.Complaint)
                self.assertEqual(bool(self.Call.with_user(user).search([("id", "=", call.id)])), sees_call)
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_legal).write({"resolution": "Not for legal to close."})
        with self.assertRaises(AccessError):
            self.Call.with_user(self.user_operator).create(
                {"order_id": order.id, "partner_id": self.partner.id, "date_planned": date(2026, 11, 9)}
            )
