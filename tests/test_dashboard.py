"""The sales head's dashboard (X-REP, issue 20): each figure reads the model, domain and measure of its report."""

import datetime
import json
import re
from types import SimpleNamespace

import pytz
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools import file_open
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import code_translations

from .common import MON_1100_MSK, MON_1200_MSK, PlaybookCase

DASHBOARD_FILE = "crm_sales_playbook/data/files/sales_head_dashboard.json"
SLA_REPORT = "crm_sales_playbook.crm_lead_action_sla_report"
CALLS = "crm_sales_playbook.crm_lead_call_action"
FOLLOWUPS = "crm_sales_playbook.crm_lead_followup_action"
LEAD_ANALYSIS = "crm_sales_playbook.crm_playbook_lead_analysis_action"
FUNNEL = "crm_sales_playbook.crm_playbook_funnel_analysis_action"
CLAIMS = "crm_sales_playbook.crm_customer_claim_action_report"
GOAL_VALUES = "crm_sales_playbook.crm_playbook_goal_value_action"

# The report each data source of the dashboard mirrors: its window action and the search filters of that report
# the figure applies, in order. A data source added to the JSON without a line here fails the test.
MIRRORS = {
    "pivot 1": (SLA_REPORT, ["temperature_hot", "sla_breached"]),  # score: hot leads past their deadline
    "list 1": (SLA_REPORT, ["temperature_hot", "sla_breached"]),  # table: hot leads past their deadline
    "pivot 2": (CALLS, ["today"]),  # score: calls today
    "pivot 3": (FOLLOWUPS, ["callbacks", "due_today"]),  # score: call-backs due today
    "pivot 4": (CLAIMS, ["open"]),  # score: open claims
    "pivot 5": (CLAIMS, ["open", "notice_late"]),  # score: open claims whose client was not told in time
    "pivot 6": (FUNNEL, []),  # table: the funnel with the conversion at each stage
    "pivot 7": (GOAL_VALUES, ["current"]),  # table and chart: goals against target
    "list 2": (CLAIMS, ["open"]),  # table: open claims and their notice deadlines
    "chart b2617072-e7a4-5261-a911-e2990062960f": (CALLS, ["today"]),  # calls today by salesperson and result
    "chart 0441733a-ea49-544c-b990-95cb6e8b669e": (FOLLOWUPS, ["callbacks", "due_today"]),  # call-backs today
    "chart 8cdc7073-b521-51b6-8e9e-c2d5a0612a72": (LEAD_ANALYSIS, ["with_sla", "this_week"]),  # met this week
    "chart 5db69241-a740-59c0-b86b-52ab9a29e5fd": (LEAD_ANALYSIS, ["with_sla", "this_month"]),  # met this month
    "chart c9bbfed2-2283-5729-ad4a-66123a2e530e": (LEAD_ANALYSIS, ["with_sla", "last_12_weeks"]),  # the trend
    "chart 4ccdc4d6-eff1-5e01-ad1d-0b91af7ff91f": (FUNNEL, []),  # the funnel by stage reached
    "chart 1216ee71-45e7-5830-a369-c025d00acf26": (CLAIMS, ["open"]),  # open claims by stage
}
# Context keys that only say how a report opens, not which records it reads.
VIEW_KEYS = re.compile(r"^(search_default_|default_|pivot_|graph_|group_by)")


def load_dashboard():
    with file_open(DASHBOARD_FILE) as file:
        return json.load(file)


def data_sources(data):
    """Every data source of the dashboard: {key: {model, domain, context, measures, groupbys, columns}}."""
    sources = {}
    for pivot_id, pivot in data["pivots"].items():
        dimensions = pivot["rows"] + pivot["columns"]
        sources["pivot " + pivot_id] = {
            "model": pivot["model"],
            "domain": pivot["domain"],
            "context": pivot["context"],
            "measures": [measure["fieldName"] for measure in pivot["measures"]],
            "groupbys": [d["fieldName"] + (":" + d["granularity"] if d.get("granularity") else "") for d in dimensions],
        }
    for list_id, odoo_list in data["lists"].items():
        sources["list " + list_id] = {
            "model": odoo_list["model"],
            "domain": odoo_list["domain"],
            "context": odoo_list["context"],
            "measures": [],
            "groupbys": [],
            "columns": odoo_list["columns"],
            "order": ", ".join(
                "%s %s" % (order["name"], "asc" if order["asc"] else "desc") for order in odoo_list["orderBy"]
            ),
        }
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            chart = figure["data"]
            if figure["tag"] == "chart" and chart["type"].startswith("odoo_"):
                sources["chart " + figure["id"]] = {
                    "model": chart["metaData"]["resModel"],
                    "domain": chart["searchParams"]["domain"],
                    "context": chart["searchParams"]["context"],
                    "measures": [chart["metaData"]["measure"]],
                    "groupbys": chart["metaData"]["groupBy"],
                }
    return sources


class LocalDatetime(datetime.datetime):
    """A datetime of the web client's domains: ``to_utc()`` reads it in the user's time zone."""

    zone = pytz.utc

    def to_utc(self):
        return self.zone.localize(self.replace(tzinfo=None)).astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestSalesHeadDashboard(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("crm_sales_playbook.spreadsheet_dashboard_sales_head")
        cls.data = load_dashboard()
        cls.user_head.tz = "Europe/Moscow"

    # Helpers: a domain as the web client evaluates it, and what a report offers -------------------------------

    def evaluate(self, domain, user):
        """The domain's terms as the web client sends them for ``user``, now: a flat list of (field, op, value)."""
        if isinstance(domain, str):
            zone = type("Zone", (LocalDatetime,), {"zone": pytz.timezone(user.tz or "UTC")})
            names = {
                "context_today": lambda: fields.Date.context_today(user.with_context(tz=user.tz)),
                "datetime": SimpleNamespace(
                    datetime=zone, time=datetime.time, date=datetime.date, timedelta=datetime.timedelta
                ),
                "relativedelta": relativedelta,
                "uid": user.id,
            }
            domain = safe_eval(domain, names)
        normalized = expression.normalize_domain(domain)
        self.assertNotIn("|", normalized, "the figures' and the reports' filters are plain conjunctions")
        self.assertNotIn("!", normalized)
        return [
            (term[0], term[1], tuple(term[2]) if isinstance(term[2], list | tuple) else term[2])
            for term in normalized
            if term not in ("&", expression.TRUE_LEAF)
        ]

    def report(self, xmlid, filter_names, user):
        """What the report offers: model, domain with its filters, data context, measures and group-bys."""
        action = self.env.ref(xmlid)
        Model = self.env[action.res_model]
        context = safe_eval(action.context or "{}", {"uid": user.id, "active_id": False})
        search = etree.fromstring(Model.get_view(action.search_view_id.id, "search")["arch"])
        filters = {node.get("name"): node for node in search.iter("filter")}
        domain = self.evaluate(action.domain or "[]", user)
        for name in filter_names:
            self.assertIn(name, filters, f"{xmlid} has the search filter {name}")
            domain += self.evaluate(filters[name].get("domain"), user)
        measures = {"__count"} | set(context.get("pivot_measures", []))
        if context.get("graph_measure"):
            measures.add(context["graph_measure"])
        groupbys = set(context.get("pivot_row_groupby", []) + context.get("pivot_column_groupby", []))
        for node in filters.values():
            group_by = safe_eval(node.get("context") or "{}").get("group_by")
            groupbys.update([group_by] if isinstance(group_by, str) else group_by or [])
        views = {view.view_mode: view.view_id.id for view in action.view_ids}
        for view_type in set(action.view_mode.split(",")) & {"pivot", "graph"}:
            arch = etree.fromstring(Model.get_view(views.get(view_type), view_type)["arch"])
            for node in arch.iter("field"):
                if node.get("type") == "measure":
                    measures.add(node.get("name"))
                elif not node.get("invisible"):
                    groupbys.add(node.get("name") + (":" + node.get("interval") if node.get("interval") else ""))
        return {
            "model": action.res_model,
            "domain": domain,
            "context": {key: value for key, value in context.items() if not VIEW_KEYS.match(key)},
            "measures": measures,
            "groupbys": groupbys,
        }

    def read_source(self, source, user):
        """Read a data source as the dashboard does, as ``user``: a grouped read, or the list's rows."""
        Model = self.env[source["model"]].with_user(user).with_context(**source["context"])
        domain = self.evaluate(source["domain"], user)
        if "columns" in source:
            return Model.search_read(domain, source["columns"], limit=10, order=source["order"])
        aggregates = [m if m == "__count" else f"{m}:{Model._fields[m].aggregator}" for m in source["measures"]]
        return Model.read_group(domain, aggregates, source["groupbys"], lazy=False)

    # Tests ------------------------------------------------------------------------------------------------------

    def test_the_record_ships_the_file(self):
        """The dashboard in the database is the JSON of the addon, in the Dashboards app's own group."""
        self.assertEqual(json.loads(self.dashboard.spreadsheet_data), self.data)
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Sales Playbook")
        self.assertTrue(self.dashboard.is_published)

    def test_every_source_mirrors_its_report(self):
        """Each pivot, list and chart reads the model, domain, context, measures and group-bys of its report."""
        sources = data_sources(self.data)
        self.assertEqual(sorted(sources), sorted(MIRRORS), "every data source names the report it mirrors")
        with self.pinned_time(MON_1100_MSK):
            for key, source in sources.items():
                xmlid, filter_names = MIRRORS[key]
                with self.subTest(source=key, report=xmlid):
                    report = self.report(xmlid, filter_names, self.user_head)
                    self.assertEqual(source["model"], report["model"])
                    self.assertEqual(self.evaluate(source["domain"], self.user_head), report["domain"])
                    self.assertEqual(source["context"], report["context"])
                    self.assertLessEqual(set(source["measures"]), report["measures"])
                    self.assertLessEqual(set(source["groupbys"]), report["groupbys"])

    def test_time_windows_are_the_heads_days(self):
        """ "Today" and "this week" are the sales head's days in his time zone, Moscow, not UTC days."""
        with self.pinned_time(MON_1100_MSK):
            calls = self.evaluate(data_sources(self.data)["pivot 2"]["domain"], self.user_head)
            week = self.evaluate(
                data_sources(self.data)["chart 8cdc7073-b521-51b6-8e9e-c2d5a0612a72"]["domain"], self.user_head
            )
        self.assertEqual(
            calls,
            [
                ("date", ">=", datetime.datetime(2026, 11, 22, 21, 0)),
                ("date", "<", datetime.datetime(2026, 11, 23, 21)),
            ],
        )
        self.assertEqual(week[1], ("create_date", ">=", datetime.datetime(2026, 11, 22, 21, 0)), "Monday 00:00 MSK")

    def test_sources_read_as_the_sales_head_and_the_admin(self):
        """The sales head and the CRM administrator read every figure: no access error on any model or field."""
        sources = data_sources(self.data)
        with self.pinned_time(MON_1100_MSK):
            for user in (self.user_head, self.user_admin):
                for key, source in sources.items():
                    with self.subTest(user=user.login, source=key):
                        self.read_source(source, user)

    def test_figures_count_the_right_records(self):
        """The hot lead past its deadline counts, the warm one and the hot one still in time do not; today's call
        counts, yesterday evening's in Moscow does not."""
        with self.pinned_time(datetime.datetime(2026, 11, 20, 14, 0)):  # Friday 17:00 in Moscow
            late = self.create_lead(name="Hot and late", temperature="hot", team_id=self.team_b.id)
            self.create_lead(name="Warm", temperature="warm", team_id=self.team_b.id)
        with self.pinned_time(datetime.datetime(2026, 11, 23, 7, 0)):
            self.create_lead(name="Hot in time", temperature="hot", team_id=self.team_b.id)
        with self.pinned_time(datetime.datetime(2026, 11, 23, 7, 30)):
            for when in (datetime.datetime(2026, 11, 22, 20, 30), datetime.datetime(2026, 11, 23, 7, 30)):
                self.env["crm.lead.call"].create({"lead_id": late.id, "result": "no_answer", "date": when})
        sources = data_sources(self.data)
        with self.pinned_time(MON_1200_MSK):
            [hot] = self.read_source(sources["pivot 1"], self.user_admin)
            rows = self.read_source(sources["list 1"], self.user_admin)
            [calls] = self.read_source(sources["pivot 2"], self.user_admin)
        self.assertEqual(hot["__count"], 1)
        self.assertEqual([row["name"] for row in rows], ["Hot and late"])
        self.assertEqual(calls["__count"], 1, "the call at 23:30 on Sunday in Moscow was yesterday")

    def test_formulas_and_charts_point_at_defined_sources(self):
        """Every ODOO.LIST, PIVOT.VALUE and PIVOT.HEADER names a defined source and one of its fields; every chart
        range names a sheet of the dashboard."""
        sheets = {sheet["name"] for sheet in self.data["sheets"]}
        contents = [cell.get("content", "") for sheet in self.data["sheets"] for cell in sheet["cells"].values()]
        formulas = 0
        for content in contents:
            for list_id, _row, field in re.findall(r'ODOO\.LIST\((\d+),(\d+),"(\w+)"\)', content):
                self.assertIn(field, self.data["lists"][list_id]["columns"])
                formulas += 1
            for pivot_id, measure in re.findall(r'PIVOT\.VALUE\((\d+),"(\w+)"', content):
                self.assertIn(measure, [m["fieldName"] for m in self.data["pivots"][pivot_id]["measures"]])
                formulas += 1
            for pivot_id, field in re.findall(r'PIVOT\.HEADER\((\d+),"#(\w+)"', content):
                self.assertIn(field, [row["fieldName"] for row in self.data["pivots"][pivot_id]["rows"]])
                formulas += 1
            for sheet in re.findall(r"(\w+)!", content):
                self.assertIn(sheet, sheets)
        self.assertEqual(formulas, 135)
        for sheet in self.data["sheets"]:
            for figure in sheet["figures"]:
                chart = figure["data"]
                ranges = [chart.get("keyValue"), chart.get("labelRange")]
                ranges += [dataset["dataRange"] for dataset in chart.get("dataSets", [])]
                for cell_range in filter(None, ranges):
                    self.assertIn(cell_range.split("!")[0], sheets)

    def test_the_sales_head_and_admins_see_it_others_do_not(self):
        """The Dashboards app lists it for the sales head and the CRM administrator only."""
        Dashboard = self.env["spreadsheet.dashboard"]
        for user, visible in (
            (self.user_head, True),
            (self.user_admin, True),
            (self.user_support, True),  # the support implies the sales head
            (self.user_salesperson, False),
            (self.user_operator, False),
            (self.user_legal, False),
        ):
            with self.subTest(user=user.login):
                found = Dashboard.with_user(user).search([("id", "=", self.dashboard.id)])
                self.assertEqual(bool(found), visible)
        snapshot = self.dashboard.with_user(self.user_head).get_readonly_dashboard()["snapshot"]
        self.assertEqual(snapshot["pivots"], self.data["pivots"])

    def test_name_in_russian(self):
        """The dashboard's name, its group and the texts of its cells and charts read in Russian."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        ru = self.env(context=dict(self.env.context, lang="ru_RU"))
        self.assertEqual(self.dashboard.with_env(ru).name, "Руководитель продаж")
        self.assertEqual(self.dashboard.dashboard_group_id.with_env(ru).name, "Регламент продаж")
        # The cells' _t() and the chart titles are translated in the browser, from the web catalogue of the addon.
        messages = code_translations.get_web_translations("crm_sales_playbook", "ru_RU")["messages"]
        web = {message["id"]: message["string"] for message in messages}
        self.assertEqual(web["Calls today"], "Звонки за сегодня")
        self.assertEqual(web["Hot Leads Past Their Deadline"], "Горячие ПП с пропущенным сроком реакции")
