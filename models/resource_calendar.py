"""The working calendar of the playbook's teams: public holidays loaded from the PyPI package ``holidays``, and
its working time kept per day window, since every request counts a deadline on it (PP-3, ST-2)."""

from datetime import time, timedelta

from odoo import api, models, tools
from odoo.exceptions import UserError

from . import working_time


def _forget_working_time(env):
    """The calendars' working time changed: every worker computes it anew (Odoo signals the cleared cache)."""
    env.registry.clear_cache()


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    @tools.ormcache("self.id", "tz.zone", "start", "end")
    def _playbook_work_intervals(self, tz, start, end):
        """The working intervals (begin, stop) of the calendar in zone ``tz``, public holidays off, from
        ``start`` to ``end`` (aware, UTC midnights). Kept per worker until a calendar, its hours or a holiday
        change: a web request then reads no calendar to plan its follow-ups and deadline."""
        self.ensure_one()
        calendar = self.sudo()  # sudo: a deadline counts every holiday of its calendar, whoever's request plans it
        found = calendar._work_intervals_batch(start, end, tz=tz)[False]
        return tuple((begin, stop) for begin, stop, _meta in found)

    def write(self, vals):
        _forget_working_time(self.env)
        return super().write(vals)

    def unlink(self):
        _forget_working_time(self.env)
        return super().unlink()

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


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        _forget_working_time(self.env)
        return super().create(vals_list)

    def write(self, vals):
        _forget_working_time(self.env)
        return super().write(vals)

    def unlink(self):
        _forget_working_time(self.env)
        return super().unlink()


class ResourceCalendarLeaves(models.Model):
    """A public holiday (a leave of no one in particular) changes the working time; a person's leave does not."""

    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        if any(not vals.get("resource_id") for vals in vals_list):
            _forget_working_time(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if "resource_id" in vals or not all(self.mapped("resource_id")):
            _forget_working_time(self.env)
        return super().write(vals)

    def unlink(self):
        if not all(self.mapped("resource_id")):
            _forget_working_time(self.env)
        return super().unlink()
