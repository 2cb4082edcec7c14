import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestExternalApi(HttpCase):
    """Integrations get the same clear errors as the form, and nothing is half-written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="pb_api",
            password="pb_api_password_1",
            groups="crm_sales_playbook.group_crm_sales_playbook_support",
        )

    def _call(self, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.user.id, "pb_api_password_1", "crm.lead", method, list(args)
        )

    def test_bad_values_over_xmlrpc(self):
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Lead API lead: 'tepid' is not a valid Temperature"):
            self._call("create", {"name": "API lead", "temperature": "tepid"})
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Renewal lead: choose the product"):
            self._call(
                "create",
                [{"name": "API fine", "deal_type": "service"}, {"name": "API renewal", "deal_type": "renewal"}],
            )
        self.assertFalse(
            self.env["crm.lead"].search([("name", "like", "API ")]), "a refused batch leaves no lead behind"
        )

    def test_good_values_over_xmlrpc(self):
        source = self.env.ref("crm_sales_playbook.utm_source_callback_request")
        lead_id = self._call("create", {"name": "API hot", "source_id": source.id, "channel": "web_form"})
        [values] = self._call("read", [lead_id], ["temperature", "channel", "work_status"])
        self.assertEqual((values["temperature"], values["channel"], values["work_status"]), ("hot", "web_form", "new"))

    def test_repeated_request_over_xmlrpc_returns_the_open_lead(self):
        partner = self.env["res.partner"].create({"name": "API Client", "is_company": True})
        product = self.env["product.product"].create({"name": "API Product"})
        values = {
            "name": "API request",
            "partner_id": partner.id,
            "product_id": product.id,
            "deal_type": "renewal",
            "team_id": self.env["crm.team"].search([], limit=1).id,
        }
        first = self._call("create", values)
        second = self._call("create", dict(values, name="API request again", channel="email"))
        self.assertEqual(second, first, "the integration gets the open lead back")

    def test_contact_rules_over_xmlrpc(self):
        team = self.env["crm.team"].create({"name": "API guarded team", "playbook_guards": True})
        stage_contact = self.env.ref("crm.stage_lead2")
        lead_id = self._call(
            "create",
            {
                "name": "API new",
                "team_id": team.id,
                "phone": "+7 912 604-18-37",
                "stage_id": self.env.ref("crm.stage_lead1").id,
            },
        )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Lead API new cannot go in work: no contact"):
            self._call("write", [lead_id], {"stage_id": stage_contact.id})
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Lead API ghost needs real contact data"):
            self._call(
                "create",
                {
                    "name": "API ghost",
                    "team_id": team.id,
                    "deal_type": "service",
                    "stage_id": stage_contact.id,
                    "channel": "inbound_call",
                    "phone": "1234567",
                },
            )
        [values] = self._call("read", [lead_id], ["work_status"])
        self.assertEqual(values["work_status"], "new", "the refused write changed nothing")
