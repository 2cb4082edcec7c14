from datetime import datetime

import holidays
import pytz

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestPublicHolidays(PlaybookCase):
    """Loading a country's public holidays into a working calendar from the PyPI package ``holidays``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create({"name": "Moscow 9-18", "tz": "Europe/Moscow"})
        # Working calendars are the settings administrator's: so is loading their holidays.
        cls.user_system = new_test_user(cls.env, login="pb_system", groups="base.group_system")

    def leaves(self):
        return self.env["resource.calendar.leaves"].search([("calendar_id", "=", self.calendar.id)], order="date_from")

    def load(self, year=2026, country="base.ru"):
        form = Form(
            self.env["resource.calendar.holidays"]
            .with_user(self.user_system)
            .with_context(active_model="resource.calendar", active_id=self.calendar.id)
        )
        form.country_id = self.env.ref(country)
        form.year = year
        return form.save().action_load()

    def test_russian_holidays_with_days_off_moved_by_decree(self):
        action = self.load()
        leaves = self.leaves()
        days = leaves.mapped("date_from")
        self.assertIn(datetime(2025, 12, 31, 21, 0), days, "1 January, from midnight in Moscow")
        self.assertIn(datetime(2026, 11, 3, 21, 0), days, "4 November, Unity Day")
        self.assertIn(datetime(2026, 1, 8, 21, 0), days, "9 January: the day off moved from 3 January")
        self.assertIn(datetime(2026, 12, 30, 21, 0), days, "31 December: the day off moved from 4 January")
        unity = leaves.filtered(lambda leave: leave.date_from == datetime(2026, 11, 3, 21, 0))
        self.assertEqual(unity.date_to, datetime(2026, 11, 4, 20, 59, 59))
        self.assertEqual(action["params"]["message"], "%s public holidays of 2026 added to Moscow 9-18." % len(leaves))
        # The team calendar now has no working time on 4 November.
        zone = pytz.timezone("Europe/Moscow")
        intervals = self.calendar._work_intervals_batch(
            zone.localize(datetime(2026, 11, 4)), zone.localize(datetime(2026, 11, 5))
        )[False]
        self.assertFalse(list(intervals))
        intervals = self.calendar._work_intervals_batch(
            zone.localize(datetime(2026, 11, 5)), zone.localize(datetime(2026, 11, 6))
        )[False]
        self.assertTrue(list(intervals), "5 November is a working day")

    def test_loading_twice_adds_nothing_and_keeps_days_off_set_by_hand(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Company day off",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 3, 21, 0),
                "date_to": datetime(2026, 11, 4, 21, 0),
            }
        )
        self.load()
        count = len(self.leaves())
        self.assertEqual(
            self.leaves().filtered(lambda leave: leave.date_from == datetime(2026, 11, 3, 21, 0)).name,
            "Company day off",
        )
        self.load()
        self.assertEqual(len(self.leaves()), count, "no duplicates")
        self.assertFalse(
            self.leaves().filtered(lambda leave: leave.date_from == datetime(2026, 11, 4, 21, 0)),
            "a leave ending at midnight does not take the next day",
        )

    def test_names_in_the_users_language_and_bad_input(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.calendar.with_context(lang="ru_RU")._playbook_load_holidays(self.env.ref("base.ru"), 2026)
        self.assertIn("День народного единства", self.leaves().mapped("name"))
        with self.assertRaisesRegex(UserError, "between 1990 and 2100"):
            self.load(year=3000)
        self.assertIn("RU", holidays.list_supported_countries())
        unknown = self.env["res.country"].create({"name": "Neverland", "code": "QQ"})
        with self.assertRaisesRegex(UserError, "No public holidays are known for Neverland"):
            self.calendar._playbook_load_holidays(unknown, 2026)
        with self.assertRaises(AccessError):
            self.env["resource.calendar.holidays"].with_user(self.user_admin).create(
                {"calendar_id": self.calendar.id, "country_id": self.env.ref("base.ru").id}
            )
