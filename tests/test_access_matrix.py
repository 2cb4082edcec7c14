from datetime import date

from odoo.tests import new_test_user, tagged

from .common import PLAYBOOK, PlaybookCase

ROLES = {
    "internal": "base.group_user",
    "operator": PLAYBOOK + "operator",
    "salesperson": PLAYBOOK + "salesperson",
    "regular": PLAYBOOK + "regular_manager",
    "head": PLAYBOOK + "head",
    "legal": PLAYBOOK + "legal",
    "support": PLAYBOOK + "support",
    "execution": PLAYBOOK + "execution",
    "exec_head": PLAYBOOK + "execution_head",
    "crm_admin": "sales_team.group_sale_manager",
}
# What each role may do with each model of the addon (and the Odoo models it adds rights to):
# r read, w write, c create, u delete (unlink), "-" nothing; one column per role, in the order of ROLES.
# Record rules narrow these rights further (per team, own records, company); see the tests of each feature.
MATRIX = {
    "crm.agent.notice": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.approval.reject": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.call.list": "- r r r r r r r r rwcu",
    "crm.call.list.line": "- rw rw rw rw rw rw rw rw rwcu",
    "crm.call.objection": "- r r r r r rwcu r r rwcu",
    "crm.call.script": "- r r r r r rwcu r r rwcu",
    "crm.client.reservation": "- r r r r r rwc r r rwcu",
    "crm.client.transfer": "- - - - - - rwc - - rwc",
    "crm.complaint.category": "r r r r r r r r r rwcu",
    "crm.customer.claim": "- rwc rwc rwc rwc rwc rwc rwc rwc rwcu",
    "crm.customer.claim.stage": "r r r r r r r r r rwcu",
    "crm.db.review": "- - - r r - r - - rwcu",
    "crm.db.review.line": "- - - r r - r - - rwcu",
    "crm.db.review.run": "- - - - rwcu - rwcu - - rwcu",
    "crm.inbound.contact": "- r - - r - r - - rwcu",
    "crm.inbound.register": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.lead": "- rwc rwc rwc rwcu rwc rwcu rwc rwc rwcu",
    "crm.lead.call": "- rwc rwc rwc rwc rwc rwc rwc rwc rwcu",
    "crm.lead.consultation": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.lead.distribute": "- - - - rwc - rwc - - rwc",
    "crm.lead.distribute.line": "- - - - rwcu - rwcu - - rwcu",
    "crm.lead.followup": "- rwc rwc rwc rwc rwc rwc rwc rwc rwcu",
    "crm.lead.lost": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.lead.mass.assign": "- - - - rwc - rwc - - rwc",
    "crm.lead.mass.assign.line": "- - - - rwcu - rwcu - - rwcu",
    "crm.lead.postpone": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.lead.proposal": "- rwc rwc rwc rwc rwc rwc rwc rwc rwcu",
    "crm.lead.stage.history": "- r r r r r r r r r",
    "crm.lead.team.transfer": "- r r r r r r r r rwcu",
    "crm.lead.transfer": "- - - - rwc - rwc - - rwc",
    "crm.playbook.batch.failure": "- - - - - - - - - ru",
    "crm.playbook.job": "- - - - r - r - - rwu",
    "crm.playbook.daily.report": "- - - - rwcu - rwcu - - rwcu",
    "crm.playbook.funnel.analysis": "- - - - r - r - - r",
    "crm.playbook.goal": "- - - - rwc - rwc - - rwcu",
    "crm.playbook.goal.value": "- - - - r - r - - rwcu",
    "crm.playbook.lead.analysis": "- - - - r - r - - r",
    "crm.playbook.report.log": "- - - - r - r - - ru",
    "crm.quality.call": "- rw rw rw rw rw rw rw rw rwcu",
    "crm.quality.complaint": "- rwc rwc rwc rwc rwc rwc rwc rwc rwcu",
    "crm.sla.breach": "- r r r r r r r r rwcu",
    "crm.sla.policy": "- r r r r r rwc r r rwcu",
    "crm.stage": "r r r r r r r r r rwcu",
    "crm.team": "r r r r r r r r r rwcu",
    "crm.team.member": "r r r r r r r r r rwcu",
    "crm.team.sanction": "- r r r r r rwc r r rwcu",
    "crm.team.sanction.contest": "- rwc rwc rwc rwc rwc rwc rwc rwc rwc",
    "crm.team.sanction.decide": "- - - - - - rwc - - rwc",
    "resource.calendar.holidays": "- - - - - - - - - -",
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(PlaybookCase):
    """X-SEC: the access rights of every model for every role, and the company wall of the newer models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            role: new_test_user(cls.env, login="matrix_" + role, groups=group) for role, group in ROLES.items()
        }

    def test_every_model_of_the_addon_is_in_the_matrix(self):
        data = self.env["ir.model.data"].search([("module", "=", "crm_sales_playbook"), ("model", "=", "ir.model")])
        models = {
            model.model
            for model in self.env["ir.model"].browse(data.mapped("res_id"))
            if not self.env[model.model]._abstract and self.env[model.model]._original_module == "crm_sales_playbook"
        }
        self.assertEqual(models - set(MATRIX), set(), "add the new models to MATRIX")

    def test_rights_per_model_and_role(self):
        for model, expected in MATRIX.items():
            for (role, user), rights in zip(self.role_users.items(), expected.split(), strict=True):
                with self.subTest(model=model, role=role):
                    actual = (
                        "".join(
                            letter
                            for letter, operation in zip("rwcu", ("read", "write", "create", "unlink"), strict=True)
                            if self.env[model].with_user(user).has_access(operation)
                        )
                        or "-"
                    )
                    self.assertEqual(actual, rights)

    def test_records_of_another_company_stay_there(self):
        company = self.company_2
        partner = self.env["res.partner"].create({"name": "Second Company Client", "company_id": company.id})
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        )
        goal = self.env["crm.playbook.goal"].create(
            {
                "code": "Ц1",
                "name": "Leads",
                "indicator_code": "ПЦ1",
                "indicator_name": "Leads",
                "calculation": "leads",
                "target": 1,
                "company_id": company.id,
                "user_id": self.env.uid,
            }
        )
        review = self.env["crm.db.review"].create(
            {"name": "Review", "week_start": date(2026, 11, 16), "company_id": company.id}
        )
        lead = self.env["crm.lead"].create(
            {"name": "Second Company Lead", "company_id": company.id, "team_id": self.team_company_2.id}
        )
        records = [
            self.env["crm.customer.claim"].create(
                {"partner_id": partner.id, "essence": "x", "company_id": company.id, "team_id": self.team_company_2.id}
            ),
            self.env["crm.quality.complaint"].create(
                {"partner_id": partner.id, "essence": "x", "company_id": company.id}
            ),
            self.env["crm.quality.call"].create(
                {"order_id": order.id, "partner_id": partner.id, "date_planned": date(2026, 11, 23)}
            ),
            self.env["crm.inbound.contact"].create(
                {"kind": "call", "channel": "inbound_call", "company_id": company.id, "operator_id": self.env.uid}
            ),
            goal,
            self.env["crm.playbook.goal.value"].create(
                {"goal_id": goal.id, "period_start": date(2026, 11, 1), "period_end": date(2026, 11, 30)}
            ),
            review,
            self.env["crm.db.review.line"].create(
                {
                    "review_id": review.id,
                    "company_id": company.id,
                    "kind": "no_contact",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "name": "x",
                }
            ),
            self.env["crm.playbook.report.log"].create(
                {"company_id": company.id, "kind": "head", "day": date(2026, 11, 23)}
            ),
            self.env["crm.lead.stage.history"].search([("lead_id", "=", lead.id)]),
            self.env["crm.team.sanction"].create(
                {"team_id": self.team_company_2.id, "kind": "fine", "amount": 100.0, "reason": "x"}
            ),
        ]
        self.assertEqual(len(records[-1]), 1, "the lead of the second company entered its first stage")
        for record in records:
            for role, user in self.role_users.items():
                if not self.env[record._name].with_user(user).has_access("read"):
                    continue
                with self.subTest(model=record._name, role=role):
                    self.assertFalse(self.env[record._name].with_user(user).search([("id", "=", record.id)]))
        admin = self.role_users["crm_admin"]
        admin.write({"company_ids": [(4, company.id)]})
        for record in records:
            with self.subTest(model=record._name, role="crm_admin of both companies"):
                found = (
                    self.env[record._name]
                    .with_user(admin)
                    .with_context(allowed_company_ids=[self.company.id, company.id])
                    .search([("id", "=", record.id)])
                )
                self.assertEqual(found, record)
