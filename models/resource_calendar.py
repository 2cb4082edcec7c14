"""The working calendar of the playbook's teams: public holidays loaded from the PyPI package ``holidays``."""

from datetime import time, timedelta

from odoo import models
from odoo.exceptions import UserError

from . import working_time


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _playbook_load_holidays(self, country, year):
        """Add the country's holidays of ``year`` as whole-day leaves; days already off are skipped.

        ``country`` is a res.country record or id (data files call this with an id).
        """
        self.ensure_one()
        if isinstance(country, int):
            country = self.env["res.country"].browse(country)
        if not 1990 <= year <= 2100:
            raise UserError(self.env._("Choose a year between 1990 and 2100."))
        language = "ru" if (self.env.lang or "").startswith("ru") else "en_US"
        days = self.env["resource.calendar.holidays"]._holidays_of(country, year, language=language)
        zone = working_time.zone(self.tz)

        first, last = min(days, default=None), max(days, default=None)
        if first is None:
            return self.env["resource.calendar.leaves"]
        existing = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", self.id),
                ("resource_id", "=", False),
                ("date_from", "<", working_time.day_start_utc(zone, last + timedelta(days=1))),
                ("date_to", ">", working_time.day_start_utc(zone, first)),
            ]
        )
        taken = set()
        for leave in existing:
            start = working_time.local_day(leave.date_from, zone)
            # A leave that ends at midnight does not take the next day.
            stop = working_time.local_day(leave.date_to - timedelta(seconds=1), zone)
            taken.update(start + timedelta(days=offset) for offset in range((stop - start).days + 1))
        return self.env["resource.calendar.leaves"].create(
            [
                {
                    "name": name,
                    "calendar_id": self.id,
                    "time_type": "leave",
                    "date_from": working_time.day_start_utc(zone, day),
                    "date_to": working_time.day_start_utc(zone, day, time(23, 59, 59)),
                }
                for day, name in days.items()
                if day not in taken
            ]
        )
