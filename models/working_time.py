"""Working time and time zones (PP-3, PP-12, LG-4, ST-2): the one place where the playbook counts time.

Pure functions on a ``resource.calendar`` and a time zone, on the naive UTC datetimes Odoo stores. Which
calendar and zone a team works in is answered by one method, ``crm.team._playbook_working_time()``; every
deadline, working day, local hour and date shown to a user is computed here from that answer.
"""

from datetime import datetime, time, timedelta

import pytz
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_location

from odoo.tools.misc import babel_locale_parse

UTC = pytz.utc
LOCAL_PATTERN = "yyyy-MM-dd HH:mm"


def zone(*names):
    """The first of the time zone names given that is set, else UTC."""
    return pytz.timezone(next((name for name in names if name), "UTC"))


def minute_up(moment):
    """A naive datetime rounded up to its next whole minute (itself when whole)."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def to_local(moment, tz):
    """A naive UTC datetime as an aware datetime of the zone ``tz``."""
    return UTC.localize(moment).astimezone(tz)


def to_utc(local):
    """An aware datetime as the naive UTC datetime Odoo stores."""
    return local.astimezone(UTC).replace(tzinfo=None)


def local_day(moment, tz):
    """The day in zone ``tz`` of a naive UTC moment."""
    return to_local(moment, tz).date()


def local_hour(moment, tz):
    """The hour of the day in zone ``tz`` of a naive UTC moment, as a float (9:30 is 9.5)."""
    local = to_local(moment, tz)
    return local.hour + local.minute / 60


def day_start_utc(tz, day, at=time.min):
    """The moment ``at`` of ``day`` in zone ``tz`` as a naive UTC datetime."""
    return to_utc(tz.localize(datetime.combine(day, at)))


def at_hour_utc(tz, day, hours):
    """The moment ``hours`` (a float, 17.5 is 17:30) after the start of ``day`` in zone ``tz``, naive UTC."""
    return to_utc(tz.localize(datetime.combine(day, time.min) + timedelta(hours=hours)))


def add_calendar_days(start, days):
    """``days`` calendar days after ``start``: nights, weekends and holidays count (warm and cold leads)."""
    return start + timedelta(days=days)


def work_intervals(calendar, tz, first, last, seconds):
    """The working intervals of ``calendar`` in zone ``tz``, public holidays removed, from the day of ``first``
    on and long enough to count ``seconds`` of working time from any start between ``first`` and ``last`` (naive
    UTC). One read of the calendar serves a whole batch of starts, and every batch of the day."""
    # Whole days (UTC midnight to midnight): every request of a day reads the same window, which the calendar
    # keeps in its cache (``resource.calendar._playbook_work_intervals``).
    start = UTC.localize(datetime.combine(first.date(), time.min))
    latest = UTC.localize(last)
    # A few days cover a weekend after the last start; a longer holiday makes the loop read further (x5 each time).
    span = timedelta(days=4 + int(seconds // (8 * 3600)) * 2)
    end = UTC.localize(datetime.combine((last + span).date() + timedelta(days=1), time.min))
    while True:
        intervals = calendar._playbook_work_intervals(tz, start, end)
        available = sum((stop - max(begin, latest)).total_seconds() for begin, stop in intervals if stop > latest)
        if available >= seconds or end - start > timedelta(days=3650):
            return intervals
        end += span * 4


def plan(intervals, start, seconds):
    """The moment ``seconds`` of working time after ``start`` (naive UTC) on ``intervals``, or False."""
    begin_at = UTC.localize(start)
    remaining = seconds
    for begin, stop in intervals:
        if stop <= begin_at:
            continue
        counted_from = max(begin, begin_at)
        available = (stop - counted_from).total_seconds()
        if remaining <= available:
            return to_utc(counted_from + timedelta(seconds=remaining))
        remaining -= available
    return False


def add_working_time(calendar, tz, start, seconds):
    """``seconds`` of working time after ``start`` (naive UTC) on ``calendar`` in zone ``tz``, holidays off.

    Without a calendar, or when the calendar has no working time for years, clock time counts.
    """
    if not calendar:
        return start + timedelta(seconds=seconds)
    return plan(work_intervals(calendar, tz, start, start, seconds), start, seconds) or start + timedelta(
        seconds=seconds
    )


def working_days(calendar, tz, date_from, date_to):
    """The days from ``date_from`` to ``date_to`` with working hours on ``calendar`` in zone ``tz``, holidays
    off. Without a calendar every day works."""
    if date_to < date_from:
        return []
    if not calendar:
        return [date_from + timedelta(days=offset) for offset in range((date_to - date_from).days + 1)]
    start = tz.localize(datetime.combine(date_from, time.min))
    stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
    intervals = calendar._work_intervals_batch(start, stop, tz=tz)[False]
    return sorted({begin.astimezone(tz).date() for begin, _stop, _meta in intervals})


def next_working_day(calendar, tz, day, within=31):
    """The first working day on or after ``day``, looking ``within`` days ahead, or None."""
    days = working_days(calendar, tz, day, day + timedelta(days=within))
    return days[0] if days else None


def previous_working_day(calendar, tz, day, within=15):
    """The last working day before ``day``, looking ``within`` days back, else the day before."""
    days = working_days(calendar, tz, day - timedelta(days=within), day - timedelta(days=1))
    return days[-1] if days else day - timedelta(days=1)


def is_working_at(calendar, tz, moment):
    """Whether the naive UTC ``moment`` falls in the working time of ``calendar`` (always, without one)."""
    if not calendar:
        return True
    start = UTC.localize(moment)
    return bool(calendar._work_intervals_batch(start, start + timedelta(minutes=1), tz=tz)[False])


def zone_offset(tz, moment=None):
    """The UTC offset of zone ``tz`` at the naive UTC ``moment`` (now without one): "UTC+3", "UTC-4:30", "UTC"."""
    local = to_local(moment or datetime.now(UTC).replace(tzinfo=None), tz)
    minutes = int(local.utcoffset().total_seconds() // 60)
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return "UTC%s%d%s" % ("+" if minutes > 0 else "-", hours, ":%02d" % rest if rest else "")


def zone_label(tz, env=None, moment=None):
    """A time zone as people name it, never its raw name "Europe/Moscow": the city of the zone in the user's
    language (the names babel knows, for any zone) and its UTC offset at ``moment``, e.g. "Moscow time (UTC+3)",
    «по времени г. Москва (UTC+3)». A zone without a city (UTC, Etc/GMT-3) is its offset alone."""
    offset = zone_offset(tz, moment)
    if "/" not in tz.zone or tz.zone.startswith("Etc/"):
        return offset
    locale = babel_locale_parse(env and env.lang or "en_US")
    city = get_timezone_location(tz, locale=locale, return_city=True)
    if env is None:
        return "%s time (%s)" % (city, offset)
    return env._("%(city)s time (%(offset)s)", city=city, offset=offset)


def format_local(value, tz, env=None):
    """A naive UTC datetime in the team's zone, to the minute, with the zone named for people:
    "2026-11-23 11:00, Moscow time (UTC+3)" (``env`` gives the user's language)."""
    if not value:
        return False
    return "%s, %s" % (
        babel_format_datetime(to_local(value, tz), LOCAL_PATTERN, locale="en_US"),
        zone_label(tz, env, value),
    )


def time_left_texts(env):
    """The countdown's words in the user's language, looked up once for a whole list of records."""
    return {
        "days": env._("%(days)s d"),
        "hours": env._("%(hours)s h"),
        "minutes": env._("%(minutes)s min"),
        "late": env._("late by %(time)s"),
        "left": env._("%(time)s left"),
    }


def format_time_left(env, left, texts=None):
    """A countdown such as "2 h 15 min left" or "late by 1 d 3 h", in the user's language.

    ``texts``: ``time_left_texts(env)``, to translate once for many records."""
    texts = texts or time_left_texts(env)
    minutes = int(abs(left.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = (
        ([texts["days"] % {"days": days}] if days else [])
        + ([texts["hours"] % {"hours": hours}] if hours else [])
        + ([texts["minutes"] % {"minutes": minutes}] if minutes or not (days or hours) else [])
    )
    text = " ".join(parts[:2])
    return texts["late" if left.total_seconds() < 0 else "left"] % {"time": text}
