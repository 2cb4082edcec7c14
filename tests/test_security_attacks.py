"""Attacks on the trust boundaries of each role (X-SEC), each tried as the weakest role able to try it.

Every test performs one attack, asserts that it is refused with an AccessError or a UserError, and that
nothing changed, in the attacker's company and in the other one. ``TestAttacksOverXmlRpc`` repeats the
external-API ones through XML-RPC, the way an integration or a curious user would try them.
"""

import base64
import xmlrpc.client
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import ORDER_READY, PLAYBOOK, PlaybookCase

REFUSED = (AccessError, UserError, ValidationError)
REAL_PHONE = "+7 912 604-18-37"
LEAD_FIELDS = (
    "name",
    "temperature",
    "email_from",
    "email_cc",
    "phone",
    "mobile",
    "team_id",
    "user_id",
    "company_id",
    "stage_id",
    "active",
    "sla_escalated",
    "date_received",
    "playbook_announced",
    "sla_stopped_at",
    "temperature_manual",
    "blocking_reservation_id",
    "sla_deadline",
    "work_status",
)


class AttackCase(PlaybookCase):
    """Two companies sharing a client; in each an open lead for the same client and product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # Teams belong to a company here, as in a real multi-company database.
        (cls.team_a | cls.team_b).company_id = cls.company
        cls.portal = new_test_user(env, login="pb_portal", groups="base.group_portal", name="Pb Portal")
        cls.employee = new_test_user(env, login="pb_employee", groups="base.group_user", name="Pb Employee")
        cls.head_b = new_test_user(env, login="pb_head_b", groups=PLAYBOOK + "head", name="Pb Head B")
        cls.team_b.user_id = cls.head_b
        cls.support_2 = new_test_user(
            env,
            login="pb_support_2",
            groups=PLAYBOOK + "support",
            name="Pb Support 2",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.user_company_2 = new_test_user(
            env,
            login="pb_user_2",
            groups=PLAYBOOK + "salesperson",
            name="Pb User 2",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.partner.write({"email": "office@uralstroy.ru", "phone": REAL_PHONE})
        cls.lead_1 = cls.env["crm.lead"].create(
            {
                "name": "UralStroy reporting",
                "partner_id": cls.partner.id,
                "product_id": cls.product.id,
                "deal_type": "renewal",
                "team_id": cls.team_a.id,
                "user_id": cls.user_salesperson.id,
                "temperature": "warm",
            }
        )
        cls.lead_b = cls.env["crm.lead"].create(
            {
                "name": "Team B lead",
                "team_id": cls.team_b.id,
                "user_id": cls.user_salesperson_b.id,
                "phone": "+7 912 604-18-40",
            }
        )
        cls.lead_2 = cls.env["crm.lead"].create(
            {
                "name": "UralStroy reporting (company 2)",
                "partner_id": cls.partner.id,
                "product_id": cls.product.id,
                "deal_type": "renewal",
                "team_id": cls.team_company_2.id,
                "company_id": cls.company_2.id,
                "temperature": "warm",
            }
        )
        cls.env.flush_all()

    def snapshot(self, *records, fields_=LEAD_FIELDS):
        """What the records hold, read as the system, with the number of their chatter messages."""
        self.env.cr.flush()  # the tracking of earlier steps is written now, not inside the attack's savepoint
        result = {}
        for given in records:
            record = given.sudo()
            record.invalidate_recordset()
            names = [name for name in fields_ if name in record._fields]
            values = {name: record[name] for name in names}
            if "message_ids" in record._fields:
                values["messages"] = len(record.message_ids)
            result[record] = values
        return result

    def assertNothingChanged(self, before, what):
        self.env.invalidate_all()
        after = {}
        for record, values in before.items():
            after.update(self.snapshot(record, fields_=tuple(name for name in values if name != "messages")))
        self.assertEqual(after, before, f"nothing changed after the attack: {what}")

    @contextmanager
    def assertRefused(self, errors=REFUSED, msg="the attack is refused"):
        """Like assertRaises, for one of several errors; what the attempt wrote is rolled back."""
        try:
            with self.env.cr.savepoint():
                yield
        except errors:
            return
        self.fail(msg)

    def attack(self, user, call, what, errors=REFUSED, *records):
        """Run ``call`` as ``user``: it must be refused and leave ``records`` (both leads by default) as they were."""
        records = records or (self.lead_1, self.lead_2)
        before = self.snapshot(*records)
        with self.assertRefused(errors, msg=f"{user.login}: {what} is refused"):
            call(self.env(user=user))
        self.assertNothingChanged(before, what)


@tagged("post_install", "-at_install")
class TestLeadAttacks(AttackCase):
    def test_merge_needs_the_right_to_create_leads(self):
        """A row that matches an open lead creates nothing; the requester still needs the right to create a
        lead, or any user could make another's lead hot, add himself in copy and post on it (PP-8)."""
        request = {
            "name": "x",
            "partner_id": self.partner.id,
            "product_id": self.product.id,
            "team_id": self.team_a.id,
            "temperature": "hot",
            "email_from": "intruder@example.org",
            "description": '<a href="https://evil.example.org">look</a>',
        }
        for user in (self.portal, self.employee):
            self.attack(user, lambda env: env["crm.lead"].create([dict(request)]), "a merged request")
        self.assertEqual(self.lead_1.temperature, "warm")

    def test_merge_stays_in_the_requesters_companies(self):
        """A request naming another company's team is not merged into that company's lead."""
        request = {
            "name": "x",
            "partner_id": self.partner.id,
            "product_id": self.product.id,
            "team_id": self.team_company_2.id,
            "company_id": self.company_2.id,
            "temperature": "hot",
        }
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead"].create([dict(request)]),
            "a request merged into the other company's lead",
        )
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead"].with_context(allowed_company_ids=[self.company_2.id]).create([dict(request)]),
            "the other company named in context",
        )

    def test_workflow_fields_are_written_by_their_steps_only(self):
        """SLA bookkeeping, announcements, the manual temperature and blocking are the playbook's (X-SEC)."""
        values = {
            "sla_escalated": True,
            "date_received": "2027-06-01 09:00:00",
            "playbook_announced": True,
            "sla_stopped_at": "2026-01-01 09:00:00",
            "temperature_manual": True,
            "sla_status": "met",
            "date_in_work": "2026-01-01 09:00:00",
        }
        for name, value in values.items():
            with self.subTest(field=name):
                self.attack(
                    self.user_salesperson,
                    lambda env, n=name, v=value: env["crm.lead"].browse(self.lead_1.id).write({n: v}),
                    f"writing {name}",
                    UserError,
                )
                self.attack(
                    self.user_salesperson,
                    lambda env, n=name, v=value: env["crm.lead"].create(
                        {"name": "forged", "team_id": self.team_a.id, n: v}
                    ),
                    f"creating with {name}",
                    UserError,
                )
        with self.assertRaisesRegex(UserError, "Breach Escalated of Lead/Opportunity is set by the playbook"):
            self.lead_1.with_user(self.user_salesperson).write({"sla_escalated": True})

    def test_blocked_lead_stays_blocked(self):
        """The owner of a blocked lead cannot unblock it: only the reservations do (PP-4, 3.6)."""
        self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": self.team_b.id,
                "date_end": fields.Date.today() + timedelta(days=30),
                "origin": "manual",
            }
        )
        self.assertTrue(self.lead_1.is_blocked)
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead"].browse(self.lead_1.id).write({"blocking_reservation_id": False}),
            "unblocking by hand",
        )
        self.assertTrue(self.lead_1.is_blocked)

    def test_logged_call_needs_the_lead(self):
        """A salesperson logs calls on its own leads only; the note, follow-up and meeting go nowhere else."""
        before_events = self.env["calendar.event"].search_count([])
        for result, extra in (
            ("reached", {}),
            ("meeting_set", {"meeting_start": "2027-01-11 08:00:00"}),
            ("callback", {"callback_at": "2027-01-11 08:00:00"}),
        ):
            self.attack(
                self.user_salesperson,
                lambda env, r=result, e=extra: env["crm.lead.call"].create(
                    dict({"lead_id": self.lead_b.id, "result": r}, **e)
                ),
                f"a {result} call on another's lead",
                AccessError,
                self.lead_b,
                self.lead_2,
            )
        self.assertEqual(self.env["calendar.event"].search_count([]), before_events, "no meeting was set")
        self.assertFalse(self.lead_b.call_ids)
        self.assertFalse(self.lead_b.followup_ids)

    def test_call_in_someone_elses_name(self):
        """An operator may log calls on any lead it reads, in its own name only."""
        self.attack(
            self.user_operator,
            lambda env: env["crm.lead.call"].create(
                {"lead_id": self.lead_b.id, "result": "reached", "user_id": self.user_salesperson_b.id}
            ),
            "a call logged in another's name",
            AccessError,
            self.lead_b,
        )

    def test_followup_needs_the_lead(self):
        """A follow-up is planned on a lead one may edit, for oneself (ST-3, ST-4)."""
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead.followup"].create(
                {
                    "lead_id": self.lead_b.id,
                    "kind": "callback",
                    "name": "x",
                    "date_due": "2027-01-11 08:00:00",
                    "user_id": self.user_salesperson.id,
                }
            ),
            "a follow-up on another's lead",
            AccessError,
            self.lead_b,
        )
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead.followup"].create(
                {
                    "lead_id": self.lead_1.id,
                    "kind": "callback",
                    "name": "x",
                    "date_due": "2027-01-11 08:00:00",
                    "user_id": self.user_salesperson_b.id,
                }
            ),
            "a follow-up for another salesperson",
            AccessError,
        )
        followup = self.env["crm.lead.followup"].create(
            {
                "lead_id": self.lead_1.id,
                "kind": "callback",
                "name": "mine",
                "date_due": "2027-01-11 08:00:00",
                "user_id": self.user_salesperson.id,
            }
        )
        for name, value in (("state", "done"), ("reminded_at", "2027-01-11 08:00:00")):
            with self.assertRaisesRegex(UserError, "is set by the playbook"):
                followup.with_user(self.user_salesperson).write({name: value})
        self.assertEqual((followup.state, followup.reminded_at), ("pending", False))

    def test_mass_assignment_to_another_team(self):
        """A sales head gives leads to the members of its teams; another team's salesperson is refused
        clearly, not with a crash (PP-9)."""
        lead = self.create_lead(name="to deal", user_id=False)
        before = self.snapshot(lead, self.lead_b)
        wizard = Form(
            self.env["crm.lead.mass.assign"]
            .with_user(self.user_head)
            .with_context(active_model="crm.lead", active_ids=lead.ids)
        )
        self.assertNotIn(self.user_salesperson_b, wizard.allowed_user_ids, "the picker does not offer it")
        with wizard.line_ids.new() as line:
            line.user_id = self.user_salesperson
        wizard = wizard.save()
        wizard.line_ids.user_id = self.user_salesperson_b  # as a crafted request would
        with self.assertRaisesRegex(UserError, "Pb Salesperson B: not a member of the teams you direct"):
            wizard.action_assign()
        self.assertNothingChanged(before, "assignment to another team")

    def test_transfer_and_planning_are_for_heads(self):
        """A salesperson cannot call the head's transfer or planning on its own leads."""
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead"].browse(self.lead_1.id)._playbook_transfer_to_team(self.team_b, "mine now"),
            "a transfer by a salesperson",
            AccessError,
        )
        self.attack(
            self.user_salesperson,
            lambda env: env["crm.lead"].browse(self.lead_1.id)._playbook_assign_to([(self.user_salesperson, 1)]),
            "an assignment by a salesperson",
            AccessError,
        )

    def test_transfer_across_companies_is_refused(self):
        """A lead never moves to another company's team, even as sales support (PP-7)."""
        self.attack(
            self.user_support,
            lambda env: (
                env["crm.lead"]
                .browse(self.lead_1.id)
                ._playbook_transfer_to_team(env["crm.team"].browse(self.team_company_2.id), "elsewhere")
            ),
            "a transfer to company 2",
            AccessError,
        )

    def test_transfer_with_reservations_in_two_companies(self):
        """The same client and product reserved in two companies: each lead reads its own company's (PP-7)."""
        Reservation = self.env["crm.client.reservation"]
        for team, company in ((self.team_a, self.company), (self.team_company_2, self.company_2)):
            Reservation.create(
                {
                    "partner_id": self.partner.id,
                    "product_id": self.product.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "origin": "manual",
                    "date_end": fields.Date.today() + timedelta(days=30),
                }
            )
        moved, refused = self.lead_1.with_user(self.user_support)._playbook_transfer_to_team(
            self.team_b, "support decides"
        )
        self.assertEqual((moved, refused), (self.lead_1, {}))
        self.assertEqual(self.lead_1.team_id, self.team_b)
        self.assertEqual(self.lead_1.reservation_id.team_id, self.team_b, "company 1's reservation followed")
        self.assertEqual(self.lead_2.reservation_id.team_id, self.team_company_2, "company 2's stayed")


@tagged("post_install", "-at_install")
class TestClientAndTeamAttacks(AttackCase):
    def test_move_client_stays_in_the_teams_company(self):
        """Moving a client takes its leads and reservations of the team's company only (PP-15)."""
        reservation_2 = self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": self.team_company_2.id,
                "company_id": self.company_2.id,
                "origin": "manual",
                "date_end": fields.Date.today() + timedelta(days=30),
            }
        )
        before = self.snapshot(self.lead_2, reservation_2, fields_=LEAD_FIELDS + ("state",))
        leads, reservations = self.partner.with_user(self.user_support)._playbook_transfer_client_to_team(
            self.team_b, "the client asked"
        )
        self.assertEqual(leads, self.lead_1)
        self.assertNotIn(reservation_2, reservations)
        self.assertNothingChanged(before, "the other company's lead and reservation")

    def test_move_client_to_a_team_of_another_company(self):
        self.attack(
            self.support_2,
            lambda env: (
                env["res.partner"]
                .browse(self.partner.id)
                ._playbook_transfer_client_to_team(env["crm.team"].browse(self.team_a.id), "take it")
            ),
            "support of company 2 moving to company 1",
        )

    def test_exclusion_of_another_companys_team(self):
        """Sales support decides sanctions on the teams of its own companies (PP-15)."""
        self.team_a.playbook_excluded_until = fields.Date.today() + timedelta(days=10)
        for action in ("action_lift_exclusion", "action_exclude_forever"):
            before = self.snapshot(
                self.team_a, self.team_company_2, fields_=("playbook_excluded_until", "playbook_excluded_forever")
            )
            with self.assertRefused():
                getattr(self.team_a.with_user(self.support_2), action)()
            self.assertNothingChanged(before, action)
        self.team_a.with_user(self.user_support).action_lift_exclusion()
        self.assertFalse(self.team_a.playbook_excluded)

    def test_reservation_label_shows_own_companies_only(self):
        self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": self.team_company_2.id,
                "company_id": self.company_2.id,
                "origin": "manual",
                "date_end": fields.Date.today() + timedelta(days=30),
            }
        )
        partner = self.partner.with_user(self.user_salesperson)
        self.assertEqual((partner.playbook_reservation_count, partner.playbook_reservation_label), (0, False))
        partner_2 = self.partner.with_user(self.user_company_2).with_context(allowed_company_ids=self.company_2.ids)
        self.assertIn("Team Second Company", partner_2.playbook_reservation_label)

    def test_agent_notice_in_another_company(self):
        """A sales agent's notice becomes a lead of its own companies only (RC-3)."""
        secret = self.env["res.partner"].create(
            {"name": "Secret Client", "vat": "RU7700000001", "company_id": self.company_2.id, "is_company": True}
        )
        notice = Form(self.env["crm.agent.notice"].with_user(self.user_salesperson))
        notice.client_name = "Someone"
        notice.vat = "RU7700000001"
        notice.note = "wants reporting"
        self.assertFalse(notice.partner_id, "the other company's client is not found")
        notice.team_id = self.team_a
        notice = notice.save()
        notice.team_id = self.team_company_2.id  # as a crafted request would
        before_2 = self.env["crm.lead"].search_count([("company_id", "=", self.company_2.id)])
        with self.assertRefused():
            notice.action_confirm()
        self.assertEqual(self.env["crm.lead"].search_count([("company_id", "=", self.company_2.id)]), before_2)
        self.assertFalse(secret.opportunity_ids)

    def test_goal_counts_what_its_author_reads(self):
        """A sales head's goal counts the leads the head may read, not every lead (LG-7)."""
        for index in range(3):
            self.create_lead(name=f"B{index}", team_id=self.team_b.id, user_id=self.user_salesperson_b.id)
        goal = (
            self.env["crm.playbook.goal"]
            .with_user(self.user_head)
            .create(
                {
                    "code": "G1",
                    "name": "Leads",
                    "indicator_code": "I1",
                    "indicator_name": "Leads received",
                    "calculation": "leads",
                    "periodicity": "monthly",
                    "target": 1,
                }
            )
        )
        today = fields.Date.today()
        start, end = goal._period_of(today)
        readable = (
            self.env["crm.lead"]
            .with_user(self.user_head)
            .search_count([("create_date", ">=", fields.Datetime.to_datetime(start) - timedelta(days=1))])
        )
        self.assertEqual(goal._measure(start, end), float(readable))
        self.assertEqual(goal.sudo()._measure(start, end), float(readable), "the cron counts the same")
        self.assertLess(readable, self.env["crm.lead"].search_count([]))
        with self.assertRaisesRegex(UserError, "Measured As"):
            goal.with_user(self.user_head).write({"measure_user_id": self.user_admin.id})

    def test_company_checks_on_people(self):
        """Users named on records belong to the record's company (check_company)."""
        claim = self.env["crm.customer.claim"].create({"partner_id": self.partner.id, "essence": "broken"})
        for name in ("responsible_id", "legal_user_id", "user_id"):
            with self.subTest(field=name), self.assertRaises(UserError), self.env.cr.savepoint():
                claim.write({name: self.user_company_2.id})
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["crm.client.reservation"].create(
                {
                    "partner_id": self.partner.id,
                    "product_id": self.product.id,
                    "team_id": self.team_a.id,
                    "user_id": self.user_company_2.id,
                    "date_end": fields.Date.today() + timedelta(days=3),
                }
            )
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["crm.playbook.goal"].create(
                {
                    "code": "G9",
                    "name": "x",
                    "indicator_code": "I9",
                    "indicator_name": "x",
                    "calculation": "leads",
                    "target": 1,
                    "team_id": self.team_company_2.id,
                }
            )


@tagged("post_install", "-at_install")
class TestDealAttacks(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.executor = new_test_user(cls.env, login="pb_exec_a", name="Pb Exec A", groups=PLAYBOOK + "execution")
        cls.person = cls.env["res.partner"].create({"name": "Pavel Sidorov", "email": "pavel@sidorov.ru"})

    def order(self, **values):
        return (
            self.env["sale.order"]
            .with_user(self.user_salesperson)
            .create(
                dict(
                    {
                        "partner_id": self.person.id,
                        "team_id": self.team_a.id,
                        "user_id": self.user_salesperson.id,
                        "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
                        **ORDER_READY,
                    },
                    **values,
                )
            )
        )

    def confidential(self):
        return self.env["ir.attachment"].create(
            {
                "name": "salaries.pdf",
                "datas": base64.b64encode(b"%PDF-1.4 secret"),
                "res_model": "crm.lead",
                "res_id": self.lead_b.id,
            }
        )

    def test_approval_state_is_the_approvers(self):
        """A salesperson cannot approve its own order, name itself approver or drop the approval (EV-8)."""
        order = self.order(playbook_requires_approval=True, playbook_approver_id=self.user_head.id)
        fields_ = ("state", "playbook_approval_state", "playbook_requires_approval", "playbook_approver_id")
        as_seller = order.with_user(self.user_salesperson)
        for values in ({"playbook_approval_state": "approved"}, {"playbook_approver_id": self.user_salesperson.id}):
            before = self.snapshot(order, fields_=fields_)
            with self.assertRaises(UserError), self.env.cr.savepoint():
                as_seller.write(values)
            self.assertNothingChanged(before, values)
        as_seller.action_confirm()
        self.assertEqual((order.state, order.playbook_approval_state), ("draft", "pending"))
        for values in ({"playbook_requires_approval": False}, {"playbook_approver_id": self.user_support.id}):
            before = self.snapshot(order, fields_=fields_)
            with self.assertRaisesRegex(UserError, "is waiting for Pb Head"), self.env.cr.savepoint():
                as_seller.write(values)
            self.assertNothingChanged(before, values)
        with self.assertRaises(UserError):
            as_seller.action_playbook_approve()
        order.with_user(self.user_head).action_playbook_approve()
        self.assertEqual(order.playbook_approval_state, "approved")

    def test_proposal_approval_and_attachments(self):
        """A proposal is approved by its approver only and attaches only files its author may read (EV-6)."""
        Proposal = self.env["crm.lead.proposal"].with_user(self.user_salesperson)
        secret = self.confidential()
        with self.assertRaises(AccessError):
            Proposal.create({"name": "Offer", "lead_id": self.lead_1.id, "attachment_ids": [(6, 0, secret.ids)]})
        proposal = Proposal.create(
            {"name": "Offer", "lead_id": self.lead_1.id, "requires_approval": True, "approver_id": self.user_head.id}
        )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            proposal.write({"attachment_ids": [(4, secret.id)]})
        for values in ({"state": "approved"}, {"approver_id": self.user_salesperson.id}):
            with self.assertRaises(UserError), self.env.cr.savepoint():
                proposal.write(values)
        self.assertEqual(
            (proposal.state, proposal.approver_id, proposal.attachment_ids),
            ("draft", self.user_head, self.env["ir.attachment"]),
        )
        # Attached by someone who may read it, sent by the salesperson: still refused, nothing copied.
        proposal.sudo().attachment_ids = secret
        copies = self.env["ir.attachment"].search_count([("name", "=", "salaries.pdf")])
        with self.assertRaises(AccessError):
            proposal.action_send()
        self.assertEqual(self.env["ir.attachment"].search_count([("name", "=", "salaries.pdf")]), copies)

    def test_own_quality_call_and_complaint(self):
        """The salesperson of an order neither makes its quality call nor closes the complaint about it (ST-9)."""
        order = self.order()
        order.sudo().action_confirm()
        call = self.env["crm.quality.call"].create(
            {
                "order_id": order.id,
                "partner_id": self.person.id,
                "user_id": self.user_operator.id,
                "date_planned": fields.Date.today(),
            }
        )
        for action in ("action_positive", "action_cancel"):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                getattr(call.with_user(self.user_salesperson), action)()
        self.assertEqual(call.state, "planned")
        complaint = self.env["crm.quality.complaint"].create(
            {
                "partner_id": self.person.id,
                "order_id": order.id,
                "user_id": self.user_salesperson.id,
                "essence": "late delivery",
                "team_id": self.team_a.id,
            }
        )
        own = complaint.with_user(self.user_salesperson)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            own.write({"resolution": "nothing happened"})
        complaint.resolution = "apologised"
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            own.action_close()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["crm.quality.complaint"].browse(complaint.id).with_user(self.user_head).write({"state": "closed"})
        self.assertEqual(complaint.state, "open")
        call.with_user(self.user_operator).action_positive()
        complaint.with_user(self.user_head).action_close()
        self.assertEqual((call.state, complaint.state), ("positive", "closed"))

    def test_own_claim_evaluation_and_decision(self):
        """Legal evaluates a claim, the deputy director, legal or the director decides it: never its manager."""
        claim = (
            self.env["crm.customer.claim"]
            .with_user(self.user_salesperson)
            .create({"partner_id": self.person.id, "essence": "broken", "team_id": self.team_a.id})
        )
        for values in ({"legal_evaluation": "fine"}, {"decision": "refund", "decision_by": "legal"}):
            before = self.snapshot(claim, fields_=("legal_evaluation", "decision", "decision_by"))
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                claim.write(values)
            self.assertNothingChanged(before, values)
        claim.with_user(self.user_legal).write(
            {"legal_evaluation": "the claim holds", "decision": "refund", "decision_by": "legal"}
        )
        self.assertEqual((claim.decision_user_id, claim.legal_evaluation), (self.user_legal, "the claim holds"))

    def test_executor_and_approver_only_read_the_order(self):
        """The executor and the approver see an order; its lines and prices are the salesperson's (EV-8, EV-9)."""
        order = self.order(
            playbook_executor_id=self.executor.id, playbook_requires_approval=True, playbook_approver_id=self.head_b.id
        )
        line = order.order_line
        for user in (self.executor, self.head_b):
            self.assertTrue(order.with_user(user).read(["name"]), f"{user.login} sees the order")
            for record, values in ((line, {"price_unit": 1.0}), (order, {"note": "mine"})):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    record.with_user(user).write(values)
        self.assertEqual(line.price_unit, 1000.0)
        order.with_user(self.executor).playbook_delivery_doc_names = "Invoice 17, VAT invoice 17, waybill 17"
        order.with_user(self.executor).action_playbook_docs_printed()
        self.assertTrue(order.playbook_docs_printed_on, "the executor still records its steps")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            order.with_user(self.executor).write({"playbook_delivery_doc_names": "x", "note": "mine"})

    def test_payment_confirmed_once_and_only_for_leads(self):
        """The client hears of a payment once, and only for an invoice of the sales department's leads (ST-7)."""

        def pay(invoice):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()

        def confirmations(invoice):
            return self.env["mail.mail"].search_count(
                [("model", "=", "account.move"), ("res_id", "=", invoice.id), ("subject", "=like", "Payment received%")]
            )

        plain = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.person.id,
                "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1})],
            }
        )
        plain.action_post()
        pay(plain)
        self.assertEqual((plain.payment_state in ("paid", "in_payment"), confirmations(plain)), (True, 0))
        order = self.order(opportunity_id=self.lead_1.id)
        order.sudo().action_confirm()
        invoice = order.sudo()._create_invoices()
        invoice.action_post()
        pay(invoice)
        self.assertEqual(confirmations(invoice), 1)
        invoice.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "not_paid")
        payment = self.env["account.payment"].search([("partner_id", "=", self.person.id)], order="id desc", limit=1)
        (invoice.line_ids | payment.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(confirmations(invoice), 1, "paid again after an unreconcile: no second email")


@tagged("post_install", "-at_install")
class TestAttacksOverXmlRpc(AttackCase, HttpCase):
    """The attacks an integration can try, through the external API (X-SEC)."""

    def rpc(self, user, model, method, *args):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args))

    def refused(self, user, model, method, *args):
        before = self.snapshot(self.lead_1, self.lead_2, self.lead_b)
        with self.assertRaises(xmlrpc.client.Fault, msg=f"{user.login}: {model}.{method} is refused"):
            self.rpc(user, model, method, *args)
        self.assertNothingChanged(before, f"{model}.{method} over XML-RPC")

    def test_merge_over_xmlrpc(self):
        request = {
            "name": "x",
            "partner_id": self.partner.id,
            "product_id": self.product.id,
            "team_id": self.team_a.id,
            "temperature": "hot",
            "email_from": "intruder@example.org",
        }
        for user in (self.portal, self.employee):
            self.refused(user, "crm.lead", "create", [request])
        self.refused(
            self.user_salesperson,
            "crm.lead",
            "create",
            [dict(request, team_id=self.team_company_2.id, company_id=self.company_2.id)],
        )

    def test_workflow_fields_over_xmlrpc(self):
        for name, value in (
            ("sla_escalated", True),
            ("date_received", "2027-06-01 09:00:00"),
            ("playbook_announced", True),
            ("sla_stopped_at", "2026-01-01 09:00:00"),
            ("temperature_manual", True),
            ("blocking_reservation_id", False),
        ):
            with self.subTest(field=name):
                self.refused(self.user_salesperson, "crm.lead", "write", [self.lead_1.id], {name: value})

    def test_calls_and_followups_over_xmlrpc(self):
        self.refused(
            self.user_salesperson, "crm.lead.call", "create", [{"lead_id": self.lead_b.id, "result": "reached"}]
        )
        self.refused(
            self.user_salesperson,
            "crm.lead.followup",
            "create",
            [
                {
                    "lead_id": self.lead_b.id,
                    "kind": "callback",
                    "name": "x",
                    "date_due": "2027-01-11 08:00:00",
                    "user_id": self.user_salesperson.id,
                }
            ],
        )

    def test_sanctions_over_xmlrpc(self):
        self.team_a.playbook_excluded_forever = True
        with self.assertRaises(xmlrpc.client.Fault):
            self.rpc(self.support_2, "crm.team", "action_lift_exclusion", [self.team_a.id])
        self.assertTrue(self.team_a.playbook_excluded_forever)

    def test_approval_over_xmlrpc(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "team_id": self.team_a.id,
                "user_id": self.user_salesperson.id,
                "playbook_requires_approval": True,
                "playbook_approver_id": self.user_head.id,
            }
        )
        with self.assertRaises(xmlrpc.client.Fault):
            self.rpc(self.user_salesperson, "sale.order", "write", [order.id], {"playbook_approval_state": "approved"})
        self.assertFalse(order.playbook_approval_state)
