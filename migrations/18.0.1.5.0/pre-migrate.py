"""18.0.1.5.0 narrows record rules (X-SEC): a logged call or follow-up is no longer visible to whoever created
it, and executors and approvers only read their orders, the approvers' rule on the addon's own group.

The rules are ``noupdate`` data, which an update never rewrites: they are removed here, and the update creates
them again from the security file.
"""

RULES = (
    "crm_lead_call_rule_own",
    "crm_lead_followup_rule_own",
    "sale_order_rule_execution",
    "sale_order_rule_approver",
    "sale_order_rule_execution_head",
)


def migrate(cr, version):
    cr.execute(
        """
        DELETE FROM ir_rule
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'crm_sales_playbook' AND model = 'ir.rule' AND name IN %s)
        """,
        [RULES],
    )
    cr.execute(
        "DELETE FROM ir_model_data WHERE module = 'crm_sales_playbook' AND model = 'ir.rule' AND name IN %s",
        [RULES],
    )
