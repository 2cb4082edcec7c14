import functools
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from lxml import etree

from odoo.tests import HttpCase, tagged

from .common import MON_1100_MSK, PlaybookCase

REPORT = "crm.playbook.daily.report"


@tagged("post_install", "-at_install")
class TestReadonlyEntryPoints(PlaybookCase, HttpCase):
    """The report screens, analyses, dashboards and the pipeline's extra reads run on a read-only cursor when the
    web client calls them (a read replica with ``--db_replica_host``); the external API stays on the primary
    (X-REP). A method that wrote would be retried by Odoo on a read/write cursor: the spy would see both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_head.password = "pb_head_password_1"
        cls.partner.email = "buyer@uralstroy.example.com"
        with cls.pinned_time(cls, MON_1100_MSK):
            cls.lead = cls.create_lead(
                cls, name="Readonly request", partner_id=cls.partner.id, temperature="hot", channel="web_form"
            )
        cls.goal = cls.env["crm.playbook.goal"].create(
            {
                "code": "Ц90",
                "name": "Goal",
                "indicator_code": "ПЦ90",
                "indicator_name": "Indicator",
                "calculation": "leads",
                "target": 1.0,
                "periodicity": "daily",
                "user_id": cls.user_head.id,
            }
        )
        cls.review = cls.env["crm.db.review"].create(
            {"name": "Review", "week_start": date(2026, 11, 16), "company_id": cls.company.id}
        )
        cls.review_line = cls.env["crm.db.review.line"].create(
            {
                "review_id": cls.review.id,
                "company_id": cls.company.id,
                "kind": "no_product",
                "res_model": "crm.lead",
                "res_id": cls.lead.id,
                "name": cls.lead.name,
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate("pb_head", "pb_head_password_1")

    @contextmanager
    def cursors_of(self, model, method):
        """The ``readonly`` flag of the cursor each run of ``model.method`` got, in order."""
        Model = self.registry[model]
        original = getattr(Model, method)
        seen = []

        @functools.wraps(original)
        def spy(records, *args, **kwargs):
            seen.append(records.env.cr.readonly)
            return original(records, *args, **kwargs)

        with patch.object(Model, method, spy):
            yield seen

    def call_kw(self, model, method, args, kwargs=None, route="call_kw"):
        return self.make_jsonrpc_request(
            f"/web/dataset/{route}/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": {"lang": "en_US"}, **(kwargs or {})},
            },
        )

    def assertReadOnly(self, model, method, args, kwargs=None, route="call_kw"):
        with self.cursors_of(model, method) as seen:
            result = self.call_kw(model, method, args, kwargs, route=route)
        self.assertEqual(seen, [True], f"{model}.{method} runs once, on a read-only cursor, and writes nothing")
        return result

    def fields_of(self, view_xmlid, view_type, model="crm.lead"):
        """The top-level fields of the view as the web client reads them (the addon's inherited views included)."""
        arch = self.env[model].get_view(self.env.ref(view_xmlid).id, view_type)["arch"]
        tree = etree.fromstring(arch)
        names = {node.get("name") for node in tree.xpath("//field[not(ancestor::field)]")}
        return {name: {} for name in names if name in self.env[model]._fields}

    def test_a_write_on_the_read_only_path_is_caught(self):
        """The check itself: a read-only entry point that writes is retried on a read/write cursor."""
        Report = self.registry[REPORT]
        original = Report._render_body

        def writing_render(report):
            report.env.cr.execute("UPDATE res_company SET write_date = write_date WHERE id = %s", [self.company.id])
            return original(report)

        with (
            patch.object(Report, "_render_body", writing_render),
            self.cursors_of(REPORT, "playbook_report_html") as seen,
            self.assertLogs("odoo.http", "WARNING"),
            self.assertLogs("odoo.sql_db", "ERROR"),
        ):
            self.call_kw(REPORT, "playbook_report_html", ["operator", "2026-11-23", "2026-11-23"])
        self.assertEqual(seen, [True, False], "the write failed on the read-only cursor and ran again on the primary")

    def test_report_screens_read_only(self):
        for kind, title in (
            ("operator", "2026-11-23"),
            ("head", "2026-11-23"),
            ("regular", "2026-11-23"),
        ):
            html = self.assertReadOnly(
                REPORT, "playbook_report_html", [kind, "2026-11-23", "2026-11-23", self.company.id, [self.team_a.id]]
            )
            self.assertIn(title, html, f"the {kind} report is rendered for the day asked")
        html = self.assertReadOnly(REPORT, "playbook_report_html", ["operator", "2026-11-23", "2026-11-23"])
        self.assertIn("Web Form", html, "the lead received on the web form is counted on the screen")
        spec = {name: {} for name in ("kind", "date_from", "date_to", "team_ids", "body_html")}
        spec["company_id"] = {"fields": {"display_name": {}}}
        result = self.assertReadOnly(
            REPORT,
            "onchange",
            [[], {}, [], spec],
            {"context": {"default_kind": "head", "lang": "en_US"}},
        )
        self.assertIn("Sales Head", result["value"]["body_html"], "the screen opens on the head's report")

    def test_analysis_goals_and_review_read_only(self):
        for model, groupby in (
            ("crm.playbook.lead.analysis", ["temperature"]),
            ("crm.playbook.funnel.analysis", ["stage_id"]),
        ):
            groups = self.assertReadOnly(model, "web_read_group", [[], ["__count"], groupby])
            self.assertTrue(groups["groups"], f"{model} shows the lead")
        spec = self.fields_of("crm_sales_playbook.crm_playbook_goal_view_kanban", "kanban", "crm.playbook.goal")
        self.assertIn("progress", spec)
        result = self.assertReadOnly("crm.playbook.goal", "web_search_read", [[("id", "=", self.goal.id)], spec])
        self.assertEqual(result["records"][0]["id"], self.goal.id)
        action = self.assertReadOnly("crm.playbook.goal", "action_view_values", [[self.goal.id]], route="call_button")
        self.assertEqual(action["domain"], [["goal_id", "=", self.goal.id]])
        action = self.assertReadOnly("crm.db.review", "action_view_lines", [[self.review.id]], route="call_button")
        self.assertEqual(action["domain"], [["review_id", "=", self.review.id]])
        action = self.assertReadOnly("crm.db.review.line", "action_open", [[self.review_line.id]], route="call_button")
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", self.lead.id))

    def test_pipeline_kanban_and_form_read_only(self):
        kanban = self.fields_of("crm.crm_case_kanban_view_leads", "kanban")
        self.assertIn("sla_remaining", kanban, "the kanban shows the time left of the response deadline")
        domain = [("id", "=", self.lead.id)]
        result = self.assertReadOnly("crm.lead", "web_search_read", [domain, kanban])
        self.assertEqual(result["records"][0]["id"], self.lead.id)
        self.assertReadOnly(
            "crm.lead",
            "read_progress_bar",
            [domain, "stage_id", {"field": "activity_state", "colors": {"planned": "success"}}],
        )
        form = self.fields_of("crm.crm_lead_view_form", "form")
        self.assertIn("call_count", form)
        [values] = self.assertReadOnly("crm.lead", "web_read", [[self.lead.id], form])
        self.assertEqual(values["temperature"], "hot")
        for method in ("action_view_calls", "action_view_followups", "action_view_proposals"):
            action = self.assertReadOnly("crm.lead", method, [[self.lead.id]], route="call_button")
            self.assertEqual(action["domain"], [["lead_id", "=", self.lead.id]])

    def test_external_api_uses_the_primary(self):
        with self.cursors_of(REPORT, "playbook_report_html") as seen:
            html = self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.user_head.id,
                "pb_head_password_1",
                REPORT,
                "playbook_report_html",
                ["head", "2026-11-23", "2026-11-23"],
            )
        self.assertIn("2026-11-23", html)
        self.assertEqual(seen, [False], "XML-RPC runs even a read-only method on the read/write cursor")
