"""Fill a working calendar's leaves with a country's public holidays from the PyPI package ``holidays``."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.notifications import notify_and_close

try:
    import holidays as holidays_lib
except ImportError:  # declared in the manifest: Odoo refuses to install the addon without it
    holidays_lib = None


class ResourceCalendarHolidays(models.TransientModel):
    """Load the public holidays of a country and year into a working calendar, without duplicates."""

    _name = "resource.calendar.holidays"
    _description = "Load Public Holidays"

    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        required=True,
        default=lambda self: (
            self.env.context.get("active_id") if self.env.context.get("active_model") == "resource.calendar" else False
        ),
    )
    country_id = fields.Many2one(
        "res.country", required=True, default=lambda self: self.env.company.country_id or self.env.ref("base.ru")
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    @api.model
    def _holidays_of(self, country, year, language=None):
        """{date: name} of a country's public holidays, days off moved by decree included."""
        if holidays_lib is None:
            raise UserError(self.env._('The Python package "holidays" is missing: pip install holidays.'))
        try:
            found = holidays_lib.country_holidays(country.code or "", years=year, language=language)
        except (NotImplementedError, KeyError, AttributeError) as error:
            raise UserError(
                self.env._("No public holidays are known for %(country)s.", country=country.name)
            ) from error
        return dict(sorted(found.items()))

    def action_load(self):
        self.ensure_one()
        created = self.calendar_id._playbook_load_holidays(self.country_id, self.year)
        return notify_and_close(
            self.env._(
                "%(count)s public holidays of %(year)s added to %(calendar)s.",
                count=len(created),
                year=self.year,
                calendar=self.calendar_id.name,
            ),
            kind="success" if created else "info",
        )
