from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestPipelineKanban(PlaybookCase):
    """X-KANBAN: one pipeline shows many teams; a company setting gives it lead counts, a bar of temperature or
    response status, and the hot and breached leads first. Off by default: Odoo's pipeline stays Odoo's."""

    def choose(self, value):
        with Form(self.env["res.config.settings"]) as settings:
            settings.playbook_pipeline_kanban = value
        self.assertEqual(self.company.playbook_pipeline_kanban, value)

    def pipeline(self):
        """The Pipeline menu's action, as the menu's server action returns it, and its kanban arch."""
        action = self.env["crm.team"].action_your_pipeline()
        [kanban] = [view for view, kind in action["views"] if kind == "kanban"]
        arch = self.env["crm.lead"].get_views([(kanban, "kanban")])["views"]["kanban"]["arch"]
        return action, kanban, etree.fromstring(arch)

    def test_off_by_default_odoo_pipeline(self):
        self.assertFalse(self.env["res.company"].create({"name": "Fresh Company"}).playbook_pipeline_kanban)
        self.assertFalse(self.company.playbook_pipeline_kanban)
        _action, kanban, arch = self.pipeline()
        self.assertEqual(kanban, self.env.ref("crm.crm_case_kanban_view_leads").id)
        [bar] = arch.iter("progressbar")
        self.assertEqual((bar.get("field"), bar.get("sum_field")), ("activity_state", "expected_revenue"))

    def test_by_temperature_counts_leads_and_puts_hot_first(self):
        self.choose("temperature")
        _action, kanban, arch = self.pipeline()
        self.assertEqual(kanban, self.env.ref("crm_sales_playbook.crm_lead_view_kanban_pipeline_temperature").id)
        [bar] = arch.iter("progressbar")
        self.assertEqual(bar.get("field"), "temperature")
        self.assertIsNone(bar.get("sum_field"), "no revenue sum: the column header counts the leads")
        self.assertIsNone(bar.get("recurring_revenue_sum_field"))
        self.assertEqual(safe_eval(bar.get("colors")), {"hot": "danger", "warm": "warning", "cold": "info"})
        self.assertEqual(arch.get("default_order"), "playbook_pipeline_rank desc, priority desc, id desc")

    def test_by_response_status(self):
        self.choose("sla")
        _action, kanban, arch = self.pipeline()
        self.assertEqual(kanban, self.env.ref("crm_sales_playbook.crm_lead_view_kanban_pipeline_sla").id)
        [bar] = arch.iter("progressbar")
        self.assertEqual((bar.get("field"), bar.get("sum_field")), ("sla_status", None))
        self.assertEqual(safe_eval(bar.get("colors"))["breached"], "danger")
        self.assertEqual(arch.get("default_order"), "playbook_pipeline_rank desc, priority desc, id desc")

    def test_team_dashboard_pipeline_follows_the_setting(self):
        self.choose("temperature")
        action = self.team_a.action_primary_channel_button()
        kanban = self.env.ref("crm_sales_playbook.crm_lead_view_kanban_pipeline_temperature").id
        self.assertEqual([view for view, kind in action["views"] if kind == "kanban"], [kanban])

    def test_bar_fields_are_stored_and_groupable(self):
        described = self.env["crm.lead"].fields_get(["temperature", "sla_status"], ["store", "groupable"])
        self.assertEqual(
            described,
            {
                "temperature": {"store": True, "groupable": True},
                "sla_status": {"store": True, "groupable": True},
            },
        )

    def test_hot_and_breached_leads_come_first(self):
        self.choose("temperature")
        cold = self.create_lead(name="Cold", temperature="cold")
        hot = self.create_lead(name="Hot", temperature="hot")
        warm = self.create_lead(name="Warm", temperature="warm")
        warm_breached = self.create_lead(name="Warm breached", temperature="warm")
        hot_breached = self.create_lead(name="Hot breached", temperature="hot")
        # The escalation of a missed deadline marks it breached (``_playbook_escalate_sla_breach``).
        (warm_breached | hot_breached).write({"sla_escalated": True})
        self.assertEqual((warm_breached | hot_breached).mapped("sla_status"), ["breached", "breached"])
        action, _kanban, arch = self.pipeline()
        context = action["context"]  # the crm team's pipeline action gives it evaluated
        ids = (cold | hot | warm | warm_breached | hot_breached).ids
        leads = (
            self.env["crm.lead"].with_context(**context).search([("id", "in", ids)], order=arch.get("default_order"))
        )
        self.assertEqual(
            leads.mapped("name"),
            ["Hot breached", "Warm breached", "Hot", "Warm", "Cold"],
            "hot and breached first, then Odoo's order (priority, newest)",
        )
