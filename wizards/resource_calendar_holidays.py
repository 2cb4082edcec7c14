"""Fill a working calendar's leaves with a country's public holidays from the PyPI package ``holidays``."""
from datetime import time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from ..models.dates import day_start_utc

try:
    import holidays as holidays_lib
except ImportError:  # declared in the manifest: Odoo refuses to install the addon without it
    holidays_lib = None


class ResourceCalendarHolidays(models.TransientModel):
    """Load the public holidays of a country and year into a working calendar, without duplicates."""

    _name = "resource.calendar.holidays"
    _description = "Load Public Holidays"

    calendar_id = fields.Many2one("resource.calendar", string="Working Calendar", required=True,
                                  default=lambda self: self.env.context.get("active_id")
                                  if self.env.context.get("active_model") == "resource.calendar" else False)
    country_id = fields.Many2one("res.country", required=True,
                                 default=lambda self: self.env.company.country_id or self.env.ref("base.ru"))
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    @api.model
    def _holidays_of(self, country, year, language=None):
        """{date: name} of a country's public holidays, days off moved by decree included."""
        if holidays_lib is None:
            raise UserError(self.env._("The Python package \"holidays\" is missing: pip install holidays."))
        try:
            found = holidays_lib.country_holidays(country.code or "", years=year, language=language)
        except (NotImplementedError, KeyError, AttributeError) as error:
            raise UserError(self.env._("No public holidays are known for %(country)s.",
                                       country=country.name)) from error
        return dict(sorted(found.items()))

    def action_load(self):
        self.ensure_one()
        created = self.calendar_id._playbook_load_holidays(self.country_id, self.year)
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {
                "type": "success" if created else "info",
                "message": self.env._("%(count)s public holidays of %(year)s added to %(calendar)s.",
                                      count=len(created), year=self.year, calendar=self.calendar_id.name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


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
        zone = pytz.timezone(self.tz or "UTC")

        first, last = min(days, default=None), max(days, default=None)
        if first is None:
            return self.env["resource.calendar.leaves"]
        existing = self.env["resource.calendar.leaves"].search([
            ("calendar_id", "=", self.id), ("resource_id", "=", False),
            ("date_from", "<", day_start_utc(zone, last + timedelta(days=1))),
            ("date_to", ">", day_start_utc(zone, first))])
        taken = set()
        for leave in existing:
            start = pytz.utc.localize(leave.date_from).astimezone(zone).date()
            # A leave that ends at midnight does not take the next day.
            stop = pytz.utc.localize(leave.date_to - timedelta(seconds=1)).astimezone(zone).date()
            taken.update(start + timedelta(days=offset) for offset in range((stop - start).days + 1))
        return self.env["resource.calendar.leaves"].create([{
            "name": name, "calendar_id": self.id, "time_type": "leave",
            "date_from": day_start_utc(zone, day), "date_to": day_start_utc(zone, day, time(23, 59, 59)),
        } for day, name in days.items() if day not in taken])
