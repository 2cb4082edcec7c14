import base64
import os
import unittest
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import PLAYBOOK

# Set PLAYBOOK_SCREENSHOTS to a folder to keep the screenshots the tours ask for (README's pictures).
SCREENSHOTS = os.environ.get("PLAYBOOK_SCREENSHOTS")
# The zone the tours run in: the tour users' and the browser's, whatever the machine's zone (the web client shows
# dates in the browser's zone), so that the times the tours read are the same everywhere.
TOUR_TZ = "Europe/Moscow"


@tagged("post_install", "-at_install")
class TestMainFlowTour(HttpCase):
    """The main flow in headless Chromium: the operator registers a call, the salesperson sees the hot lead
    with its red badge and countdown, logs the call, takes it into work and sends a proposal, the sales
    head opens the response-deadline report and a claim. A tour that cannot run fails: it is not skipped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.country_id = env.ref("base.ru")
        env.company.external_report_layout_id = env.ref("web.external_layout_standard")
        cls.operator = new_test_user(
            env, login="tour_operator", name="Tour Operator", groups=PLAYBOOK + "operator", tz=TOUR_TZ
        )
        cls.seller = new_test_user(
            env, login="tour_seller", name="Tour Seller", groups=PLAYBOOK + "salesperson", tz=TOUR_TZ
        )
        cls.head = new_test_user(env, login="tour_head", name="Tour Head", groups=PLAYBOOK + "head", tz=TOUR_TZ)
        cls.team = env["crm.team"].create(
            {
                "name": "Tour Team",
                "tz": TOUR_TZ,
                "user_id": cls.head.id,
                "playbook_guards": True,
                "company_id": env.company.id,
                "member_ids": [(6, 0, (cls.operator | cls.seller).ids)],
            }
        )
        # Every minute of the week is working time: the countdown runs whenever the test does.
        cls.team.resource_calendar_id = env["resource.calendar"].create(
            {
                "name": "Tour 24/7",
                "tz": TOUR_TZ,
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": str(day),
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        },
                    )
                    for day in range(7)
                ],
            }
        )
        cls.seller.sale_team_id = cls.team

    def run_tours(self, tours):
        """Run (url, tour, login) in order; return the screenshots the tours asked for, by name."""
        shots, futures = {}, []
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, stackTrace=None, **kw):  # pylint: disable=redefined-builtin
            text = str(browser._from_remoteobject(args[0])) if args else ""
            if text.startswith("playbook-screenshot:"):
                name = text.split(":", 1)[1]
                future = browser._websocket_send("Page.captureScreenshot", with_future=True)
                future.add_done_callback(lambda done: shots.__setitem__(name, base64.b64decode(done.result()["data"])))
                futures.append(future)
                return None
            return original(browser, type, args=args, stackTrace=stackTrace, **kw)

        original_navigate = ChromeBrowser.navigate_to

        def navigate_to(browser, url, wait_stop=False):
            if getattr(browser, "_playbook_tz", None) != TOUR_TZ:
                browser._websocket_request("Emulation.setTimezoneOverride", params={"timezoneId": TOUR_TZ})
                browser._playbook_tz = TOUR_TZ
            return original_navigate(browser, url, wait_stop=wait_stop)

        with (
            patch.object(ChromeBrowser, "_handle_console", handle_console),
            patch.object(ChromeBrowser, "navigate_to", navigate_to),
        ):
            for url, tour, login in tours:
                try:
                    self.start_tour(url, tour, login=login, timeout=180)
                except unittest.SkipTest as error:
                    self.fail("The tour %s could not run in a browser: %s" % (tour, error))
        for future in futures:
            future.result(timeout=30)
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            for name, png in shots.items():
                with open(os.path.join(SCREENSHOTS, name + ".png"), "wb") as file:
                    file.write(png)
        return shots

    def test_main_flow(self):
        claim = self.env["crm.customer.claim"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "UralStroy LLC", "is_company": True}).id,
                "team_id": self.team.id,
                "user_id": self.seller.id,
                "date": datetime.now() - timedelta(hours=20),
                "essence": "Two card readers of twelve do not read signature cards.",
                "client_demand": "Replace them this week.",
                "manager_proposal": "Replacement from stock.",
            }
        )
        # Last month's requests of two teams, so the sales head's report has something to compare.
        other = self.env["crm.team"].create({"name": "Tour Second Team", "company_id": self.env.company.id})
        month_ago = datetime.now() - timedelta(days=20)
        past = self.env["crm.lead"].create(
            [
                {
                    "name": "Earlier request %s" % index,
                    "type": "opportunity",
                    "user_id": self.seller.id,
                    "team_id": (self.team if index % 2 else other).id,
                    "date_received": month_ago,
                }
                for index in range(8)
            ]
        )
        self.env.flush_all()
        for lead, status in zip(
            past, ["met", "met", "met_late", "breached", "met", "breached", "met", "met"], strict=True
        ):
            self.env.cr.execute(
                "UPDATE crm_lead SET sla_status = %s, sla_met_rate = %s, sla_deadline = %s WHERE id = %s",
                [status, 100 if status == "met" else 0, month_ago + timedelta(hours=1), lead.id],
            )
        self.env.invalidate_all()
        shots = self.run_tours(
            [
                ("/odoo/crm", "crm_sales_playbook_operator_tour", "tour_operator"),
                ("/odoo/crm", "crm_sales_playbook_salesperson_tour", "tour_seller"),
                (
                    "/odoo/action-crm_sales_playbook.crm_lead_action_sla_report",
                    "crm_sales_playbook_head_tour",
                    "tour_head",
                ),
                ("/odoo/crm.customer.claim/%s" % claim.id, "crm_sales_playbook_claim_tour", "tour_head"),
            ]
        )
        self.assertEqual(set(shots), {"register_call", "kanban", "lead_form", "sla_report", "claim_form"})
        self.assertTrue(all(png.startswith(b"\x89PNG") for png in shots.values()))
        lead = self.env["crm.lead"].search([("name", "=", "How much is online reporting for 20 users?")])
        self.assertEqual(
            (lead.temperature, lead.user_id, lead.work_status, lead.stage_id),
            ("hot", self.seller, "in_work", self.env.ref("crm.stage_lead3")),
        )
        self.assertEqual(
            lead.proposal_ids.state
            if "proposal_ids" in lead._fields
            else self.env["crm.lead.proposal"].search([("lead_id", "=", lead.id)]).state,
            "sent",
        )
        self.assertEqual(self.env["crm.lead.call"].search([("lead_id", "=", lead.id)]).result, "reached")
