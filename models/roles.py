"""The roles of the sales playbook (X-SEC): their groups, and the fields only business methods write.

Every role question is answered by one predicate on ``res.users`` (``models/res_users.py``); the code asks
``self.env.user._playbook_is_support()`` and never reads a group itself. A check made for the user who acts
is written ``self.env.su or self.env.user._playbook_is_...()``: the system acting for itself (a cron, data
loading, a business method that already checked) passes.
"""

from odoo.exceptions import AccessError, UserError

OPERATOR = "crm_sales_playbook.group_crm_sales_playbook_operator"
SALESPERSON = "crm_sales_playbook.group_crm_sales_playbook_salesperson"
REGULAR_MANAGER = "crm_sales_playbook.group_crm_sales_playbook_regular_manager"
HEAD = "crm_sales_playbook.group_crm_sales_playbook_head"
LEGAL = "crm_sales_playbook.group_crm_sales_playbook_legal"
SUPPORT = "crm_sales_playbook.group_crm_sales_playbook_support"
EXECUTION = "crm_sales_playbook.group_crm_sales_playbook_execution"
EXECUTION_HEAD = "crm_sales_playbook.group_crm_sales_playbook_execution_head"
CRM_USER = "sales_team.group_sale_salesman"
CRM_ADMIN = "sales_team.group_sale_manager"


def refuse_workflow_writes(records, vals, buttons, create=False):
    """Refuse a user's direct write of workflow state: only its business method writes it (house style).

    ``buttons`` maps each protected field to the button (or step) that sets it. The business methods
    write these fields with ``sudo()`` after checking the user's right, so a write that is not made as
    superuser comes from a user or an integration, and is refused naming the field and the button.
    On ``create`` a form sends every field it shows: an empty value or the field's default is let through.
    """
    if records.env.su:
        return
    for name in sorted(set(vals) & set(buttons)):
        if create and (not vals[name] or vals[name] == records.default_get([name]).get(name)):
            continue
        field = records._fields[name]
        raise UserError(
            records.env._(
                "%(field)s of %(model)s is set by the playbook, not by hand: %(button)s.",
                field=field._description_string(records.env),
                model=records._description,
                button=buttons[name],
            )
        )


def check_allowed_companies(env, companies, what):
    """Refuse to act in a company the user has not selected (``env.companies``), naming the record."""
    if env.su:
        return
    outside = companies - env.companies
    if outside:
        raise AccessError(
            env._(
                "%(what)s belongs to %(company)s, outside the companies you work in: switch company first.",
                what=what,
                company=", ".join(outside.mapped("display_name")),
            )
        )
