"""Spreading leads over working days (PP-10), without the ORM so that the arithmetic is easy to read."""


def spread_over_days(warm, cold, days, users):
    """Plan warm and cold items over ``days`` x ``users``: {item: (day, user)}.

    Every (day, user) cell gets the same load, give or take one. Warm items fill the cells from the
    nearest day on, in the given order; cold items fill them from the last day back, so the first cold
    item lands on the earliest of the cold days. When there are fewer items than cells, the days in the
    middle stay free.
    """
    cells = [(day, user) for day in days for user in users]
    if not cells:
        return {}
    base, extra = divmod(len(warm) + len(cold), len(cells))
    load = [0] * len(cells)
    plan = {}

    def fill(items, order):
        nonlocal extra
        pending = list(items)
        for index in order:
            if not pending:
                break
            room = (base + 1 if extra or load[index] > base else base) - load[index]
            taken, pending = pending[:room], pending[room:]
            if load[index] <= base < load[index] + len(taken):
                extra -= 1
            load[index] += len(taken)
            for item in taken:
                plan[item] = cells[index]
        return pending

    fill(warm, range(len(cells)))
    cold_last_first = list(reversed(cold))
    fill(cold_last_first, reversed(range(len(cells))))
    return plan
