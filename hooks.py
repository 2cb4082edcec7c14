def link_invoices_to_leads(cr):
    """Give the customer invoices already posted the lead of the orders they bill, and its channel.

    The sales head's report counts invoices by the origin of their lead (ST-12); invoices posted
    before the addon was installed or upgraded would otherwise count as "Other".
    """
    cr.execute(
        """
        UPDATE account_move move
           SET playbook_lead_id = linked.lead_id
          FROM (SELECT line.move_id, min(sale_order.opportunity_id) AS lead_id
                  FROM account_move_line line
                  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = line.id
                  JOIN sale_order_line ON sale_order_line.id = rel.order_line_id
                  JOIN sale_order ON sale_order.id = sale_order_line.order_id
                 WHERE sale_order.opportunity_id IS NOT NULL
                 GROUP BY line.move_id) linked
         WHERE linked.move_id = move.id AND move.playbook_lead_id IS NULL
           AND move.move_type IN ('out_invoice', 'out_refund') AND move.state = 'posted'
        """
    )
    cr.execute(
        """
        UPDATE account_move move SET playbook_channel = lead.channel
          FROM crm_lead lead
         WHERE lead.id = move.playbook_lead_id AND move.playbook_channel IS DISTINCT FROM lead.channel
        """
    )


def post_init_hook(env):
    """Give the leads that existed before the install their playbook dates.

    Computing the new fields at install time would date every open lead "now";
    the best record of the past is Odoo's own assignment and stage-change dates.
    Leads created during the install (demo data) keep what they got.
    """
    env.cr.execute(
        """
        UPDATE crm_lead
           SET date_received = COALESCE(date_open, create_date)
         WHERE team_id IS NOT NULL AND create_date < NOW()
        """
    )
    env.cr.execute(
        """
        UPDATE crm_lead
           SET date_in_work = COALESCE(date_last_stage_update, date_open, create_date)
         WHERE date_in_work IS NOT NULL AND create_date < NOW()
        """
    )
    # The teams already know the leads they had before the install: no alert or digest for them.
    env.cr.execute("UPDATE crm_lead SET playbook_announced = TRUE WHERE create_date < NOW()")
    env["crm.lead"].invalidate_model(["date_received", "date_in_work", "playbook_announced"])
    link_invoices_to_leads(env.cr)
    env["account.move"].invalidate_model(["playbook_lead_id", "playbook_channel"])
