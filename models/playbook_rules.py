"""The rules of the sales playbook that are plain data: deal types, statuses, channels, steps (PP, EV).

No Odoo import here: models, wizards, reports and the checks without Odoo read these tables, so that each
rule is written once.
"""

TEMPERATURES = [("hot", "Hot"), ("warm", "Warm"), ("cold", "Cold")]

DEAL_TYPES = [
    ("connection", "Connection"),
    ("renewal", "Renewal"),
    ("upsell", "Upsell"),
    ("service", "Service"),
    ("activation", "Activation"),
]

# What each deal type demands (PP-5). Every rule that depends on the deal type
# reads this table through ``_playbook_deal_type_rule``, so the types are described
# in one place only. "paid_period": the client's paid period of the product the type continues (4.1.2, 4.1.3):
# "recent" running or ended within the new-sale months, "active" running today.
DEAL_TYPE_RULES = {
    "connection": {
        "needs_product": True,
        "needs_invoice": True,
        "opens_reservation": True,
        "closes_with_comment": False,
        "new_sale_only": True,
        "paid_period": False,
    },
    "renewal": {
        "needs_product": True,
        "needs_invoice": True,
        "opens_reservation": False,
        "closes_with_comment": False,
        "new_sale_only": False,
        "paid_period": "recent",
    },
    "upsell": {
        "needs_product": True,
        "needs_invoice": True,
        "opens_reservation": False,
        "closes_with_comment": False,
        "new_sale_only": False,
        "paid_period": "active",
    },
    "service": {
        "needs_product": False,
        "needs_invoice": False,
        "opens_reservation": False,
        "closes_with_comment": True,
        "new_sale_only": False,
        "paid_period": False,
    },
    "activation": {
        "needs_product": False,
        "needs_invoice": False,
        "opens_reservation": False,
        "closes_with_comment": True,
        "new_sale_only": False,
        "paid_period": False,
    },
}
NO_DEAL_TYPE_RULE = dict.fromkeys(DEAL_TYPE_RULES["connection"], False)

WORK_STATUSES = [
    ("new", "New"),
    ("in_work", "In Work"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("blocked", "Blocked"),
]

CHANNELS = [
    ("inbound_call", "Inbound Call"),
    ("email", "Email"),
    ("web_form", "Web Form"),
    ("online_chat", "Online Chat"),
    ("outbound_call", "Outbound Call"),
    ("agent_notice", "Sales Agent Notice"),
]

TEMPERATURE_RANK = {"cold": 1, "warm": 2, "hot": 3}
# A lead created in work came from a conversation: the conversation was the contact (PP-14).
LIVE_CHANNELS = ("inbound_call", "outbound_call", "online_chat")
# Fields whose change may move a lead between work statuses.
STATUS_FIELDS = {"stage_id", "active", "probability", "lost_reason_id"}
# The next steps each step of the sale allows (EV-5); a refusal is always allowed on an open lead (EV-4).
NEXT_STEPS = {
    False: (),
    "contact": ("proposal", "meeting", "order"),
    "proposal": ("meeting", "order"),
    "meeting": ("order",),
    "order": ("order",),
}
# Fields the system may still write on a blocked lead.
BLOCKED_WRITABLE = {"blocking_reservation_id", "message_main_attachment_id"}

# Stored dates shown again as text in the team's time zone.
TEAM_TZ_DATES = {
    "create_date": "create_date_team_tz",
    "date_received": "date_received_team_tz",
    "date_in_work": "date_in_work_team_tz",
    "postponed_until": "postponed_until_team_tz",
    "date_closed": "date_closed_team_tz",
    "sla_deadline": "sla_deadline_team_tz",
}
# Work statuses of a lead still open: new, in work, or blocked by another team's reservation.
OPEN_STATUSES = ("new", "in_work", "blocked")

# The request categories of the distributor standard (ST-16; 003, BP-1) and how each is routed: who handles it
# ("manager": the lead's salesperson, else the team leader; "specialist": the company's product specialist, else
# the team leader), within which company setting of working minutes, and whether it is urgent (hot, priority).
REQUEST_CATEGORIES = [
    ("long_order", "Long Order"),
    ("product_question", "Product Question from the Site"),
    ("urgent_order", "Urgent Order from the Site"),
]
REQUEST_CATEGORY_ROUTES = {
    "long_order": {"who": "manager", "minutes": "playbook_answer_minutes", "urgent": False},
    "product_question": {"who": "specialist", "minutes": "playbook_answer_minutes", "urgent": False},
    "urgent_order": {"who": "manager", "minutes": "playbook_busy_callback_minutes", "urgent": True},
}
URGENCIES = [("normal", "Not Urgent"), ("urgent", "Urgent")]
