from odoo.tests import tagged

from .common import PlaybookCase

ANALYSIS = "crm_sales_playbook.crm_menu_report_analysis"
DAILY = "crm_sales_playbook.crm_menu_report_daily"


@tagged("post_install", "-at_install")
class TestReportingMenu(PlaybookCase):
    """CRM > Reporting is grouped as Odoo groups its reports: Odoo's own entries, then Analysis and Daily Work."""

    def test_menu_tree(self):
        expected = {
            # Odoo's own reports stay where Odoo puts them.
            "crm.crm_menu_forecast": "crm.crm_menu_report",
            "crm.crm_opportunity_report_menu": "crm.crm_menu_report",
            "crm.crm_opportunity_report_menu_lead": "crm.crm_menu_report",
            "crm.crm_activity_report_menu": "crm.crm_menu_report",
            ANALYSIS: "crm.crm_menu_report",
            DAILY: "crm.crm_menu_report",
            # Analysis: figures over a period.
            "crm_sales_playbook.crm_playbook_lead_analysis_menu": ANALYSIS,
            "crm_sales_playbook.crm_playbook_funnel_analysis_menu": ANALYSIS,
            "crm_sales_playbook.crm_lead_stage_history_menu": ANALYSIS,
            "crm_sales_playbook.crm_lead_sla_report_menu": ANALYSIS,
            "crm_sales_playbook.crm_sla_breach_menu": ANALYSIS,
            "crm_sales_playbook.crm_playbook_goal_menu": ANALYSIS,
            "crm_sales_playbook.crm_customer_claim_report_menu": ANALYSIS,
            "crm_sales_playbook.crm_quality_complaint_report_menu": ANALYSIS,
            # Daily work: the day's reports, reviews, calls and background jobs.
            "crm_sales_playbook.crm_playbook_daily_report_menu_operator": DAILY,
            "crm_sales_playbook.crm_playbook_daily_report_menu_head": DAILY,
            "crm_sales_playbook.crm_playbook_daily_report_menu_regular": DAILY,
            "crm_sales_playbook.crm_playbook_report_log_menu": DAILY,
            "crm_sales_playbook.crm_db_review_menu": DAILY,
            "crm_sales_playbook.crm_db_review_run_menu": DAILY,
            "crm_sales_playbook.crm_lead_call_menu": DAILY,
            "crm_sales_playbook.crm_playbook_job_menu": DAILY,
        }
        parents = {
            xmlid: self.env.ref(xmlid).parent_id.get_external_id()[self.env.ref(xmlid).parent_id.id]
            for xmlid in expected
        }
        self.assertEqual(parents, expected)
        report = self.env.ref("crm.crm_menu_report")
        self.assertEqual(
            report.child_id.sorted("sequence").mapped("name"),
            ["Forecast", "Pipeline", "Leads", "Activities", "Analysis", "Daily Work"],
            "Odoo's reports first, then the two groups; no action of the addon left loose in Reporting",
        )
        self.assertEqual(
            self.env.ref(ANALYSIS).child_id.sorted("sequence").mapped("name")[:4],
            ["Lead Analysis", "Sales Funnel", "Stage History", "Response Deadlines"],
        )
