"""Days of a time zone as moments in UTC, the way Odoo stores datetimes."""
from datetime import datetime, time

import pytz


def day_start_utc(zone, day, at=time.min):
    """The moment ``at`` of ``day`` in ``zone`` as a naive UTC datetime."""
    return zone.localize(datetime.combine(day, at)).astimezone(pytz.utc).replace(tzinfo=None)
